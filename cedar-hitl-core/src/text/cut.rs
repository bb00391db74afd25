//! Cutting text to a character budget, never inside a redaction marker (docs/text.md,
//! "Cutting"). One algorithm serves every cap: a prefix cut with or without the ellipsis, and a
//! middle elision that keeps both ends.

use super::secrets::patterns;
use std::borrow::Cow;

/// Whether a cut text ends with the `ellipsis` constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ellipsis {
    /// `truncate`-style: the kept prefix plus `"..."`, within the budget.
    Yes,
    /// A plain prefix (stored deny reasons, the output scan cap).
    No,
}

/// At most `max_chars` characters; a longer text keeps its first `max_chars - 3` characters
/// followed by `"..."` (or just its first `max_chars` when `max_chars <= 3`). The cut never
/// splits a redaction marker: a marker it would split is dropped whole.
///
/// ```
/// use cedar_hitl_core::truncate;
/// assert_eq!(truncate("abcdefghij", 8), "abcde...");
/// assert_eq!(truncate("abcdef", 3), "abc");
/// assert_eq!(truncate("abcdef", 0), "");
/// assert_eq!(truncate("héllo", 5), "héllo");
/// assert_eq!(truncate("key [REDACTED-AWS_KEY] end", 12), "key ...");
/// ```
pub fn truncate(text: &str, max_chars: usize) -> String {
    cut(text, max_chars, Ellipsis::Yes).into_owned()
}

/// The one cut (see [`truncate`]); borrowed when nothing is removed or no ellipsis is added.
pub(crate) fn cut(text: &str, max_chars: usize, ellipsis: Ellipsis) -> Cow<'_, str> {
    if text.chars().nth(max_chars).is_none() {
        return Cow::Borrowed(text);
    }
    let mark = &crate::constants().ellipsis;
    let mark_chars = mark.chars().count();
    if ellipsis == Ellipsis::No || max_chars <= mark_chars {
        return Cow::Borrowed(prefix_outside_marker(text, max_chars));
    }
    let mut out = prefix_outside_marker(text, max_chars - mark_chars).to_owned();
    out.push_str(mark);
    Cow::Owned(out)
}

/// Keep the start and the end of `text` within `max_chars` characters, replacing the middle
/// with the `elision_marker` constant (`{n}` = characters removed); neither cut splits a
/// redaction marker. Used where the end matters as much as the start (a long command's tail).
pub(crate) fn elide_middle(text: &str, max_chars: usize) -> Cow<'_, str> {
    let total = text.chars().count();
    if total <= max_chars {
        return Cow::Borrowed(text);
    }
    let template = &crate::constants().elision_marker;
    // The marker's own length depends on n; size it for the largest n possible.
    let marker_chars = template.replace("{n}", &total.to_string()).chars().count();
    if max_chars <= marker_chars {
        return cut(text, max_chars, Ellipsis::Yes);
    }
    let keep = max_chars - marker_chars;
    let head = prefix_outside_marker(text, keep.div_ceil(2));
    let tail = suffix_outside_marker(text, keep / 2);
    let removed = total - head.chars().count() - tail.chars().count();
    Cow::Owned(format!("{head}{}{tail}", template.replace("{n}", &removed.to_string())))
}

/// The first `max_chars` characters of `text` (all of it when shorter).
fn prefix_chars(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((byte, _)) => &text[..byte],
        None => text,
    }
}

/// The last `max_chars` characters of `text` (all of it when shorter).
fn suffix_chars(text: &str, max_chars: usize) -> &str {
    if max_chars == 0 {
        return "";
    }
    match text.char_indices().rev().nth(max_chars - 1) {
        Some((byte, _)) => &text[byte..],
        None => text,
    }
}

/// The redaction marker spanning byte `at` (start < at < end), if any. Markers are short, so
/// only a window around `at` is searched.
fn marker_around(text: &str, at: usize) -> Option<(usize, usize)> {
    let p = patterns();
    let mut start = at.saturating_sub(p.longest_marker);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + p.longest_marker).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    p.marker
        .find_iter(&text[start..end])
        .map(|m| (start + m.start(), start + m.end()))
        .find(|&(s, e)| s < at && at < e)
}

/// [`prefix_chars`], moved back to the start of a marker it would split.
fn prefix_outside_marker(text: &str, max_chars: usize) -> &str {
    let at = prefix_chars(text, max_chars).len();
    match marker_around(text, at) {
        Some((start, _)) => &text[..start],
        None => &text[..at],
    }
}

/// [`suffix_chars`], moved forward to the end of a marker it would split.
fn suffix_outside_marker(text: &str, max_chars: usize) -> &str {
    let at = text.len() - suffix_chars(text, max_chars).len();
    match marker_around(text, at) {
        Some((_, end)) => &text[end..],
        None => &text[at..],
    }
}
