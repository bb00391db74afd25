//! `--input`: the tool input as JSON text, read from the argument itself, standard input (`-`)
//! or a file (`@FILE`), and parsed straight into the engine's [`JsonValue`].
//!
//! The parser is the CLI's own (docs/cli.md, "--input") because a generic JSON library either
//! turns integers beyond 64 bits into floats or sorts object keys; both would make the CLI see a
//! different value, and hash a different input, than Python's `json.loads` of the same text.
//! What it keeps: every integer exactly (`BigInteger` beyond `i64`), object members in text
//! order, and for a repeated key the last value at the first key's place (as a Python dict
//! does), so `{"command": "ls", "command": "rm -rf /"}` is read as `rm -rf /`.

use cedar_hitl_core::{BigInteger, JsonValue, constants};
use std::collections::HashMap;
use std::io::Read;

/// Largest `--input` text read from stdin or a file: four times the engine's input cap (the
/// text may carry whitespace the canonical form drops); the engine refuses anything larger anyway.
pub const MAX_INPUT_TEXT_BYTES: u64 = 64 * 1024 * 1024;

/// Where `--input` text came from.
///
/// ```
/// use cedar_hitl_cli::input::InputSource;
/// assert_eq!(InputSource::of("-"), InputSource::Stdin);
/// assert_eq!(InputSource::of("@call.json"), InputSource::File("call.json".into()));
/// assert_eq!(InputSource::of("{}"), InputSource::Inline);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSource {
    /// The argument is the JSON text.
    Inline,
    /// `-`: the JSON text is standard input.
    Stdin,
    /// `@FILE`: the JSON text is that file's content.
    File(String),
}

impl InputSource {
    /// Classify an `--input` argument. JSON text never starts with `@` and is never `-`
    /// alone, so the forms cannot be confused.
    ///
    /// ```
    /// use cedar_hitl_cli::input::InputSource;
    /// assert_eq!(InputSource::of(" -"), InputSource::Inline);
    /// ```
    pub fn of(arg: &str) -> Self {
        if arg == "-" {
            InputSource::Stdin
        } else if let Some(path) = arg.strip_prefix('@') {
            InputSource::File(path.to_owned())
        } else {
            InputSource::Inline
        }
    }

    /// The name used in messages: the file, `<stdin>` or `--input`.
    ///
    /// ```
    /// use cedar_hitl_cli::input::InputSource;
    /// assert_eq!(InputSource::Stdin.name(), "<stdin>");
    /// ```
    pub fn name(&self) -> String {
        match self {
            InputSource::Inline => "--input".into(),
            InputSource::Stdin => "<stdin>".into(),
            InputSource::File(p) => p.clone(),
        }
    }
}

/// The text an `--input` argument stands for (reading stdin or the file as needed).
///
/// ```
/// let text = cedar_hitl_cli::input::read_text(r#"{"a": 1}"#).unwrap();
/// assert_eq!(text, r#"{"a": 1}"#);
/// assert!(cedar_hitl_cli::input::read_text("@/no/such/file").unwrap_err().contains("cannot read"));
/// ```
pub fn read_text(arg: &str) -> Result<String, String> {
    let source = InputSource::of(arg);
    let mut bytes = Vec::new();
    let read = match &source {
        InputSource::Inline => return Ok(arg.to_owned()),
        InputSource::Stdin => {
            std::io::stdin().lock().take(MAX_INPUT_TEXT_BYTES + 1).read_to_end(&mut bytes)
        }
        InputSource::File(p) => std::fs::File::open(p)
            .and_then(|f| f.take(MAX_INPUT_TEXT_BYTES + 1).read_to_end(&mut bytes)),
    };
    read.map_err(|e| format!("cannot read {}: {e}", source.name()))?;
    if bytes.len() as u64 > MAX_INPUT_TEXT_BYTES {
        return Err(format!("{} is larger than {MAX_INPUT_TEXT_BYTES} bytes", source.name()));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{} is not UTF-8 (invalid byte at offset {})",
            source.name(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// A JSON syntax error: what is wrong and the byte offset where it was found.
///
/// ```
/// let e = cedar_hitl_cli::input::parse_json("{\"a\": }").unwrap_err();
/// assert_eq!((e.offset, e.message.as_str()), (6, "expected a value"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// What is wrong.
    pub message: String,
    /// Byte offset in the text.
    pub offset: usize,
}

/// What a string with an unpaired UTF-16 surrogate escape becomes: the same unsupported value
/// the bindings make of such a string, worded by the core's input guard, so evaluation fails
/// closed as it does there.
fn lone_surrogate() -> JsonValue {
    JsonValue::Unsupported(cedar_hitl_core::InputGuard::lone_surrogate())
}

/// Parse JSON text (RFC 8259; no `NaN`/`Infinity`, no trailing commas) into a [`JsonValue`].
///
/// ```
/// use cedar_hitl_core::JsonValue;
/// let v = cedar_hitl_cli::input::parse_json(r#"{"b": 1, "a": 123456789012345678901234567890}"#).unwrap();
/// let JsonValue::Object(members) = &v else { panic!() };
/// assert_eq!(members[0].0, "b");
/// assert!(matches!(&members[1].1, JsonValue::BigInteger(b) if b.as_str() == "123456789012345678901234567890"));
/// ```
pub fn parse_json(text: &str) -> Result<JsonValue, JsonError> {
    let mut p = Parser { s: text.as_bytes(), pos: 0, max_depth: constants().tool_input_max_depth };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.pos < p.s.len() {
        return Err(p.err("unexpected text after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
    max_depth: usize,
}

impl Parser<'_> {
    fn err(&self, message: impl Into<String>) -> JsonError {
        JsonError { message: message.into(), offset: self.pos }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn expect(&mut self, b: u8, what: &str) -> Result<(), JsonError> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(format!("expected {what}")))
        }
    }

    /// `depth`: containers already open around this value.
    fn value(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => Ok(match self.string()? {
                Ok(s) => JsonValue::String(s),
                Err(()) => lone_surrogate(),
            }),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", JsonValue::Bool(true)),
            Some(b'f') => self.literal("false", JsonValue::Bool(false)),
            Some(b'n') => self.literal("null", JsonValue::Null),
            _ => Err(self.err("expected a value")),
        }
    }

    fn literal(&mut self, word: &str, v: JsonValue) -> Result<JsonValue, JsonError> {
        if self.s[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.err("expected a value"))
        }
    }

    fn open(&mut self, depth: usize) -> Result<(), JsonError> {
        if depth > self.max_depth {
            return Err(self.err(format!("nested deeper than {} levels", self.max_depth)));
        }
        self.pos += 1;
        self.ws();
        Ok(())
    }

    fn object(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        self.open(depth)?;
        let mut members: Vec<(String, JsonValue)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut unsupported = false;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(JsonValue::Object(members));
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(self.err("expected a string key"));
            }
            let key = self.string()?;
            self.ws();
            self.expect(b':', "':'")?;
            self.ws();
            let value = self.value(depth)?;
            match key {
                Err(()) => unsupported = true,
                // A repeated key keeps its first place and takes the last value (a Python dict).
                Ok(key) => match index.get(&key) {
                    Some(&i) => members[i].1 = value,
                    None => {
                        index.insert(key.clone(), members.len());
                        members.push((key, value));
                    }
                },
            }
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.ws();
                }
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.err("expected ',' or '}'")),
            }
        }
        Ok(if unsupported { lone_surrogate() } else { JsonValue::Object(members) })
    }

    fn array(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        self.open(depth)?;
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(JsonValue::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.ws();
                }
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.err("expected ',' or ']'")),
            }
        }
        Ok(JsonValue::Array(items))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits =
            self.s.get(self.pos..self.pos + 4).ok_or_else(|| self.err("bad \\u escape"))?;
        let text = std::str::from_utf8(digits).map_err(|_| self.err("bad \\u escape"))?;
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.err("bad \\u escape"));
        }
        self.pos += 4;
        u32::from_str_radix(text, 16).map_err(|_| self.err("bad \\u escape"))
    }

    /// The string at `pos` (which is `"`); `Ok(Err(()))` when it holds a lone surrogate.
    #[allow(clippy::type_complexity)]
    fn string(&mut self) -> Result<Result<String, ()>, JsonError> {
        self.pos += 1;
        let mut out = String::new();
        let mut lone = false;
        loop {
            let start = self.pos;
            while let Some(&b) = self.s.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The input is a &str and the run stops only at ASCII bytes: valid UTF-8.
            out.push_str(std::str::from_utf8(&self.s[start..self.pos]).unwrap_or_default());
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(if lone { Err(()) } else { Ok(out) });
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let Some(e) = self.peek() else {
                        return Err(self.err("unterminated string"));
                    };
                    self.pos += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi)
                                && self.s[self.pos..].starts_with(b"\\u")
                            {
                                let save = self.pos;
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                } else {
                                    self.pos = save;
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            match c {
                                Some(c) => out.push(c),
                                None => lone = true,
                            }
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.err("bad escape"));
                        }
                    }
                }
                Some(_) => return Err(self.err("control character in string (escape it)")),
            }
        }
    }

    fn number(&mut self) -> Result<JsonValue, JsonError> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let from = p.pos;
            while let Some(b'0'..=b'9') = p.peek() {
                p.pos += 1;
            }
            p.pos - from
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        match digits(self) {
            0 => return Err(self.err("expected a digit")),
            n if n > 1 && self.s[int_start] == b'0' => {
                self.pos = int_start;
                return Err(self.err("leading zero in a number"));
            }
            _ => {}
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            float = true;
            if digits(self) == 0 {
                return Err(self.err("expected a digit after '.'"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            float = true;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.err("expected a digit in the exponent"));
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.pos]).unwrap_or_default();
        if float {
            // Out of range reads as an infinity, as Python's float() does; the engine refuses it.
            return text.parse::<f64>().map(JsonValue::Float).map_err(|_| self.err("bad number"));
        }
        if let Ok(i) = text.parse::<i64>() {
            return Ok(JsonValue::Integer(i));
        }
        // `-0...` never reaches here (it fits i64); BigInteger refuses only malformed text.
        BigInteger::parse(text).map(JsonValue::BigInteger).ok_or_else(|| self.err("bad number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(members: &[(&str, JsonValue)]) -> JsonValue {
        JsonValue::Object(members.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    #[test]
    fn values_as_python_reads_them() {
        let v = parse_json(
            r#" {"z": [true, false, null, -0, 1.5e2, "a\u00e9\ud83d\ude00\n"], "a": -18446744073709551617} "#,
        )
        .unwrap();
        let want = obj(&[
            (
                "z",
                JsonValue::Array(vec![
                    JsonValue::Bool(true),
                    JsonValue::Bool(false),
                    JsonValue::Null,
                    JsonValue::Integer(0),
                    JsonValue::Float(150.0),
                    JsonValue::String("aé😀\n".into()),
                ]),
            ),
            ("a", JsonValue::BigInteger(BigInteger::parse("-18446744073709551617").unwrap())),
        ]);
        assert_eq!(v, want);
        // i64 bounds stay integers; one beyond is a BigInteger, not a float.
        assert_eq!(parse_json("9223372036854775807").unwrap(), JsonValue::Integer(i64::MAX));
        assert_eq!(
            parse_json("9223372036854775808").unwrap(),
            JsonValue::BigInteger(BigInteger::parse("9223372036854775808").unwrap())
        );
    }

    #[test]
    fn repeated_keys_keep_the_first_place_and_the_last_value() {
        let v = parse_json(r#"{"command": "ls", "x": 1, "command": "rm -rf /"}"#).unwrap();
        assert_eq!(
            v,
            obj(&[("command", JsonValue::String("rm -rf /".into())), ("x", JsonValue::Integer(1))])
        );
    }

    #[test]
    fn lone_surrogates_become_unsupported() {
        let lone = lone_surrogate();
        assert_eq!(parse_json(r#""\ud800""#).unwrap(), lone);
        assert_eq!(parse_json(r#""\udc00\ud800x""#).unwrap(), lone);
        assert_eq!(parse_json(r#"{"\ud800": 1}"#).unwrap(), lone);
    }

    #[test]
    fn malformed_text_is_refused_with_its_offset() {
        for (text, offset, message) in [
            ("", 0, "expected a value"),
            ("{\"a\": 1,}", 8, "expected a string key"),
            ("[1 2]", 3, "expected ',' or ']'"),
            ("01", 0, "leading zero in a number"),
            ("NaN", 0, "expected a value"),
            ("Infinity", 0, "expected a value"),
            ("-", 1, "expected a digit"),
            ("1.", 2, "expected a digit after '.'"),
            ("\"a\tb\"", 2, "control character in string (escape it)"),
            ("\"\\x\"", 2, "bad escape"),
            ("\"\\u12\"", 3, "bad \\u escape"),
            ("{} {}", 3, "unexpected text after the JSON value"),
            ("tru", 0, "expected a value"),
            ("\"abc", 4, "unterminated string"),
        ] {
            let e = parse_json(text).unwrap_err();
            assert_eq!((e.offset, e.message.as_str()), (offset, message), "{text:?}");
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let max = constants().tool_input_max_depth;
        let ok = format!("{}{}", "[".repeat(max), "]".repeat(max));
        assert!(parse_json(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(max + 1), "]".repeat(max + 1));
        assert_eq!(
            parse_json(&deep).unwrap_err().message,
            format!("nested deeper than {max} levels")
        );
        // Far deeper than any stack allows: refused, not a stack overflow.
        assert!(parse_json(&"[".repeat(1_000_000)).is_err());
    }
}
