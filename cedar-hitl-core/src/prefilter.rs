//! Candidate prefilter: which policies of a slice could possibly be satisfied by a request.
//!
//! Cedar has no policy index and interprets every `like` of a set on every call. A `like` can
//! only match a string that contains the pattern's longest literal run, so policies guarded by
//! such patterns are indexed by those literals (one Aho-Corasick automaton per attribute) and
//! only the candidates reach Cedar, which still decides each one exactly.
//!
//! Rules on command and path facts are indexed the same way by the facts they test: a policy
//! whose condition starts with `context.effects.contains("sql.drop")` (or `containsAny`, or a
//! boolean fact such as `context.opaque`) is a candidate only for a request whose fact holds.
//!
//! Guards are taken only from expressions Cedar evaluates first and that cannot error (a `like`
//! on a string context attribute, `contains`/`containsAny` of string literals on a set context
//! attribute, a boolean context attribute), so skipping a non-candidate never hides an evaluation
//! error Cedar would have raised. A request that lacks the attribute a guard reads (or has it in
//! another type) keeps the policy a candidate, and Cedar reports the error.

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
    /// The set `context.<attr>` must hold one of these strings.
    Member { attr: String, values: Vec<String> },
    /// The boolean `context.<attr>` must be true.
    Flag { attr: String },
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
            (Guard::Member { attr: a, values: mut l }, Guard::Member { attr: b, values: r })
                if a == b =>
            {
                l.extend(r);
                Guard::Member { attr: a, values: l }
            }
            (Guard::Flag { attr: a }, Guard::Flag { attr: b }) if a == b => Guard::Flag { attr: a },
            _ => Guard::Always,
        },
        ExprKind::BinaryApp { op: BinaryOp::Contains, arg1, arg2 } => {
            match (context_attr(arg1), string_lit(arg2)) {
                (Some(attr), Some(v)) => {
                    Guard::Member { attr: attr.to_owned(), values: vec![v.to_owned()] }
                }
                _ => Guard::Always,
            }
        }
        ExprKind::BinaryApp { op: BinaryOp::ContainsAny, arg1, arg2 } => {
            let values: Option<Vec<String>> = match arg2.expr_kind() {
                ExprKind::Set(items) if !items.is_empty() => {
                    items.iter().map(|i| string_lit(i).map(str::to_owned)).collect()
                }
                _ => None,
            };
            match (context_attr(arg1), values) {
                (Some(attr), Some(values)) => Guard::Member { attr: attr.to_owned(), values },
                _ => Guard::Always,
            }
        }
        // A boolean on its own (`context.opaque`, `context.read_only`): every request carries
        // `read_only` as a boolean, so alone it means exactly `== true`.
        ExprKind::GetAttr { .. } => match context_attr(e) {
            Some("read_only") => Guard::ReadOnly,
            Some(attr) => Guard::Flag { attr: attr.to_owned() },
            None => Guard::Always,
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
            } else if is_true(arg2) && context_attr(arg1).is_some() {
                guard_of(arg1)
            } else if is_true(arg1) && context_attr(arg2).is_some() {
                guard_of(arg2)
            } else {
                Guard::Always
            }
        }
        _ => Guard::Always,
    }
}

fn string_lit(e: &ast::Expr) -> Option<&str> {
    match e.expr_kind() {
        ExprKind::Lit(Literal::String(s)) => Some(s.as_str()),
        _ => None,
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

/// The set and boolean facts a request offers the guards (a Bash subject's command facts, a
/// write's path classes). An attribute not listed here is treated as unknown: its guarded
/// policies stay candidates.
#[derive(Default)]
pub(crate) struct FactView<'a> {
    pub sets: &'a [(&'a str, &'a std::collections::BTreeSet<String>)],
    pub flags: &'a [(&'a str, bool)],
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
    /// Per set attribute: each value a guard asks for, and the policy asking.
    by_set: Vec<(String, Vec<(String, usize)>)>,
    /// Per boolean attribute: the policies that need it true.
    by_flag: Vec<(String, Vec<usize>)>,
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
                Guard::Member { attr, values } => {
                    let slot = slot_of(&mut f.by_set, attr);
                    f.by_set[slot].1.extend(values.iter().map(|v| (v.clone(), i)));
                }
                Guard::Flag { attr } => {
                    let slot = slot_of(&mut f.by_flag, attr);
                    f.by_flag[slot].1.push(i);
                }
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

    /// Candidates among the fact-guarded policies, ascending (not deduplicated against
    /// [`Prefilter::candidates`], which never returns them).
    pub fn fact_candidates(&self, facts: &FactView<'_>) -> Vec<usize> {
        let mut out = Vec::new();
        for (attr, wanted) in &self.by_set {
            match facts.sets.iter().find(|(k, _)| k == attr) {
                None => out.extend(wanted.iter().map(|(_, i)| *i)),
                Some((_, set)) => {
                    out.extend(wanted.iter().filter(|(v, _)| set.contains(v)).map(|(_, i)| *i))
                }
            }
        }
        for (attr, owners) in &self.by_flag {
            match facts.flags.iter().find(|(k, _)| k == attr) {
                Some((_, false)) => {}
                _ => out.extend(owners),
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

/// The index of `attr`'s entry in a per-attribute list, added when missing.
fn slot_of<T: Default>(list: &mut Vec<(String, T)>, attr: &str) -> usize {
    match list.iter().position(|(a, _)| a == attr) {
        Some(p) => p,
        None => {
            list.push((attr.to_owned(), T::default()));
            list.len() - 1
        }
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
        ] {
            assert_eq!(guard(text), Guard::Always, "{text}");
        }
    }

    #[test]
    fn guards_from_facts() {
        let member = |attr: &str, values: &[&str]| Guard::Member {
            attr: attr.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        };
        let rule =
            |cond: &str| guard(&format!("forbid (principal, action, resource) when {{ {cond} }};"));
        assert_eq!(
            rule(r#"context.effects.contains("sql.drop")"#),
            member("effects", &["sql.drop"])
        );
        assert_eq!(
            rule(r#"context.effects.containsAny(["a", "b"])"#),
            member("effects", &["a", "b"])
        );
        // The left side of `&&` runs first; `||` of the same attribute joins the values.
        assert_eq!(
            rule(
                r#"(context.effects.contains("a") && context.path_classes.contains("root")) || context.effects.contains("b")"#
            ),
            member("effects", &["a", "b"])
        );
        assert_eq!(rule("context.opaque"), Guard::Flag { attr: "opaque".into() });
        assert_eq!(rule("context.opaque == true"), Guard::Flag { attr: "opaque".into() });
        assert_eq!(rule("context.read_only == true"), Guard::ReadOnly);
        // Every request carries `read_only` as a boolean: alone it is `== true`, and the hard
        // rules that start with it (`context.read_only && …`) reach Cedar only in read-only tasks.
        assert_eq!(rule("context.read_only"), Guard::ReadOnly);
        assert_eq!(
            rule(r#"context.read_only && context.effects.contains("git.write")"#),
            Guard::ReadOnly
        );
        // Nothing to index: not a literal, an empty `containsAny`, a negation, mixed kinds.
        assert_eq!(rule(r#"context.effects.contains(context.program)"#), Guard::Always);
        assert_eq!(rule("context.effects.containsAny([])"), Guard::Always);
        assert_eq!(rule(r#"!context.effects.contains("a")"#), Guard::Always);
        assert_eq!(rule(r#"context.effects.contains("a") || context.opaque"#), Guard::Always);
        assert_eq!(rule(r#"context.effects.containsAll(["a"])"#), Guard::Always);
    }

    #[test]
    fn fact_candidates_follow_facts() {
        let f = Prefilter::new(&[
            Guard::Member { attr: "effects".into(), values: vec!["sql.drop".into()] },
            Guard::Flag { attr: "opaque".into() },
            Guard::Always,
            Guard::Member { attr: "effects".into(), values: vec!["a".into(), "b".into()] },
        ]);
        let effects: std::collections::BTreeSet<String> = ["b".to_string()].into();
        let none = std::collections::BTreeSet::new();
        let (with_b, empty) = ([("effects", &effects)], [("effects", &none)]);
        let (off, on) = ([("opaque", false)], [("opaque", true)]);
        assert_eq!(f.fact_candidates(&FactView { sets: &with_b, flags: &off }), [3]);
        assert_eq!(f.fact_candidates(&FactView { sets: &empty, flags: &on }), [1]);
        // A fact the request does not carry leaves its policies to Cedar.
        assert_eq!(f.fact_candidates(&FactView::default()), [0, 1, 3]);
        // Fact-guarded policies are never string candidates, and the rest never fact ones.
        let text = GuardFacts {
            read_only: false,
            attrs: [("command", "x"), ("task_type", "t"), ("repo", "r")],
        };
        assert_eq!(f.candidates(&text), [2]);
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
