//! Lowering a parsed FHIRPath expression to branches: linear paths from a
//! root, with type casts, filters and indexers, that the walker turns into
//! nested loops.
//!
//! The supported subset is what R4 SearchParameter expressions use: paths,
//! `|` unions, `as T`, `.as(T)`, `.ofType(T)`, `.where(...)` with
//! `resolve() is T`, `path = 'literal'` or `hasExtension('url')`,
//! `.extension('url')`, `.first()`, `[n]` and `%resource`. Anything else is
//! an [`Unsupported`] error naming the construct.

use crate::fhirpath::{BinaryOp, Expr};

/// The reason an expression cannot be compiled, as a message for the
/// generated list of unsupported expressions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

/// The starting point of a branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    /// A type name (`Patient`, `Resource`): the context, if it has that type.
    Type(String),
    /// The input collection: the context of the expression, or `$this`
    /// inside a `where`.
    Context,
    /// `%resource`: the resource being indexed.
    Resource,
}

/// One path of a union, from its root.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    pub root: Root,
    pub steps: Vec<Step>,
}

/// One step of a branch.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// A child element, by its FHIR name (`value` for `value[x]`).
    Field(String),
    /// A type cast (`as`, `ofType`): only values of that type go on.
    As(String),
    /// A filter on each value.
    Where(Predicate),
    /// The value at this position of the collection built so far.
    Index(usize),
}

/// A `where` condition on one value.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    /// `resolve() is Type`.
    ResolveIs(String),
    /// `path = 'literal'`: some value at the relative path has the literal
    /// as its text.
    Equals(Vec<Step>, String),
    /// `hasExtension('url')`.
    HasExtension(String),
}

/// Lowers `expr` to its branches.
///
/// # Errors
///
/// Returns [`Unsupported`] for a construct outside the subset in the module
/// documentation.
pub fn lower(expr: &Expr) -> Result<Vec<Branch>, Unsupported> {
    match expr {
        Expr::Member { target: None, name } => {
            let starts_upper = name.chars().next().is_some_and(|c| c.is_ascii_uppercase());
            if starts_upper {
                Ok(vec![Branch {
                    root: Root::Type(name.clone()),
                    steps: Vec::new(),
                }])
            } else {
                Ok(vec![Branch {
                    root: Root::Context,
                    steps: vec![Step::Field(name.clone())],
                }])
            }
        }
        Expr::Member {
            target: Some(target),
            name,
        } => Ok(append(lower(target)?, &[Step::Field(name.clone())])),
        Expr::This => Ok(vec![Branch {
            root: Root::Context,
            steps: Vec::new(),
        }]),
        Expr::Variable(name) if name == "resource" => Ok(vec![Branch {
            root: Root::Resource,
            steps: Vec::new(),
        }]),
        Expr::Binary {
            op: BinaryOp::Union,
            left,
            right,
        } => {
            let mut branches = lower(left)?;
            branches.extend(lower(right)?);
            Ok(branches)
        }
        Expr::As { operand, type_name } => {
            Ok(append(lower(operand)?, &[Step::As(type_name.clone())]))
        }
        Expr::Index { target, index } => {
            let Expr::Number(number) = index.as_ref() else {
                return Err(Unsupported(
                    "an indexer that is not a number literal".to_owned(),
                ));
            };
            let position = number.parse::<usize>().map_err(|_| {
                Unsupported(format!("the indexer `[{number}]` is not a whole number"))
            })?;
            single(lower(target)?, "[n]").map(|b| append(b, &[Step::Index(position)]))
        }
        Expr::Function { target, name, args } => {
            let base = match target {
                Some(target) => lower(target)?,
                None => vec![Branch {
                    root: Root::Context,
                    steps: Vec::new(),
                }],
            };
            lower_function(base, name, args)
        }
        other => Err(Unsupported(format!(
            "the expression `{}` is not a path",
            describe(other)
        ))),
    }
}

fn lower_function(
    base: Vec<Branch>,
    name: &str,
    args: &[Expr],
) -> Result<Vec<Branch>, Unsupported> {
    match (name, args) {
        ("where", [condition]) => Ok(append(base, &[Step::Where(lower_predicate(condition)?)])),
        (
            "as" | "ofType",
            [
                Expr::Member {
                    target: None,
                    name: type_name,
                },
            ],
        ) => Ok(append(base, &[Step::As(type_name.clone())])),
        ("extension", [Expr::String(url)]) => {
            let filter = Predicate::Equals(vec![Step::Field("url".to_owned())], url.clone());
            Ok(append(
                base,
                &[Step::Field("extension".to_owned()), Step::Where(filter)],
            ))
        }
        ("first", []) => single(base, "first()").map(|b| append(b, &[Step::Index(0)])),
        _ => Err(Unsupported(format!(
            "the function `{name}()` with {} argument(s) is not supported",
            args.len()
        ))),
    }
}

fn lower_predicate(condition: &Expr) -> Result<Predicate, Unsupported> {
    match condition {
        Expr::Is { operand, type_name } if is_resolve(operand) => {
            Ok(Predicate::ResolveIs(type_name.clone()))
        }
        Expr::Function {
            target: None,
            name,
            args,
        } if name == "hasExtension" => match args.as_slice() {
            [Expr::String(url)] => Ok(Predicate::HasExtension(url.clone())),
            _ => Err(Unsupported(
                "hasExtension() without a URL literal".to_owned(),
            )),
        },
        Expr::Binary {
            op: BinaryOp::Equal,
            left,
            right,
        } => {
            let (path, literal) = match (left.as_ref(), right.as_ref()) {
                (path, Expr::String(literal)) | (Expr::String(literal), path) => (path, literal),
                _ => {
                    return Err(Unsupported(
                        "an equality that does not compare with a string literal".to_owned(),
                    ));
                }
            };
            let [branch] = <[Branch; 1]>::try_from(lower(path)?)
                .map_err(|_| Unsupported("an equality on a union".to_owned()))?;
            let relative = branch.root == Root::Context
                && branch
                    .steps
                    .iter()
                    .all(|s| matches!(s, Step::Field(_) | Step::As(_)));
            if !relative {
                return Err(Unsupported(
                    "an equality on a path that is not a plain relative path".to_owned(),
                ));
            }
            Ok(Predicate::Equals(branch.steps, literal.clone()))
        }
        other => Err(Unsupported(format!(
            "the where() condition `{}`",
            describe(other)
        ))),
    }
}

fn is_resolve(expr: &Expr) -> bool {
    match expr {
        Expr::Function { target, name, args } => {
            name == "resolve"
                && args.is_empty()
                && target.as_deref().is_none_or(|t| *t == Expr::This)
        }
        _ => false,
    }
}

fn append(mut branches: Vec<Branch>, steps: &[Step]) -> Vec<Branch> {
    for branch in &mut branches {
        branch.steps.extend_from_slice(steps);
    }
    branches
}

/// Checks that a position-based step applies to one branch, because the
/// walker cannot number the values of a union across its branches.
fn single(branches: Vec<Branch>, construct: &str) -> Result<Vec<Branch>, Unsupported> {
    if branches.len() == 1 {
        Ok(branches)
    } else {
        Err(Unsupported(format!("{construct} on a union")))
    }
}

/// Describes an expression in a few words, for messages.
fn describe(expr: &Expr) -> String {
    match expr {
        Expr::Member { name, .. } => name.clone(),
        Expr::Function { name, .. } => format!("{name}()"),
        Expr::Index { .. } => "[...]".to_owned(),
        Expr::Binary { op, .. } => format!("{op:?}"),
        Expr::Is { type_name, .. } => format!("is {type_name}"),
        Expr::As { type_name, .. } => format!("as {type_name}"),
        Expr::String(text) => format!("'{text}'"),
        Expr::Number(text) => text.clone(),
        Expr::Boolean(value) => value.to_string(),
        Expr::Empty => "{}".to_owned(),
        Expr::Variable(name) => format!("%{name}"),
        Expr::This => "$this".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhirpath::parse;

    fn lowered(text: &str) -> Vec<Branch> {
        lower(&parse(text).unwrap()).unwrap()
    }

    fn field(name: &str) -> Step {
        Step::Field(name.to_owned())
    }

    #[test]
    fn union_gives_one_branch_per_side() {
        let branches = lowered("Observation.code | Observation.component.code");
        assert_eq!(branches.len(), 2);
        assert_eq!(branches[0].root, Root::Type("Observation".to_owned()));
        assert_eq!(branches[1].steps, vec![field("component"), field("code")]);
    }

    #[test]
    fn cast_forms_lower_alike() {
        let expected = vec![field("value"), Step::As("Quantity".to_owned())];
        assert_eq!(
            lowered("(Observation.value as Quantity)")[0].steps,
            expected
        );
        assert_eq!(lowered("Observation.value.as(Quantity)")[0].steps, expected);
        assert_eq!(
            lowered("Observation.value.ofType(Quantity)")[0].steps,
            expected
        );
    }

    #[test]
    fn extension_function_filters_by_url() {
        let branches = lowered("Patient.extension('http://x')");
        let filter = Predicate::Equals(vec![field("url")], "http://x".to_owned());
        assert_eq!(
            branches[0].steps,
            vec![field("extension"), Step::Where(filter)]
        );
    }

    #[test]
    fn relative_path_starts_at_context() {
        let branches = lowered("value.as(CodeableConcept)");
        assert_eq!(branches[0].root, Root::Context);
    }

    #[test]
    fn resolve_is_becomes_predicate() {
        let branches = lowered("Account.subject.where(resolve() is Patient)");
        assert_eq!(
            branches[0].steps[1],
            Step::Where(Predicate::ResolveIs("Patient".to_owned()))
        );
    }

    #[test]
    fn first_on_union_is_unsupported() {
        let expr = parse("(a | b).first()").unwrap();
        assert!(lower(&expr).is_err());
    }

    #[test]
    fn boolean_expression_is_unsupported() {
        let expr = parse("Patient.deceased.exists() and Patient.deceased != false").unwrap();
        let error = lower(&expr).unwrap_err();
        assert!(error.0.contains("And"), "{}", error.0);
    }
}
