//! A port of Go's `text/scanner` as the reference server configures it (GoTokens mode, comments
//! skipped, a custom identifier rule), so that command lines split into exactly the same tokens
//! and fail with exactly the same messages and columns (spec section 4.2).
//!
//! The structure mirrors the Go scanner on purpose: one character of look-ahead read by
//! [`Scanner::next`], and errors reported with the column of the token being scanned *when the
//! error is noticed*. That timing is observable: a NUL read as look-ahead after `page` in
//! `get page\0` is reported at the column of `page` (5), one at the start of a line at 0.

use std::sync::OnceLock;

/// One token: its source text (quotes and backquotes included) and 1-based character column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub column: usize,
}

/// Go's scanner returns `EOF` (-1) as a character; `None` plays that role here.
type Ch = Option<char>;

pub struct Scanner {
    src: Vec<char>,
    /// Index of the next unread character.
    pos: usize,
    /// 1 if the look-ahead is a real character (Go's `lastCharLen`), 0 after EOF.
    last_len: usize,
    /// Column of the look-ahead character (Go's private `column`).
    column: usize,
    last_line_len: usize,
    /// Look-ahead; `None` before the first read (Go's `-2`) is tracked by `started`.
    ch: Ch,
    started: bool,
    /// Column of the token being scanned (Go's public `Position.Column`).
    token_column: usize,
    error: Option<String>,
}

impl Scanner {
    pub fn new(line: &str) -> Self {
        Scanner {
            src: line.chars().collect(),
            pos: 0,
            last_len: 0,
            column: 0,
            last_line_len: 0,
            ch: None,
            started: false,
            token_column: 0,
            error: None,
        }
    }

    /// The error noticed while producing the last token, in the reference's wording. Like the
    /// reference's error callback this keeps only the latest message, and it is only looked at
    /// after a token: an error met while reaching the end of the line (an unterminated `/*`)
    /// is never reported.
    pub fn take_error(&mut self) -> Option<String> {
        self.error.take()
    }

    /// The next token, or `None` at the end of the line.
    pub fn scan(&mut self) -> Option<Token> {
        let mut ch = self.peek();
        loop {
            while matches!(ch, Some('\t' | '\n' | '\r' | ' ')) {
                ch = self.next();
            }
            let start = self.pos - self.last_len;
            self.token_column = if self.column > 0 {
                self.column
            } else {
                self.last_line_len
            };
            let Some(first) = ch else {
                self.ch = None;
                return None;
            };
            match self.scan_token_body(first) {
                Some(after) => {
                    self.ch = after;
                    let end = self.pos - self.last_len;
                    let text = self.src[start..end].iter().collect();
                    let column = self.token_column;
                    return Some(Token { text, column });
                }
                // A comment was skipped: scan again from the character after it.
                None => ch = self.ch,
            }
        }
    }

    /// Consumes the token starting with `first` (already read) and returns the look-ahead
    /// after it, or `None` when it was a comment (the look-ahead is then left in `self.ch`).
    fn scan_token_body(&mut self, first: char) -> Option<Ch> {
        match first {
            c if is_ident_rune(c) => Some(self.scan_identifier()),
            '"' => {
                self.scan_string('"');
                Some(self.next())
            }
            '\'' => {
                // Go's "invalid char literal" (not exactly one character) is ignored by the
                // reference, so a single-quoted string is just a string.
                self.scan_string('\'');
                Some(self.next())
            }
            '`' => {
                self.scan_raw_string();
                Some(self.next())
            }
            '/' => {
                let ch = self.next();
                if matches!(ch, Some('/' | '*')) {
                    self.ch = self.scan_comment(ch);
                    return None;
                }
                Some(ch)
            }
            _ => Some(self.next()),
        }
    }

    fn peek(&mut self) -> Ch {
        if !self.started {
            self.started = true;
            self.ch = self.next();
            if self.ch == Some('\u{FEFF}') {
                self.ch = self.next();
            }
        }
        self.ch
    }

    fn next(&mut self) -> Ch {
        let Some(&ch) = self.src.get(self.pos) else {
            if self.last_len > 0 {
                self.column += 1;
            }
            self.last_len = 0;
            return None;
        };
        self.pos += 1;
        self.last_len = 1;
        self.column += 1;
        match ch {
            '\0' => self.error("invalid character NUL"),
            '\n' => {
                self.last_line_len = self.column;
                self.column = 0;
            }
            _ => {}
        }
        Some(ch)
    }

    fn error(&mut self, msg: &str) {
        self.error = Some(format!(
            "error parsing command at position {}: {msg}",
            self.token_column
        ));
    }

    fn scan_identifier(&mut self) -> Ch {
        let mut ch = self.next();
        while ch.is_some_and(is_ident_rune) {
            ch = self.next();
        }
        ch
    }

    fn scan_string(&mut self, quote: char) {
        let mut ch = self.next();
        while ch != Some(quote) {
            match ch {
                None | Some('\n') => {
                    self.error("literal not terminated");
                    return;
                }
                Some('\\') => ch = self.scan_escape(quote),
                Some(_) => ch = self.next(),
            }
        }
    }

    fn scan_raw_string(&mut self) {
        let mut ch = self.next();
        while ch != Some('`') {
            if ch.is_none() {
                self.error("literal not terminated");
                return;
            }
            ch = self.next();
        }
    }

    /// Validates one escape after a backslash; returns the look-ahead after it. Like Go, an
    /// invalid escape character is not consumed.
    fn scan_escape(&mut self, quote: char) -> Ch {
        let ch = self.next();
        match ch {
            Some(c) if c == quote || "abfnrtv\\".contains(c) => self.next(),
            Some(c @ '0'..='7') => self.scan_digits(Some(c), 8, 3),
            Some('x') => {
                let first = self.next();
                self.scan_digits(first, 16, 2)
            }
            Some('u') => {
                let first = self.next();
                self.scan_digits(first, 16, 4)
            }
            Some('U') => {
                let first = self.next();
                self.scan_digits(first, 16, 8)
            }
            _ => {
                self.error("invalid char escape");
                ch
            }
        }
    }

    fn scan_digits(&mut self, mut ch: Ch, base: u32, mut n: usize) -> Ch {
        while n > 0 && ch.and_then(|c| c.to_digit(16)).is_some_and(|d| d < base) {
            ch = self.next();
            n -= 1;
        }
        if n > 0 {
            self.error("invalid char escape");
        }
        ch
    }

    fn scan_comment(&mut self, ch: Ch) -> Ch {
        if ch == Some('/') {
            let mut ch = self.next();
            while ch.is_some_and(|c| c != '\n') {
                ch = self.next();
            }
            return ch;
        }
        let mut ch = self.next();
        loop {
            let Some(c0) = ch else {
                self.error("comment not terminated");
                return ch;
            };
            ch = self.next();
            if c0 == '*' && ch == Some('/') {
                return self.next();
            }
        }
    }
}

/// The reference's identifier rule: Unicode letters and decimal digits plus `: _ - .`, at any
/// position (so words may start with a digit or `-`).
fn is_ident_rune(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-' | '.');
    }
    letter_or_digit_ranges()
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Go's `unicode.IsLetter || unicode.IsDigit` is general category L or Nd. Rust's
/// `is_alphabetic`/`is_numeric` are wider (combining vowel signs, `Ⅻ`, `½`), which would
/// glue together words the reference splits, so the exact category table is taken from
/// regex-syntax.
fn letter_or_digit_ranges() -> &'static [(char, char)] {
    static RANGES: OnceLock<Vec<(char, char)>> = OnceLock::new();
    RANGES.get_or_init(|| {
        use regex_syntax::hir::{Class, HirKind};
        let parsed = regex_syntax::Parser::new().parse(r"[\p{L}\p{Nd}]");
        match parsed.as_ref().map(|hir| hir.kind()) {
            Ok(HirKind::Class(Class::Unicode(class))) => class
                .ranges()
                .iter()
                .map(|r| (r.start(), r.end()))
                .collect(),
            // Unreachable with the gencat feature on; ASCII-only identifiers remain usable.
            _ => Vec::new(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(line: &str) -> Vec<(String, usize)> {
        let mut s = Scanner::new(line);
        let mut out = Vec::new();
        while let Some(t) = s.scan() {
            out.push((t.text, t.column));
        }
        out
    }

    fn texts(line: &str) -> Vec<String> {
        tokens(line).into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn words_strings_and_punctuation() {
        assert_eq!(
            tokens(r#"add text id="a b"=c, 'x'"#),
            vec![
                ("add".into(), 1),
                ("text".into(), 5),
                ("id".into(), 10),
                ("=".into(), 12),
                (r#""a b""#.into(), 13),
                ("=".into(), 18),
                ("c".into(), 19),
                (",".into(), 20),
                ("'x'".into(), 22),
            ]
        );
        assert_eq!(texts("3.14 -5 a.b-c_d:e"), vec!["3.14", "-5", "a.b-c_d:e"]);
    }

    #[test]
    fn letter_classes_follow_go_not_rust() {
        assert_eq!(texts("Привет"), vec!["Привет"]);
        // U+094D VIRAMA (Mn) ends the word; Ⅻ (Nl), ½ (No) and ² (No) are one-char tokens.
        assert_eq!(texts("नमस्ते")[0], "नमस");
        assert_eq!(texts("Ⅻ½²"), vec!["Ⅻ", "½", "²"]);
        assert!(is_ident_rune('٣'));
    }

    #[test]
    fn comments_are_skipped() {
        assert_eq!(
            texts("value=http://example.com/x bold"),
            vec!["value", "=", "http:"]
        );
        assert_eq!(texts("a /* x */ b"), vec!["a", "b"]);
        assert_eq!(texts("a / b"), vec!["a", "/", "b"]);
    }

    #[test]
    fn unterminated_comment_error_is_never_seen() {
        let mut s = Scanner::new("a /* x");
        assert_eq!(s.scan().map(|t| t.text), Some("a".into()));
        assert_eq!(s.take_error(), None);
        assert_eq!(s.scan(), None);
    }

    #[test]
    fn leading_bom_is_skipped_but_counted() {
        assert_eq!(tokens("\u{FEFF}get"), vec![("get".into(), 2)]);
    }

    #[test]
    fn nul_is_reported_with_the_column_of_the_token_being_scanned() {
        for (line, col) in [("get page\0 t", 5), ("get page \0", 5), ("\0get", 0)] {
            let mut s = Scanner::new(line);
            let mut err = None;
            while s.scan().is_some() {
                err = err.or(s.take_error());
            }
            let want = format!("error parsing command at position {col}: invalid character NUL");
            assert_eq!(err, Some(want), "{line:?}");
        }
    }

    #[test]
    fn newline_inside_a_line_resets_the_column() {
        assert_eq!(tokens("ab\n cd"), vec![("ab".into(), 1), ("cd".into(), 2)]);
    }
}
