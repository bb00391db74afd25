//! Word evaluation: what bash makes of one word before it runs a command — quote removal,
//! backslash escapes, ANSI-C `$'…'` decoding, concatenation — and what it cannot know until run
//! time (expansions, substitutions, brace expansion), which marks the word dynamic.
//! See `docs/shell.md` ("Words").

use tree_sitter::Node;

/// One word as bash would pass it to a program, as far as it can be known before running.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Word {
    /// The text after quote removal. Dynamic parts are kept as written (`$DIR`), so the text
    /// still reads sensibly in facts and scope matching.
    pub text: String,
    /// Some part is only known at run time (parameter/command/arithmetic expansion, brace
    /// expansion, process substitution).
    pub dynamic: bool,
    /// An unquoted glob character (`*`, `?`, `[`) is present: bash may expand it into file names.
    pub glob: bool,
    /// Starts with an unquoted `~`, `$HOME` or `${HOME}`: the home directory.
    pub home: bool,
    /// Something in the word can run code when bash expands it (prompt expansion `@P`,
    /// indirection `${!x}`, arithmetic on variables).
    pub hazard: Option<&'static str>,
}

impl Word {
    fn push_dynamic(&mut self, src: &str) {
        self.text.push_str(src);
        self.dynamic = true;
    }
}

pub(crate) fn text<'a>(node: Node<'_>, src: &'a str) -> &'a str {
    &src[node.byte_range()]
}

/// Evaluate a word-like node (`word`, `string`, `raw_string`, `concatenation`, …).
pub(crate) fn eval(node: Node<'_>, src: &str) -> Word {
    let mut w = Word::default();
    eval_into(node, src, &mut w, true);
    w
}

fn eval_into(node: Node<'_>, src: &str, w: &mut Word, at_start: bool) {
    let raw = text(node, src);
    match node.kind() {
        "word" | "number" if node.named_child_count() == 0 => unquoted(raw, w, at_start),
        "command_name" => {
            if let Some(c) = node.named_child(0) {
                eval_into(c, src, w, at_start);
            }
        }
        "raw_string" => w
            .text
            .push_str(raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')).unwrap_or(raw)),
        "ansi_c_string" => {
            let body = raw.strip_prefix("$'").and_then(|r| r.strip_suffix('\'')).unwrap_or(raw);
            w.text.push_str(&decode_ansi_c(body));
        }
        "string" => double_quoted(node, src, w, at_start),
        "translated_string" => match node.named_child(0) {
            Some(s) => double_quoted(s, src, w, at_start),
            None => w.push_dynamic(raw),
        },
        "concatenation" => {
            // Brace expansion spans several children (`{`, `a,b`, `}`): look at the unquoted
            // shape of the whole concatenation.
            let mut shape = String::new();
            let mut c = node.walk();
            for child in node.children(&mut c) {
                shape.push_str(if child.kind() == "word" { text(child, src) } else { "x" });
            }
            if has_brace_expansion(&shape) {
                w.dynamic = true;
            }
            let mut cursor = node.walk();
            let mut first = at_start;
            let mut end = node.start_byte();
            for child in node.children(&mut cursor) {
                // Text between children that no child covers is literal (rare; keep it).
                if child.start_byte() > end {
                    w.text.push_str(&src[end..child.start_byte()]);
                }
                eval_into(child, src, w, first);
                end = child.end_byte();
                first = false;
            }
        }
        "simple_expansion" | "expansion" => {
            if at_start && matches!(raw, "$HOME" | "${HOME}") {
                w.home = true;
                w.text.push('~');
                return;
            }
            if node.kind() == "expansion" {
                check_expansion(raw, w);
            }
            w.push_dynamic(raw);
        }
        "arithmetic_expansion" => {
            arithmetic_hazard(node, src, w);
            w.push_dynamic(raw);
        }
        _ => w.push_dynamic(raw),
    }
}

/// `${…}` forms that run code hidden in a variable's value.
fn check_expansion(raw: &str, w: &mut Word) {
    let inner = raw.trim_start_matches("${");
    if inner.starts_with('!') {
        w.hazard = Some("indirect expansion ${!…} can evaluate an array subscript");
    } else if raw.contains("@P}") || raw.contains("@P ") {
        w.hazard = Some("prompt expansion ${…@P} runs command substitutions in the value");
    } else if raw.contains('[') && !raw.contains("[@]") && !raw.contains("[*]") {
        // `${a[$i]}`: the subscript is arithmetic over variables.
        let sub = raw.split('[').nth(1).unwrap_or("");
        if sub.contains(|c: char| c.is_ascii_alphabetic() || c == '$' || c == '`') {
            w.hazard = Some("array subscript evaluates arithmetic over variables");
        }
    }
}

/// Arithmetic that names a variable can run a command substitution hidden in that variable's
/// value (`x='a[$(cmd)]'; $((x))`).
pub(crate) fn arithmetic_hazard(node: Node<'_>, src: &str, w: &mut Word) {
    if has_variable_reference(node, src) {
        w.hazard = Some("arithmetic over a variable can run a command hidden in its value");
    }
}

pub(crate) fn has_variable_reference(node: Node<'_>, src: &str) -> bool {
    let raw = text(node, src);
    // `$[…]` (deprecated arithmetic) is parsed by tree-sitter as a word; read its text.
    let body = raw.trim_start_matches("$((").trim_start_matches("$[").trim_start_matches("((");
    body.chars().any(|c| c.is_ascii_alphabetic() || c == '_' || c == '$' || c == '`')
}

/// An unquoted word: backslash escapes, line continuations, globs, tilde, brace expansion.
fn unquoted(raw: &str, w: &mut Word, at_start: bool) {
    if at_start && (raw == "~" || raw.starts_with("~/")) {
        w.home = true;
    } else if at_start && raw.starts_with('~') {
        // `~user`, `~+`, `~-`: another user's home or a directory only known at run time.
        w.dynamic = true;
    }
    if raw.contains("=~") || raw.contains(":~") {
        // bash expands a tilde after `=` or `:` in assignments and `--opt=~/x` words.
        w.dynamic = true;
    }
    if raw.starts_with("$[") {
        w.hazard = Some("arithmetic over a variable can run a command hidden in its value");
        w.push_dynamic(raw);
        return;
    }
    if has_brace_expansion(raw) {
        w.dynamic = true;
    }
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\n') | None => {}
                Some(e) => w.text.push(e),
            },
            '*' | '?' | '[' => {
                w.glob = true;
                w.text.push(c);
            }
            '$' if chars.peek().is_some_and(|n| {
                n.is_ascii_alphanumeric()
                    || matches!(n, '_' | '{' | '(' | '@' | '*' | '#' | '?' | '-' | '$' | '!')
            }) =>
            {
                w.push_dynamic("$");
            }
            '`' => w.push_dynamic("`"),
            _ => w.text.push(c),
        }
    }
}

/// `{a,b}` or `{1..3}` unquoted: bash expands it into several words.
fn has_brace_expansion(raw: &str) -> bool {
    let b = raw.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'{' => {
                let mut depth = 0usize;
                let mut j = i;
                while j < b.len() {
                    match b[j] {
                        b'\\' => j += 1,
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                let inner = &raw[i + 1..j];
                                if inner.contains(',') || inner.contains("..") {
                                    return true;
                                }
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// Inside `"…"` only `\$`, `` \` ``, `\"`, `\\` and `\newline` are escapes.
fn double_quoted(node: Node<'_>, src: &str, w: &mut Word, at_start: bool) {
    let raw = text(node, src);
    // The content between the quotes; the grammar exposes only some of it as children (a
    // newline between two `string_content` nodes, or a string of blanks, is in no child).
    let open = usize::from(raw.starts_with('"'));
    let close = usize::from(raw.len() > open && raw.ends_with('"'));
    let (start, end) = (node.start_byte() + open, node.end_byte() - close);
    let mut pos = start;
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        if child.start_byte() > pos {
            quoted_text(&src[pos..child.start_byte()], w);
        }
        pos = pos.max(child.end_byte());
        // `"$HOME"` is the home directory as much as `$HOME` is.
        let at_start = at_start && w.text.is_empty();
        match child.kind() {
            "string_content" => quoted_text(text(child, src), w),
            "simple_expansion" | "expansion" | "arithmetic_expansion" => {
                eval_into(child, src, w, at_start)
            }
            _ => w.push_dynamic(text(child, src)),
        }
    }
    if end > pos {
        quoted_text(&src[pos..end], w);
    }
}

/// Literal text inside `"…"`: only `\$`, `` \` ``, `\"`, `\\` and `\newline` are escapes.
/// Runs without a backslash are copied whole.
pub(crate) fn quoted_text(raw: &str, w: &mut Word) {
    let mut rest = raw;
    while let Some(i) = rest.find('\\') {
        w.text.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.as_bytes().first() {
            Some(b'\n') => rest = &after[1..],
            Some(&e @ (b'$' | b'`' | b'"' | b'\\')) => {
                w.text.push(char::from(e));
                rest = &after[1..];
            }
            _ => {
                w.text.push('\\');
                rest = after;
            }
        }
    }
    w.text.push_str(rest);
}

/// Decode the body of `$'…'` the way bash does.
pub(crate) fn decode_ansi_c(body: &str) -> String {
    let mut s = decode_ansi_c_all(body);
    // bash passes the string only up to a NUL (`$'a\0b'` is `a`).
    if let Some(i) = s.find('\0') {
        s.truncate(i);
    }
    s
}

fn decode_ansi_c_all(body: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    let hex = |s: &[char], max: usize| -> (u32, usize) {
        let mut v = 0u32;
        let mut n = 0;
        while n < max && n < s.len() && s[n].is_ascii_hexdigit() {
            v = v * 16 + s[n].to_digit(16).unwrap_or(0);
            n += 1;
        }
        (v, n)
    };
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c != '\\' || i >= chars.len() {
            out.push(c);
            continue;
        }
        let e = chars[i];
        i += 1;
        match e {
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'e' | 'E' => out.push('\u{1b}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '\\' | '\'' | '"' | '?' => out.push(e),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                let mut n = 1;
                while n < 3 && i < chars.len() && chars[i].is_digit(8) {
                    v = v * 8 + chars[i].to_digit(8).unwrap_or(0);
                    i += 1;
                    n += 1;
                }
                // bash keeps the low byte of an octal escape.
                push_byte(&mut out, (v & 0xff) as u8);
            }
            'x' => {
                let (v, n) = hex(&chars[i..], 2);
                if n == 0 {
                    out.push('\\');
                    out.push('x');
                } else {
                    i += n;
                    push_byte(&mut out, v as u8);
                }
            }
            'u' | 'U' => {
                let (v, n) = hex(&chars[i..], if e == 'u' { 4 } else { 8 });
                if n == 0 {
                    out.push('\\');
                    out.push(e);
                } else {
                    i += n;
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                }
            }
            'c' if i < chars.len() => {
                let x = chars[i];
                i += 1;
                push_byte(&mut out, (x as u32 & 0x1f) as u8);
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}

/// A byte from an escape: ASCII as is; a high byte cannot be told apart from a UTF-8 fragment,
/// so it becomes U+FFFD (and the word stays visibly odd rather than silently equal to text).
fn push_byte(out: &mut String, b: u8) {
    if b == 0 {
        // bash ends the string at a NUL; decode_ansi_c stops at this marker.
        out.push('\0');
    } else if b.is_ascii() {
        out.push(b as char);
    } else {
        out.push('\u{fffd}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi_c_escapes() {
        assert_eq!(decode_ansi_c(r"\x72\x6d"), "rm");
        assert_eq!(decode_ansi_c(r"\162\155"), "rm");
        assert_eq!(decode_ansi_c(r"a\'b\n"), "a'b\n");
        assert_eq!(decode_ansi_c(r"\u0072m"), "rm");
        assert_eq!(decode_ansi_c(r"\q"), "\\q");
    }

    #[test]
    fn braces() {
        assert!(has_brace_expansion("{rm,-rf}"));
        assert!(has_brace_expansion("a{1..3}"));
        assert!(!has_brace_expansion("{}"));
        assert!(!has_brace_expansion("x\\{a,b}"));
        assert!(!has_brace_expansion("${x}"));
    }
}
