//! Byte-level `like`: Cedar's pattern semantics (`*` matches any run of characters, `\*` is a
//! literal star, everything else matches itself), decided on UTF-8 bytes without collecting the
//! text into characters first, and the policies whose whole condition is `&&`/`||` of such
//! `like`s on context strings, which the engine then decides without calling Cedar.
//!
//! Why it is exact: the pattern is split at its wildcards into literal segments. A text matches
//! when it starts with the first segment, ends with the last, and holds the middle ones in order
//! in between, without overlap; taking each middle segment at its leftmost place is never worse
//! than a later one. Segments and text are valid UTF-8, and a valid UTF-8 needle can only match
//! at a character boundary of a valid UTF-8 haystack, so byte matches are character matches.
//! `like::tests` checks this against Cedar's own evaluation; `benches/RESULTS.md` has the
//! figures.

use cedar_policy::Policy;
use cedar_policy_core::ast::{self, ExprKind, PatternElem, Var};

/// A compiled `like` pattern: literal segments between wildcards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LikePattern {
    /// Always at least one segment; `segments.len() - 1` wildcards.
    segments: Vec<String>,
}

impl LikePattern {
    /// From Cedar's pattern elements.
    pub fn new<'a>(elems: impl IntoIterator<Item = &'a PatternElem>) -> Self {
        let mut segments = vec![String::new()];
        for e in elems {
            match e {
                PatternElem::Char(c) => {
                    if let Some(last) = segments.last_mut() {
                        last.push(*c);
                    }
                }
                PatternElem::Wildcard => segments.push(String::new()),
            }
        }
        Self { segments }
    }

    /// Whether `text` matches, with Cedar's semantics.
    pub fn matches(&self, text: &str) -> bool {
        let (first, rest) = match self.segments.split_first() {
            Some(split) => split,
            None => return text.is_empty(),
        };
        let Some((last, middle)) = rest.split_last() else {
            // No wildcard: the whole text.
            return text == first;
        };
        if text.len() < first.len() + last.len()
            || !text.starts_with(first.as_str())
            || !text.ends_with(last.as_str())
        {
            return false;
        }
        // The window between the fixed ends; both ends are character boundaries because the
        // segments are whole UTF-8 strings found at the text's ends.
        let mut window = &text.as_bytes()[first.len()..text.len() - last.len()];
        for seg in middle {
            if seg.is_empty() {
                continue;
            }
            match find(window, seg.as_bytes()) {
                Some(at) => window = &window[at + seg.len()..],
                None => return false,
            }
        }
        true
    }

    /// The longest literal run (for the candidate prefilter), by character count.
    pub fn longest_literal(&self) -> &str {
        let mut best = "";
        for s in &self.segments {
            if s.chars().count() > best.chars().count() {
                best = s;
            }
        }
        best
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > hay.len() {
        return None;
    }
    let (&head, tail) = needle.split_first()?;
    let mut from = 0;
    while from + needle.len() <= hay.len() {
        let at = from + hay[from..=hay.len() - needle.len()].iter().position(|&b| b == head)?;
        if hay[at + 1..at + needle.len()] == *tail {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// A condition the engine can decide alone: `context.<attr> like "<pattern>"` joined by `&&` and
/// `||`. Such a condition cannot error when the attribute is a string (schema-checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LikeCond {
    /// `context.<attr> like pattern`.
    Like { attr: String, pattern: LikePattern },
    /// Both hold.
    And(Box<LikeCond>, Box<LikeCond>),
    /// Either holds.
    Or(Box<LikeCond>, Box<LikeCond>),
}

impl LikeCond {
    /// The condition's value, or `None` when an attribute it reads is not among `attrs` (then
    /// Cedar must decide, and report the error if there is one).
    pub fn eval(&self, attrs: &[(&str, &str)]) -> Option<bool> {
        match self {
            LikeCond::Like { attr, pattern } => {
                // An empty name is the "no attribute" slot of a tool request, never a real one.
                let (_, text) = attrs.iter().find(|(k, _)| !k.is_empty() && *k == attr)?;
                Some(pattern.matches(text))
            }
            // Evaluated fully (no short cut) so a missing attribute on either side always sends
            // the policy to Cedar; the value is the same as Cedar's short-circuit one.
            LikeCond::And(l, r) => Some(l.eval(attrs)? & r.eval(attrs)?),
            LikeCond::Or(l, r) => Some(l.eval(attrs)? | r.eval(attrs)?),
        }
    }
}

/// The context attribute an expression reads, when it is exactly `context.<attr>`.
pub(crate) fn context_attr(e: &ast::Expr) -> Option<&str> {
    match e.expr_kind() {
        ExprKind::GetAttr { expr, attr }
            if matches!(expr.expr_kind(), ExprKind::Var(Var::Context)) =>
        {
            Some(attr.as_str())
        }
        _ => None,
    }
}

fn like_cond(e: &ast::Expr) -> Option<LikeCond> {
    match e.expr_kind() {
        ExprKind::Like { expr, pattern } => Some(LikeCond::Like {
            attr: context_attr(expr)?.to_owned(),
            pattern: LikePattern::new(pattern.iter()),
        }),
        ExprKind::And { left, right } => {
            Some(LikeCond::And(Box::new(like_cond(left)?), Box::new(like_cond(right)?)))
        }
        ExprKind::Or { left, right } => {
            Some(LikeCond::Or(Box::new(like_cond(left)?), Box::new(like_cond(right)?)))
        }
        _ => None,
    }
}

/// The policy's condition (all `when`/`unless` clauses joined, as Cedar holds it), read from
/// the one parse: no re-parse of the policy text.
pub(crate) fn condition(policy: &Policy) -> Option<&ast::Expr> {
    let ast: &ast::Policy = policy.as_ref();
    ast.non_scope_constraints()
}

/// The condition of a forbid the engine can decide alone: its principal and resource scopes are
/// unconstrained (the action scope is settled by slicing) and its whole condition is a
/// [`LikeCond`]. `None` means Cedar decides it.
pub(crate) fn fast_condition(policy: &Policy) -> Option<LikeCond> {
    if !matches!(policy.principal_constraint(), cedar_policy::PrincipalConstraint::Any)
        || !matches!(policy.resource_constraint(), cedar_policy::ResourceConstraint::Any)
    {
        return None;
    }
    like_cond(condition(policy)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cedar_policy::{
        Authorizer, Context, Decision, Entities, EntityUid, PolicySet, Request,
        RestrictedExpression,
    };
    use proptest::prelude::*;
    use std::str::FromStr;

    /// Cedar source for a pattern given as elements (`None` = wildcard).
    fn cedar_pattern(elems: &[Option<char>]) -> String {
        let mut out = String::new();
        for e in elems {
            match e {
                None => out.push('*'),
                Some('*') => out.push_str("\\*"),
                Some(c) => out.extend(c.escape_default()),
            }
        }
        out
    }

    fn policy(elems: &[Option<char>]) -> Policy {
        let text = format!(
            "forbid (principal, action, resource) when {{ context.command like \"{}\" }};",
            cedar_pattern(elems)
        );
        Policy::from_str(&text).unwrap()
    }

    /// Cedar's own answer: the policy evaluated by the authorizer on `text`.
    fn cedar_says(p: &Policy, text: &str) -> bool {
        let uid = |s: &str| EntityUid::from_str(s).unwrap();
        let ctx = Context::from_pairs([(
            "command".to_owned(),
            RestrictedExpression::new_string(text.to_owned()),
        )])
        .unwrap();
        let req =
            Request::new(uid(r#"A::"p""#), uid(r#"A::"a""#), uid(r#"A::"r""#), ctx, None).unwrap();
        let set = PolicySet::from_policies([p.clone()]).unwrap();
        let r = Authorizer::new().is_authorized(&req, &set, &Entities::empty());
        assert!(r.diagnostics().errors().next().is_none());
        // A lone forbid always yields Deny; whether it was satisfied is whether it is a reason.
        let satisfied = r.diagnostics().reason().next().is_some();
        assert!(!satisfied || r.decision() == Decision::Deny);
        satisfied
    }

    fn ours(p: &Policy, text: &str) -> bool {
        fast_condition(p).unwrap().eval(&[("command", text)]).unwrap()
    }

    #[test]
    fn known_cases() {
        let w = None;
        let lit = |s: &str| s.chars().map(Some).collect::<Vec<_>>();
        let cat = |parts: &[Vec<Option<char>>]| parts.concat();
        let cases: Vec<(Vec<Option<char>>, &str, bool)> = vec![
            (vec![], "", true),
            (vec![], "a", false),
            (vec![w], "", true),
            (vec![w, w], "anything", true),
            (cat(&[vec![w], lit("rm -rf /"), vec![w]]), "sudo rm -rf /x", true),
            (cat(&[vec![w], lit("rm -rf /"), vec![w]]), "rm -rf", false),
            (cat(&[lit("ab"), vec![w], lit("ba")]), "aba", false),
            (cat(&[lit("ab"), vec![w], lit("ba")]), "abba", true),
            (cat(&[lit("a*b")]), "a*b", true),
            (cat(&[lit("a*b")]), "axb", false),
            (cat(&[vec![w], lit("é"), vec![w], lit("😀")]), "xé😀", true),
            (cat(&[vec![w], lit("é"), vec![w], lit("😀")]), "x😀é", false),
            (cat(&[lit("a"), vec![w], lit("a"), vec![w], lit("a")]), "aa", false),
            (cat(&[lit("a"), vec![w], lit("a"), vec![w], lit("a")]), "aaa", true),
        ];
        for (elems, text, want) in cases {
            let p = policy(&elems);
            assert_eq!(cedar_says(&p, text), want, "cedar on {elems:?} / {text:?}");
            assert_eq!(ours(&p, text), want, "ours on {elems:?} / {text:?}");
        }
    }

    #[test]
    fn only_pure_like_conditions_with_open_scopes_are_fast() {
        let fast = |t: &str| {
            fast_condition(&Policy::from_str(t).unwrap_or_else(|e| panic!("{t}: {e}"))).is_some()
        };
        assert!(fast(
            r#"forbid (principal, action == A::Action::"a", resource) when { context.command like "*x*" || (context.command like "a*" && context.file_path like "*b") };"#
        ));
        assert!(fast(
            r#"forbid (principal, action, resource) when { context.command like "*x*" } when { context.command like "*y*" };"#
        ));
        for slow in [
            r#"forbid (principal, action, resource);"#,
            r#"forbid (principal, action, resource) unless { context.command like "*x*" };"#,
            r#"forbid (principal, action, resource) when { !(context.command like "*x*") };"#,
            r#"forbid (principal == A::"p", action, resource) when { context.command like "*x*" };"#,
            r#"forbid (principal, action, resource == A::"r") when { context.command like "*x*" };"#,
            r#"forbid (principal, action, resource is A) when { context.command like "*x*" };"#,
            r#"forbid (principal, action, resource) when { context.read_only && context.command like "*x*" };"#,
            r#"forbid (principal, action, resource) when { principal.name like "*x*" };"#,
            r#"forbid (principal, action, resource) when { context.a.b like "*x*" };"#,
            r#"forbid (principal, action, resource) when { if context.command like "*x*" then true else false };"#,
        ] {
            assert!(!fast(slow), "{slow}");
        }
    }

    #[test]
    fn a_missing_attribute_goes_to_cedar() {
        let c = fast_condition(
            &Policy::from_str(
                r#"forbid (principal, action, resource) when { context.command like "*" || context.file_path like "*" };"#,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(c.eval(&[("command", "x")]), None);
        let empty = fast_condition(
            &Policy::from_str(
                r#"forbid (principal, action, resource) when { context[""] like "*" };"#,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(empty.eval(&[("", "")]), None, "the empty slot is not an attribute");
        assert_eq!(c.eval(&[("command", "x"), ("file_path", "")]), Some(true));
    }

    fn elem() -> impl Strategy<Value = Option<char>> {
        prop_oneof![
            3 => Just(None),
            6 => prop::sample::select(vec!['a', 'b', '*', '\\', 'é', '😀', ' ', '"']).prop_map(Some),
            1 => any::<char>().prop_map(Some),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => prop::collection::vec(
                prop::sample::select(vec!['a', 'b', '*', '\\', 'é', '😀', ' ', '"']),
                0..24
            )
            .prop_map(|cs| cs.into_iter().collect()),
            1 => any::<String>(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// The byte-level matcher decides exactly what Cedar's authorizer decides.
        #[test]
        fn byte_matcher_equals_cedar(elems in prop::collection::vec(elem(), 0..10), text in text()) {
            let p = policy(&elems);
            prop_assert_eq!(ours(&p, &text), cedar_says(&p, &text), "pattern {:?}", cedar_pattern(&elems));
        }

        /// Texts built to match (the pattern with each wildcard filled) match in both.
        #[test]
        fn filled_patterns_match(elems in prop::collection::vec(elem(), 0..10), fills in prop::collection::vec(text(), 10)) {
            let mut t = String::new();
            for (i, e) in elems.iter().enumerate() {
                match e {
                    None => t.push_str(&fills[i]),
                    Some(c) => t.push(*c),
                }
            }
            let p = policy(&elems);
            prop_assert!(cedar_says(&p, &t));
            prop_assert!(ours(&p, &t));
        }

        /// A conjunction/disjunction is decided as Cedar decides it.
        #[test]
        fn formulas_equal_cedar(
            a in prop::collection::vec(elem(), 0..6),
            b in prop::collection::vec(elem(), 0..6),
            c in prop::collection::vec(elem(), 0..6),
            text in text(),
        ) {
            let body = format!(
                "context.command like \"{}\" || (context.command like \"{}\" && context.command like \"{}\")",
                cedar_pattern(&a), cedar_pattern(&b), cedar_pattern(&c)
            );
            let p = Policy::from_str(&format!("forbid (principal, action, resource) when {{ {body} }};")).unwrap();
            prop_assert_eq!(ours(&p, &text), cedar_says(&p, &text), "{}", body);
        }
    }
}
