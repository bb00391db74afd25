//! A lenient, never-failing text syntax for [`JsonValue`], so seed files stay readable while the
//! fuzzer can still reach every value the bindings can hand the engine:
//!
//! | text | value |
//! |---|---|
//! | `null` `true` `false` | as JSON |
//! | `NaN` `Infinity` `-Infinity` | `Float` (non-finite) |
//! | `12`, `-3` | `Integer` (fits `i64`), else `BigInteger` (`123456789012345678901234`) |
//! | `2.5`, `1e400` | `Float` (`1e400` overflows to infinity) |
//! | `"a\n\u00e9\x1b"` | `String`; JSON escapes plus `\xHH` (U+00HH); a lone `\uD800` → `Unsupported` |
//! | `[a, b]` `{"k": v, k2: v}` | `Array` / `Object` (duplicate keys and insertion order kept) |
//! | `<set {1}>` | `Unsupported("set {1}")` |
//! | `~N v` | `v` wrapped in `N` nested arrays (N ≤ 1000) |
//! | `^N v` | `v` wrapped in `N` nested objects `{"k": …}` (N ≤ 1000) |
//! | anything else | a bare word up to a delimiter, as a `String` |
//!
//! Unterminated strings and containers end at the end of the text. The parser itself recurses at
//! most [`MAX_PARSE_DEPTH`] levels (deeper brackets are read as bare words), so no input can
//! overflow the fuzzer's stack; `~N` / `^N` build deep values iteratively.

use cedar_hitl_core::{BigInteger, JsonValue};

/// Bracket depth the recursive parser follows.
pub const MAX_PARSE_DEPTH: usize = 100;
/// Total nesting `~N` / `^N` may add to one text.
pub const MAX_WRAP: usize = 1000;

/// Parse a whole text as one value (trailing text is ignored).
pub fn parse_value(text: &str) -> JsonValue {
    let mut p = Parser { s: text, pos: 0, wrap_budget: MAX_WRAP };
    p.value(0)
}

/// Parse one value from the start of `text`; returns it and the unparsed rest.
pub fn parse_value_prefix(text: &str) -> (JsonValue, &str) {
    let mut p = Parser { s: text, pos: 0, wrap_budget: MAX_WRAP };
    let v = p.value(0);
    (v, &text[p.pos..])
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
    /// `~N` / `^N` levels still allowed in this text (bounds the total depth, not each wrap).
    wrap_budget: usize,
}

const DELIMS: &[char] = &[',', ':', ']', '}', '[', '{', '"', '\n'];

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn ws(&mut self) {
        while let Some(c) = self.peek() {
            if c == ' ' || c == '\t' || c == '\r' {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn eat(&mut self, word: &str) -> bool {
        if self.rest().starts_with(word) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> JsonValue {
        self.ws();
        let Some(c) = self.peek() else { return JsonValue::Null };
        if depth >= MAX_PARSE_DEPTH && (c == '[' || c == '{' || c == '~' || c == '^') {
            return JsonValue::String(self.bare_word(true));
        }
        match c {
            '"' => {
                self.bump();
                self.string_body()
            }
            '[' => {
                self.bump();
                let mut items = Vec::new();
                loop {
                    self.ws();
                    match self.peek() {
                        None => break,
                        Some(']') => {
                            self.bump();
                            break;
                        }
                        Some(',') | Some('\n') => {
                            self.bump();
                        }
                        Some(_) => {
                            let before = self.pos;
                            items.push(self.value(depth + 1));
                            if self.pos == before {
                                self.bump();
                            }
                        }
                    }
                }
                JsonValue::Array(items)
            }
            '{' => {
                self.bump();
                let mut members = Vec::new();
                loop {
                    self.ws();
                    match self.peek() {
                        None => break,
                        Some('}') => {
                            self.bump();
                            break;
                        }
                        Some(',') | Some('\n') => {
                            self.bump();
                        }
                        Some(_) => {
                            let before = self.pos;
                            let key = match self.value(depth + 1) {
                                JsonValue::String(s) => s,
                                JsonValue::Integer(i) => i.to_string(),
                                _ => String::new(),
                            };
                            self.ws();
                            let val = if self.peek() == Some(':') {
                                self.bump();
                                self.value(depth + 1)
                            } else {
                                JsonValue::Null
                            };
                            members.push((key, val));
                            if self.pos == before {
                                self.bump();
                            }
                        }
                    }
                }
                JsonValue::Object(members)
            }
            '<' => {
                self.bump();
                let rest = self.rest();
                let end = rest.find('>').unwrap_or(rest.len());
                let what = rest[..end].to_owned();
                self.pos += end;
                self.bump();
                JsonValue::Unsupported(what)
            }
            '~' | '^' => {
                self.bump();
                let n = self.digits().parse::<usize>().unwrap_or(1).min(self.wrap_budget);
                self.wrap_budget -= n;
                let mut v = self.value(depth + 1);
                for _ in 0..n {
                    v = if c == '~' {
                        JsonValue::Array(vec![v])
                    } else {
                        JsonValue::Object(vec![("k".to_owned(), v)])
                    };
                }
                v
            }
            _ => {
                if self.eat("null") {
                    JsonValue::Null
                } else if self.eat("true") {
                    JsonValue::Bool(true)
                } else if self.eat("false") {
                    JsonValue::Bool(false)
                } else if self.eat("NaN") {
                    JsonValue::Float(f64::NAN)
                } else if self.eat("Infinity") {
                    JsonValue::Float(f64::INFINITY)
                } else if self.eat("-Infinity") {
                    JsonValue::Float(f64::NEG_INFINITY)
                } else if c == '-' || c.is_ascii_digit() {
                    self.number()
                } else {
                    JsonValue::String(self.bare_word(false))
                }
            }
        }
    }

    fn digits(&mut self) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        &self.s[start..self.pos]
    }

    fn number(&mut self) -> JsonValue {
        let start = self.pos;
        self.eat("-");
        self.digits();
        let mut float = false;
        if self.peek() == Some('.') {
            float = true;
            self.pos += 1;
            self.digits();
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            float = true;
            self.pos += 1;
            if matches!(self.peek(), Some('+' | '-')) {
                self.pos += 1;
            }
            self.digits();
        }
        let text = &self.s[start..self.pos];
        if !float {
            if let Ok(i) = text.parse::<i64>() {
                return JsonValue::Integer(i);
            }
            if let Some(b) = BigInteger::parse(text) {
                return JsonValue::BigInteger(b);
            }
        }
        match text.parse::<f64>() {
            Ok(f) => JsonValue::Float(f),
            Err(_) => JsonValue::String(text.to_owned()),
        }
    }

    fn bare_word(&mut self, brackets_too: bool) -> String {
        let start = self.pos;
        while let Some(c) = self.peek() {
            let stop = if brackets_too {
                c == ',' || c == '\n' || c == ']' || c == '}'
            } else {
                DELIMS.contains(&c) || c == ' '
            };
            if stop {
                break;
            }
            self.bump();
        }
        if self.pos == start {
            // Always make progress on a lone delimiter.
            self.bump();
        }
        self.s[start..self.pos].to_owned()
    }

    fn hex(&mut self, n: usize) -> Option<u32> {
        let rest = self.rest();
        let h = rest.get(..n)?;
        let v = u32::from_str_radix(h, 16).ok()?;
        self.pos += n;
        Some(v)
    }

    /// Called after the opening quote.
    fn string_body(&mut self) -> JsonValue {
        let mut out = String::new();
        let mut lone_surrogate = false;
        while let Some(c) = self.bump() {
            match c {
                '"' => break,
                '\\' => match self.bump() {
                    None => break,
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some('b') => out.push('\u{8}'),
                    Some('f') => out.push('\u{c}'),
                    Some('x') => match self.hex(2) {
                        Some(v) => out.push(char::from_u32(v).unwrap_or('?')),
                        None => out.push('x'),
                    },
                    Some('u') => match self.hex(4) {
                        Some(hi @ 0xD800..=0xDBFF) => {
                            let lo = if self.rest().starts_with("\\u") {
                                let save = self.pos;
                                self.pos += 2;
                                match self.hex(4) {
                                    Some(lo @ 0xDC00..=0xDFFF) => Some(lo),
                                    _ => {
                                        self.pos = save;
                                        None
                                    }
                                }
                            } else {
                                None
                            };
                            match lo {
                                Some(lo) => out.push(
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                        .unwrap_or('?'),
                                ),
                                None => lone_surrogate = true,
                            }
                        }
                        Some(0xDC00..=0xDFFF) => lone_surrogate = true,
                        Some(v) => out.push(char::from_u32(v).unwrap_or('?')),
                        None => out.push('u'),
                    },
                    Some(other) => out.push(other),
                },
                c => out.push(c),
            }
        }
        if lone_surrogate {
            // What a binding produces for a Python str / JS string holding a lone surrogate.
            JsonValue::Unsupported(cedar_hitl_core::InputGuard::lone_surrogate())
        } else {
            JsonValue::String(out)
        }
    }
}

/// Undo C-style escapes in a script argument: `\n`, `\t`, `\r`, `\\`, `\e` (ESC), `\0`, `\xHH`.
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            None => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('e') => out.push('\u{1b}'),
            Some('0') => out.push('\0'),
            Some('x') => {
                let h: String = chars.by_ref().take(2).collect();
                match u32::from_str_radix(&h, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => {
                        out.push('x');
                        out.push_str(&h);
                    }
                }
            }
            Some(other) => out.push(other),
        }
    }
    out
}

/// The maximum container nesting of a value (scalars 0), computed iteratively.
pub fn container_depth(v: &JsonValue) -> usize {
    let mut max = 0;
    let mut stack = vec![(v, 0usize)];
    while let Some((v, d)) = stack.pop() {
        match v {
            JsonValue::Array(items) => {
                max = max.max(d + 1);
                stack.extend(items.iter().map(|i| (i, d + 1)));
            }
            JsonValue::Object(members) => {
                max = max.max(d + 1);
                stack.extend(members.iter().map(|(_, i)| (i, d + 1)));
            }
            _ => {}
        }
    }
    max
}

/// Whether any NaN/infinity or `Unsupported` value occurs anywhere (iterative).
pub fn has_non_json(v: &JsonValue) -> bool {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            JsonValue::Float(f) if !f.is_finite() => return true,
            JsonValue::Unsupported(_) => return true,
            JsonValue::Array(items) => stack.extend(items.iter()),
            JsonValue::Object(members) => stack.extend(members.iter().map(|(_, i)| i)),
            _ => {}
        }
    }
    false
}

/// Whether any `Float` occurs anywhere (iterative).
pub fn has_float(v: &JsonValue) -> bool {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            JsonValue::Float(_) => return true,
            JsonValue::Array(items) => stack.extend(items.iter()),
            JsonValue::Object(members) => stack.extend(members.iter().map(|(_, i)| i)),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        let v = parse_value(
            r#"{"command": "rm -rf /", n: 12, big: 123456789012345678901234, f: 2.5, x: NaN, u: <set>, s: "\ud800"}"#,
        );
        let JsonValue::Object(m) = v else { panic!() };
        assert_eq!(m[0], ("command".into(), JsonValue::String("rm -rf /".into())));
        assert_eq!(m[1].1, JsonValue::Integer(12));
        assert!(matches!(m[2].1, JsonValue::BigInteger(_)));
        assert_eq!(m[3].1, JsonValue::Float(2.5));
        assert!(matches!(m[4].1, JsonValue::Float(f) if f.is_nan()));
        assert_eq!(m[5].1, JsonValue::Unsupported("set".into()));
        assert!(matches!(m[6].1, JsonValue::Unsupported(_)));
        assert_eq!(container_depth(&parse_value("~70 1")), 70);
        assert_eq!(container_depth(&parse_value("^3 {}")), 4);
        assert_eq!(parse_value(r#""\ud83d\ude00""#), JsonValue::String("😀".into()));
        assert_eq!(unescape(r"a\nb\e[31m\x7f"), "a\nb\u{1b}[31m\u{7f}");
    }

    #[test]
    fn never_loops_on_garbage() {
        for s in [
            "[",
            "{",
            "{:",
            "]]]",
            "{\"a\"",
            "[,,,]",
            "~",
            "^99999999999999999999 1",
            "<",
            "\"\\u12",
            "-",
            "1e",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        ] {
            let _ = parse_value(s);
        }
    }
}
