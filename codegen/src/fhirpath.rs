//! A parser for FHIRPath expressions, as SearchParameter definitions use them.
//!
//! The parser reads the parts of the FHIRPath grammar that search parameter
//! expressions can use: terms, invocations, indexers, unions, type
//! operators, comparisons and the boolean operators, into an [`Expr`] tree. It does not evaluate anything:
//! the search extraction emitter decides which trees it can compile and
//! reports the others. Date, time and quantity literals, `$index`, `$total`
//! and the arithmetic operators are not part of the grammar read here, and
//! an expression that uses them is rejected with a [`ParseError`].

use std::fmt;

/// A parsed FHIRPath expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// An element or type name: `name` on its own, relative to the input
    /// collection, or `target.name`.
    Member {
        target: Option<Box<Expr>>,
        name: String,
    },
    /// A function call: `name(args)` on its own, or `target.name(args)`.
    Function {
        target: Option<Box<Expr>>,
        name: String,
        args: Vec<Expr>,
    },
    /// `target[index]`.
    Index { target: Box<Expr>, index: Box<Expr> },
    /// A binary operator such as `|`, `=`, `and`.
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `operand is Type`.
    Is {
        operand: Box<Expr>,
        type_name: String,
    },
    /// `operand as Type`.
    As {
        operand: Box<Expr>,
        type_name: String,
    },
    /// A string literal, with escapes resolved.
    String(String),
    /// A number literal, as written.
    Number(String),
    /// `true` or `false`.
    Boolean(bool),
    /// `{}`, the empty collection.
    Empty,
    /// An environment variable such as `%resource`, without the `%`.
    Variable(String),
    /// `$this`.
    This,
}

/// The binary operators of FHIRPath that the parser reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Union,
    Less,
    Greater,
    LessOrEqual,
    GreaterOrEqual,
    Equal,
    NotEqual,
    Equivalent,
    NotEquivalent,
    In,
    Contains,
    And,
    Or,
    Xor,
    Implies,
}

/// An expression that does not parse, with the byte offset where parsing
/// stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The byte offset in the expression.
    pub offset: usize,
    /// The description of the problem: the token expected or found.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for ParseError {}

/// Parses a FHIRPath expression.
///
/// # Errors
///
/// Returns a [`ParseError`] for text outside the grammar described in the
/// module documentation, including trailing input.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        tokens,
        position: 0,
        end: text.len(),
    };
    let expr = parser.expression(0)?;
    match parser.peek() {
        None => Ok(expr),
        Some(token) => Err(parser.error_at(token.offset, format!("unexpected {}", token.kind))),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum TokenKind {
    Identifier(String),
    String(String),
    Number(String),
    Variable(String),
    Special(String),
    Symbol(&'static str),
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenKind::Identifier(name) => write!(f, "identifier `{name}`"),
            TokenKind::String(text) => write!(f, "string '{text}'"),
            TokenKind::Number(text) => write!(f, "number {text}"),
            TokenKind::Variable(name) => write!(f, "variable %{name}"),
            TokenKind::Special(name) => write!(f, "${name}"),
            TokenKind::Symbol(symbol) => write!(f, "`{symbol}`"),
        }
    }
}

#[derive(Debug, Clone)]
struct Token {
    kind: TokenKind,
    offset: usize,
}

/// Symbols, longest first so that `<=` is not read as `<`.
const SYMBOLS: &[&str] = &[
    "!=", "!~", "<=", ">=", ".", "(", ")", "[", "]", "{", "}", ",", "|", "=", "~", "<", ">",
];

fn tokenize(text: &str) -> Result<Vec<Token>, ParseError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let kind = if c == b'\'' {
            let (value, next) = read_quoted(text, i, b'\'')?;
            i = next;
            TokenKind::String(value)
        } else if c == b'`' {
            let (value, next) = read_quoted(text, i, b'`')?;
            i = next;
            TokenKind::Identifier(value)
        } else if c.is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
            }
            TokenKind::Number(text[start..i].to_owned())
        } else if c == b'%' || c == b'$' {
            i += 1;
            let name = if bytes.get(i) == Some(&b'`') {
                let (value, next) = read_quoted(text, i, b'`')?;
                i = next;
                value
            } else {
                let name_start = i;
                while i < bytes.len() && is_identifier_byte(bytes[i]) {
                    i += 1;
                }
                text[name_start..i].to_owned()
            };
            if name.is_empty() {
                return Err(ParseError {
                    offset: start,
                    message: format!("expected a name after `{}`", c as char),
                });
            }
            if c == b'%' {
                TokenKind::Variable(name)
            } else {
                TokenKind::Special(name)
            }
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && is_identifier_byte(bytes[i]) {
                i += 1;
            }
            TokenKind::Identifier(text[start..i].to_owned())
        } else if let Some(symbol) = SYMBOLS.iter().find(|s| text[i..].starts_with(**s)) {
            i += symbol.len();
            TokenKind::Symbol(symbol)
        } else {
            let found = text[i..].chars().next().unwrap_or('?');
            return Err(ParseError {
                offset: i,
                message: format!("unexpected character `{found}`"),
            });
        };
        tokens.push(Token {
            kind,
            offset: start,
        });
    }
    Ok(tokens)
}

fn is_identifier_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Reads a string literal or a delimited identifier starting at the quote
/// at `start`, resolving escapes. Returns the value and the offset after the
/// closing quote.
fn read_quoted(text: &str, start: usize, quote: u8) -> Result<(String, usize), ParseError> {
    let mut value = String::new();
    let mut chars = text[start + 1..].char_indices();
    while let Some((offset, c)) = chars.next() {
        let at = start + 1 + offset;
        match c {
            '\\' => {
                let Some((_, escaped)) = chars.next() else {
                    break;
                };
                let resolved = match escaped {
                    't' => '\t',
                    'n' => '\n',
                    'r' => '\r',
                    'f' => '\u{c}',
                    'u' => {
                        let hex: String = chars.by_ref().take(4).map(|(_, h)| h).collect();
                        let code = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                        code.ok_or_else(|| ParseError {
                            offset: at,
                            message: format!("invalid escape `\\u{hex}`"),
                        })?
                    }
                    other => other,
                };
                value.push(resolved);
            }
            c if c as u32 == u32::from(quote) => return Ok((value, at + 1)),
            c => value.push(c),
        }
    }
    Err(ParseError {
        offset: start,
        message: "unterminated literal".to_owned(),
    })
}

struct Parser {
    tokens: Vec<Token>,
    position: usize,
    end: usize,
}

/// Binary operator levels from loosest to tightest, as FHIRPath orders them.
/// `is` and `as` bind tighter than all of these and are read in
/// [`Parser::type_expression`].
const LEVELS: &[&[(&str, BinaryOp)]] = &[
    &[("implies", BinaryOp::Implies)],
    &[("or", BinaryOp::Or), ("xor", BinaryOp::Xor)],
    &[("and", BinaryOp::And)],
    &[("in", BinaryOp::In), ("contains", BinaryOp::Contains)],
    &[
        ("=", BinaryOp::Equal),
        ("!=", BinaryOp::NotEqual),
        ("~", BinaryOp::Equivalent),
        ("!~", BinaryOp::NotEquivalent),
    ],
    &[
        ("<", BinaryOp::Less),
        (">", BinaryOp::Greater),
        ("<=", BinaryOp::LessOrEqual),
        (">=", BinaryOp::GreaterOrEqual),
    ],
    &[("|", BinaryOp::Union)],
];

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.position)
    }

    fn error_at(&self, offset: usize, message: String) -> ParseError {
        ParseError { offset, message }
    }

    fn offset(&self) -> usize {
        self.peek().map_or(self.end, |t| t.offset)
    }

    fn next_is_symbol(&self, symbol: &str) -> bool {
        matches!(self.peek(), Some(Token { kind: TokenKind::Symbol(s), .. }) if *s == symbol)
    }

    /// Checks whether the next token is the operator `word`, written as an
    /// identifier (`and`) or a symbol (`=`).
    fn next_is_operator(&self, word: &str) -> bool {
        match self.peek().map(|t| &t.kind) {
            Some(TokenKind::Symbol(s)) => *s == word,
            Some(TokenKind::Identifier(name)) => {
                name == word && word.chars().all(|c| c.is_ascii_alphabetic())
            }
            _ => false,
        }
    }

    fn expect_symbol(&mut self, symbol: &str) -> Result<(), ParseError> {
        if self.next_is_symbol(symbol) {
            self.position += 1;
            Ok(())
        } else {
            let found = self
                .peek()
                .map_or("the end".to_owned(), |t| t.kind.to_string());
            Err(self.error_at(self.offset(), format!("expected `{symbol}`, found {found}")))
        }
    }

    fn expression(&mut self, level: usize) -> Result<Expr, ParseError> {
        let Some(operators) = LEVELS.get(level) else {
            return self.type_expression();
        };
        let mut left = self.expression(level + 1)?;
        while let Some(&(_, op)) = operators
            .iter()
            .find(|(word, _)| self.next_is_operator(word))
        {
            self.position += 1;
            let right = self.expression(level + 1)?;
            left = Expr::Binary {
                op,
                left: Box::new(left),
                right: Box::new(right),
            };
        }
        Ok(left)
    }

    fn type_expression(&mut self) -> Result<Expr, ParseError> {
        let mut operand = self.postfix()?;
        loop {
            let is = self.next_is_operator("is");
            if !is && !self.next_is_operator("as") {
                return Ok(operand);
            }
            self.position += 1;
            let type_name = self.qualified_identifier()?;
            operand = if is {
                Expr::Is {
                    operand: Box::new(operand),
                    type_name,
                }
            } else {
                Expr::As {
                    operand: Box::new(operand),
                    type_name,
                }
            };
        }
    }

    /// Reads a type specifier: `Patient`, `FHIR.Patient`, `System.String`.
    fn qualified_identifier(&mut self) -> Result<String, ParseError> {
        let mut name = self.identifier()?;
        while self.next_is_symbol(".") {
            self.position += 1;
            name.push('.');
            name.push_str(&self.identifier()?);
        }
        Ok(name)
    }

    fn identifier(&mut self) -> Result<String, ParseError> {
        match self.peek().map(|t| t.kind.clone()) {
            Some(TokenKind::Identifier(name)) => {
                self.position += 1;
                Ok(name)
            }
            other => {
                let found = other.map_or("the end".to_owned(), |k| k.to_string());
                Err(self.error_at(
                    self.offset(),
                    format!("expected an identifier, found {found}"),
                ))
            }
        }
    }

    fn postfix(&mut self) -> Result<Expr, ParseError> {
        let mut expr = self.term()?;
        loop {
            if self.next_is_symbol(".") {
                self.position += 1;
                expr = self.invocation(Some(Box::new(expr)))?;
            } else if self.next_is_symbol("[") {
                self.position += 1;
                let index = self.expression(0)?;
                self.expect_symbol("]")?;
                expr = Expr::Index {
                    target: Box::new(expr),
                    index: Box::new(index),
                };
            } else {
                return Ok(expr);
            }
        }
    }

    fn term(&mut self) -> Result<Expr, ParseError> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.error_at(self.end, "expected an expression, found the end".to_owned()));
        };
        match token.kind {
            TokenKind::String(value) => {
                self.position += 1;
                Ok(Expr::String(value))
            }
            TokenKind::Number(value) => {
                self.position += 1;
                Ok(Expr::Number(value))
            }
            TokenKind::Variable(name) => {
                self.position += 1;
                Ok(Expr::Variable(name))
            }
            TokenKind::Special(name) if name == "this" => {
                self.position += 1;
                Ok(Expr::This)
            }
            TokenKind::Special(name) => {
                Err(self.error_at(token.offset, format!("unsupported variable `${name}`")))
            }
            TokenKind::Symbol("(") => {
                self.position += 1;
                let inner = self.expression(0)?;
                self.expect_symbol(")")?;
                Ok(inner)
            }
            TokenKind::Symbol("{") => {
                self.position += 1;
                self.expect_symbol("}")?;
                Ok(Expr::Empty)
            }
            TokenKind::Identifier(ref name) if name == "true" || name == "false" => {
                self.position += 1;
                Ok(Expr::Boolean(name == "true"))
            }
            TokenKind::Identifier(_) => self.invocation(None),
            TokenKind::Symbol(_) => {
                Err(self.error_at(token.offset, format!("unexpected {}", token.kind)))
            }
        }
    }

    /// Reads an element name or a function call, on `target` or on the
    /// input.
    fn invocation(&mut self, target: Option<Box<Expr>>) -> Result<Expr, ParseError> {
        let name = self.identifier()?;
        if !self.next_is_symbol("(") {
            return Ok(Expr::Member { target, name });
        }
        self.position += 1;
        let mut args = Vec::new();
        if !self.next_is_symbol(")") {
            loop {
                args.push(self.expression(0)?);
                if !self.next_is_symbol(",") {
                    break;
                }
                self.position += 1;
            }
        }
        self.expect_symbol(")")?;
        Ok(Expr::Function { target, name, args })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(target: Option<Expr>, name: &str) -> Expr {
        Expr::Member {
            target: target.map(Box::new),
            name: name.to_owned(),
        }
    }

    fn path(names: &[&str]) -> Expr {
        let mut expr = member(None, names[0]);
        for name in &names[1..] {
            expr = member(Some(expr), name);
        }
        expr
    }

    #[test]
    fn path_parses_as_members() {
        assert_eq!(
            parse("Patient.name.given").unwrap(),
            path(&["Patient", "name", "given"])
        );
    }

    #[test]
    fn union_binds_looser_than_as() {
        let expr = parse("Observation.code | Observation.value as Quantity").unwrap();
        let Expr::Binary { op, left, right } = expr else {
            panic!("expected a union")
        };
        assert_eq!(op, BinaryOp::Union);
        assert_eq!(*left, path(&["Observation", "code"]));
        assert_eq!(
            *right,
            Expr::As {
                operand: Box::new(path(&["Observation", "value"])),
                type_name: "Quantity".to_owned()
            }
        );
    }

    #[test]
    fn where_resolve_is() {
        let expr = parse("Account.subject.where(resolve() is Patient)").unwrap();
        let Expr::Function { target, name, args } = expr else {
            panic!("expected a function")
        };
        assert_eq!(name, "where");
        assert_eq!(*target.unwrap(), path(&["Account", "subject"]));
        let resolve = Expr::Function {
            target: None,
            name: "resolve".to_owned(),
            args: vec![],
        };
        assert_eq!(
            args,
            vec![Expr::Is {
                operand: Box::new(resolve),
                type_name: "Patient".to_owned()
            }]
        );
    }

    #[test]
    fn equality_with_string_literal() {
        let expr = parse("telecom.where(system='email')").unwrap();
        let Expr::Function { args, .. } = expr else {
            panic!("expected a function")
        };
        let expected = Expr::Binary {
            op: BinaryOp::Equal,
            left: Box::new(member(None, "system")),
            right: Box::new(Expr::String("email".to_owned())),
        };
        assert_eq!(args, vec![expected]);
    }

    #[test]
    fn indexer_and_variable() {
        let expr = parse("%resource.entry[0].resource").unwrap();
        let entry = member(Some(Expr::Variable("resource".to_owned())), "entry");
        let indexed = Expr::Index {
            target: Box::new(entry),
            index: Box::new(Expr::Number("0".to_owned())),
        };
        assert_eq!(expr, member(Some(indexed), "resource"));
    }

    #[test]
    fn string_escapes_resolve() {
        assert_eq!(
            parse(r"'it\'s \u00e9'").unwrap(),
            Expr::String("it's é".to_owned())
        );
    }

    #[test]
    fn delimited_identifier() {
        assert_eq!(parse("`div`").unwrap(), member(None, "div"));
    }

    #[test]
    fn and_binds_looser_than_not_equal() {
        let expr = parse("a.exists() and a != false").unwrap();
        let Expr::Binary { op, right, .. } = expr else {
            panic!("expected `and`")
        };
        assert_eq!(op, BinaryOp::And);
        assert!(matches!(
            *right,
            Expr::Binary {
                op: BinaryOp::NotEqual,
                ..
            }
        ));
    }

    #[test]
    fn trailing_input_is_rejected() {
        let error = parse("Patient.name)").unwrap_err();
        assert_eq!(error.offset, 12);
    }

    #[test]
    fn unterminated_string_is_rejected() {
        assert!(parse("where(url='http").is_err());
    }

    #[test]
    fn unknown_character_is_rejected() {
        assert!(parse("a + b").is_err());
    }
}
