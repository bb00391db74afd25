//! Explanations: the decision plus the path the pipeline took to it, recorded by the same
//! pipeline code as [`Session::evaluate`](crate::Session::evaluate) (no second implementation),
//! and only when asked for. See docs/explain.md.

use crate::Decision;
use crate::shell::{CommandLine, PathFacts};
use serde::Serialize;

/// One thing the pipeline did, in order.
///
/// ```
/// use cedar_hitl_core::*; use std::sync::Arc;
/// let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
/// let e = s.explain(&ToolCall::new("Bash", serde_json::json!({"command": "sudo rm -fr /"})));
/// assert!(e.steps.iter().any(|s| matches!(s, Step::CedarEvaluation { tier: Tier::Hard, matched, .. } if matched == &["rm_slash"])));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Step {
    /// The input checks: canonical form, object shape, the tool's path or command.
    InputChecks {
        /// Whether the input passed.
        passed: bool,
        /// How the bundle classifies the tool: `write`, `shell` or `other`.
        classification: String,
    },
    /// One Cedar evaluation: a tier, an action and what it was about.
    CedarEvaluation {
        /// The tier.
        tier: crate::Tier,
        /// `invoke_tool`, `write_file` or `execute_bash`.
        action: String,
        /// The tool name, the simple command's normalised text, or the written path.
        subject: String,
        /// Rule ids that matched, positional order.
        matched: Vec<String>,
    },
    /// The tool-scope step of the allowlist.
    ToolScopes {
        /// Every granted scope.
        granted: Vec<String>,
        /// Whether one pre-approves the call.
        matched: bool,
    },
    /// A recent-decision cache lookup.
    CacheLookup {
        /// `input` (by input hash) or `rule` (by rule ids).
        cache: String,
        /// Whether it hit.
        hit: bool,
    },
    /// Soft matches removed by the blueprint's disable list.
    DisableFilter {
        /// Matched rules that are disabled.
        disabled: Vec<String>,
        /// Matched rules still active.
        active: Vec<String>,
    },
    /// Rule scopes: which active rules are covered.
    RuleScopes {
        /// Covered by a `rule:` scope.
        covered: Vec<String>,
        /// Not covered.
        outstanding: Vec<String>,
    },
    /// How the outstanding rules' annotations merge into the gate.
    Merge {
        /// The rules merged.
        rules: Vec<String>,
        /// The smallest timeout (floored), in seconds.
        timeout_s: u32,
        /// The highest severity.
        severity: crate::Severity,
        /// The task default the timeouts were capped by.
        task_default_timeout_s: i64,
    },
}

/// A decision with the path that produced it.
///
/// ```
/// use cedar_hitl_core::*; use std::sync::Arc;
/// let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
/// let e = s.explain(&ToolCall::new("Bash", serde_json::json!({"command": "git push -fu origin HEAD:main"})));
/// assert_eq!(e.decision.matching_rule_ids(), ["force_push_any", "force_push_main"]);
/// assert!(e.command.as_ref().unwrap().commands[0].effects.contains("git.push.force_protected"));
/// assert_eq!(e.to_json()["decision"]["outcome"], "require_approval");
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Explanation {
    /// The decision, identical to what `evaluate` returns.
    pub decision: Decision,
    /// For shell tools: how the command was read.
    pub command: Option<CommandLine>,
    /// For write tools: the path facts.
    pub path: Option<PathFacts>,
    /// What the pipeline did, in order.
    pub steps: Vec<Step>,
}

impl Explanation {
    /// One JSON object: `decision`, `command`, `path`, `steps`.
    ///
    /// ```
    /// use cedar_hitl_core::*; use std::sync::Arc;
    /// let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// let j = s.explain(&ToolCall::new("Read", serde_json::json!({}))).to_json();
    /// assert_eq!(j["steps"][0]["step"], "input_checks");
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "decision": self.decision.to_json(),
            "command": self.command,
            "path": self.path,
            "steps": self.steps,
        })
    }

    /// The explanation as people read it, one line a step; controls, invisible characters and
    /// secrets are removed as in every text the engine shows (the JSON form keeps the raw facts).
    ///
    /// ```
    /// use cedar_hitl_core::*; use std::sync::Arc;
    /// let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// let text = s.explain(&ToolCall::new("Bash", serde_json::json!({"command": "rm -rf /"}))).render();
    /// assert!(text.contains("hard execute_bash `rm -rf /` → rm_slash"));
    /// ```
    pub fn render(&self) -> String {
        let d = &self.decision;
        let mut out = format!("{}: {}\n", d.outcome().as_str().to_uppercase(), d.reason());
        if let Some(line) = &self.command {
            if let Some(why) = &line.opaque {
                out.push_str(&format!("  command is opaque: {why}\n"));
            }
            for c in &line.commands {
                let mut facts: Vec<String> = c.effects.iter().cloned().collect();
                facts.extend(c.path_classes.iter().map(|p| format!("path:{p}")));
                if !c.wrappers.is_empty() {
                    facts.push(format!("via {}", c.wrappers.join(" > ")));
                }
                if c.opaque {
                    facts.push("opaque".into());
                }
                out.push_str(&format!(
                    "  command `{}` program={} [{}]\n",
                    c.normalized,
                    c.program,
                    facts.join(", ")
                ));
            }
            for w in &line.writes {
                out.push_str(&format!(
                    "  writes `{}` via {} [{}]\n",
                    w.path,
                    w.via,
                    w.facts.classes.iter().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
        }
        if let Some(p) = &self.path {
            out.push_str(&format!(
                "  path `{}` [{}]\n",
                p.path,
                p.classes.iter().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        for s in &self.steps {
            let line = match s {
                Step::InputChecks { passed, classification } => format!(
                    "input checks {} ({classification} tool)",
                    if *passed { "passed" } else { "failed" }
                ),
                Step::CedarEvaluation { tier, action, subject, matched } => {
                    let m =
                        if matched.is_empty() { "no match".to_owned() } else { matched.join(", ") };
                    format!("{} {action} `{subject}` → {m}", tier.as_str())
                }
                Step::ToolScopes { granted, matched } => format!(
                    "tool scopes [{}]: {}",
                    granted.join(", "),
                    if *matched { "pre-approved" } else { "no match" }
                ),
                Step::CacheLookup { cache, hit } => {
                    format!("{cache} cache: {}", if *hit { "hit" } else { "miss" })
                }
                Step::DisableFilter { disabled, active } => format!(
                    "disabled by blueprint: [{}]; active: [{}]",
                    disabled.join(", "),
                    active.join(", ")
                ),
                Step::RuleScopes { covered, outstanding } => format!(
                    "rule scopes cover [{}]; outstanding [{}]",
                    covered.join(", "),
                    outstanding.join(", ")
                ),
                Step::Merge { rules, timeout_s, severity, task_default_timeout_s } => {
                    format!(
                        "merge [{}]: timeout {timeout_s}s (task default {task_default_timeout_s}s), severity {}",
                        rules.join(", "),
                        severity.as_str()
                    )
                }
            };
            out.push_str(&format!("  - {line}\n"));
        }
        // What people read goes through the text pipeline (docs/text.md): the command text is
        // the agent's, so it may carry escapes or secrets.
        crate::text::clean_reason(&out).into_owned()
    }
}
