//! Canonical JSON of a tool input, byte-compatible with Python `json.dumps(x, sort_keys=True)`,
//! and its SHA-256 (the recent-decision cache key and the approval row's `tool_input_sha256`).

use crate::JsonValue;
use sha2::{Digest, Sha256};
use std::fmt;
use std::fmt::Write as _;

/// Why an input has no canonical form.
///
/// ```
/// use cedar_hitl_core::{canonical_json, JsonValue, Unhashable};
/// let err = canonical_json(&JsonValue::Float(f64::NAN)).unwrap_err();
/// assert!(err.to_string().contains("NaN"));
/// assert_eq!(err, Unhashable(err.0.clone()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unhashable(pub String);

impl fmt::Display for Unhashable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unhashable {}

/// Canonical JSON text of `value` (docs/behaviour.md#caches), or why there is none (NaN/Infinity, an
/// `Unsupported` value, nesting deeper than `tool_input_max_depth`).
///
/// Object members are sorted by key (code point order, stable for duplicate keys); the text is
/// ASCII-only with Python's separators and float spelling.
///
/// ```
/// use cedar_hitl_core::{canonical_json, JsonValue};
/// let v = JsonValue::from(serde_json::json!({"b": 1, "a": [2.5, null, "é"]}));
/// assert_eq!(canonical_json(&v).unwrap(), r#"{"a": [2.5, null, "\u00e9"], "b": 1}"#);
/// ```
pub fn canonical_json(value: &JsonValue) -> Result<String, Unhashable> {
    let mut out = String::new();
    write_json(&mut out, value, JsonStyle::Canonical, 0, crate::constants().tool_input_max_depth)?;
    Ok(out)
}

/// SHA-256 (lower-case hex) of [`canonical_json`].
///
/// ```
/// use cedar_hitl_core::{tool_input_sha256, JsonValue};
/// let empty = JsonValue::Object(vec![]);
/// assert_eq!(
///     tool_input_sha256(&empty).unwrap(),
///     "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
/// );
/// ```
pub fn tool_input_sha256(value: &JsonValue) -> Result<String, Unhashable> {
    // The canonical text goes straight into the hasher through a small buffer: no String of the
    // whole input is built, and the hasher sees few, large updates.
    let mut sink = HashSink { hasher: Sha256::new(), buf: [0; HASH_BUF], len: 0 };
    write_json(&mut sink, value, JsonStyle::Canonical, 0, crate::constants().tool_input_max_depth)?;
    sink.flush();
    Ok(lower_hex(&sink.hasher.finalize()))
}

/// Lower-case hex of `bytes`, table-driven.
pub(crate) fn lower_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = Vec::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 0xf)]);
    }
    // Only ASCII hex digits were pushed.
    String::from_utf8(out).unwrap_or_default()
}

/// Where canonical JSON is written: a `String`, or the SHA-256 of the text.
pub(crate) trait Sink {
    fn put(&mut self, s: &str);
    /// ASCII bytes (escapes, digits): the hasher takes them as they are, with no UTF-8 check.
    fn put_ascii(&mut self, ascii: &[u8]);
}

impl Sink for String {
    fn put(&mut self, s: &str) {
        self.push_str(s);
    }
    fn put_ascii(&mut self, ascii: &[u8]) {
        self.extend(ascii.iter().map(|&b| char::from(b)));
    }
}

const HASH_BUF: usize = 256;

struct HashSink {
    hasher: Sha256,
    buf: [u8; HASH_BUF],
    len: usize,
}

impl HashSink {
    fn flush(&mut self) {
        self.hasher.update(&self.buf[..self.len]);
        self.len = 0;
    }
}

impl Sink for HashSink {
    fn put(&mut self, s: &str) {
        self.put_ascii(s.as_bytes());
    }

    // Named for the callers that pass only ASCII; the hasher takes any bytes.
    fn put_ascii(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > HASH_BUF {
            self.flush();
            if bytes.len() > HASH_BUF {
                self.hasher.update(bytes);
                return;
            }
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }
}

/// How [`write_python_json`] renders: the canonical form (sorted keys, refuses what JSON cannot
/// hold) or the preview form (insertion order, renders everything).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JsonStyle {
    /// `json.dumps(x, sort_keys=True)`; NaN, `Unsupported` and excess depth are errors.
    Canonical,
    /// Insertion order; NaN/Infinity as Python writes them, `Unsupported(what)` as the string
    /// `what`, containers deeper than the limit as `"…"`.
    Preview,
}

/// Python-`json`-compatible JSON (ASCII-only, `", "` / `": "` separators) of `value`.
/// `depth` is the number of containers already open around `value`.
pub(crate) fn write_python_json(
    out: &mut String,
    value: &JsonValue,
    style: JsonStyle,
    depth: usize,
    max_depth: usize,
) -> Result<(), Unhashable> {
    write_json(out, value, style, depth, max_depth)
}

fn write_json<S: Sink>(
    out: &mut S,
    value: &JsonValue,
    style: JsonStyle,
    depth: usize,
    max_depth: usize,
) -> Result<(), Unhashable> {
    let strict = style == JsonStyle::Canonical;
    match value {
        JsonValue::Null => out.put("null"),
        JsonValue::Bool(b) => out.put(if *b { "true" } else { "false" }),
        JsonValue::Integer(i) => {
            let mut buf = [0u8; 20];
            out.put_ascii(format_i64(*i, &mut buf));
        }
        JsonValue::BigInteger(b) => out.put(b.as_str()),
        JsonValue::Float(f) => match python_float_repr(*f) {
            Some(text) => out.put(&text),
            None if strict => {
                return Err(Unhashable(format!(
                    "float {} is not JSON (NaN and Infinity have no canonical form)",
                    python_nonfinite_name(*f)
                )));
            }
            None => out.put(python_nonfinite_name(*f)),
        },
        JsonValue::String(s) => write_json_string(out, s),
        JsonValue::Unsupported(detail) if strict => {
            return Err(Unhashable(crate::InputGuard::unsupported(detail)));
        }
        JsonValue::Unsupported(what) => write_json_string(out, what),
        // Checked before descending so hostile nesting cannot exhaust the stack.
        JsonValue::Array(_) | JsonValue::Object(_) if depth + 1 > max_depth => {
            if strict {
                return Err(Unhashable(format!("tool input nests deeper than {max_depth} levels")));
            }
            write_json_string(out, "\u{2026}");
        }
        JsonValue::Array(items) => {
            out.put("[");
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.put(", ");
                }
                write_json(out, item, style, depth + 1, max_depth)?;
            }
            out.put("]");
        }
        JsonValue::Object(members) => {
            let mut ordered: Vec<&(String, JsonValue)> = members.iter().collect();
            if strict {
                // Byte order of UTF-8 equals code point order, which is what Python sorts by.
                ordered.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            }
            out.put("{");
            for (n, (key, item)) in ordered.into_iter().enumerate() {
                if n > 0 {
                    out.put(", ");
                }
                write_json_string(out, key);
                out.put(": ");
                write_json(out, item, style, depth + 1, max_depth)?;
            }
            out.put("}");
        }
    }
    Ok(())
}

/// How Python's `json` spells a non-finite float.
pub(crate) fn python_nonfinite_name(f: f64) -> &'static str {
    if f.is_nan() {
        "NaN"
    } else if f > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    }
}

/// Appends `s` as a JSON string literal the way Python's `json` does with `ensure_ascii=True`.
pub(crate) fn write_json_string<S: Sink + ?Sized>(out: &mut S, s: &str) {
    out.put("\"");
    let bytes = s.as_bytes();
    let mut esc = [0u8; 6];
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Only printable ASCII other than `"` and `\` is copied, a whole run at a time. DEL is
        // escaped: real Python does so (its test is `' ' <= c <= '~'`); hashes must match Python.
        // Eight bytes at a time while none of them needs an escape (most of a typical input)...
        if let Some(word) = bytes.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok())
            && !word_needs_escape(u64::from_le_bytes(word))
        {
            i += 8;
            continue;
        }
        // ...then byte by byte to the end of a word that holds one (without testing the word
        // again at every byte).
        let word_end = (i + 8).min(bytes.len());
        while i < word_end {
            let b = bytes[i];
            if ESCAPE[usize::from(b)] == 0 {
                i += 1;
                continue;
            }
            out.put(&s[run..i]);
            if b < 0x80 {
                match ESCAPE[usize::from(b)] {
                    b'u' => out.put_ascii(unicode_escape(u16::from(b), &mut esc)),
                    short => out.put(short_escape(short)),
                }
                i += 1;
            } else {
                // A multi-byte character: `i` is on a boundary, since runs stop only at
                // non-ASCII. Its one or two UTF-16 units go out as one piece.
                let c = s[i..].chars().next().unwrap_or('\u{fffd}');
                let mut units = [0u16; 2];
                let mut text = [0u8; 12];
                let mut len = 0;
                for unit in c.encode_utf16(&mut units) {
                    text[len..len + 6].copy_from_slice(unicode_escape(*unit, &mut esc));
                    len += 6;
                }
                out.put_ascii(&text[..len]);
                i += c.len_utf8();
            }
            run = i;
        }
    }
    out.put(&s[run..]);
    out.put("\"");
}

/// Whether any of the eight bytes of `word` is one [`ESCAPE`] does not copy as is: below
/// `0x20`, `"`, `\`, DEL or above (non-ASCII). Never a false "no" (the classic exact zero-byte
/// and less-than tests, Bit Twiddling Hacks); a false "yes" only sends the bytes to the
/// byte-by-byte path. A property test holds it to the table.
fn word_needs_escape(word: u64) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    let high = word & HIGH;
    (below_space
        | high
        | has_zero(word ^ (ONES * u64::from(b'"')))
        | has_zero(word ^ (ONES * u64::from(b'\\')))
        | has_zero(word ^ (ONES * 0x7f)))
        != 0
}

/// Per byte: 0 = copied as is; `u` = `\uXXXX`; otherwise the letter of a two-character escape.
/// Bytes from 0x80 up start a multi-byte character (always `\uXXXX`, per UTF-16 unit).
const ESCAPE: [u8; 256] = {
    let mut t = [b'u'; 256];
    let mut c = b' ';
    while c <= b'~' {
        t[c as usize] = 0;
        c += 1;
    }
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t[b'\n' as usize] = b'n';
    t[b'\r' as usize] = b'r';
    t[b'\t' as usize] = b't';
    t[0x08] = b'b';
    t[0x0c] = b'f';
    t
};

fn short_escape(letter: u8) -> &'static str {
    match letter {
        b'"' => "\\\"",
        b'\\' => "\\\\",
        b'n' => "\\n",
        b'r' => "\\r",
        b't' => "\\t",
        b'b' => "\\b",
        _ => "\\f",
    }
}

/// `\uXXXX` (lower-case hex) of one UTF-16 unit, without the formatting machinery.
fn unicode_escape(unit: u16, buf: &mut [u8; 6]) -> &[u8] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    *buf = *b"\\u0000";
    for (k, shift) in [12u16, 8, 4, 0].into_iter().enumerate() {
        buf[2 + k] = HEX[usize::from((unit >> shift) & 0xf)];
    }
    buf
}

/// Decimal text of `i` in `buf`, as `{i}` would write it.
fn format_i64(i: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut n = i.unsigned_abs();
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if i < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    &buf[at..]
}

/// Python `repr(float)` for a finite float; `None` for NaN and the infinities.
pub(crate) fn python_float_repr(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    // `{:e}` yields the shortest round-trip digits, e.g. "-1.5e-7", "1e16", "0e0". When two
    // candidates of that length tie, Rust may pick either; Python picks the one nearest the exact
    // value (half-even), which is what the exactly rounded `{:.N$e}` of the same length gives.
    let shortest = format!("{f:e}");
    let digit_count = shortest.split('e').next()?.bytes().filter(u8::is_ascii_digit).count();
    let nearest = format!("{f:.prec$e}", prec = digit_count.saturating_sub(1));
    let sci =
        if nearest.parse::<f64>().ok()?.to_bits() == f.to_bits() { nearest } else { shortest };
    let (mantissa, exp) = sci.split_once('e')?;
    let exp: i32 = exp.parse().ok()?;
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    // Value = 0.d1d2… × 10^decpt, Python's convention for choosing the notation.
    let decpt = exp + 1;
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    let ndigits = digits.len() as i32;
    if -4 < decpt && decpt <= 16 {
        if decpt <= 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-decpt) as usize));
            out.push_str(&digits);
        } else if decpt < ndigits {
            out.push_str(&digits[..decpt as usize]);
            out.push('.');
            out.push_str(&digits[decpt as usize..]);
        } else {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', (decpt - ndigits) as usize));
            out.push_str(".0");
        }
    } else {
        out.push_str(&digits[..1]);
        if ndigits > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let e = decpt - 1;
        let _ = write!(out, "e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn canon(v: serde_json::Value) -> String {
        canonical_json(&JsonValue::from(v)).unwrap()
    }

    #[test]
    fn spec_8_1_vectors() {
        let cases = [
            (
                json!({"command": "git push --force origin feature"}),
                r#"{"command": "git push --force origin feature"}"#,
                "83a0a884e346c85588227058ce555475fbdad9043cc61ac47ed3b98740ac403c",
            ),
            (
                json!({"file_path": "src/.env", "content": "A=1"}),
                r#"{"content": "A=1", "file_path": "src/.env"}"#,
                "8849b0aa991c4bd290ec71eaddeca27b2187dfea5adac4eb7abf275e695782b0",
            ),
            (
                json!({"b": 1, "a": [1, 2.5, null, true], "é": "ü😀"}),
                r#"{"a": [1, 2.5, null, true], "b": 1, "\u00e9": "\u00fc\ud83d\ude00"}"#,
                "003e4217e5654da3ed98e63380aaa930e5080284c5349ca50a7681833bc31883",
            ),
            (json!({}), "{}", "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"),
        ];
        for (input, text, hash) in cases {
            let v = JsonValue::from(input);
            assert_eq!(canonical_json(&v).unwrap(), text);
            assert_eq!(tool_input_sha256(&v).unwrap(), hash);
        }
    }

    #[test]
    fn float_repr_matches_python() {
        let cases: &[(f64, &str)] = &[
            (1.0, "1.0"),
            (2.5, "2.5"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (0.0001, "0.0001"),
            (0.00012, "0.00012"),
            (1e-5, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (0.1, "0.1"),
            (-2.75, "-2.75"),
            (1.0 / 3.0, "0.3333333333333333"),
            (123.456, "123.456"),
            (1e22, "1e+22"),
            (1e100, "1e+100"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (9007199254740993.0, "9007199254740992.0"),
            // Exact ties between two shortest candidates go to the even digit, as in Python.
            (770518698156293.0 + 0.25, "770518698156293.2"),
            (-(94327514355992.0 + 0.625), "-94327514355992.62"),
        ];
        for (f, want) in cases {
            assert_eq!(python_float_repr(*f).unwrap(), *want, "repr of {f:?}");
        }
        assert_eq!(python_float_repr(f64::NAN), None);
    }

    #[test]
    fn string_escapes_match_python() {
        let mut out = String::new();
        write_json_string(&mut out, "\"\\\n\r\t\u{8}\u{c}\u{1}\u{1b}/\u{7f}~");
        assert_eq!(out, r#""\"\\\n\r\t\b\f\u0001\u001b/\u007f~""#);
        let mut out = String::new();
        write_json_string(&mut out, "é😀\u{ffff}");
        assert_eq!(out, r#""\u00e9\ud83d\ude00\uffff""#);
    }

    #[test]
    fn scalars_and_nesting() {
        assert_eq!(canon(json!([true, false, null, -3, "x"])), r#"[true, false, null, -3, "x"]"#);
        assert_eq!(canon(json!(18446744073709551615u64)), "18446744073709551615");
        assert_eq!(
            canon(json!([i64::MIN, 0, i64::MAX])),
            format!("[{}, 0, {}]", i64::MIN, i64::MAX)
        );
        assert_eq!(canon(json!({"z": {"b": [], "a": {}}})), r#"{"z": {"a": {}, "b": []}}"#);
        // Code point order: upper case before lower case, ASCII before non-ASCII.
        assert_eq!(
            canon(json!({"b": 1, "B": 2, "é": 3, "a": 4})),
            r#"{"B": 2, "a": 4, "b": 1, "\u00e9": 3}"#
        );
    }

    #[test]
    fn non_finite_and_unsupported_are_refused() {
        for f in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let err = canonical_json(&JsonValue::Array(vec![JsonValue::Float(f)])).unwrap_err();
            assert!(err.0.contains("NaN"), "{err}");
        }
        let err = canonical_json(&JsonValue::Object(vec![(
            "s".into(),
            JsonValue::Unsupported("python set".into()),
        )]))
        .unwrap_err();
        assert!(err.0.contains("python set"));
        assert!(tool_input_sha256(&JsonValue::Unsupported("x".into())).is_err());
    }

    fn nested(depth: usize) -> JsonValue {
        let mut v = JsonValue::Integer(1);
        for _ in 0..depth {
            v = JsonValue::Array(vec![v]);
        }
        v
    }

    #[test]
    fn depth_limit() {
        let max = crate::constants().tool_input_max_depth;
        assert!(canonical_json(&nested(max)).is_ok());
        let err = canonical_json(&nested(max + 1)).unwrap_err();
        assert!(err.0.contains("deeper"));
        // Scalars at the deepest level do not count as a level.
        assert!(canonical_json(&JsonValue::String("x".into())).is_ok());
    }

    #[test]
    fn very_deep_input_does_not_overflow() {
        let deep = nested(200_000);
        assert!(canonical_json(&deep).is_err());
        // Drop iteratively: the derived recursive drop would itself overflow.
        let mut v = deep;
        while let JsonValue::Array(mut items) = v {
            v = items.pop().unwrap_or(JsonValue::Null);
        }
    }

    fn arb_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<u64>().prop_map(serde_json::Value::from),
            any::<String>().prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
                prop::collection::vec((any::<String>(), inner), 0..6)
                    .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn canonical_text_parses_back_equal_and_sorted(v in arb_json()) {
            let text = canonical_json(&JsonValue::from(v.clone())).unwrap();
            prop_assert!(text.is_ascii());
            let back: serde_json::Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(&back, &v);
            // Canonical means order-independent: re-rendering the parsed value gives the same text.
            prop_assert_eq!(canonical_json(&JsonValue::from(back)).unwrap(), text);
        }

        #[test]
        fn object_keys_appear_in_code_point_order(keys in prop::collection::vec(any::<String>(), 0..8)) {
            let members: Vec<(String, JsonValue)> =
                keys.iter().map(|k| (k.clone(), JsonValue::Null)).collect();
            let text = canonical_json(&JsonValue::Object(members)).unwrap();
            let mut sorted = keys.clone();
            sorted.sort();
            let mut expected = String::from("{");
            for (n, k) in sorted.iter().enumerate() {
                if n > 0 { expected.push_str(", "); }
                write_json_string(&mut expected, k);
                expected.push_str(": null");
            }
            expected.push('}');
            prop_assert_eq!(text, expected);
        }

        #[test]
        fn streamed_hash_is_the_hash_of_the_canonical_text(v in arb_json()) {
            let v = JsonValue::from(v);
            let text = canonical_json(&v).unwrap();
            let want: String =
                Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
            prop_assert_eq!(tool_input_sha256(&v).unwrap(), want);
        }

        #[test]
        fn the_eight_byte_test_agrees_with_the_escape_table(word in any::<[u8; 8]>(), at in 0usize..8, b in any::<u8>()) {
            // Mostly plain ASCII words with one arbitrary byte, plus fully arbitrary ones.
            let mut plain = *b"abcdefgh";
            plain[at] = b;
            for w in [word, plain] {
                let want = w.iter().any(|&b| ESCAPE[usize::from(b)] != 0);
                prop_assert_eq!(word_needs_escape(u64::from_le_bytes(w)), want, "{:?}", w);
            }
        }

        #[test]
        fn string_escapes_match_a_char_by_char_reference(
            s in prop_oneof![any::<String>(), "[ -~\"\\\\\n\t\x00-\x1f\x7f\u{80}-\u{7ff}é日😀]{0,40}"],
            long in 0usize..400,
        ) {
            // Long runs cross the hash buffer and the eight-byte scan; the reference escapes one
            // char at a time the way Python's `json` does with ensure_ascii.
            let s = format!("{s}{}{s}", "x".repeat(long));
            let mut want = String::from("\"");
            for c in s.chars() {
                match c {
                    '"' => want.push_str("\\\""),
                    '\\' => want.push_str("\\\\"),
                    '\n' => want.push_str("\\n"),
                    '\r' => want.push_str("\\r"),
                    '\t' => want.push_str("\\t"),
                    '\u{8}' => want.push_str("\\b"),
                    '\u{c}' => want.push_str("\\f"),
                    ' '..='~' => want.push(c),
                    _ => {
                        let mut units = [0u16; 2];
                        for unit in c.encode_utf16(&mut units) {
                            want.push_str(&format!("\\u{unit:04x}"));
                        }
                    }
                }
            }
            want.push('"');
            let mut got = String::new();
            write_json_string(&mut got, &s);
            prop_assert_eq!(&got, &want);
            let v = JsonValue::String(s);
            let hash: String =
                Sha256::digest(want.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
            prop_assert_eq!(tool_input_sha256(&v).unwrap(), hash);
        }

        #[test]
        fn integers_print_as_display(i in any::<i64>()) {
            let mut buf = [0u8; 20];
            let want = i.to_string();
            prop_assert_eq!(format_i64(i, &mut buf), want.as_bytes());
        }

        #[test]
        fn finite_floats_round_trip(f in any::<f64>().prop_filter("finite", |f| f.is_finite())) {
            let text = python_float_repr(f).unwrap();
            prop_assert_eq!(text.parse::<f64>().unwrap().to_bits(), f.to_bits());
            prop_assert!(text.contains('.') || text.contains('e'));
        }
    }
}
