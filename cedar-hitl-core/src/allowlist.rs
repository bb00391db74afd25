//! The session's approval allowlist, built from validated scopes. Scopes only widen; nothing is
//! ever removed.

use crate::glob::Glob;
use crate::scope::{ApprovalScope, normalize_path};
use crate::shell::CommandLine;
use crate::wire::AllowlistView;

#[derive(Debug, Clone, Default)]
pub(crate) struct Allowlist {
    view: AllowlistView,
    bash: Vec<Glob>,
    write: Vec<Glob>,
}

/// What the allowlist needs to know about a call.
pub(crate) enum CallKind<'a> {
    Write { path: &'a str },
    Shell { line: &'a CommandLine },
    Other,
}

impl Allowlist {
    /// Add a validated, resolved scope (`this_call` and unresolved `*_session` add nothing).
    pub fn add(&mut self, scope: &ApprovalScope) {
        let v = &mut self.view;
        let fresh = |list: &mut Vec<String>, x: &str| {
            if !list.iter().any(|y| y == x) {
                list.push(x.to_owned());
            }
        };
        match scope {
            ApprovalScope::ThisCall
            | ApprovalScope::ToolTypeSession
            | ApprovalScope::ToolGroupSession => return,
            ApprovalScope::AllSession => v.all_session = true,
            ApprovalScope::ToolType(t) => fresh(&mut v.tool_types, t),
            ApprovalScope::ToolGroup(g) => fresh(&mut v.tool_groups, g),
            ApprovalScope::BashPattern(p) => {
                if !v.bash_patterns.contains(p) {
                    v.bash_patterns.push(p.clone());
                    self.bash.push(Glob::new(p));
                }
            }
            ApprovalScope::WritePath(p) => {
                if !v.write_paths.contains(p) {
                    v.write_paths.push(p.clone());
                    // `./src/*` is compared as `src/*`: patterns normalise like the paths they match.
                    self.write.push(Glob::new(&normalize_path(p).unwrap_or_else(|| p.clone())));
                }
            }
            ApprovalScope::Rule(r) => fresh(&mut v.rule_ids, r),
        }
        fresh(&mut v.scopes, &scope.to_string());
    }

    pub fn view(&self) -> &AllowlistView {
        &self.view
    }

    /// Step 2 of the pipeline: does a tool scope pre-approve this call? Rule scopes are not
    /// consulted here.
    pub fn matches_tool(&self, tool_name: &str, kind: &CallKind<'_>, is_write_tool: bool) -> bool {
        let v = &self.view;
        if v.all_session || v.tool_types.iter().any(|t| t == tool_name) {
            return true;
        }
        if is_write_tool && v.tool_groups.iter().any(|g| g == crate::scope::FILE_WRITE_GROUP) {
            return true;
        }
        match kind {
            // Every simple command — substitutions, `bash -c` bodies and `find -exec` included —
            // must match a pattern, and every file the command writes a write_path scope, or a
            // harmless prefix would carry a dangerous suffix through (`npm test; git push -f`).
            // What the parser cannot see is never pre-approved (docs/shell.md).
            CallKind::Shell { line } if !self.bash.is_empty() => {
                !line.is_opaque()
                    && !line.commands.is_empty()
                    && line
                        .commands
                        .iter()
                        .all(|c| self.bash.iter().any(|g| g.matches(&c.normalized)))
                    && line.writes.iter().all(|w| {
                        normalize_path(&w.path)
                            .is_some_and(|p| !w.dynamic && self.write.iter().any(|g| g.matches(&p)))
                    })
            }
            CallKind::Write { path } if !self.write.is_empty() => match normalize_path(path) {
                Some(p) => self.write.iter().any(|g| g.matches(&p)),
                None => false,
            },
            _ => false,
        }
    }

    pub fn covers_rule(&self, rule_id: &str) -> bool {
        self.view.rule_ids.iter().any(|r| r == rule_id)
    }
}
