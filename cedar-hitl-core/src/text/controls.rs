//! Stripping what a terminal interprets or a reader cannot see (docs/text.md, "Cleaning").

/// Remove every terminal escape sequence, control character and invisible format character,
/// keeping tab and newline. This is the first step of every text the engine shows.
///
/// Removed: CSI (`ESC [` or 8-bit `U+009B`, parameters 0x30–0x3F, intermediates 0x20–0x2F,
/// final 0x40–0x7E); OSC (`ESC ]` up to BEL or `ESC \`, or to the end when unterminated);
/// DCS/SOS/PM/APC (`ESC P`/`X`/`^`/`_` up to `ESC \`, or to the end); other escapes (`ESC`,
/// intermediates, one final byte 0x30–0x7E, e.g. `ESC c`, `ESC 7`, `ESC ( B`); a lone `ESC`;
/// every other C0 control, DEL and every C1 control (U+0080–U+009F); and the invisible format
/// characters listed at [`is_invisible`] (bidi controls, zero-width characters, the soft hyphen,
/// tag characters). All other characters are kept. Runs in linear time.
///
/// ```
/// use cedar_hitl_core::strip_controls;
/// assert_eq!(strip_controls("\x1b[31mred\x1b[0m\r\n\tok\x07\u{9b}2Jx"), "red\n\tokx");
/// assert_eq!(strip_controls("\x1b]0;title\x07after"), "after");
/// // A right-to-left override and a zero-width space: what is shown is what runs.
/// assert_eq!(strip_controls("rm -rf /\u{202e}txt.exe\u{200b}"), "rm -rf /txt.exe");
/// ```
pub fn strip_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    clean_into(text, &mut out, &mut |_| {});
    out
}

/// The cleaned text and, for each of its characters, the byte offset in `text` it came from, so
/// what is found in another view of the text can be redacted where it shows.
pub(crate) fn strip_controls_mapped(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut offsets = Vec::with_capacity(text.len());
    clean_into(text, &mut out, &mut |at| offsets.push(at));
    (out, offsets)
}

/// A scanner view of `text`: `skip` sees each character (and may consume what follows it) and
/// says whether to leave it out; every other shown character is kept. Returns the view and, for
/// each of its characters, its byte offset in the view and in `text`.
fn view_mapped(
    text: &str,
    mut skip: impl FnMut(char, &mut Chars<'_>) -> bool,
) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(text.len());
    let mut offsets = Vec::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if !skip(c, &mut chars) && shown(c) {
            offsets.push((out.len(), at));
            out.push(c);
        }
    }
    (out, offsets)
}

/// The scanner's raw view: only the control and invisible characters themselves removed (an
/// `ESC` alone, not the sequence it starts). A secret whose first character an escape would
/// swallow (`ESC A` + `KIA…`) is whole here.
pub(crate) fn drop_control_chars_mapped(text: &str) -> (String, Vec<(usize, usize)>) {
    view_mapped(text, |_, _| false)
}

/// The scanner's CSI-free view: 7-bit CSI sequences (`ESC [ … final`) and control characters
/// removed, every other character kept — a control string (`ESC P`, `ESC ]`, …) swallows nothing
/// and a lone `ESC` or 8-bit CSI swallows no letter here. A secret split by a colour code after
/// an unterminated control string (which hides the rest of the text from the cleaned view), or
/// right after an 8-bit CSI that would swallow its first letter, is whole here (fuzz finding 6).
pub(crate) fn drop_csi_mapped(text: &str) -> (String, Vec<(usize, usize)>) {
    view_mapped(text, |c, chars| {
        let csi = c == '\u{1b}' && peek_char(chars) == Some('[');
        if csi {
            chars.next();
            skip_csi(chars);
        }
        csi
    })
}

/// The scanner's closed-escapes view: CSI sequences and closed control strings removed as for
/// display, but a control string not closed before the next escape hides nothing (only its
/// introducer is removed) and any other escape is the `ESC` alone. A secret after an unclosed
/// `ESC P` / `ESC X` / OSC split by a colour code or a closed title, or one whose start an
/// escape's intermediate bytes would swallow, is whole here (fuzz findings 6 and 7).
///
/// Also returned: for every CSI the view removes, the source byte range of the parameter,
/// intermediate and final bytes it swallows (empty ranges left out). A key whose first
/// characters a CSI swallows (`ESC [` + `AKIA…`: "cursor up", then `KIA…`) and which is split
/// again further on is whole when those bytes are read as text and the rest as this view reads
/// it: the scanner tries that second reading at each CSI (fuzz finding 8).
pub(crate) fn drop_closed_escapes_with_swallows(text: &str) -> ClosedEscapesView {
    let mut swallows = Vec::new();
    let mut swallow_csi = |chars: &mut Chars<'_>| {
        let from = chars.peek().map_or(text.len(), |&(at, _)| at);
        skip_csi(chars);
        let to = chars.peek().map_or(text.len(), |&(at, _)| at);
        if to > from {
            swallows.push((from, to));
        }
    };
    let (view, offsets) = view_mapped(text, |c, chars| match c {
        '\u{1b}' => {
            match peek_char(chars) {
                Some(intro @ (']' | 'P' | 'X' | '^' | '_')) => {
                    chars.next();
                    skip_closed_control_string(chars, intro == ']');
                }
                Some('[') => {
                    chars.next();
                    swallow_csi(chars);
                }
                // Any other escape: the `ESC` alone (the display view reads `ESC 7` as one
                // sequence; here `ESC -` cannot swallow the dashes of a key's BEGIN line).
                _ => {}
            }
            true
        }
        '\u{9b}' => {
            swallow_csi(chars);
            true
        }
        _ => false,
    });
    (view, offsets, swallows)
}

/// The closed-escapes view, its offsets (view byte, source byte) and the CSI swallows.
pub(crate) type ClosedEscapesView = (String, Vec<(usize, usize)>, Vec<(usize, usize)>);

/// `shown_at` is told the source offset of every character pushed by the main loop.
fn clean_into(text: &str, out: &mut String, shown_at: &mut dyn FnMut(usize)) {
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            '\u{9b}' => skip_csi(&mut chars),
            c if shown(c) => {
                out.push(c);
                shown_at(at);
            }
            _ => {}
        }
    }
}

/// A character cleaning keeps: not a control (tab and newline aside), not invisible.
fn shown(c: char) -> bool {
    matches!(c, '\t' | '\n')
        || !(matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}') || is_invisible(c))
}

/// The invisible format characters removed by [`strip_controls`]: characters that change how
/// text is displayed, or hide in it, without showing themselves.
///
/// | range | what |
/// |---|---|
/// | U+00AD | soft hyphen |
/// | U+061C | Arabic letter mark |
/// | U+180E | Mongolian vowel separator |
/// | U+200B–U+200F | zero-width space, non-joiner, joiner; left-to-right and right-to-left marks |
/// | U+202A–U+202E | bidi embeddings and overrides (LRE, RLE, PDF, LRO, RLO) |
/// | U+2060–U+2064 | word joiner and the invisible operators |
/// | U+2066–U+206F | bidi isolates (LRI, RLI, FSI, PDI) and the deprecated format characters |
/// | U+FEFF | zero-width no-break space (byte-order mark) |
/// | U+FFF9–U+FFFB | interlinear annotation controls |
/// | U+1D173–U+1D17A | musical symbol format controls |
/// | U+E0000–U+E007F | tag characters (invisible ASCII look-alikes) |
///
/// Variation selectors are kept: they only choose a glyph's form.
///
/// ```
/// use cedar_hitl_core::is_invisible;
/// assert!(is_invisible('\u{200b}') && is_invisible('\u{202e}') && is_invisible('\u{e0041}'));
/// assert!(!is_invisible('a') && !is_invisible('\u{fe0f}') && !is_invisible('é'));
/// ```
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{61c}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

/// Does the text hold anything [`strip_controls`] would remove? (No allocation.)
pub(crate) fn needs_stripping(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}') || is_invisible(c)
    })
}

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

fn peek_char(chars: &mut Chars<'_>) -> Option<char> {
    chars.peek().map(|&(_, c)| c)
}

fn next_in(chars: &mut Chars<'_>, lo: char, hi: char) -> bool {
    chars.next_if(|&(_, c)| (lo..=hi).contains(&c)).is_some()
}

/// Called just after an `ESC`.
fn skip_escape(chars: &mut Chars<'_>) {
    match peek_char(chars) {
        None => {}
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']') => {
            chars.next();
            skip_control_string(chars, true);
        }
        Some('P' | 'X' | '^' | '_') => {
            chars.next();
            skip_control_string(chars, false);
        }
        Some(_) => {
            while next_in(chars, '\u{20}', '\u{2f}') {}
            // Anything else (another ESC, a control, non-ASCII) is not part of the sequence and
            // is handled by the main loop.
            next_in(chars, '\u{30}', '\u{7e}');
        }
    }
}

/// Called just after `ESC [` or `U+009B`. A malformed sequence ends at the first byte that does
/// not fit; that byte is left to the main loop.
fn skip_csi(chars: &mut Chars<'_>) {
    while next_in(chars, '\u{30}', '\u{3f}') {}
    while next_in(chars, '\u{20}', '\u{2f}') {}
    next_in(chars, '\u{40}', '\u{7e}');
}

/// Skips a control string up to and including its terminator (`ESC \`, or BEL for OSC); an
/// unterminated string runs to the end of the text, which is what a terminal would swallow.
/// Skips a control string only when it is closed (`ESC \`, or BEL for OSC) before any other
/// `ESC`: a string cut off by another escape, or never closed, hides nothing in the
/// closed-escapes view, and only its introducer is removed.
fn skip_closed_control_string(chars: &mut Chars<'_>, bel_terminates: bool) {
    let mut probe = chars.clone();
    while let Some((_, c)) = probe.next() {
        if c == '\u{7}' && bel_terminates {
            *chars = probe;
            return;
        }
        if c == '\u{1b}' {
            if next_in(&mut probe, '\\', '\\') {
                *chars = probe;
            }
            return;
        }
    }
}

fn skip_control_string(chars: &mut Chars<'_>, bel_terminates: bool) {
    while let Some((_, c)) = chars.next() {
        if c == '\u{7}' && bel_terminates {
            return;
        }
        if c == '\u{1b}' && next_in(chars, '\\', '\\') {
            return;
        }
    }
}
