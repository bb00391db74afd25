//! One guard for a tool input on its way into the engine (docs/boundary.md#one-guard).
//!
//! A binding reads a host value (a Python dict, a JS object) node by node and feeds each node to
//! an [`InputGuard`]; the core checks the converted [`JsonValue`] with the same guard before any
//! rule runs. One size count, one depth rule and one set of messages, so an input is refused for
//! the same reason, in the same words, whichever language it came from — and a binding never
//! refuses an input the core would accept, or accepts one it would refuse, because both count
//! alike.

use crate::{JsonValue, constants};

/// Counts a tool input against `tool_input_max_depth` and `tool_input_max_bytes` while it is read,
/// and words every refusal. Each method returns `Err(detail)` once the input is refused; turn the
/// detail into [`JsonValue::Unsupported`] (the core's evaluation then fails closed with it).
///
/// The size count is the same everywhere: a string or key is its UTF-8 length plus its quotes; a
/// number, boolean or null 8; an array 2 plus 2 per item; an object 2 plus 4 per member (quotes
/// and separators of the key are counted with the key). Depth counts containers, the root one
/// being 1.
///
/// ```
/// use cedar_hitl_core::InputGuard;
/// let mut g = InputGuard::new();
/// g.open(1, 1, false).unwrap();          // {"command": …}
/// g.key("command".len()).unwrap();
/// g.string("ls -la".len()).unwrap();
/// assert!(g.open(65, 0, true).unwrap_err().contains("nests deeper than 64 levels"));
/// assert!(g.string(16 << 20).unwrap_err().contains("larger than"));
/// ```
#[derive(Debug, Clone)]
pub struct InputGuard {
    max_depth: usize,
    max_bytes: usize,
    bytes: usize,
}

impl Default for InputGuard {
    fn default() -> Self {
        Self::new()
    }
}

impl InputGuard {
    /// A guard with the limits of `contracts/constants.json`.
    ///
    /// ```
    /// assert!(cedar_hitl_core::InputGuard::new().fits(1024));
    /// ```
    pub fn new() -> Self {
        let c = constants();
        Self { max_depth: c.tool_input_max_depth, max_bytes: c.tool_input_max_bytes, bytes: 0 }
    }

    fn spend(&mut self, n: usize) -> Result<(), String> {
        self.bytes = self.bytes.saturating_add(n);
        if self.bytes > self.max_bytes {
            Err(format!("tool input is larger than {} bytes", self.max_bytes))
        } else {
            Ok(())
        }
    }

    /// Whether `n` more bytes would still fit: a cheap check before allocating a value whose
    /// exact size is not known yet (a JS string's UTF-16 length is a lower bound of its UTF-8
    /// length).
    ///
    /// ```
    /// let g = cedar_hitl_core::InputGuard::new();
    /// assert!(!g.fits(usize::MAX));
    /// ```
    pub fn fits(&self, n: usize) -> bool {
        self.bytes.saturating_add(n) <= self.max_bytes
    }

    /// A string value of `len` UTF-8 bytes.
    ///
    /// ```
    /// assert!(cedar_hitl_core::InputGuard::new().string(3).is_ok());
    /// ```
    pub fn string(&mut self, len: usize) -> Result<(), String> {
        self.spend(len.saturating_add(2))
    }

    /// An object member's key of `len` UTF-8 bytes.
    ///
    /// ```
    /// assert!(cedar_hitl_core::InputGuard::new().key(7).is_ok());
    /// ```
    pub fn key(&mut self, len: usize) -> Result<(), String> {
        self.spend(len.saturating_add(2))
    }

    /// A number that fits in 64 bits, a boolean or null.
    ///
    /// ```
    /// assert!(cedar_hitl_core::InputGuard::new().scalar().is_ok());
    /// ```
    pub fn scalar(&mut self) -> Result<(), String> {
        self.spend(8)
    }

    /// An integer beyond 64 bits written with `digits` characters.
    ///
    /// ```
    /// assert!(cedar_hitl_core::InputGuard::new().big_integer(40).is_ok());
    /// ```
    pub fn big_integer(&mut self, digits: usize) -> Result<(), String> {
        self.spend(digits)
    }

    /// A container about to be read: an array of `len` items or an object of `len` members, at
    /// `depth` (the root container is 1). Refused when it nests too deeply or its brackets and
    /// separators alone exceed the size limit.
    ///
    /// ```
    /// let mut g = cedar_hitl_core::InputGuard::new();
    /// assert!(g.open(64, 3, false).is_ok());
    /// assert!(g.open(65, 3, false).is_err());
    /// ```
    pub fn open(&mut self, depth: usize, len: usize, is_array: bool) -> Result<(), String> {
        if depth > self.max_depth {
            return Err(format!("tool input nests deeper than {} levels", self.max_depth));
        }
        let per = if is_array { 2 } else { 4 };
        self.spend(len.saturating_mul(per).saturating_add(2))
    }

    /// A value JSON cannot express (`what` names it: `set`, `function`, `Date object`, …).
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::InputGuard::not_json("set"),
    ///     "tool input holds a value that is not JSON: set");
    /// ```
    pub fn not_json(what: &str) -> String {
        format!("tool input holds a value that is not JSON: {what}")
    }

    /// A container that contains itself.
    ///
    /// ```
    /// assert!(cedar_hitl_core::InputGuard::cycle().contains("contains itself"));
    /// ```
    pub fn cycle() -> String {
        Self::not_json("a cycle (a container that contains itself)")
    }

    /// A string (value or key) holding a lone surrogate, which no UTF-8 text can carry.
    ///
    /// ```
    /// assert!(cedar_hitl_core::InputGuard::lone_surrogate().ends_with("a string with a lone surrogate"));
    /// ```
    pub fn lone_surrogate() -> String {
        Self::not_json("a string with a lone surrogate")
    }

    /// The detail of an [`JsonValue::Unsupported`] value: its text, which the guard's
    /// constructors word; a value built without text still gets a reason.
    pub(crate) fn unsupported(text: &str) -> String {
        if text.trim().is_empty() {
            Self::not_json("a value the host could not express")
        } else {
            text.to_owned()
        }
    }

    /// Check a whole converted value: what the engine runs before any rule (iterative, so hostile
    /// nesting cannot overflow the stack). `Err` carries the detail of the first refusal:
    /// [`JsonValue::Unsupported`] text as it is, a non-finite number, too deep, too large.
    ///
    /// ```
    /// use cedar_hitl_core::{InputGuard, JsonValue};
    /// let v = JsonValue::Object(vec![("n".into(), JsonValue::Float(f64::NAN))]);
    /// assert!(InputGuard::check(&v).unwrap_err().contains("non-finite number"));
    /// ```
    pub fn check(input: &JsonValue) -> Result<(), String> {
        Self::walk(input).map(|_| ())
    }

    /// [`check`](Self::check), returning the guard with everything counted.
    fn walk(input: &JsonValue) -> Result<Self, String> {
        let mut guard = Self::new();
        let mut stack: Vec<(&JsonValue, usize)> = vec![(input, 1)];
        while let Some((v, depth)) = stack.pop() {
            match v {
                JsonValue::Unsupported(detail) => return Err(Self::unsupported(detail)),
                JsonValue::Float(f) if !f.is_finite() => {
                    return Err(format!("tool input holds a non-finite number ({f})"));
                }
                JsonValue::String(s) => guard.string(s.len())?,
                JsonValue::BigInteger(b) => guard.big_integer(b.as_str().len())?,
                JsonValue::Array(items) => {
                    guard.open(depth, items.len(), true)?;
                    stack.extend(items.iter().map(|i| (i, depth + 1)));
                }
                JsonValue::Object(members) => {
                    guard.open(depth, members.len(), false)?;
                    for (k, val) in members {
                        guard.key(k.len())?;
                        stack.push((val, depth + 1));
                    }
                }
                JsonValue::Null
                | JsonValue::Bool(_)
                | JsonValue::Integer(_)
                | JsonValue::Float(_) => guard.scalar()?,
            }
        }
        Ok(guard)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(levels: usize) -> JsonValue {
        let mut v = JsonValue::Null;
        for _ in 0..levels {
            v = JsonValue::Array(vec![v]);
        }
        v
    }

    #[test]
    fn depth_counts_containers_from_one_at_the_root() {
        let max = constants().tool_input_max_depth;
        assert!(InputGuard::check(&nested(max)).is_ok());
        let err = InputGuard::check(&nested(max + 1)).unwrap_err();
        assert_eq!(err, format!("tool input nests deeper than {max} levels"));
    }

    #[test]
    fn the_size_count_refuses_exactly_past_the_limit() {
        let max = constants().tool_input_max_bytes;
        // {"k": "<s>"}: 2 (braces) + 4 (member) + 3 ("k") + s + 2.
        let fits = max - 11;
        let at = |n: usize| JsonValue::Object(vec![("k".into(), JsonValue::String("x".repeat(n)))]);
        assert!(InputGuard::check(&at(fits)).is_ok());
        assert_eq!(
            InputGuard::check(&at(fits + 1)).unwrap_err(),
            format!("tool input is larger than {max} bytes")
        );
    }

    #[test]
    fn a_guard_fed_node_by_node_agrees_with_the_check() {
        // What a binding does for {"a": [1, "xy"]}: the same count as `check`.
        let mut g = InputGuard::new();
        g.open(1, 1, false).unwrap();
        g.key(1).unwrap();
        g.open(2, 2, true).unwrap();
        g.scalar().unwrap();
        g.string(2).unwrap();
        let v = JsonValue::Object(vec![(
            "a".into(),
            JsonValue::Array(vec![JsonValue::Integer(1), JsonValue::String("xy".into())]),
        )]);
        assert_eq!(g.bytes, 6 + 3 + 6 + 8 + 4);
        assert_eq!(InputGuard::walk(&v).unwrap().bytes, g.bytes);
    }

    #[test]
    fn unsupported_text_is_reported_as_written_and_never_empty() {
        let v = JsonValue::Object(vec![("x".into(), JsonValue::Unsupported(InputGuard::cycle()))]);
        assert_eq!(InputGuard::check(&v).unwrap_err(), InputGuard::cycle());
        let blank = JsonValue::Unsupported(" ".into());
        assert_eq!(
            InputGuard::check(&blank).unwrap_err(),
            "tool input holds a value that is not JSON: a value the host could not express"
        );
    }
}
