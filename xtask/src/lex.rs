//! A small Rust lexer: enough to find paths, items and braces without
//! being fooled by comments, strings, character literals or lifetimes.

/// One token, with the line it starts on (from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// An identifier, keyword or number.
    Ident(String),
    /// A string literal's contents (escapes left as written).
    Str(String),
    /// `::`
    PathSep,
    /// Any other punctuation character, `{` and `}` included.
    Punct(char),
}

impl Token {
    pub fn is_ident(&self, s: &str) -> bool {
        matches!(&self.kind, Kind::Ident(i) if i == s)
    }

    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct(c)
    }

    pub fn ident(&self) -> Option<&str> {
        match &self.kind {
            Kind::Ident(i) => Some(i),
            _ => None,
        }
    }
}

/// The tokens of `src`. Unterminated literals and comments end at the end
/// of the input.
pub fn lex(src: &str) -> Vec<Token> {
    let b: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < b.len() {
        let c = b[i];
        let start_line = line;
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && b.get(i + 1) == Some(&'/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && b.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if b[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if let Some((text, next)) = raw_string(&b, i) {
            line += text.matches('\n').count();
            out.push(Token {
                kind: Kind::Str(text),
                line: start_line,
            });
            i = next;
        } else if c == '"' || (matches!(c, 'b' | 'c') && b.get(i + 1) == Some(&'"')) {
            i += if c == '"' { 1 } else { 2 };
            let mut text = String::new();
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' && i + 1 < b.len() {
                    text.push(b[i]);
                    i += 1;
                }
                if b[i] == '\n' {
                    line += 1;
                }
                text.push(b[i]);
                i += 1;
            }
            i += 1;
            out.push(Token {
                kind: Kind::Str(text),
                line: start_line,
            });
        } else if c == '\'' {
            // A character literal or a lifetime.
            if b.get(i + 1) == Some(&'\\') {
                i += 2;
                while i < b.len() && b[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if b.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
                while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                    i += 1;
                }
            }
        } else if c.is_alphanumeric() || c == '_' {
            let s = i;
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                i += 1;
            }
            out.push(Token {
                kind: Kind::Ident(b[s..i].iter().collect()),
                line: start_line,
            });
        } else if c == ':' && b.get(i + 1) == Some(&':') {
            out.push(Token {
                kind: Kind::PathSep,
                line: start_line,
            });
            i += 2;
        } else {
            out.push(Token {
                kind: Kind::Punct(c),
                line: start_line,
            });
            i += 1;
        }
    }
    out
}

/// `r"…"`, `r#"…"#`, `br#"…"#`: the contents and the index after it.
fn raw_string(b: &[char], i: usize) -> Option<(String, usize)> {
    let mut j = i;
    if b.get(j) == Some(&'b') || b.get(j) == Some(&'c') {
        j += 1;
    }
    if b.get(j) != Some(&'r') {
        return None;
    }
    // Not the end of an identifier such as `bar`.
    if i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while b.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    if b.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    let start = j;
    while j < b.len() {
        if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
            return Some((b[start..j].iter().collect(), j + 1 + hashes));
        }
        j += 1;
    }
    Some((b[start..].iter().collect(), b.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idents(src: &str) -> Vec<String> {
        lex(src)
            .into_iter()
            .filter_map(|t| t.ident().map(str::to_string))
            .collect()
    }

    #[test]
    fn comments_strings_and_lifetimes_hide_nothing_and_invent_nothing() {
        let src = "// crate::ops\n/* crate::ops /* nested */ */ fn a<'a>(x: &'a str) -> char { let _ = \"crate::ops\"; let _ = r#\"crate::\"ops\"#; '{' }\n";
        assert_eq!(
            idents(src),
            ["fn", "a", "x", "str", "char", "let", "_", "let", "_"]
        );
        let t = lex("a\n\"x\ny\"\nb");
        assert_eq!(t.last().unwrap().line, 4);
    }
}
