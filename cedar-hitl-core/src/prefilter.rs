//! Candidate prefilter: which policies of a slice could possibly be satisfied by a request.
//!
//! Cedar has no policy index and interprets every `like` of a set on every call. A `like` can
//! only match a string that contains the pattern's longest literal run, so policies guarded by
//! such patterns are indexed by those literals (one Aho-Corasick automaton per attribute) and
//! only the candidates reach Cedar, which still decides each one exactly.
//!
//! Guards are taken only from expressions Cedar evaluates first and that cannot error (a `like`
//! on a string context attribute, `context.read_only == true`), so skipping a non-candidate never
//! hides an evaluation error Cedar would have raised.

use crate::like::{LikePattern, condition, context_attr};
use aho_corasick::{AhoCorasick, AhoCorasickKind};
use cedar_policy::Policy;
use cedar_policy_core::ast::{self, BinaryOp, ExprKind, Literal};

/// What must hold for a policy to be satisfiable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Guard {
    /// Nothing known: always a candidate.
    Always,
    /// `context.<attr>` must contain one of these literals.
    Contains { attr: String, literals: Vec<String> },
    /// `context.read_only` must be true.
    ReadOnly,
}

fn guard_of(e: &ast::Expr) -> Guard {
    match e.expr_kind() {
        ExprKind::Like { expr, pattern } => {
            let lit = LikePattern::new(pattern.iter()).longest_literal().to_owned();
            match context_attr(expr) {
                Some(a) if !lit.is_empty() => {
                    Guard::Contains { attr: a.to_owned(), literals: vec![lit] }
                }
                _ => Guard::Always,
            }
        }
        ExprKind::Or { left, right } => match (guard_of(left), guard_of(right)) {
            (
                Guard::Contains { attr: a, literals: mut l },
                Guard::Contains { attr: b, literals: r },
            ) if a == b => {
                l.extend(r);
                Guard::Contains { attr: a, literals: l }
            }
            (Guard::ReadOnly, Guard::ReadOnly) => Guard::ReadOnly,
            _ => Guard::Always,
        },
        // Cedar evaluates the left side first; if it is false the right side never runs. The
        // parse joins several `when`/`unless` clauses as `first && (rest)`, so this also reads
        // the first clause (an `unless` is a `!`, which guards nothing).
        ExprKind::And { left, .. } => guard_of(left),
        ExprKind::BinaryApp { op: BinaryOp::Eq, arg1, arg2 } => {
            let is_true =
                |v: &ast::Expr| matches!(v.expr_kind(), ExprKind::Lit(Literal::Bool(true)));
            let ro = |v: &ast::Expr| context_attr(v) == Some("read_only");
            if (ro(arg1) && is_true(arg2)) || (ro(arg2) && is_true(arg1)) {
                Guard::ReadOnly
            } else {
                Guard::Always
            }
        }
        _ => Guard::Always,
    }
}

/// The guard of a policy, from its condition as parsed (no re-parse of the text).
pub(crate) fn policy_guard(policy: &Policy) -> Guard {
    condition(policy).map_or(Guard::Always, guard_of)
}

/// The context string values a request offers the guards.
pub(crate) struct GuardFacts<'a> {
    pub read_only: bool,
    pub attrs: [(&'a str, &'a str); 3],
}

impl GuardFacts<'_> {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }
}

/// Candidate index over the policies of one slice (indices into that slice's policy list).
#[derive(Debug, Clone, Default)]
pub(crate) struct Prefilter {
    always: Vec<usize>,
    read_only: Vec<usize>,
    /// Per attribute: automaton over every literal, and the policy each literal belongs to.
    by_attr: Vec<(String, AhoCorasick, Vec<usize>)>,
    len: usize,
}

impl Prefilter {
    pub fn new(guards: &[Guard]) -> Self {
        let mut f = Prefilter { len: guards.len(), ..Default::default() };
        let mut literals: Vec<(String, Vec<String>, Vec<usize>)> = Vec::new();
        for (i, g) in guards.iter().enumerate() {
            match g {
                Guard::Always => f.always.push(i),
                Guard::ReadOnly => f.read_only.push(i),
                Guard::Contains { attr, literals: lits } => {
                    let slot = match literals.iter().position(|(a, _, _)| a == attr) {
                        Some(p) => p,
                        None => {
                            literals.push((attr.clone(), Vec::new(), Vec::new()));
                            literals.len() - 1
                        }
                    };
                    for l in lits {
                        literals[slot].1.push(l.clone());
                        literals[slot].2.push(i);
                    }
                }
            }
        }
        for (attr, lits, owners) in literals {
            // Always a DFA: the overlapping scan (every literal that occurs must be found) is
            // then one table step per byte of the text.
            let built = AhoCorasick::builder().kind(Some(AhoCorasickKind::DFA)).build(&lits);
            match built {
                Ok(ac) => f.by_attr.push((attr, ac, owners)),
                // Unreachable for plain literals; stay exact by making them always candidates.
                Err(_) => f.always.extend(owners),
            }
        }
        f.always.sort_unstable();
        f.always.dedup();
        f
    }

    /// Candidate policy indices, ascending. `None` means "every policy" (cheaper to hand Cedar
    /// the whole slice than to pick).
    pub fn candidates(&self, facts: &GuardFacts<'_>) -> Vec<usize> {
        let mut out = self.always.clone();
        if facts.read_only {
            out.extend(&self.read_only);
        }
        for (attr, ac, owners) in &self.by_attr {
            match facts.attr(attr) {
                // The attribute is absent from this request: Cedar must see the policy (and will
                // report the error that keeps the decision fail-closed).
                None => out.extend(owners),
                Some(value) => out.extend(
                    ac.find_overlapping_iter(value).map(|m| owners[m.pattern().as_usize()]),
                ),
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn len(&self) -> usize {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn guard(text: &str) -> Guard {
        policy_guard(&Policy::from_str(text).unwrap())
    }

    #[test]
    fn guards_from_like_disjunctions_and_read_only() {
        let g = guard(
            r#"forbid (principal, action, resource) when { context.command like "*git push --force*" || context.command like "*git push -f *" };"#,
        );
        assert_eq!(
            g,
            Guard::Contains {
                attr: "command".into(),
                literals: vec!["git push --force".into(), "git push -f ".into()]
            }
        );
        assert_eq!(
            guard(r#"forbid (principal, action, resource) when { context.read_only == true };"#),
            Guard::ReadOnly
        );
        assert_eq!(
            guard(r#"forbid (principal, action, resource) when { true == context.read_only };"#),
            Guard::ReadOnly
        );
        assert_eq!(
            guard(
                r#"forbid (principal, action, resource) when { context.file_path like "a\*b*" };"#
            ),
            Guard::Contains { attr: "file_path".into(), literals: vec!["a*b".into()] }
        );
    }

    #[test]
    fn anything_unsure_is_always_a_candidate() {
        for text in [
            r#"forbid (principal, action, resource);"#,
            r#"forbid (principal, action, resource) when { context.command like "*" };"#,
            r#"forbid (principal, action, resource) when { context.command like "*x*" || context.file_path like "*y*" };"#,
            r#"forbid (principal, action, resource) unless { context.command like "*x*" };"#,
            r#"forbid (principal, action, resource) when { context.repo == "o/r" && context.command like "*x*" };"#,
            r#"forbid (principal, action, resource) when { context.read_only };"#,
        ] {
            assert_eq!(guard(text), Guard::Always, "{text}");
        }
    }

    #[test]
    fn candidates_follow_literals() {
        let f = Prefilter::new(&[
            Guard::Contains { attr: "command".into(), literals: vec!["rm -rf /".into()] },
            Guard::Always,
            Guard::ReadOnly,
            Guard::Contains {
                attr: "command".into(),
                literals: vec!["DROP TABLE".into(), "rm".into()],
            },
        ]);
        let facts = |cmd, ro| GuardFacts {
            read_only: ro,
            attrs: [("command", cmd), ("task_type", "t"), ("repo", "r")],
        };
        assert_eq!(f.candidates(&facts("ls", false)), [1]);
        assert_eq!(f.candidates(&facts("sudo rm -rf /x", true)), [0, 1, 2, 3]);
        let absent = GuardFacts {
            read_only: false,
            attrs: [("file_path", "x"), ("task_type", "t"), ("repo", "r")],
        };
        assert_eq!(f.candidates(&absent), [0, 1, 3]);
    }
}
