//! Secret scanning and redaction (docs/text.md, "Secrets").
//!
//! # Secret patterns
//!
//! One pattern set, the union of the two upstream scanners (docs/text.md), one label per
//! kind. Every match is replaced by `[REDACTED-<LABEL>]`. The patterns are applied in this order:
//!
//! | # | label | shape |
//! |---|---|---|
//! | 1 | `PRIVATE_KEY` | `-----BEGIN <A-Z and spaces>PRIVATE KEY-----` … (lazily, across lines) … `-----END <A-Z and spaces>PRIVATE KEY-----`, or to the end of the text when the block is not closed (a cut-off key is still a key) |
//! | 2 | `AWS_SECRET` | case-insensitive `aws_secret_access_key`, `secret_access_key` or `secretaccesskey`, one or more of whitespace `=` `:` `"` `'`, then 40 of `[A-Za-z0-9/+=]`; the keyword is part of the replaced span |
//! | 3 | `GITHUB_PAT` | `github_pat_` + at least 22 of `[A-Za-z0-9_]` |
//! | 4 | `GITHUB_TOKEN` | `ghp_` `gho_` `ghu_` `ghs_` `ghr_` + at least 36 of `[A-Za-z0-9]` |
//! | 5 | `SLACK_TOKEN` | `xoxb-` `xoxa-` `xoxp-` `xoxr-` `xoxs-` + at least 10 of `[A-Za-z0-9-]` |
//! | 6 | `BEARER_TOKEN` | case-insensitive `bearer`, whitespace, at least 20 of `[A-Za-z0-9._~+/=-]` |
//! | 7 | `GITHUB_URL_TOKEN` | `x-access-token:` + at least one character other than whitespace `@` `"` `'`, then `@` |
//! | 8 | `CONNECTION_STRING` | scheme (a letter + up to 20 of `[A-Za-z0-9+.-]`) `://` user (no whitespace `:` `@` `/`; may be empty) `:` password (no whitespace or `@`) `@` host (no whitespace or quotes) |
//! | 9 | `AWS_KEY` | `AKIA` or `ASIA` + 16 of `[0-9A-Z]` |
//!
//! No pattern requires a word boundary, so each accepts everything either upstream scanner
//! accepted, with one documented exception: upstream's output scanner let the connection-string
//! user and password run across spaces and newlines (so a URL followed, much later, by any
//! `a:b@c` text was redacted as one span); here none of the three parts may contain whitespace.
//!
//! The order makes redaction idempotent: the only patterns that can match across an earlier
//! marker are `GITHUB_URL_TOKEN` and `CONNECTION_STRING`, and they run after every pattern whose
//! replacement could remove a character that blocks them (whitespace, quotes, `@`, `:`, `/`).
//! Specific shapes run before `AWS_KEY` so a key embedded in, say, a bearer token is reported as
//! the larger secret. No pattern matches a marker.

use super::controls::{
    drop_closed_escapes_with_swallows, drop_control_chars_mapped, drop_csi_mapped, needs_stripping,
    strip_controls, strip_controls_mapped,
};
use super::cut::{Ellipsis, cut};
use crate::Redaction;
use regex::Regex;
use std::sync::OnceLock;

/// A kind of secret the scanner recognises; each has one stable label.
///
/// ```
/// use cedar_hitl_core::SecretKind;
/// assert_eq!(SecretKind::AwsKey.label(), "AWS_KEY");
/// assert_eq!(SecretKind::all().len(), 9);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretKind {
    /// A PEM private key block (`-----BEGIN … PRIVATE KEY-----` … `-----END … PRIVATE KEY-----`).
    PrivateKey,
    /// An AWS access key id (`AKIA…` / `ASIA…`).
    AwsKey,
    /// An AWS secret access key written after its keyword.
    AwsSecret,
    /// A classic GitHub token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`).
    GithubToken,
    /// A fine-grained GitHub personal access token (`github_pat_…`).
    GithubPat,
    /// A token in a GitHub clone URL (`x-access-token:…@`).
    GithubUrlToken,
    /// A Slack token (`xoxb-…` and friends).
    SlackToken,
    /// An HTTP bearer token (`Bearer …`).
    BearerToken,
    /// A URL with an embedded password (`scheme://user:password@host`).
    ConnectionString,
}

/// Serialised as its label, the one spelling every language sees.
impl serde::Serialize for SecretKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

impl SecretKind {
    /// The stable label used in `[REDACTED-<LABEL>]` markers.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::SecretKind::ConnectionString.label(), "CONNECTION_STRING");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            SecretKind::PrivateKey => "PRIVATE_KEY",
            SecretKind::AwsKey => "AWS_KEY",
            SecretKind::AwsSecret => "AWS_SECRET",
            SecretKind::GithubToken => "GITHUB_TOKEN",
            SecretKind::GithubPat => "GITHUB_PAT",
            SecretKind::GithubUrlToken => "GITHUB_URL_TOKEN",
            SecretKind::SlackToken => "SLACK_TOKEN",
            SecretKind::BearerToken => "BEARER_TOKEN",
            SecretKind::ConnectionString => "CONNECTION_STRING",
        }
    }

    /// Every kind, in declaration order (the scan order is documented on the module).
    ///
    /// ```
    /// use cedar_hitl_core::SecretKind;
    /// assert!(SecretKind::all().contains(&SecretKind::SlackToken));
    /// ```
    pub fn all() -> &'static [SecretKind] {
        &[
            SecretKind::PrivateKey,
            SecretKind::AwsKey,
            SecretKind::AwsSecret,
            SecretKind::GithubToken,
            SecretKind::GithubPat,
            SecretKind::GithubUrlToken,
            SecretKind::SlackToken,
            SecretKind::BearerToken,
            SecretKind::ConnectionString,
        ]
    }

    fn pattern(self) -> &'static str {
        match self {
            SecretKind::PrivateKey => {
                r"(?s)-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\z)"
            }
            SecretKind::AwsKey => r"(?:AKIA|ASIA)[0-9A-Z]{16}",
            SecretKind::AwsSecret => {
                r#"(?i:(?:aws_)?secret_?access_?key)[\s=:"']+[A-Za-z0-9/+=]{40}"#
            }
            SecretKind::GithubToken => r"gh[pousr]_[A-Za-z0-9]{36,}",
            SecretKind::GithubPat => r"github_pat_[A-Za-z0-9_]{22,}",
            SecretKind::GithubUrlToken => r#"x-access-token:[^\s@"']+@"#,
            SecretKind::SlackToken => r"xox[baprs]-[A-Za-z0-9-]{10,}",
            // `=` anywhere in the token (deny-reason scanner) and trailing `=` padding (output
            // scanner) are both covered by one class.
            SecretKind::BearerToken => r"(?i:bearer)\s+[A-Za-z0-9._~+/=-]{20,}",
            SecretKind::ConnectionString => {
                r#"[A-Za-z][A-Za-z0-9+.-]{0,20}://[^\s:@/]*:[^\s@]+@[^\s"']+"#
            }
        }
    }
}

/// Order matters for idempotence; see the module documentation.
pub(super) const SCAN_ORDER: [SecretKind; 9] = [
    SecretKind::PrivateKey,
    SecretKind::AwsSecret,
    SecretKind::GithubPat,
    SecretKind::GithubToken,
    SecretKind::SlackToken,
    SecretKind::BearerToken,
    SecretKind::GithubUrlToken,
    SecretKind::ConnectionString,
    SecretKind::AwsKey,
];

pub(super) struct Patterns {
    pub(super) secrets: Vec<(SecretKind, Regex, String)>,
    /// Every pattern at once: the fast "anything to redact?" check.
    any: Regex,
    /// Each pattern, and every pattern at once, anchored at the start of the text: does a secret
    /// start exactly here? (The CSI-swallow reading, [`scan_capped`].)
    anchored: Vec<(SecretKind, Regex)>,
    anchored_any: Regex,
    pub(super) marker: Regex,
    pub(super) longest_marker: usize,
}

pub(super) fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let secrets = SCAN_ORDER
            .iter()
            .map(|&kind| {
                let re = Regex::new(kind.pattern()).expect("built-in secret pattern compiles");
                (kind, re, marker(kind))
            })
            .collect();
        let labels: Vec<&str> = SecretKind::all().iter().map(|k| k.label()).collect();
        let marker_re = Regex::new(&format!(r"\[REDACTED-(?:{})\]", labels.join("|")))
            .expect("marker pattern compiles");
        let longest_marker = SecretKind::all().iter().map(|k| marker(*k).len()).max().unwrap_or(0);
        let any = SCAN_ORDER.iter().map(|k| format!("(?:{})", k.pattern())).collect::<Vec<_>>();
        let any = any.join("|");
        let anchored_any = Regex::new(&format!("^(?:{any})")).expect("anchored union compiles");
        let any = Regex::new(&any).expect("the union of the secret patterns compiles");
        let anchored = SCAN_ORDER
            .iter()
            .map(|&kind| {
                let re = Regex::new(&format!("^(?:{})", kind.pattern()));
                (kind, re.expect("anchored secret pattern compiles"))
            })
            .collect();
        Patterns { secrets, any, anchored, anchored_any, marker: marker_re, longest_marker }
    })
}

pub(super) fn marker(kind: SecretKind) -> String {
    format!("[REDACTED-{}]", kind.label())
}

/// The output scanner: the one pipeline for text a model or a person will read — strip controls,
/// escape sequences and invisible format characters ([`strip_controls`]), then replace every
/// secret (module table) with `[REDACTED-<LABEL>]`, then cut to `output_scan_max_chars`
/// characters, never inside a marker. Because the text is cleaned first, a secret split by an
/// escape sequence, a control or a zero-width character is still found. Running it on its own
/// output changes nothing.
///
/// ```
/// use cedar_hitl_core::{scan_secrets, SecretKind};
/// let r = scan_secrets("Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345");
/// assert_eq!(r.text, "Authorization: [REDACTED-BEARER_TOKEN]");
/// assert_eq!(r.findings, vec![SecretKind::BearerToken]);
/// // `grep --color=always` output: the key is split by colour escapes.
/// let r = scan_secrets("KEY=\x1b[01;31mAKIA\x1b[m\x1b[KIOSFODNN7EXAMPLE");
/// assert_eq!(r.text, "KEY=[REDACTED-AWS_KEY]");
/// // A zero-width space inside a token.
/// assert_eq!(scan_secrets("ghp_\u{200b}abcdefghijklmnopqrstuvwxyz0123456789").findings,
///            vec![SecretKind::GithubToken]);
/// // Hidden by an unterminated control string: not shown, still reported.
/// let r = scan_secrets("ok \x1bX AKIAIOSFODNN7EXAMPLE");
/// assert_eq!((r.text.as_str(), r.findings), ("ok ", vec![SecretKind::AwsKey]));
/// assert!(scan_secrets("nothing here").findings.is_empty());
/// ```
pub fn scan_secrets(text: &str) -> Redaction {
    scan_capped(text, crate::constants().output_scan_max_chars)
}

/// How far past the cap the text is still scanned, so a secret that straddles the cut is seen
/// whole and redacted rather than left half-visible before the cut.
const SCAN_MARGIN_CHARS: usize = 64 * 1024;

pub(super) fn scan_capped(text: &str, max_chars: usize) -> Redaction {
    let scanned = max_chars.saturating_add(SCAN_MARGIN_CHARS);
    let shown = strip_controls(text);
    let mut found = Found::default();
    // Secrets in the raw view (only the control characters themselves dropped) are found even
    // where an escape would swallow part of them (`ESC A` + `KIA…`) or a control string hides
    // them (an OSC title, an unterminated `ESC X`); the CSI-free view (colour codes removed,
    // control strings kept) finds one split by a colour code inside such a hidden part, and the
    // closed-escapes view (display cleaning, but an unterminated control string hides nothing)
    // one split by any escape after an unterminated control string (fuzz finding 6); the
    // swallow reading at each CSI of that view, one whose first characters a CSI swallows and
    // which is split again further on (fuzz finding 8). They are reported, and whatever of them
    // still shows is replaced by their marker. Text without control characters has no other
    // view.
    if needs_stripping(text) {
        for view in [drop_control_chars_mapped, drop_csi_mapped] {
            let (raw, raw_at) = view(text);
            if raw != shown {
                found.scan_view(&raw, &raw_at, scanned);
            }
        }
        let (view, view_at, swallows) = drop_closed_escapes_with_swallows(text);
        if view != shown {
            found.scan_view(&view, &view_at, scanned);
        }
        for (from, to) in swallows {
            found.scan_swallow(text, (from, to), &view, &view_at, scanned);
        }
    }
    let Found { mut findings, spans } = found;
    let shown = if spans.is_empty() {
        shown
    } else {
        let (shown, shown_at) = strip_controls_mapped(text);
        mark_spans(&shown, &shown_at, &spans)
    };
    let window = cut(&shown, scanned, Ellipsis::No);
    let Redaction { text: redacted, findings: more } = redact_clean(&window);
    for kind in more {
        if !findings.contains(&kind) {
            findings.push(kind);
        }
    }
    findings.sort_by_key(|k| SCAN_ORDER.iter().position(|o| o == k));
    Redaction { text: cut(&redacted, max_chars, Ellipsis::No).into_owned(), findings }
}

/// How much of the text after a CSI the swallow reading first looks at: a secret whose shortest
/// form fits (every pattern's, unless a separator runs to hundreds of spaces) is recognised.
const SWALLOW_PROBE_BYTES: usize = 1024;

/// Secrets found in the scanner's other views: each kind once, and the source byte range
/// (first byte, first byte of the last character) of every match.
#[derive(Default)]
struct Found {
    findings: Vec<SecretKind>,
    spans: Vec<(usize, usize, SecretKind)>,
}

impl Found {
    fn add(&mut self, kind: SecretKind, first: usize, last: usize) {
        self.spans.push((first, last, kind));
        if !self.findings.contains(&kind) {
            self.findings.push(kind);
        }
    }

    /// Every match in a view, in scan order; a match overlapping an earlier one is part of that
    /// secret (as the plain scan, which replaces in this order, would see it). `at` maps each
    /// view character to (view byte, source byte).
    fn scan_view(&mut self, view: &str, at: &[(usize, usize)], scanned: usize) {
        let view = cut(view, scanned, Ellipsis::No);
        let mut claimed: Vec<(usize, usize)> = Vec::new();
        for (kind, re, _) in &patterns().secrets {
            for m in re.find_iter(&view) {
                if claimed.iter().any(|&(s, e)| m.start() < e && s < m.end()) {
                    continue;
                }
                claimed.push((m.start(), m.end()));
                let last = m.end() - last_char_len(m.as_str());
                self.add(*kind, source_of(at, m.start()), source_of(at, last));
            }
        }
    }

    /// The second reading of one CSI: the bytes it swallows (`swallow`, a source range) read as
    /// text, then the closed-escapes `view` from where the CSI ends. A secret that starts inside
    /// the swallowed bytes is recorded (the first kind in scan order); one starting later is the
    /// view's own.
    fn scan_swallow(
        &mut self,
        text: &str,
        (from, to): (usize, usize),
        view: &str,
        at: &[(usize, usize)],
        scanned: usize,
    ) {
        let swallowed = &text[from..to]; // CSI bytes: ASCII, so every byte is a character.
        let resume = at.partition_point(|&(_, source)| source < to);
        let rest = &view[at.get(resume).map_or(view.len(), |&(byte, _)| byte)..];
        let p = patterns();
        let probe = format!("{swallowed}{}", cut_bytes(rest, SWALLOW_PROBE_BYTES));
        let Some(k) = (0..swallowed.len()).find(|&k| p.anchored_any.is_match(&probe[k..])) else {
            return;
        };
        let whole = format!("{swallowed}{rest}");
        let whole = cut(&whole, scanned, Ellipsis::No);
        let Some((kind, m)) =
            p.anchored.iter().find_map(|(kind, re)| re.find(&whole[k..]).map(|m| (*kind, m)))
        else {
            return;
        };
        // Back to the source: swallowed bytes are where they were; the rest through the view.
        let source = |byte: usize| match byte.checked_sub(swallowed.len()) {
            None => from + byte,
            Some(in_rest) => source_of(at, (view.len() - rest.len()) + in_rest),
        };
        let last = k + m.end() - last_char_len(m.as_str());
        self.add(kind, source(k + m.start()), source(last));
    }
}

/// Source offset of the view character starting at view byte `byte`.
fn source_of(at: &[(usize, usize)], byte: usize) -> usize {
    at[at.partition_point(|&(b, _)| b < byte)].1
}

fn last_char_len(s: &str) -> usize {
    s.chars().next_back().map_or(0, char::len_utf8)
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn cut_bytes(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `shown` with every run of characters whose source offset lies in a span replaced by that
/// span's marker (one marker per run).
fn mark_spans(shown: &str, shown_at: &[usize], spans: &[(usize, usize, SecretKind)]) -> String {
    let mut out = String::with_capacity(shown.len());
    let mut open: Option<usize> = None;
    for (c, &at) in shown.chars().zip(shown_at) {
        match spans.iter().position(|&(s, e, _)| s <= at && at <= e) {
            Some(i) => {
                if open != Some(i) {
                    out.push_str(&marker(spans[i].2));
                    open = Some(i);
                }
            }
            None => {
                out.push(c);
                open = None;
            }
        }
    }
    out
}

/// Redaction only, on text that is already clean.
pub(super) fn redact_clean(text: &str) -> Redaction {
    let mut current = text.to_owned();
    let mut findings = Vec::new();
    for (kind, re, marker) in &patterns().secrets {
        // `NoExpand`: the marker is literal text, never a `$group` reference.
        if let std::borrow::Cow::Owned(replaced) = re.replace_all(&current, regex::NoExpand(marker))
        {
            current = replaced;
            findings.push(*kind);
        }
    }
    Redaction { text: current, findings }
}

/// Does a clean text contain anything to redact? (A fast check for short texts.)
pub(super) fn has_secret(text: &str) -> bool {
    patterns().any.is_match(text)
}

/// [`scan_secrets`] without the findings.
///
/// ```
/// assert_eq!(
///     cedar_hitl_core::redact_secrets("postgres://app:hunter2@db:5432/prod"),
///     "[REDACTED-CONNECTION_STRING]"
/// );
/// ```
pub fn redact_secrets(text: &str) -> String {
    scan_secrets(text).text
}
