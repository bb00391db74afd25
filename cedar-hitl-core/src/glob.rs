//! The one glob dialect of approval scopes: Python `fnmatch` semantics, case-sensitive everywhere.

/// A compiled glob pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    source: String,
}

impl Glob {
    /// Compile `pattern` (never fails: an unclosed `[` is a literal).
    pub fn new(pattern: &str) -> Self {
        Self { source: pattern.to_owned() }
    }
    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }
    /// Whole-string, case-sensitive match.
    pub fn matches(&self, text: &str) -> bool {
        let _ = text;
        todo!()
    }
}
