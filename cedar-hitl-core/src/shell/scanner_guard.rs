//! A guard in front of tree-sitter-bash's external scanner (docs/shell.md, "Opaque commands").
//!
//! When the scanner looks for a brace range (`{1..9}`), it tests the character after `{` and
//! after `..` with C's `isdigit`, which indexes a table by the character's code point: a
//! character above U+00FF there reads outside the table, and far enough outside it crashes the
//! process (found by the `parse_never_panics_on_arbitrary_text` property test: a segfault, which
//! no Rust code can catch). So before parsing, every non-ASCII character in such a place is
//! replaced by as many `_` as it has bytes (byte offsets stay valid) and the line is opaque.

/// The command with every non-ASCII character that directly follows `{` or `..` (after any
/// ASCII digits) replaced by `_`s of the same byte length; `None` when there is none.
pub(crate) fn defuse_brace_scan(command: &str) -> Option<String> {
    let mut out: Option<String> = None;
    let bytes = command.as_bytes();
    for (i, c) in command.char_indices() {
        if c.is_ascii() {
            continue;
        }
        let mut j = i;
        while j > 0 && bytes[j - 1].is_ascii_digit() {
            j -= 1;
        }
        let after_brace = j > 0 && bytes[j - 1] == b'{';
        let after_dots = j > 1 && bytes[j - 1] == b'.' && bytes[j - 2] == b'.';
        if after_brace || after_dots {
            let s = out.get_or_insert_with(|| command.to_owned());
            s.replace_range(i..i + c.len_utf8(), &"_".repeat(c.len_utf8()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::defuse_brace_scan;

    #[test]
    fn replaces_only_characters_the_brace_scan_reads() {
        assert_eq!(defuse_brace_scan("echo {\u{10FFFF}}"), Some("echo {____}".to_owned()));
        assert_eq!(defuse_brace_scan("echo {12é"), Some("echo {12__".to_owned()));
        assert_eq!(defuse_brace_scan("echo {1..€}"), Some("echo {1..___}".to_owned()));
        assert_eq!(defuse_brace_scan("echo 'héllo' {a,b}"), None);
        assert_eq!(defuse_brace_scan("ls"), None);
    }
}
