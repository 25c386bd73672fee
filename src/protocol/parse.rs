//! Parser for command text (spec section 4): lines, names, positional values and
//! `name=value` attributes, with the reference's quoting and escape rules reproduced exactly,
//! including its quirks (a trailing `name=` is a flag, `//` starts a comment, backquotes are
//! kept). Tokens come from [`super::lexer`], a port of the Go scanner the reference uses.

use super::command::COMMAND_NAMES;
use super::lexer::{Scanner, Token};
use super::Command;

/// Parses a whole command text: the first non-blank line is the command (with a name, checked
/// against the known names), every later line is kept in `lines`. Errors carry the reference's
/// exact message (without the `error ` prefix).
///
/// Leading and trailing `\n` are stripped first, as the reference's pipe client does before
/// parsing, so a text read from a pipe gives the same `lines` whether or not the caller
/// already trimmed it. Blank or whitespace-only text is `empty command` (the reference
/// crashes on it).
pub fn parse(text: &str) -> Result<Command, String> {
    parse_text(text.trim_matches('\n'), true)
}

/// Parses one sub-line of add/set/append/replace: no name, the first word is `values[0]`;
/// `indent` is the count of leading whitespace, a TAB counting 4.
///
/// Like the reference (which runs its whole-text parser here) a sub-line containing `\n`
/// (possible in JSON `lines`) is parsed from its first non-blank part. Blank lines are
/// `empty command`; callers skip them, as the reference does.
pub fn parse_line(line: &str) -> Result<Command, String> {
    parse_text(line, false)
}

/// Splits text read from a command pipe, where several writes may have merged, into the
/// commands it holds, in order.
///
/// A command starts at each line whose first word (quotes removed, case ignored) is a command
/// name and is not followed by `=`; any other line belongs to the command before it (child
/// lines of add/set/append/replace start with a control type or an id). Leading blank lines
/// are dropped and each piece loses its trailing `\r`/`\n`; blank input gives no piece.
///
/// Known ambiguity: a child line of a multi-line `set`/`append` whose control id is a command
/// name (`set\nget value=1`, for a control with id `get`) is taken as a new command, so that
/// text becomes `set` and `get value=1`. Child lines of add/replace start with a control
/// type, which never collides.
pub fn split_commands(text: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut start: Option<usize> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let begins = starts_command(line);
        match start {
            Some(s) if begins => {
                pieces.push(piece(&text[s..offset]));
                start = Some(offset);
            }
            None if begins || !is_blank(line) => start = Some(offset),
            _ => {}
        }
        offset += line.len();
    }
    if let Some(s) = start {
        pieces.push(piece(&text[s..]));
    }
    pieces
}

fn piece(text: &str) -> String {
    text.trim_end_matches(['\r', '\n']).to_string()
}

/// Whether `line` would be parsed as a known command: its first token names one and is not
/// the name of an attribute.
fn starts_command(line: &str) -> bool {
    let mut scanner = Scanner::new(line);
    let Some(first) = scanner.scan() else {
        return false;
    };
    if scanner.take_error().is_some() {
        return false;
    }
    let is_attr = scanner.scan().is_some_and(|t| t.text == "=");
    !is_attr && is_command_name(&unescape(&unquote(&first.text)))
}

/// The reference's `Parse`: split on `\n`, parse the first non-blank line, keep the rest.
fn parse_text(text: &str, parse_name: bool) -> Result<Command, String> {
    let mut lines = text.split('\n');
    let first = lines
        .find(|l| !is_blank(l))
        .ok_or_else(|| "empty command".to_string())?;
    let mut cmd = parse_command_line(first, parse_name)?;
    cmd.lines = lines.map(|l| l.trim_matches('\r').to_string()).collect();
    Ok(cmd)
}

/// Builds name, values and attrs from one line's tokens (spec section 4.3). A token is held
/// back as `pending` until the next one shows whether it names an attribute (`=` follows).
fn parse_command_line(line: &str, parse_name: bool) -> Result<Command, String> {
    let mut cmd = Command {
        indent: count_indent(line),
        ..Command::default()
    };
    let mut scanner = Scanner::new(line);
    let mut pending: Option<String> = None;
    let mut after_eq = false;
    while let Some(Token { text, column }) = scanner.scan() {
        if let Some(err) = scanner.take_error() {
            return Err(err);
        }
        if text == "=" {
            if pending.is_none() || after_eq {
                return Err(format!("unexpected '=' at position {column}"));
            }
            after_eq = true;
            continue;
        }
        match pending.take() {
            Some(attr) if after_eq => {
                cmd.attrs.insert(
                    go_lower(&unquote(&attr)).into(),
                    unescape(&unquote(&text)).into(),
                );
            }
            Some(word) => {
                push_word(&mut cmd, parse_name, &unquote(&word));
                pending = Some(text);
            }
            None => pending = Some(text),
        }
        after_eq = false;
    }
    if let Some(word) = pending {
        // The reference does not remove quotes from a name that ends the line: `"get"` alone
        // is `unknown command: "get"`.
        let word = if cmd.name.is_empty() && parse_name {
            word
        } else {
            unquote(&word)
        };
        push_word(&mut cmd, parse_name, &word);
    }
    if parse_name && !is_command_name(&cmd.name) {
        return Err(format!("unknown command: {}", cmd.name));
    }
    Ok(cmd)
}

/// A positional word is the name while none is set (an empty quoted name `""` leaves it
/// unset, as in the reference), else a value.
fn push_word(cmd: &mut Command, parse_name: bool, word: &str) {
    let word = unescape(word);
    if cmd.name.is_empty() && parse_name {
        cmd.name = word.into();
    } else {
        cmd.values.push(word.into());
    }
}

fn is_command_name(name: &str) -> bool {
    COMMAND_NAMES.contains(&go_lower(name).as_str())
}

/// Go RE2's `\s`: space, `\t`, `\n`, `\f`, `\r` (not `\v`, unlike the spec's list: a line
/// holding only `\v` is a command line for the reference, observed).
fn is_go_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r')
}

fn is_blank(line: &str) -> bool {
    line.chars().all(is_go_space)
}

fn count_indent(line: &str) -> usize {
    line.chars()
        .take_while(|&c| is_go_space(c))
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum()
}

/// Go's `strings.ToLower`: per-character simple case mapping, so `Σ` is always `σ` and `İ`
/// is `i` (Rust's `str::to_lowercase` gives `ς` at word ends and `i̇`).
fn go_lower(s: &str) -> String {
    s.chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect()
}

/// The reference's `TrimQuotes`: strips one pair of matching `"` or `'` and escapes the other
/// quote kind inside, so [`unescape`] turns both back into plain characters. Applying it a
/// second time (as the reference does for values) cannot change a scanned token, whose inner
/// text never starts with an unescaped quote.
fn unquote(token: &str) -> String {
    let inner = |q: char| token.strip_prefix(q).and_then(|t| t.strip_suffix(q));
    if let Some(body) = inner('"') {
        body.replace('\'', "\\'")
    } else if let Some(body) = inner('\'') {
        body.replace('"', "\\\"")
    } else {
        token.to_string()
    }
}

/// The reference's `ReplaceEscapeSymbols`: `\'` becomes `'`, then the text is read as the
/// body of a Go double-quoted literal; if that fails the text is kept as it was.
fn unescape(s: &str) -> String {
    go_unquote_body(&s.replace("\\'", "'")).unwrap_or_else(|| s.to_string())
}

/// `strconv.Unquote("\"" + body + "\"")`. `\x` and octal escapes give raw bytes; bytes that
/// do not form UTF-8 become U+FFFD, as they do when the reference sends the value as JSON.
fn go_unquote_body(body: &str) -> Option<String> {
    if body.contains('\n') {
        return None;
    }
    if !body.contains(['\\', '"']) {
        return Some(body.to_string());
    }
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            '"' => return None,
            '\\' => rest = unquote_escape(rest, &mut out)?,
            _ => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// One escape after a backslash (Go's `UnquoteChar` for a `"` literal): appends its bytes
/// and returns the rest of the text.
fn unquote_escape<'a>(rest: &'a str, out: &mut Vec<u8>) -> Option<&'a str> {
    let mut chars = rest.chars();
    let c = chars.next()?;
    let tail = chars.as_str();
    if let Some(byte) = simple_escape(c) {
        out.push(byte);
        return Some(tail);
    }
    match c {
        'x' => {
            let (v, tail) = fixed_digits(tail, 2, 16)?;
            out.push(u8::try_from(v).ok()?);
            Some(tail)
        }
        'u' | 'U' => {
            let (v, tail) = fixed_digits(tail, if c == 'u' { 4 } else { 8 }, 16)?;
            if v > 0x10FFFF {
                return None;
            }
            // Surrogates are encoded as U+FFFD, like Go's utf8.EncodeRune.
            let ch = char::from_u32(v).unwrap_or('\u{FFFD}');
            out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
            Some(tail)
        }
        '0'..='7' => {
            let (v, tail) = fixed_digits(rest, 3, 8)?;
            out.push(u8::try_from(v).ok()?);
            Some(tail)
        }
        _ => None,
    }
}

/// Single-character escapes of a Go `"` literal (`\'` is not one of them).
fn simple_escape(c: char) -> Option<u8> {
    Some(match c {
        'a' => 0x07,
        'b' => 0x08,
        'f' => 0x0c,
        'n' => b'\n',
        'r' => b'\r',
        't' => b'\t',
        'v' => 0x0b,
        '\\' => b'\\',
        '"' => b'"',
        _ => return None,
    })
}

/// Exactly `n` digits of `radix` at the start of `s`, and the text after them.
fn fixed_digits(s: &str, n: usize, radix: u32) -> Option<(u32, &str)> {
    let digits = s.get(..n)?;
    let mut v: u32 = 0;
    for c in digits.chars() {
        v = v * radix + c.to_digit(radix)?;
    }
    Some((v, &s[n..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SmallStr;
    use std::collections::BTreeMap;

    fn attrs(pairs: &[(&str, &str)]) -> BTreeMap<SmallStr, SmallStr> {
        pairs
            .iter()
            .map(|(k, v)| (SmallStr::new(k), SmallStr::new(v)))
            .collect()
    }

    fn ok(text: &str) -> Command {
        parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    fn err(text: &str) -> String {
        parse(text).expect_err(text)
    }

    fn attr(text: &str, name: &str) -> String {
        ok(text)
            .attrs
            .get(name)
            .map(|v| v.to_string())
            .unwrap_or_default()
    }

    // ---- vectors: grammar and add ----

    #[test]
    fn simple_add() {
        let c = ok("add text value=Hello\n");
        assert_eq!(c.name, "add");
        assert_eq!(c.values, vec!["text"]);
        assert_eq!(c.attrs, attrs(&[("value", "Hello")]));
        assert!(c.lines.is_empty());
        assert_eq!(c.indent, 0);
    }

    #[test]
    fn double_quoted_value_with_comma_and_bang() {
        let c = ok("add text id=greeting value=\"Hello, world!\"\n");
        assert_eq!(
            c.attrs,
            attrs(&[("id", "greeting"), ("value", "Hello, world!")])
        );
    }

    #[test]
    fn extra_positional_values() {
        let c = ok("add textbox id=tb1 label=Notes multiline password\n");
        assert_eq!(c.values, vec!["textbox", "multiline", "password"]);
        assert_eq!(c.attrs, attrs(&[("id", "tb1"), ("label", "Notes")]));
    }

    #[test]
    fn names_and_attr_names_case_insensitive_values_verbatim() {
        let c = ok("ADD Text ID=Mixed VALUE=Up\n");
        assert_eq!(c.name, "ADD");
        assert_eq!(c.values, vec!["Text"]);
        assert_eq!(c.attrs, attrs(&[("id", "Mixed"), ("value", "Up")]));
        let c = ok("get Mixed VaLuE");
        assert_eq!(c.values, vec!["Mixed", "VaLuE"]);
    }

    #[test]
    fn composed_ids_are_single_words() {
        let c = ok("add text id=leaf to=form:deep\n");
        assert_eq!(c.attrs["to"], "form:deep");
        assert_eq!(
            ok("get form:deep:leaf t").values,
            vec!["form:deep:leaf", "t"]
        );
        assert_eq!(ok("add stack id=_mine").attrs["id"], "_mine");
    }

    #[test]
    fn multi_line_add_keeps_lines_verbatim() {
        let c = ok(
            "add\nstack id=s1\n  text id=a value=A\n  stack id=s2\n    button id=b text=B\n  text value=C\ntext id=after\n",
        );
        assert_eq!(c.name, "add");
        assert!(c.values.is_empty());
        assert_eq!(
            c.lines,
            vec![
                "stack id=s1",
                "  text id=a value=A",
                "  stack id=s2",
                "    button id=b text=B",
                "  text value=C",
                "text id=after"
            ]
        );
    }

    #[test]
    fn tab_indent_counts_four() {
        let c = ok("add\nstack id=tabs\n\ttext id=t1\n    text id=t2\n");
        assert_eq!(
            c.lines,
            vec!["stack id=tabs", "\ttext id=t1", "    text id=t2"]
        );
        assert_eq!(parse_line("\ttext id=t1").unwrap().indent, 4);
        assert_eq!(parse_line("    text id=t2").unwrap().indent, 4);
        assert_eq!(parse_line(" \t x").unwrap().indent, 6);
        assert_eq!(ok("\t get a b").indent, 5);
    }

    #[test]
    fn crlf_and_blank_lines_inside_add() {
        let c = ok("add\r\nstack id=crlf\r\n\r\n  text id=x\r\n");
        assert_eq!(c.name, "add");
        assert_eq!(c.lines, vec!["stack id=crlf", "", "  text id=x"]);
    }

    #[test]
    fn lines_lose_carriage_returns_at_both_ends_only() {
        let c = ok("set\n\r\r a value=\"x\ry\"\r\r\n");
        assert_eq!(c.lines, vec![" a value=\"x\ry\""]);
    }

    #[test]
    fn at_and_trim_are_plain_attrs() {
        let c = ok("add to=s1 at=1\ntext id=i1\ntext id=i2\n");
        assert_eq!(c.attrs, attrs(&[("to", "s1"), ("at", "1")]));
        assert_eq!(ok("add t id=l7 to=log trim=-2").attrs["trim"], "-2");
        assert_eq!(ok("add text id=neg at=-1").attrs["at"], "-1");
    }

    #[test]
    fn attrs_only_and_bare_commands() {
        let c = ok("add id=x\n");
        assert!(c.values.is_empty());
        assert_eq!(c.attrs, attrs(&[("id", "x")]));
        let c = ok("add\n");
        assert_eq!(
            (c.name.as_str(), c.values.len(), c.lines.len()),
            ("add", 0, 0)
        );
    }

    #[test]
    fn child_lines_are_not_parsed_by_parse() {
        let c = ok("add\nid=x\n");
        assert_eq!(c.lines, vec!["id=x"]);
        assert!(parse_line("id=x").unwrap().values.is_empty());
        let c = ok("add\ntext value=\"oops\n");
        assert_eq!(
            parse_line(&c.lines[0]).unwrap_err(),
            "error parsing command at position 12: literal not terminated"
        );
    }

    #[test]
    fn quoted_value_cannot_span_lines() {
        assert_eq!(
            err("add text value=\"a\nb\"\n"),
            "error parsing command at position 16: literal not terminated"
        );
    }

    #[test]
    fn quoted_id_with_space() {
        assert_eq!(ok("add text id='my id'\n").attrs["id"], "my id");
    }

    // ---- vectors: quoting and escapes ----

    #[test]
    fn escaped_double_quote() {
        assert_eq!(attr("add text id=q1 value=\"a\\\"b\"\n", "value"), "a\"b");
    }

    #[test]
    fn single_quotes_may_hold_double_quotes() {
        assert_eq!(
            attr("add text id=q2 value='He said \"hi\"'\n", "value"),
            "He said \"hi\""
        );
    }

    #[test]
    fn escaped_single_quote_in_single_quotes() {
        assert_eq!(attr("add text id=q3 value='it\\'s'\n", "value"), "it's");
        assert_eq!(attr("add text id=sq value='\\''", "value"), "'");
        assert_eq!(attr("add text f=\"it's\"", "f"), "it's");
    }

    #[test]
    fn newline_escapes() {
        let v = attr("add text id=q4 value=\"line1\\nline2\\nline3\"\n", "value");
        assert_eq!(v, "line1\nline2\nline3");
    }

    #[test]
    fn backquoted_raw_string_keeps_backquotes_and_is_unescaped() {
        assert_eq!(
            attr("add text id=q5 value=`raw\\nx`\n", "value"),
            "`raw\nx`"
        );
    }

    #[test]
    fn tab_and_unicode_escapes() {
        let v = attr("add text id=q6 value=\"tab\\there \\u0041\"\n", "value");
        assert_eq!(v, "tab\there A");
        let v = attr("set page x=\"\\101\\x41\\u0041\\U00000041\\a\"", "x");
        assert_eq!(v, "AAAA\u{7}");
    }

    #[test]
    fn escaped_backslashes() {
        let v = attr(
            "add text id=q7 value=\"C:\\\\Program Files\\\\x\"\n",
            "value",
        );
        assert_eq!(v, "C:\\Program Files\\x");
    }

    #[test]
    fn byte_escapes_and_surrogates() {
        assert_eq!(attr("add x=\"\\xff\\xc3\\xa9\"", "x"), "\u{FFFD}é");
        assert_eq!(attr("add x=\"\\ud800\"", "x"), "\u{FFFD}");
    }

    #[test]
    fn unicode_bare_word() {
        assert_eq!(attr("add text id=q8 value=Привет\n", "value"), "Привет");
    }

    #[test]
    fn unicode_categories_split_like_go() {
        assert_eq!(attr("add text id=hi value=नमस्ते", "value"), "नमस");
        let c = ok("add text id=x7 value=Ⅻ½²");
        assert_eq!(c.attrs["value"], "Ⅻ");
        assert_eq!(c.values, vec!["text", "½", "²"]);
    }

    #[test]
    fn numbers_and_dotted_words() {
        let c = ok("add text id=q9 value=3.14 size=-5 font=a.b-c_d:e\n");
        assert_eq!(
            c.attrs,
            attrs(&[
                ("id", "q9"),
                ("value", "3.14"),
                ("size", "-5"),
                ("font", "a.b-c_d:e")
            ])
        );
    }

    #[test]
    fn unquoted_url_is_cut_by_comment() {
        let c = ok("add text id=url1 value=http://example.com/x bold\n");
        assert_eq!(c.attrs, attrs(&[("id", "url1"), ("value", "http:")]));
        assert_eq!(c.values, vec!["text"]);
    }

    #[test]
    fn block_comments_are_skipped() {
        let c = ok("add text id=cm value=a /* ignored */ bold\n");
        assert_eq!(c.values, vec!["text", "bold"]);
        assert_eq!(c.attrs["value"], "a");
        assert_eq!(ok("get/**/page/**/t").values, vec!["page", "t"]);
        assert_eq!(ok("get page t /* unterminated").values, vec!["page", "t"]);
    }

    #[test]
    fn punctuation_tokens_become_values() {
        let c = ok("add text id=pun value=Hello, world\n");
        assert_eq!(c.attrs["value"], "Hello");
        assert_eq!(c.values, vec!["text", ",", "world"]);
        assert_eq!(ok("get pun ,\n").values, vec!["pun", ","]);
        assert_eq!(
            ok("add text id=x6 value=a\\b").values,
            vec!["text", "\\", "b"]
        );
    }

    #[test]
    fn trailing_name_eq_becomes_a_value() {
        let c = ok("set pun value=\n");
        assert_eq!(c.values, vec!["pun", "value"]);
        assert!(c.attrs.is_empty());
    }

    #[test]
    fn empty_quoted_value() {
        assert_eq!(ok("set pun value=\"\"\n").attrs, attrs(&[("value", "")]));
    }

    #[test]
    fn quoted_attr_name_and_value_spacing() {
        let c = ok("set x 'Font Size' = '12' \"B\"=\"c\"");
        assert_eq!(c.attrs, attrs(&[("font size", "12"), ("b", "c")]));
        assert_eq!(
            err("add text id=\"a b\"=c"),
            "unexpected '=' at position 18"
        );
    }

    #[test]
    fn attr_names_lowercase_like_go() {
        let c = ok("add text İD=dotted ΣΑΣ=1");
        assert_eq!(c.attrs, attrs(&[("id", "dotted"), ("σασ", "1")]));
    }

    #[test]
    fn later_attr_wins() {
        assert_eq!(ok("set a v=1 V=2").attrs, attrs(&[("v", "2")]));
    }

    #[test]
    fn attr_then_eq_is_an_error_but_attr_then_value_is_not() {
        assert_eq!(err("get page t =5 ="), "unexpected '=' at position 15");
        let c = ok("get page t =5");
        assert_eq!(c.values, vec!["page"]);
        assert_eq!(c.attrs, attrs(&[("t", "5")]));
    }

    // ---- vectors: errors ----

    #[test]
    fn invalid_escape_in_double_quotes() {
        assert_eq!(
            err("add text value=\"a\\qb\"\n"),
            "error parsing command at position 16: invalid char escape"
        );
        assert_eq!(
            err("add text id=x8 value=\"a\\qb\\q\""),
            "error parsing command at position 22: invalid char escape"
        );
    }

    #[test]
    fn invalid_escape_in_single_quotes() {
        assert_eq!(
            err("add text value='a\\qb'\n"),
            "error parsing command at position 16: invalid char escape"
        );
    }

    #[test]
    fn other_quote_escape_is_invalid_in_the_scanner() {
        assert_eq!(
            err("add text id=v value=\"\\'\""),
            "error parsing command at position 21: invalid char escape"
        );
        assert_eq!(
            err("add text id=x4 value=\"a\\'b\""),
            "error parsing command at position 22: invalid char escape"
        );
    }

    #[test]
    fn unterminated_string() {
        assert_eq!(
            err("add text value=\"abc\n"),
            "error parsing command at position 16: literal not terminated"
        );
        assert_eq!(
            err("add text id=x9 value=\"\\"),
            "error parsing command at position 22: literal not terminated"
        );
        // The escape error comes first, the unterminated literal last; the last one wins.
        assert_eq!(
            err("add text id=x10 value='\\"),
            "error parsing command at position 23: literal not terminated"
        );
        assert_eq!(
            err("add a=`raw"),
            "error parsing command at position 7: literal not terminated"
        );
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(
            err("add text value=Привет \"abc"),
            "error parsing command at position 23: literal not terminated"
        );
    }

    #[test]
    fn double_eq() {
        assert_eq!(err("add text value==x\n"), "unexpected '=' at position 16");
    }

    #[test]
    fn leading_eq() {
        assert_eq!(err("=x\n"), "unexpected '=' at position 1");
    }

    #[test]
    fn nul_characters() {
        let nul =
            |col: usize| format!("error parsing command at position {col}: invalid character NUL");
        assert_eq!(err("get page\0 t"), nul(5));
        assert_eq!(err("get page \0"), nul(5));
        assert_eq!(err("\0get page t"), nul(0));
    }

    #[test]
    fn unknown_command() {
        assert_eq!(err("foo bar\n"), "unknown command: foo");
    }

    #[test]
    fn unknown_command_quoted_name() {
        assert_eq!(err("\"hello\" x\n"), "unknown command: hello");
        // A name ending the line keeps its quotes.
        assert_eq!(err("\"get\""), "unknown command: \"get\"");
        assert_eq!(err("`get` page t"), "unknown command: `get`");
    }

    #[test]
    fn quoted_and_escaped_names() {
        assert_eq!(ok("'get' page t").name, "get");
        assert_eq!(ok("\"g\\x65t\" page t").name, "get");
        let c = ok("\"\" get page t");
        assert_eq!((c.name.as_str(), c.values.len()), ("get", 2));
    }

    #[test]
    fn lines_without_a_name_are_unknown() {
        assert_eq!(err("// only comment"), "unknown command: ");
        assert_eq!(err("id=x"), "unknown command: ");
        assert_eq!(err("\u{b}\nget page t"), "unknown command: \u{b}");
        assert_eq!(err("\u{c}get page t"), "unknown command: \u{c}");
    }

    #[test]
    fn empty_text() {
        for text in ["", "\n", "   \n", " \t\r\n\n", "\u{c}"] {
            assert_eq!(err(text), "empty command", "{text:?}");
        }
        assert_eq!(parse_line("  ").unwrap_err(), "empty command");
    }

    #[test]
    fn leading_spaces_and_blank_lines_before_the_command() {
        let c = ok("   get greeting value\n");
        assert_eq!((c.name.as_str(), c.indent), ("get", 3));
        assert_eq!(c.values, vec!["greeting", "value"]);
        let c = ok("\n\n  \nget greeting value\n");
        assert_eq!(c.values, vec!["greeting", "value"]);
        assert!(c.lines.is_empty());
        let c = ok("\u{c}\nget page t");
        assert_eq!(c.name, "get");
        assert_eq!(ok("\u{FEFF}get page t").name, "get");
    }

    #[test]
    fn every_command_name_is_known_in_any_case() {
        for name in COMMAND_NAMES {
            assert_eq!(ok(name).name, *name);
            assert_eq!(ok(&name.to_uppercase()).name, name.to_uppercase());
        }
    }

    // ---- vectors: set / get / clean / remove / replace ----

    #[test]
    fn set_with_flags_and_quoted_values() {
        let c = ok("set tb1 value='some text' label=Comment disabled\n");
        assert_eq!(c.values, vec!["tb1", "disabled"]);
        assert_eq!(
            c.attrs,
            attrs(&[("value", "some text"), ("label", "Comment")])
        );
        assert_eq!(
            ok("set greeting FontSize=12").attrs,
            attrs(&[("fontsize", "12")])
        );
    }

    #[test]
    fn multi_line_set_sub_lines() {
        let c = ok("set\ngreeting value=A\ntb1 value=B\n");
        assert_eq!(c.lines, vec!["greeting value=A", "tb1 value=B"]);
        let sub = parse_line(&c.lines[1]).unwrap();
        assert_eq!(sub.name, "");
        assert_eq!(sub.values, vec!["tb1"]);
        assert_eq!(sub.attrs, attrs(&[("value", "B")]));
    }

    #[test]
    fn sub_line_keeps_first_word_as_value_even_if_a_command_name() {
        let sub = parse_line("get value=1").unwrap();
        assert_eq!((sub.name.as_str(), sub.values[0].as_str()), ("", "get"));
        assert_eq!(parse_line("\"\" x").unwrap().values, vec!["", "x"]);
    }

    #[test]
    fn sub_line_with_embedded_newline_parses_its_first_part() {
        let sub = parse_line("\n  text id=a\nmore").unwrap();
        assert_eq!((sub.indent, sub.values[0].as_str()), (2, "text"));
        assert_eq!(sub.lines, vec!["more"]);
    }

    #[test]
    fn remove_clean_replace_shapes() {
        assert_eq!(ok("remove a b at=0").values, vec!["a", "b"]);
        let c = ok("replace to=box at=0 text id=r3\n");
        assert_eq!(c.values, vec!["text"]);
        assert_eq!(c.attrs, attrs(&[("to", "box"), ("at", "0"), ("id", "r3")]));
        assert_eq!(ok("get greeting value extra stuff").values.len(), 4);
    }

    // ---- split_commands ----

    #[test]
    fn split_merged_setf_lines() {
        assert_eq!(
            split_commands("setf p value=1\nsetf p value=2\n"),
            vec!["setf p value=1", "setf p value=2"]
        );
    }

    #[test]
    fn split_multi_line_add_then_set() {
        let text = "add stack id=top\ntext id=c1\n  text id=c2\nset top gap=1\n";
        assert_eq!(
            split_commands(text),
            vec![
                "add stack id=top\ntext id=c1\n  text id=c2",
                "set top gap=1"
            ]
        );
    }

    #[test]
    fn split_blank_lines() {
        assert!(split_commands("").is_empty());
        assert!(split_commands("\n  \n\t\r\n").is_empty());
        assert_eq!(
            split_commands("\n\n  get a b\n\nsetf a v=1\n\n"),
            vec!["  get a b", "setf a v=1"]
        );
        // Blank lines inside a multi-line command stay with it.
        assert_eq!(split_commands("add\n\n text\n"), vec!["add\n\n text"]);
    }

    #[test]
    fn split_crlf() {
        let text = "add\r\nstack id=crlf\r\n\r\n  text id=x\r\nSETF crlf x=1\r\n";
        let pieces = split_commands(text);
        assert_eq!(
            pieces,
            vec!["add\r\nstack id=crlf\r\n\r\n  text id=x", "SETF crlf x=1"]
        );
        assert_eq!(
            ok(&pieces[0]).lines,
            vec!["stack id=crlf", "", "  text id=x"]
        );
    }

    #[test]
    fn split_leading_unknown_line_is_its_own_piece() {
        assert_eq!(
            split_commands("foo bar\nget a b"),
            vec!["foo bar", "get a b"]
        );
    }

    #[test]
    fn split_needs_a_name_not_an_attr() {
        assert_eq!(
            split_commands("set\nx get=1\nget=1\n"),
            vec!["set\nx get=1\nget=1"]
        );
        assert_eq!(split_commands("add\n'get' a b"), vec!["add", "'get' a b"]);
    }

    #[test]
    fn split_known_ambiguity_set_child_named_like_a_command() {
        assert_eq!(
            split_commands("set\nget value=1"),
            vec!["set", "get value=1"]
        );
    }

    #[test]
    fn split_single_command_is_unchanged() {
        assert_eq!(split_commands("get q4 value\n"), vec!["get q4 value"]);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn command_like() -> impl Strategy<Value = String> {
            let word = prop_oneof![
                Just("add".to_string()),
                Just("setf".to_string()),
                Just("get".to_string()),
                "[a-zA-Z0-9:_.-]{1,6}",
                Just("=".to_string()),
                Just("\"".to_string()),
                Just("'".to_string()),
                Just("`".to_string()),
                Just("\\".to_string()),
                Just("//".to_string()),
                Just("/*".to_string()),
                Just("*/".to_string()),
                Just("\n".to_string()),
                Just("\r\n".to_string()),
                Just("\t".to_string()),
                Just("\0".to_string()),
                Just("\u{FEFF}".to_string()),
                "\\PC",
                "\\\\[abfnrtvxuU0-9'\"\\\\]",
            ];
            proptest::collection::vec(word, 0..24).prop_map(|ws| ws.join(" "))
        }

        fn check(text: &str) {
            let _ = parse(text);
            let _ = parse_line(text);
            for piece in split_commands(text) {
                assert!(!is_blank(&piece), "blank piece from {text:?}");
                if let Err(e) = parse(&piece) {
                    assert_ne!(e, "empty command", "piece {piece:?} of {text:?}");
                }
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            #[test]
            fn never_panics_on_any_string(text in "\\PC*|(.|\\s|[\\x00-\\x1f])*") {
                check(&text);
            }

            #[test]
            fn never_panics_on_command_like_text(text in command_like()) {
                check(&text);
            }

            #[test]
            fn never_panics_on_any_chars(chars in proptest::collection::vec(any::<char>(), 0..64)) {
                check(&chars.into_iter().collect::<String>());
            }
        }
    }
}
