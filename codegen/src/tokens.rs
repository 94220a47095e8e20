//! Small token-building helpers shared by the emitters.

use std::collections::BTreeMap;

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::quote;

/// Emits a `match` of the string expression `scrutinee` against literal
/// keys that tests the length first and compares bytes only within the
/// keys of that length.
///
/// rustc tests the arms of a `match` on `&str` one after another, so a struct
/// with 60 JSON keys can pay 60 comparisons per key read. Grouping by length
/// makes the first step a jump table and leaves a few comparisons of a known
/// length. `fallback` is the arm for every other string and is repeated once
/// per length, so it should be short.
pub(crate) fn match_str(
    scrutinee: &TokenStream,
    arms: &[(String, TokenStream)],
    fallback: &TokenStream,
) -> TokenStream {
    let mut by_length: BTreeMap<usize, Vec<&(String, TokenStream)>> = BTreeMap::new();
    for arm in arms {
        by_length.entry(arm.0.len()).or_default().push(arm);
    }
    let groups = by_length.iter().map(|(&length, group)| {
        let length = Literal::usize_unsuffixed(length);
        // A length with one key gets a guard, because a `match` with one
        // arm and a fallback is what clippy's `single_match` rejects.
        if let [(key, body)] = group.as_slice() {
            return quote! { #length if #scrutinee == #key => #body, };
        }
        let keys = group.iter().map(|(key, _)| key);
        let bodies = group.iter().map(|(_, body)| body);
        quote! {
            #length => match #scrutinee {
                #( #keys => #bodies, )*
                _ => #fallback,
            },
        }
    });
    quote! {
        match #scrutinee.len() {
            #( #groups )*
            _ => #fallback,
        }
    }
}

/// Builds the lifetime or loop label `'name`.
pub(crate) fn lifetime(name: &str) -> TokenStream {
    let apostrophe = Punct::new('\'', Spacing::Joint);
    let ident = Ident::new(name, Span::call_site());
    [TokenTree::Punct(apostrophe), TokenTree::Ident(ident)]
        .into_iter()
        .collect()
}

/// Renders generated items as Rust source with one statement, field or
/// match arm per line and nested blocks indented.
///
/// This replaces parsing the tokens with `syn` and printing them with
/// `prettyplease`: both crates then drop out of the build script, which
/// makes a clean build of the library noticeably faster, and the output
/// stays readable enough to debug. Whitespace between tokens never changes
/// the meaning of Rust code, so only two token pairs need care: a joint
/// punctuation mark (`:` in `::`, `'` of a lifetime) is written with no
/// space after it.
pub(crate) fn format_items(tokens: TokenStream) -> String {
    let mut printer = Printer {
        out: String::with_capacity(1 << 16),
        indent: 0,
        line_start: true,
        after_block: false,
        previous: Previous::Open,
    };
    printer.stream(tokens, Delimiter::Brace);
    printer.out.push('\n');
    printer.out
}

/// The kind of the token written last, which decides the space before the
/// next one.
#[derive(Clone, Copy, PartialEq)]
enum Previous {
    /// Nothing yet on this line, or an opening delimiter.
    Open,
    /// An identifier that is a keyword (`if`, `match`, `in`, ...).
    Keyword,
    /// Any other identifier, a literal or a closing delimiter.
    Word,
    /// A punctuation mark joined to the next one (the first `:` of `::`).
    Joint,
    /// A mark that the next word follows directly: `.`, the second `:` of
    /// `::`, `&` and the `'` of a lifetime.
    Glue,
    /// Any other punctuation mark.
    Punct,
}

const KEYWORDS: &[&str] = &[
    "as", "box", "break", "const", "continue", "dyn", "else", "enum", "fn", "for", "if", "impl",
    "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct",
    "trait", "type", "unsafe", "use", "where", "while",
];

struct Printer {
    out: String,
    indent: usize,
    /// Whether nothing has been written on the current line yet.
    line_start: bool,
    /// Whether the last token closed a `{}` block: the next token goes on
    /// a new line unless it continues the expression (`,`, `;`, `.`, `?`,
    /// `else`).
    after_block: bool,
    previous: Previous,
}

impl Printer {
    fn newline(&mut self) {
        if !self.line_start {
            self.out.push('\n');
            self.line_start = true;
            self.previous = Previous::Open;
        }
    }

    /// Starts a token: a new line after a block unless `continues`, then
    /// indentation at the start of a line, else a space unless `glued`.
    fn space(&mut self, glued: bool, continues: bool) {
        if std::mem::take(&mut self.after_block) && !continues {
            self.newline();
        }
        if self.line_start {
            for _ in 0..self.indent {
                self.out.push_str("    ");
            }
            self.line_start = false;
        } else if !glued {
            self.out.push(' ');
        }
    }

    /// Prints the tokens of a group whose delimiter is `within`. Inside
    /// braces (and at the top level) a `,` or `;` ends the line, and so does
    /// an attribute.
    fn stream(&mut self, tokens: TokenStream, within: Delimiter) {
        let block = within == Delimiter::Brace;
        let mut after_pound = false;
        for token in tokens {
            let word_before = self.previous == Previous::Word;
            let glued_word = matches!(
                self.previous,
                Previous::Open | Previous::Joint | Previous::Glue
            );
            match token {
                TokenTree::Group(group) => {
                    let attribute = after_pound && group.delimiter() == Delimiter::Bracket;
                    let call = word_before && group.delimiter() != Delimiter::Brace;
                    self.group(group, glued_word || attribute || call);
                    if attribute && block {
                        self.newline();
                    }
                    after_pound = false;
                }
                TokenTree::Punct(punct) => {
                    let ch = punct.as_char();
                    let joint = punct.spacing() == Spacing::Joint;
                    let continues = matches!(ch, ',' | ';' | '.' | '?');
                    // A mark touches a word before it, but not another mark,
                    // because two marks written together could read as
                    // another operator. `,` and `;` never join one.
                    let tight = matches!(ch, ',' | ';' | '.' | '?' | ':') || (ch == '!' && !joint);
                    let glued = self.previous == Previous::Joint
                        || self.previous == Previous::Open
                        || matches!(ch, ',' | ';')
                        || (tight && word_before)
                        || (ch == ':' && self.previous == Previous::Glue);
                    let path_colon = ch == ':' && self.previous == Previous::Joint;
                    self.space(glued, continues);
                    self.out.push(ch);
                    self.previous = if joint {
                        Previous::Joint
                    } else if ch == '.' || path_colon || ch == '\'' || ch == '&' {
                        Previous::Glue
                    } else {
                        Previous::Punct
                    };
                    if block && matches!(ch, ',' | ';') {
                        self.newline();
                    }
                    after_pound = ch == '#';
                }
                TokenTree::Ident(ident) => {
                    let text = ident.to_string();
                    self.space(glued_word, text == "else");
                    self.out.push_str(&text);
                    self.previous = if KEYWORDS.contains(&text.as_str()) {
                        Previous::Keyword
                    } else {
                        Previous::Word
                    };
                    after_pound = false;
                }
                TokenTree::Literal(literal) => {
                    self.space(glued_word, false);
                    self.out.push_str(&literal.to_string());
                    self.previous = Previous::Word;
                    after_pound = false;
                }
            }
        }
    }

    fn group(&mut self, group: Group, glued: bool) {
        let (open, close) = match group.delimiter() {
            Delimiter::Brace => {
                self.space(false, true);
                self.out.push('{');
                self.indent += 1;
                self.newline();
                self.stream(group.stream(), Delimiter::Brace);
                self.indent -= 1;
                self.newline();
                self.space(false, true);
                self.out.push('}');
                self.after_block = true;
                self.previous = Previous::Word;
                return;
            }
            Delimiter::Parenthesis => ('(', ')'),
            Delimiter::Bracket => ('[', ']'),
            Delimiter::None => {
                self.stream(group.stream(), Delimiter::None);
                return;
            }
        };
        self.space(glued, false);
        self.out.push(open);
        self.previous = Previous::Open;
        self.stream(group.stream(), group.delimiter());
        self.space(true, true);
        self.out.push(close);
        self.previous = Previous::Word;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_str_groups_keys_by_length() {
        let arms = vec![
            ("id".to_owned(), quote!(1)),
            ("meta".to_owned(), quote!(2)),
            ("text".to_owned(), quote!(3)),
        ];
        let text = match_str(&quote!(key), &arms, &quote!(0)).to_string();
        assert_eq!(
            text,
            "match key . len () { 2 if key == \"id\" => 1 , \
             4 => match key { \"meta\" => 2 , \"text\" => 3 , _ => 0 , } , _ => 0 , }"
        );
    }

    #[test]
    fn format_items_keeps_joint_punctuation() {
        let label = lifetime("item0");
        let tokens = quote! {
            #[doc = " Docs."]
            pub fn f(x: &::std::string::String) -> usize {
                #label: loop { break #label; }
                match x.len() { 0 => 1, _ => 2 }
            }
        };
        let text = format_items(tokens);
        assert_eq!(
            text,
            "#[doc = \" Docs.\"]\n\
             pub fn f(x: &::std::string::String) -> usize {\n    \
             'item0: loop {\n        \
             break 'item0;\n    \
             }\n    \
             match x.len() {\n        \
             0 => 1,\n        \
             _ => 2\n    \
             }\n\
             }\n"
        );
    }
}
