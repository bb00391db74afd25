//! The plain-line fast path (docs/shell.md, "The plain-line fast path").
//!
//! Most command lines an agent writes are plain: words made of letters, digits, a little
//! punctuation and quoted text, joined by `&&`, `||`, `;`, `|` and line breaks, with `2>&1` or
//! `> file` at the end of a command. The grammar costs about 100 ns per byte and walking its tree
//! as much again; this scanner reads such a line in one pass and produces the same [`Lowered`]
//! the grammar's lowering would. It accepts only what it can read exactly as that lowering does
//! and returns `None` for anything else (expansions, globs, braces, backslashes outside quotes
//! other than `back\slash`, comments, blank lines, keywords, heredocs, input redirections, …),
//! which then goes to the grammar. A differential property test holds it equal to the grammar's
//! lowering (`tests/plain_line.rs`), and the real-bash differential suite runs through it.

use super::lower::{self, Input, Lowered, RawCommand};
use super::words::{self, Word};

/// Longest run of `&&`/`||` the fast path reads. The grammar nests each one a level deeper and
/// the lowering turns a line opaque past [`lower::MAX_DEPTH`] levels; well below that the two
/// agree, and longer chains go to the grammar.
const MAX_CHAIN: usize = 100;

/// First words the fast path leaves to the grammar: bash keywords (which start compound
/// commands or are refused where a command belongs), the declaration builtins other than
/// `export`, whose arguments the grammar reads as assignments, and `unset`/`unsetenv`.
const NOT_PLAIN_PROGRAMS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do",
    "done", "in", "function", "time", "coproc", "declare", "typeset", "local", "readonly", "unset",
    "unsetenv",
];

/// Lower `src` without the grammar, or `None` when it is not a plain line.
pub(super) fn lower(src: &str) -> Option<Lowered> {
    let mut s = Scanner { src, b: src.as_bytes(), i: 0, out: Lowered::default() };
    let mut chain = 0usize;
    loop {
        s.pipeline()?;
        s.blanks();
        if s.i == s.b.len() {
            return Some(s.out);
        }
        match (s.b[s.i], s.b.get(s.i + 1)) {
            (b'&', Some(b'&')) | (b'|', Some(b'|')) => {
                chain += 1;
                if chain > MAX_CHAIN {
                    return None;
                }
                s.i += 2;
            }
            (b';', next) if next != Some(&b';') && next != Some(&b'&') => {
                chain = 0;
                s.i += 1;
                if s.ends_after_blanks() {
                    return Some(s.out);
                }
            }
            // The grammar reads a newline after a blank (`a \n b`) as a blank in some places;
            // only a newline right after a word is taken here (not a blank line).
            (b'\n', next)
                if !matches!(s.b.get(s.i.wrapping_sub(1)), Some(b' ' | b'\t'))
                    && !matches!(next, Some(b'\n')) =>
            {
                chain = 0;
                s.i += 1;
                if s.ends_after_blanks() {
                    return Some(s.out);
                }
            }
            _ => return None,
        }
    }
}

struct Scanner<'s> {
    src: &'s str,
    b: &'s [u8],
    i: usize,
    out: Lowered,
}

/// A word as scanned: its evaluation and where it stands in the source.
struct Scanned {
    word: Word,
    start: usize,
    end: usize,
}

impl Scanner<'_> {
    /// A line may end with its separator (`ls;`, a trailing newline), not with `&&` or `|`.
    fn ends_after_blanks(&mut self) -> bool {
        self.blanks();
        self.i == self.b.len()
    }

    fn blanks(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    /// `command ( '|' command )*`: each command after the first reads the one before it.
    fn pipeline(&mut self) -> Option<()> {
        let mut prev: Option<usize> = None;
        let mut first = true;
        loop {
            let input = if first { Input::default() } else { lower::piped(&self.out, prev) };
            prev = Some(self.command(input)?);
            first = false;
            self.blanks();
            let pipe = self.b.get(self.i) == Some(&b'|')
                && !matches!(self.b.get(self.i + 1), Some(b'|' | b'&'));
            if !pipe {
                return Some(());
            }
            self.i += 1;
        }
    }

    /// One simple command: assignments, words, then output redirections; its index.
    fn command(&mut self, input: Input) -> Option<usize> {
        let mut cmd =
            RawCommand { stdin: input.stdin, piped_from: input.piped_from, ..Default::default() };
        let mut declaration = false;
        let mut redirects: Vec<(String, Word)> = Vec::new();
        loop {
            self.blanks();
            match self.b.get(self.i) {
                None | Some(b'|' | b'&' | b';' | b'\n') => break,
                _ => {}
            }
            if let Some(redirect) = self.redirect()? {
                if cmd.words.last().is_some_and(|w| w.text == "-") {
                    // The grammar's scanner skips a `-` argument right before a redirection
                    // (`git checkout - 2>/dev/null`), which the lowering reads back: left to it.
                    return None;
                }
                redirects.push(redirect);
                continue;
            }
            if !redirects.is_empty() {
                // The grammar hangs words after a redirection on the redirection.
                return None;
            }
            let w = self.word()?;
            let raw = &self.src[w.start..w.end];
            if cmd.words.is_empty() && !declaration {
                if let Some(name) = assignment_name(raw) {
                    cmd.assignments.push(name.to_owned());
                    continue;
                }
                if raw.contains('=') {
                    return None;
                }
                // The grammar reads the plain start of a program word (up to its first quote or
                // backslash) as a token of its own, so a keyword glued to a quote or an escape
                // (`export'x'`, `do\ne`) is the keyword and an argument: such words, and words
                // that start quoted, are left to it. So is a program word starting with `-`
                // (which the grammar can drop) or holding punctuation it reads differently after
                // an assignment (`a=1 b:c`). After a plain start, quoted text and escaped
                // letters join the word as in an argument (`g'i't`, `g\it` are `git`).
                let program_byte = |c: u8| {
                    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'/' | b'-') || c >= 0x80
                };
                let lead_len = raw.find(['\\', '\'', '"']).unwrap_or(raw.len());
                let lead = &raw[..lead_len];
                // The grammar skips a leading byte-order mark (bash does not): left to it,
                // which reads the stricter program.
                if lead.is_empty()
                    || lead.starts_with('\u{feff}')
                    || !lead.bytes().all(program_byte)
                    || raw.starts_with('-')
                    || NOT_PLAIN_PROGRAMS.contains(&lead)
                    || (lead == "export" && lead_len < raw.len())
                {
                    return None;
                }
                if raw == "export" {
                    if !cmd.assignments.is_empty() {
                        return None;
                    }
                    // A declaration: the grammar reads no input into it (lower.rs).
                    declaration = true;
                    cmd.stdin = None;
                    cmd.piped_from = None;
                }
                cmd.words.push(w.word);
            } else if declaration && raw.contains('[') {
                // The lowering's subscript check reads the whole declared word
                // (`export x='a[1]'`): left to it.
                return None;
            } else if declaration && assignment_name(raw).is_some() {
                // The grammar keeps a declared assignment as written, and it is dynamic.
                cmd.words.push(Word { text: raw.to_owned(), dynamic: true, ..Default::default() });
            } else if declaration {
                // The grammar reads a declaration's other arguments by their spelling (a name,
                // a flag, a word split at its quotes): left to it.
                return None;
            } else {
                cmd.words.push(w.word);
            }
        }
        if cmd.words.is_empty() {
            return None;
        }
        self.out.commands.push(cmd);
        let index = self.out.commands.len() - 1;
        for (op, target) in redirects {
            if let Some(write) = lower::write_of(target, op, Some(index)) {
                self.out.writes.push(write);
            }
        }
        Some(index)
    }

    /// `N>target`, `N>>target` or `N>&M` at the scanner (descriptor optional); `Some(None)`
    /// when what follows is not a redirection, `None` when it is one the fast path leaves to
    /// the grammar.
    fn redirect(&mut self) -> Option<Option<(String, Word)>> {
        let digits = self.b[self.i..].iter().take_while(|c| c.is_ascii_digit()).count();
        let at = self.i + digits;
        match self.b.get(at) {
            Some(b'>') => {}
            Some(b'<') => return None,
            _ => return Some(None),
        }
        // Descriptors 1–9 only: the grammar reads `0>`, `01>` and longer numbers differently.
        if digits > 1 || (digits == 1 && self.b[self.i] == b'0') {
            return None;
        }
        let (op, len) = match (self.b.get(at + 1), self.b.get(at + 2)) {
            (Some(b'>'), Some(b'>' | b'&' | b'|')) => return None,
            (Some(b'>'), _) => (">>", 2),
            (Some(b'&'), _) => (">&", 2),
            (Some(b'|' | b'<' | b'('), _) => return None,
            _ => (">", 1),
        };
        self.i = at + len;
        self.blanks();
        let target = self.word()?;
        if op == ">&" && !target.word.text.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        if target.word.text.is_empty() {
            return None;
        }
        Some(Some((op.to_owned(), target.word)))
    }

    /// One word: plain characters and quoted text, up to a blank or an operator.
    fn word(&mut self) -> Option<Scanned> {
        let start = self.i;
        // The grammar reads a word starting with `==` as a test operator (opaque or dynamic).
        if self.b[start..].starts_with(b"==") {
            return None;
        }
        let mut word = Word::default();
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b' ' | b'\t' | b'|' | b'&' | b';' | b'\n' => break,
                b'\'' => {
                    let len = self.b[self.i + 1..].iter().position(|&c| c == b'\'')?;
                    word.text.push_str(&self.src[self.i + 1..self.i + 1 + len]);
                    self.i += len + 2;
                }
                b'"' => {
                    let open = self.i + 1;
                    let mut j = open;
                    loop {
                        match *self.b.get(j)? {
                            b'\\' => j += 2,
                            b'"' => break,
                            b'$' | b'`' => return None,
                            _ => j += 1,
                        }
                    }
                    words::quoted_text(self.src.get(open..j)?, &mut word);
                    self.i = j + 1;
                }
                // `back\slash` outside quotes is `backslash` to bash, and `%s\n'…'` is `%sn…`.
                // Other escapes (one at the start or end of a word, after a quote, of a digit or
                // before an operator, some of which the grammar splits off) are left to it.
                b'\\'
                    if self.i > start
                        && is_plain(self.b[self.i - 1])
                        && self.b.get(self.i + 1).is_some_and(u8::is_ascii_alphabetic)
                        && self
                            .b
                            .get(self.i + 2)
                            .is_some_and(|&c| is_plain(c) || c == b'\'' || c == b'"') =>
                {
                    word.text.push(char::from(self.b[self.i + 1]));
                    self.i += 2;
                }
                c if is_plain(c) => {
                    let run = self.b[self.i..].iter().take_while(|&&c| is_plain(c)).count();
                    word.text.push_str(&self.src[self.i..self.i + run]);
                    self.i += run;
                }
                0x80.. => {
                    let ch = self.src.get(self.i..)?.chars().next()?;
                    if ch.is_whitespace() {
                        return None;
                    }
                    word.text.push(ch);
                    self.i += ch.len_utf8();
                }
                _ => return None,
            }
        }
        (self.i > start).then_some(Scanned { word, start, end: self.i })
    }
}

/// Unquoted ASCII that is a literal word character to bash and to the grammar in every
/// position the fast path lets it stand.
fn is_plain(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, b'_' | b'-' | b'.' | b'/' | b':' | b'=' | b',' | b'+' | b'%' | b'@')
}

/// `NAME=…` with a NAME that starts with a letter: the name. (Bash also takes `_` first. The
/// grammar reads `_=x` as the program word and lowering turns it back into an assignment
/// (`lower.rs`, leading assignments); such lines are left to that path rather than read here by
/// a second rule.)
fn assignment_name(raw: &str) -> Option<&str> {
    let (name, _) = raw.split_once('=')?;
    let mut chars = name.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some(name)
}
