//! Approval scopes: one validator for every entry path (task submission, approval, session
//! seeding), the degenerate-pattern check, and the shell/path facts scope matching needs.

use crate::constants;
use crate::error::ScopeError;
use std::fmt;

/// Tool names the REST-side check accepts for `tool_type:` (sessions accept any name).
///
/// ```
/// assert!(cedar_hitl_core::VALID_TOOL_TYPES.contains(&"WebFetch"));
/// ```
pub const VALID_TOOL_TYPES: [&str; 8] =
    ["Bash", "Read", "Write", "Edit", "Glob", "Grep", "WebFetch", "Task"];

/// The only tool group: the bundle's write tools.
///
/// ```
/// assert_eq!(cedar_hitl_core::FILE_WRITE_GROUP, "file_write");
/// ```
pub const FILE_WRITE_GROUP: &str = "file_write";

/// The prefixes of the scopes that carry a value (`tool_type:Read`, `rule:force_push_any`).
///
/// ```
/// assert_eq!(cedar_hitl_core::SCOPE_PREFIXES[0], "tool_type:");
/// ```
pub const SCOPE_PREFIXES: [&str; 5] =
    ["tool_type:", "tool_group:", "bash_pattern:", "write_path:", "rule:"];

/// A parsed, normalised approval scope. `Display` gives the normalised text.
///
/// ```
/// use cedar_hitl_core::{parse_approval_scope, ApprovalScope};
/// let s = parse_approval_scope("  bash_pattern:  git status*  ").unwrap();
/// assert_eq!(s, ApprovalScope::BashPattern("git status*".into()));
/// assert_eq!(s.to_string(), "bash_pattern:git status*");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ApprovalScope {
    /// Approve only the gated call; adds nothing.
    ThisCall,
    /// Every later call passes the allowlist step (the hard tier still runs first).
    AllSession,
    /// The gated call's tool; resolved when an approval is recorded.
    ToolTypeSession,
    /// The gated call's tool group; resolved when an approval is recorded.
    ToolGroupSession,
    /// Calls of this tool name.
    ToolType(String),
    /// Calls of tools in this group (`file_write`).
    ToolGroup(String),
    /// Shell calls whose every command segment matches this glob.
    BashPattern(String),
    /// Write calls whose normalised path matches this glob.
    WritePath(String),
    /// Soft matches of this rule id.
    Rule(String),
}

/// Serialised as its normalised text (`tool_type:Bash`), the form hosts store.
impl serde::Serialize for ApprovalScope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Display for ApprovalScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApprovalScope::ThisCall => f.write_str("this_call"),
            ApprovalScope::AllSession => f.write_str("all_session"),
            ApprovalScope::ToolTypeSession => f.write_str("tool_type_session"),
            ApprovalScope::ToolGroupSession => f.write_str("tool_group_session"),
            ApprovalScope::ToolType(v) => write!(f, "tool_type:{v}"),
            ApprovalScope::ToolGroup(v) => write!(f, "tool_group:{v}"),
            ApprovalScope::BashPattern(v) => write!(f, "bash_pattern:{v}"),
            ApprovalScope::WritePath(v) => write!(f, "write_path:{v}"),
            ApprovalScope::Rule(v) => write!(f, "rule:{v}"),
        }
    }
}

/// Whether a pattern is too broad to pre-approve (docs/scopes.md): after trimming, shorter than
/// 3 characters, only wildcards and spaces, or more than half wildcards. `*`, `?` and every
/// character of a bracket expression (`[!~]`, `[ -~]`) count as wildcard characters, since a
/// bracket expression can match almost any character.
///
/// ```
/// use cedar_hitl_core::is_degenerate_pattern;
/// assert!(is_degenerate_pattern("a**?b"));
/// assert!(is_degenerate_pattern("[!~]*"));
/// assert!(is_degenerate_pattern("[!x][!x]*"));
/// assert!(!is_degenerate_pattern("docs/**"));
/// assert!(!is_degenerate_pattern("git status [a-z]*"));
/// ```
pub fn is_degenerate_pattern(pattern: &str) -> bool {
    let p: Vec<char> = pattern.trim().chars().collect();
    let len = p.len();
    let mut wild = 0usize;
    let mut blank = 0usize;
    let mut i = 0;
    while i < len {
        match p[i] {
            '*' | '?' => wild += 1,
            '[' => {
                // A complete bracket expression counts whole, as the glob reads it.
                if let Some(j) = crate::glob::bracket_end(&p, i + 1) {
                    wild += j - i + 1;
                    i = j;
                }
            }
            c if c.is_whitespace() => blank += 1,
            _ => {}
        }
        i += 1;
    }
    if len < constants().degenerate_min_length || wild + blank == len {
        return true;
    }
    (wild as f64 / len as f64) > constants().degenerate_wildcard_ratio
}

/// How strict the tool-type check is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ToolTypes {
    /// Only the eight REST tool types.
    Known,
    /// Any non-empty name (MCP tools and configured write/shell tools).
    Any,
}

/// Parse a scope the way the REST endpoints do: strict and normalising (docs/behaviour.md#scopes), with the
/// degenerate-pattern check applied on every path (docs/behaviour.md#differences-from-upstream).
///
/// ```
/// use cedar_hitl_core::parse_approval_scope;
/// assert_eq!(parse_approval_scope("tool_type: Read").unwrap().to_string(), "tool_type:Read");
/// assert!(parse_approval_scope("tool_type :Read").unwrap_err().message().contains("unknown prefix"));
/// assert!(parse_approval_scope("weird:").unwrap_err().message().contains("missing value"));
/// assert!(parse_approval_scope("bash_pattern:*").unwrap_err().message().contains("too broad"));
/// ```
pub fn parse_approval_scope(scope: &str) -> Result<ApprovalScope, ScopeError> {
    parse_scope(scope, ToolTypes::Known)
}

pub(crate) fn parse_scope(scope: &str, tool_types: ToolTypes) -> Result<ApprovalScope, ScopeError> {
    let err = |m: String| Err(ScopeError::new(scope, m));
    let s = scope.trim();
    if s.is_empty() {
        return err("scope must be non-empty".into());
    }
    let cap = constants().initial_approvals_max_entry_chars;
    let len = s.chars().count();
    if len > cap {
        return err(format!("scope exceeds {cap}-char cap ({len} chars)"));
    }
    match s {
        "this_call" => return Ok(ApprovalScope::ThisCall),
        "all_session" => return Ok(ApprovalScope::AllSession),
        "tool_type_session" => return Ok(ApprovalScope::ToolTypeSession),
        "tool_group_session" => return Ok(ApprovalScope::ToolGroupSession),
        _ => {}
    }
    let Some(colon) = s.find(':') else {
        return err(format!(
            "unknown scope: '{s}': missing prefix; allowed: this_call, all_session, tool_type_session, tool_group_session, tool_type:<tool>, tool_group:file_write, bash_pattern:<glob>, write_path:<glob>, rule:<rule_id>"
        ));
    };
    let (prefix, value) = (&s[..=colon], s[colon + 1..].trim());
    if value.is_empty() {
        return err(format!("prefix {prefix} missing value"));
    }
    let pattern_ok = |v: &str| -> Result<String, ScopeError> {
        if is_degenerate_pattern(v) {
            Err(ScopeError::new(
                scope,
                format!(
                    "pattern is too broad: '{v}' (needs at least 3 characters and at most half wildcards)"
                ),
            ))
        } else {
            Ok(v.to_owned())
        }
    };
    match prefix {
        "tool_type:" => {
            if tool_types == ToolTypes::Known && !VALID_TOOL_TYPES.contains(&value) {
                return err(format!(
                    "unknown tool_type {value}; valid: {}",
                    VALID_TOOL_TYPES.join(", ")
                ));
            }
            Ok(ApprovalScope::ToolType(value.to_owned()))
        }
        "tool_group:" if value == FILE_WRITE_GROUP => {
            Ok(ApprovalScope::ToolGroup(value.to_owned()))
        }
        "tool_group:" => err(format!("unknown tool_group {value}; valid: {FILE_WRITE_GROUP}")),
        "bash_pattern:" => Ok(ApprovalScope::BashPattern(pattern_ok(value)?)),
        "write_path:" => Ok(ApprovalScope::WritePath(pattern_ok(value)?)),
        "rule:" => Ok(ApprovalScope::Rule(value.to_owned())),
        _ => err(format!(
            "unknown scope: '{s}': unknown prefix {prefix}; allowed: {}",
            SCOPE_PREFIXES.join(", ")
        )),
    }
}

/// Lexically normalise a path (`a/./b` → `a/b`, `a/x/../b` → `a/b`). `None` when it climbs
/// above its start (`../x`, `/../x`), which no write_path scope may match.
pub(crate) fn normalize_path(path: &str) -> Option<String> {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    Some(if absolute { format!("/{joined}") } else { joined })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalise_and_refuse_escapes() {
        assert_eq!(normalize_path("src/./a/../b.rs").as_deref(), Some("src/b.rs"));
        assert_eq!(normalize_path("/x//y/").as_deref(), Some("/x/y"));
        assert_eq!(normalize_path("src/../../.env"), None);
        assert_eq!(normalize_path("../x"), None);
        assert_eq!(normalize_path("src/../.env").as_deref(), Some(".env"));
    }

    #[test]
    fn degenerate_examples_from_spec() {
        for p in ["*", "**", "?*", " * ", "ab", "***", "???*", "a**?b", "a**"] {
            assert!(is_degenerate_pattern(p), "{p}");
        }
        for p in ["docs/**", "git status*", "a*b*c", "ab**"] {
            assert!(!is_degenerate_pattern(p), "{p}");
        }
    }

    #[test]
    fn rest_parser_messages() {
        let msg = |s: &str| parse_approval_scope(s).unwrap_err().message().to_owned();
        assert!(msg("").contains("must be non-empty"));
        assert!(msg(&format!("rule:{}", "x".repeat(124))).contains("exceeds 128-char cap"));
        assert!(msg("tool_type").contains("missing prefix"));
        assert!(msg("tool_type:read").contains("unknown tool_type read"));
        assert!(msg("tool_group:net").contains("unknown tool_group"));
        assert_eq!(
            parse_approval_scope("bash_pattern:git log --format=%h:%s").unwrap().to_string(),
            "bash_pattern:git log --format=%h:%s"
        );
        assert_eq!(
            parse_scope("tool_type:mcp__gh__create_pr", ToolTypes::Any).unwrap(),
            ApprovalScope::ToolType("mcp__gh__create_pr".into())
        );
    }
}
