//! The tool call and the JSON value type the engine reads. Bindings convert host values straight
//! into [`JsonValue`] (no JSON text round trip); what a host cannot express as JSON becomes
//! [`JsonValue::Unsupported`], which the engine turns into a fail-closed DENY.

use std::fmt;

/// An integer too large for `i64`, kept as its exact decimal text (Python ints have no bound).
///
/// ```
/// use cedar_hitl_core::BigInteger;
/// assert!(BigInteger::parse("-123456789012345678901234567890").is_some());
/// assert!(BigInteger::parse("12x").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BigInteger(String);

impl BigInteger {
    /// Accepts an optional `-` followed by ASCII digits without a leading zero (or `0`).
    ///
    /// ```
    /// assert!(cedar_hitl_core::BigInteger::parse("007").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<Self> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let ok = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'));
        ok.then(|| Self(text.to_owned()))
    }

    /// The decimal text.
    ///
    /// ```
    /// let b = cedar_hitl_core::BigInteger::parse("99999999999999999999").unwrap();
    /// assert_eq!(b.as_str(), "99999999999999999999");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A JSON value as a tool input carries it. Object members keep their insertion order.
///
/// ```
/// use cedar_hitl_core::JsonValue;
/// let v = JsonValue::from(serde_json::json!({"command": "ls", "n": 1}));
/// assert_eq!(v.get("command").and_then(JsonValue::as_str), Some("ls"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum JsonValue {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An integer that fits in `i64`.
    Integer(i64),
    /// An integer beyond `i64`, as exact decimal text.
    BigInteger(BigInteger),
    /// A float. NaN and the infinities are not JSON: an input holding one is refused.
    Float(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<JsonValue>),
    /// An object, members in insertion order.
    Object(Vec<(String, JsonValue)>),
    /// Something the host could not express as JSON (a Python `set`, a JS function, a cycle, a
    /// lone surrogate, nesting beyond the limit). The text is the whole reason, worded by
    /// [`InputGuard`](crate::InputGuard) (`InputGuard::not_json("set")`, …); evaluation fails
    /// closed with it.
    Unsupported(String),
}

impl JsonValue {
    /// The member `key` of an object (first occurrence), or `None`.
    ///
    /// ```
    /// use cedar_hitl_core::JsonValue;
    /// assert_eq!(JsonValue::Null.get("x"), None);
    /// ```
    pub fn get(&self, key: &str) -> Option<&JsonValue> {
        match self {
            JsonValue::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::JsonValue::from("x").as_str(), Some("x"));
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        match self {
            JsonValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// A short name of the value's kind, for error details.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::JsonValue::Null.kind(), "null");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "bool",
            JsonValue::Integer(_) | JsonValue::BigInteger(_) => "integer",
            JsonValue::Float(_) => "float",
            JsonValue::String(_) => "string",
            JsonValue::Array(_) => "array",
            JsonValue::Object(_) => "object",
            JsonValue::Unsupported(_) => "unsupported value",
        }
    }
}

impl From<serde_json::Value> for JsonValue {
    fn from(v: serde_json::Value) -> Self {
        match v {
            serde_json::Value::Null => JsonValue::Null,
            serde_json::Value::Bool(b) => JsonValue::Bool(b),
            serde_json::Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    JsonValue::Integer(i)
                } else if let Some(u) = n.as_u64() {
                    JsonValue::BigInteger(BigInteger(u.to_string()))
                } else {
                    JsonValue::Float(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            serde_json::Value::String(s) => JsonValue::String(s),
            serde_json::Value::Array(a) => {
                JsonValue::Array(a.into_iter().map(Into::into).collect())
            }
            serde_json::Value::Object(o) => {
                JsonValue::Object(o.into_iter().map(|(k, v)| (k, v.into())).collect())
            }
        }
    }
}

impl From<&str> for JsonValue {
    fn from(s: &str) -> Self {
        JsonValue::String(s.to_owned())
    }
}

impl From<String> for JsonValue {
    fn from(s: String) -> Self {
        JsonValue::String(s)
    }
}

/// One tool call an agent wants to make: a case-sensitive tool name and its input.
///
/// ```
/// use cedar_hitl_core::ToolCall;
/// let call = ToolCall::new("Bash", serde_json::json!({"command": "npm test"}));
/// assert_eq!(call.tool_name(), "Bash");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    tool_name: String,
    input: JsonValue,
    /// Why the host could not express the tool name (evaluation fails closed).
    name_error: Option<String>,
}

impl ToolCall {
    /// A tool call from a name and any value convertible to [`JsonValue`].
    ///
    /// ```
    /// let call = cedar_hitl_core::ToolCall::new("Read", serde_json::json!({"file_path": "a"}));
    /// assert!(call.input().get("file_path").is_some());
    /// ```
    pub fn new(tool_name: impl Into<String>, input: impl Into<JsonValue>) -> Self {
        Self { tool_name: tool_name.into(), input: input.into(), name_error: None }
    }

    /// A call whose tool name the host could not express as text (not a string, a lone
    /// surrogate). Evaluating it is DENY fail-closed `invalid_tool_input` with `detail`.
    ///
    /// ```
    /// use cedar_hitl_core::*; use std::sync::Arc;
    /// let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// let d = s.evaluate(&ToolCall::with_invalid_name("tool name must be a string, got int"));
    /// assert_eq!(d.fail_closed().unwrap().cause, FailClosedCause::InvalidToolInput);
    /// ```
    pub fn with_invalid_name(detail: impl Into<String>) -> Self {
        Self {
            tool_name: String::new(),
            input: JsonValue::Object(Vec::new()),
            name_error: Some(detail.into()),
        }
    }

    /// Why the tool name is unusable, for calls built with [`with_invalid_name`](Self::with_invalid_name).
    ///
    /// ```
    /// assert!(cedar_hitl_core::ToolCall::with_invalid_name("x").name_error().is_some());
    /// ```
    pub fn name_error(&self) -> Option<&str> {
        self.name_error.as_deref()
    }

    /// The tool name.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::ToolCall::new("Glob", serde_json::json!({})).tool_name(), "Glob");
    /// ```
    pub fn tool_name(&self) -> &str {
        &self.tool_name
    }

    /// The tool input.
    ///
    /// ```
    /// use cedar_hitl_core::{JsonValue, ToolCall};
    /// assert_eq!(ToolCall::new("X", JsonValue::Null).input(), &JsonValue::Null);
    /// ```
    pub fn input(&self) -> &JsonValue {
        &self.input
    }
}

impl fmt::Display for ToolCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.tool_name, self.input.kind())
    }
}
