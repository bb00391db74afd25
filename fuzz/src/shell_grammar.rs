//! Grammar-aware generation of Bash command lines from fuzzer bytes.
//!
//! libFuzzer mutates bytes; random bytes almost never form a heredoc, an ANSI-C quote or a
//! comment that swallows a quote, which is where approval scopes were smuggled past before
//! (README "Bugs found" 2 and 3). Here every byte is a *choice* in a small shell grammar:
//! words (plain, `'…'`, `"…"`, `$'…'`, `$"…"`, backslash escapes, `$VAR`, `${…}`, `$(…)`,
//! backticks, `<(…)`, `>(…)`, `$((…))`, globs, braces, `\`-newline continuations), redirections
//! (`>`, `>>`, `>|`, `&>`, `&>>`, `2>`, `<>`, fd dups and closes, `{fd}>`, here-strings, heredocs
//! `<<EOF` / `<<-'EOF'` / `<<"EOF"`), comments, `;` `&&` `||` `|` `|&` `&` newline, subshells,
//! brace groups, `if` / `for` / `while` / `case` / functions, assignments and wrappers (`bash -c`,
//! `sh -c`, `eval`, `env`, `sudo`, `nohup`, `timeout`, `command`, `time`). Running out of bytes
//! picks choice 0 everywhere, which always terminates.
//!
//! A second job: the generator knows what it built. It can place a **sentinel** command
//! ([`SENTINEL_CMD`]) in a position where Bash parses it as a command of its own (list member,
//! pipeline stage, subshell, substitution, `bash -c` / `eval` body, compound-command body, an
//! unquoted heredoc's `$(…)`), and a **sentinel write** (a redirection to [`SENTINEL_PATH`]).
//! When no "noise" choice was taken ([`Generated::well_formed`]) the text is valid Bash
//! (`tests/grammar.rs` checks that with `bash -n`), so the facts are known by construction and
//! the `scope` / `shell_parse` targets can assert on them without restating the parser.
//! Noise choices insert arbitrary shell metacharacters so malformed text is reached too.

/// A program name that no generated pattern covers; placed only in command positions.
pub const SENTINEL_CMD: &str = "zz_smuggled_cmd";

/// A file name that no generated `write_path` covers; placed only as a redirection target.
pub const SENTINEL_PATH: &str = "zz_smuggled.out";

/// Inputs whose first byte is at least this value are decoded by the grammar (the byte is
/// consumed); any other input is raw text. Bytes 0xF8–0xFF never occur in UTF-8, so raw mode
/// keeps every text reachable and the existing raw corpus keeps its meaning.
pub const GRAMMAR_MODE_MIN: u8 = 0xF8;

/// Whether `data` selects the grammar mode (see [`GRAMMAR_MODE_MIN`]).
pub fn is_grammar_mode(data: &[u8]) -> bool {
    data.first().is_some_and(|&b| b >= GRAMMAR_MODE_MIN)
}

/// One generated command line and what the generator knows about it.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    /// The Bash text.
    pub text: String,
    /// No noise choice was taken: the text is valid Bash and the flags below are facts.
    pub well_formed: bool,
    /// [`SENTINEL_CMD`] stands in a command position (it is a simple command of its own).
    pub sentinel_cmd: bool,
    /// A redirection writes [`SENTINEL_PATH`] (the path text itself is literal).
    pub sentinel_write: bool,
}

/// Programs for ordinary commands (never reserved words, never `exec`/`exit`, which would end
/// the shell before a later sentinel).
const PROGRAMS: &[&str] = &[
    "ls", "echo", "git", "npm", "cat", "grep", "printf", "true", "rm", "curl", "make", "cargo",
    "sed", "python3", "find", "xargs", "tee", "cp", "chmod", "psql",
];
/// Arguments (none starts with `#`, which would open a comment).
const ARGS: &[&str] = &[
    "-la",
    "push",
    "--force",
    "origin",
    "main",
    "status",
    "test",
    "-rf",
    "/",
    "a",
    "b",
    "-n",
    "1",
    ".git/config",
    "src/main.rs",
    "-e",
    "x",
    "--",
    "-c",
    "a#b",
    "=",
    "-f",
    "*.rs",
    "~",
    "-delete",
    "-exec",
    "{}",
    "+",
    "DROP TABLE t",
    "install",
    "build",
    ".env",
    "../x",
];
/// Paths for redirections and write patterns.
const PATHS: &[&str] =
    &["out.txt", "src/a.rs", "/dev/null", "/tmp/x", ".git/config", "logs/a.log", "a b", "-"];
/// Wrappers put before a command (each followed by a space).
const WRAPPERS: &[&str] = &[
    "sudo",
    "sudo -u root",
    "env",
    "env A=1",
    "nohup",
    "timeout 5",
    "command",
    "time",
    "nice -n 5",
    "builtin",
];
/// Characters for noise (and for comment text, minus the newline and backslash).
const NOISE: &[u8] = b"'\"`$(){}[]<>|&;#\\\n\r\t !*?~=%^-";
const COMMENT_CHARS: &[u8] = b"'\"`$(){}<>|&; abcxyz#=*";

/// Limits that keep every generated line small.
const MAX_DEPTH: u32 = 4;
const MAX_OUT: usize = 3000;

#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    /// Top level or a `$(…)` / subshell body: anything goes.
    Full,
    /// One line: no newlines, comments, heredocs or continuations (backtick bodies, a heredoc
    /// body's `$(…)`).
    Inline,
}

/// The byte-driven generator.
pub struct Gen<'a> {
    data: &'a [u8],
    pos: usize,
    out: String,
    heredocs: Vec<String>,
    depth: u32,
    noisy: bool,
    sentinel_cmd: bool,
    sentinel_write: bool,
    /// A heredoc is waiting for its body on an enclosing line: Bash reads that body after the
    /// next newline token, even one inside a `$(…)`, so nested lists stay on one line.
    outer_pending: bool,
}

impl<'a> Gen<'a> {
    /// A generator reading its choices from `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Gen {
            data,
            pos: 0,
            out: String::new(),
            heredocs: Vec::new(),
            depth: 0,
            noisy: false,
            sentinel_cmd: false,
            sentinel_write: false,
            outer_pending: false,
        }
    }

    /// Whether every choice byte has been used.
    pub fn exhausted(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// The next choice byte (0 once the input is used up).
    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    /// A choice in `0..n`.
    pub fn pick(&mut self, n: usize) -> usize {
        self.byte() as usize % n
    }

    fn full(&self) -> bool {
        self.out.len() > MAX_OUT || self.exhausted()
    }

    fn from<'s>(&mut self, list: &[&'s str]) -> &'s str {
        list[self.pick(list.len())]
    }

    /// One command line: a top-level list and what is known about it.
    pub fn command_line(&mut self) -> Generated {
        self.out.clear();
        self.heredocs.clear();
        self.depth = 0;
        self.noisy = false;
        self.sentinel_cmd = false;
        self.sentinel_write = false;
        self.list(Ctx::Full);
        // Optional trailer: a terminator, a comment, or a trailing newline.
        match self.pick(8) {
            1 => self.out.push(';'),
            2 => self.out.push_str(" &"),
            3 => self.newline(Ctx::Full),
            4 => {
                self.comment();
                self.newline(Ctx::Full);
            }
            _ => {}
        }
        self.flush_heredocs();
        Generated {
            text: std::mem::take(&mut self.out),
            well_formed: !self.noisy,
            sentinel_cmd: self.sentinel_cmd,
            sentinel_write: self.sentinel_write,
        }
    }

    /// `cmd (sep cmd)*`, no trailing separator (so callers can close a construct after it).
    fn list(&mut self, ctx: Ctx) {
        let ctx = if self.outer_pending { Ctx::Inline } else { ctx };
        let n = 1 + self.pick(4);
        for i in 0..n {
            if i > 0 {
                self.separator(ctx);
            }
            self.pipeline(ctx);
            if self.full() {
                break;
            }
        }
    }

    fn separator(&mut self, ctx: Ctx) {
        match self.pick(if ctx == Ctx::Full { 9 } else { 5 }) {
            0 => self.out.push_str("; "),
            1 => self.out.push_str(" && "),
            2 => self.out.push_str(" || "),
            3 => self.out.push_str(" & "),
            4 => self.out.push(';'),
            5 | 6 => self.newline(ctx),
            7 => {
                self.comment();
                self.newline(ctx);
            }
            _ => {
                // `;` then a line break, possibly with blank lines.
                self.out.push(';');
                self.newline(ctx);
                self.newline(ctx);
            }
        }
    }

    /// A line break, then the bodies of the heredocs opened on the line.
    fn newline(&mut self, ctx: Ctx) {
        debug_assert!(ctx == Ctx::Full);
        self.out.push('\n');
        self.flush_heredocs();
    }

    fn flush_heredocs(&mut self) {
        if self.heredocs.is_empty() {
            return;
        }
        if !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        for body in std::mem::take(&mut self.heredocs) {
            self.out.push_str(&body);
        }
    }

    fn comment(&mut self) {
        self.out.push_str(" #");
        let n = self.pick(12);
        for _ in 0..n {
            let c = COMMENT_CHARS[self.pick(COMMENT_CHARS.len())];
            self.out.push(c as char);
        }
    }

    fn pipeline(&mut self, ctx: Ctx) {
        if self.pick(10) == 0 {
            self.out.push_str("! ");
        }
        let n = 1 + usize::from(self.pick(3) == 0) + usize::from(self.pick(5) == 0);
        for i in 0..n {
            if i > 0 {
                let op = if self.pick(4) == 0 { " |& " } else { " | " };
                self.out.push_str(op);
            }
            self.command(ctx);
        }
    }

    /// Generate `f` into a fresh buffer with its own heredocs (flushed at its end), one level
    /// deeper, and return the text.
    fn nested(&mut self, f: impl FnOnce(&mut Self)) -> String {
        let out = std::mem::take(&mut self.out);
        let docs = std::mem::take(&mut self.heredocs);
        let outer = self.outer_pending;
        self.outer_pending |= !docs.is_empty();
        self.depth += 1;
        f(self);
        self.flush_heredocs();
        self.depth -= 1;
        self.outer_pending = outer;
        self.heredocs = docs;
        std::mem::replace(&mut self.out, out)
    }

    /// `text` ends a list so that `}` / `fi` / `done` may follow after `; ` (or directly after a
    /// line break).
    fn close_list(body: &str) -> &'static str {
        if body.ends_with('\n') { "" } else { "; " }
    }

    fn command(&mut self, ctx: Ctx) {
        let deep = self.depth >= MAX_DEPTH;
        let choice = if deep { self.pick(4) } else { self.pick(22) };
        match choice {
            // Simple commands dominate.
            0..=3 | 14..=16 => self.simple(ctx),
            4 => {
                // The sentinel: a command of its own.
                self.sentinel_cmd = true;
                self.out.push_str(SENTINEL_CMD);
                if self.pick(2) == 0 {
                    self.out.push_str(" arg");
                }
            }
            5 => {
                let body = self.nested(|g| g.list(ctx));
                self.out.push_str(&format!("( {body} )"));
            }
            6 => {
                let body = self.nested(|g| g.list(ctx));
                let close = Self::close_list(&body);
                self.out.push_str(&format!("{{ {body}{close}}}"));
            }
            7 | 8 => {
                // `bash -c '<script>'` / `sh -c` / `eval '<script>'`: the body is a script.
                let body = self.nested(|g| g.list(ctx));
                let quoted = format!("'{}'", body.replace('\'', r"'\''"));
                let w = ["bash -c ", "sh -c ", "eval ", "bash -lc ", "sudo bash -c "];
                let w = w[self.pick(w.len())];
                self.out.push_str(w);
                self.out.push_str(&quoted);
            }
            9 => {
                let w = self.from(WRAPPERS);
                self.out.push_str(w);
                self.out.push(' ');
                self.simple(ctx);
            }
            10 => {
                let cond = self.nested(|g| g.list(ctx));
                let body = self.nested(|g| g.list(ctx));
                let (c1, c2) = (Self::close_list(&cond), Self::close_list(&body));
                match self.pick(3) {
                    0 => self.out.push_str(&format!("if {cond}{c1}then {body}{c2}fi")),
                    1 => self.out.push_str(&format!("while {cond}{c1}do {body}{c2}done")),
                    _ => self.out.push_str(&format!("if {cond}{c1}then true; else {body}{c2}fi")),
                }
            }
            11 => {
                let body = self.nested(|g| g.list(ctx));
                let c = Self::close_list(&body);
                self.out.push_str(&format!("for v in a b; do {body}{c}done"));
            }
            12 => {
                let body = self.nested(|g| g.list(ctx));
                let sep = if body.ends_with('\n') { "" } else { " " };
                self.out.push_str(&format!("case x in x|y) {body}{sep};; *) true;; esac"));
            }
            13 => {
                let body = self.nested(|g| g.list(ctx));
                let c = Self::close_list(&body);
                self.out.push_str(&format!("f() {{ {body}{c}}}; f"));
            }
            17 => {
                // Noise: arbitrary metacharacters in command position.
                self.noise();
                self.simple(ctx);
            }
            _ => {
                // An assignment prefix (its value may hold a substitution).
                let a = ["A=", "PATH=", "X=1 B="][self.pick(3)];
                self.out.push_str(a);
                self.word(ctx);
                self.out.push(' ');
                self.simple(ctx);
            }
        }
    }

    fn noise(&mut self) {
        self.noisy = true;
        let n = 1 + self.pick(4);
        for _ in 0..n {
            let c = NOISE[self.pick(NOISE.len())];
            self.out.push(c as char);
        }
    }

    fn simple(&mut self, ctx: Ctx) {
        let p = self.from(PROGRAMS);
        self.out.push_str(p);
        let n = self.pick(4);
        for _ in 0..n {
            if self.full() {
                break;
            }
            self.out.push(' ');
            if self.pick(6) == 0 {
                self.redirection(ctx);
            } else {
                self.word(ctx);
            }
        }
    }

    fn redirection(&mut self, ctx: Ctx) {
        let ops = [">", ">>", ">|", "&>", "&>>", "2>", "<>", "1>", "<", "2>>"];
        match self.pick(if ctx == Ctx::Full { 10 } else { 7 }) {
            0..=2 => {
                let op = self.from(&ops);
                self.out.push_str(op);
                if self.pick(2) == 0 {
                    self.out.push(' ');
                }
                if op != "<" && self.pick(3) == 0 {
                    self.sentinel_write = true;
                    self.out.push_str(SENTINEL_PATH);
                } else if self.pick(3) == 0 {
                    self.word(ctx);
                } else {
                    let p = self.from(PATHS);
                    self.out.push_str(&quote_if_needed(p));
                }
            }
            3 => {
                let d = ["2>&1", "1>&2", ">&2", "2>&-", "<&0", "3>&1", "{fd}>/dev/null", "0<&-"];
                let d = d[self.pick(d.len())];
                self.out.push_str(d);
            }
            4 => {
                self.out.push_str("<<< ");
                self.word(ctx);
            }
            5 => {
                let p = self.from(PATHS);
                let q = quote_if_needed(p);
                self.out.push_str(&format!("> {q}"));
            }
            6 => {
                let p = self.from(PATHS);
                let q = quote_if_needed(p);
                self.out.push_str(&format!(">> {q}"));
            }
            _ => self.heredoc(),
        }
    }

    fn heredoc(&mut self) {
        // (operator text, delimiter as written, delimiter line, expands, strips tabs)
        let forms: [(&str, &str, bool, bool); 6] = [
            ("<<EOF", "EOF", true, false),
            ("<<'EOF'", "EOF", false, false),
            ("<<\"EOF\"", "EOF", false, false),
            ("<<-EOF", "EOF", true, true),
            ("<<-'END'", "END", false, true),
            ("<< \\EOF", "EOF", false, false),
        ];
        let (op, delim, expands, tabs) = forms[self.pick(forms.len())];
        self.out.push_str(op);
        let mut body = String::new();
        let lines = self.pick(3);
        for _ in 0..lines {
            if tabs {
                body.push('\t');
            }
            let n = 1 + self.pick(3);
            for i in 0..n {
                if i > 0 {
                    body.push(' ');
                }
                match self.pick(6) {
                    0 if expands => {
                        // `$(…)` in an unquoted heredoc body runs.
                        let inner = self.nested(|g| g.list(Ctx::Inline));
                        body.push_str(&format!("$({inner})"));
                    }
                    1 => body.push_str("$(not run when quoted)"),
                    2 => body.push_str("'\"`#"),
                    3 if expands => body.push_str("$HOME"),
                    _ => {
                        let a = self.from(ARGS);
                        body.push_str(&a.replace('\\', ""));
                    }
                }
            }
            body.push('\n');
        }
        if tabs {
            body.push('\t');
        }
        body.push_str(delim);
        body.push('\n');
        self.heredocs.push(body);
    }

    /// One word: 1–3 pieces glued together.
    fn word(&mut self, ctx: Ctx) {
        let n = 1 + self.pick(3);
        for i in 0..n {
            self.piece(ctx, i == 0);
            if self.full() {
                break;
            }
        }
    }

    fn piece(&mut self, ctx: Ctx, first: bool) {
        let deep = self.depth >= MAX_DEPTH;
        match self.pick(if deep { 8 } else { 24 }) {
            0..=2 => {
                let a = self.from(ARGS);
                self.out.push_str(&quote_if_needed(a));
            }
            3 => self.single_quoted(),
            4 => self.double_quoted(ctx),
            5 => self.ansi_c(),
            6 => {
                let e = ["\\;", "\\'", "\\\"", "\\ ", "\\$", "\\#", "\\\\", "\\|", "\\`", "\\&"];
                let e = e[self.pick(e.len())];
                self.out.push_str(e);
            }
            7 => {
                let v = ["$HOME", "${A}", "${A:-x}", "$1", "$@", "$?", "${#A}", "$$", "${A//a/b}"];
                let v = v[self.pick(v.len())];
                self.out.push_str(v);
            }
            8 | 9 => {
                let body = self.nested(|g| g.list(ctx));
                // `$( (` would be arithmetic-like; keep a space.
                let pad = if body.starts_with('(') { " " } else { "" };
                self.out.push_str(&format!("$({pad}{body})"));
            }
            10 => {
                let body = self.nested(|g| g.list(Ctx::Inline));
                if body.contains(['`', '\\']) {
                    // Backtick bodies treat backslashes specially; keep them plain.
                    self.noisy = true;
                }
                self.out.push_str(&format!("`{body}`"));
            }
            11 => {
                let body = self.nested(|g| g.list(ctx));
                let op = if self.pick(2) == 0 { "<(" } else { ">(" };
                let pad = if body.starts_with('(') { " " } else { "" };
                self.out.push_str(&format!("{op}{pad}{body})"));
            }
            12 => {
                let a = ["$((1+2))", "$((A*2))", "$[1]"][self.pick(3)];
                self.out.push_str(a);
            }
            13 => {
                let g = ["*", "?", "[ab]", "{a,b}", "**", "[!x]", "~/x", "{1..3}"];
                let g = g[self.pick(g.len())];
                self.out.push_str(g);
            }
            14 if ctx == Ctx::Full && !first => {
                // A line continuation inside a word: Bash removes it (never last in the word,
                // so it cannot join the next token).
                self.out.push_str("\\\n");
                let a = self.from(ARGS);
                self.out.push_str(&quote_if_needed(a));
            }
            15 => {
                self.out.push_str("$\"");
                let a = self.from(ARGS);
                self.out.push_str(&a.replace(['"', '\\', '$', '`'], ""));
                self.out.push('"');
            }
            16 if !first => self.out.push('#'),
            17 => self.out.push_str("${A:-$(true)}"),
            18 => self.noise(),
            _ => {
                let a = self.from(ARGS);
                self.out.push_str(&quote_if_needed(a));
            }
        }
    }

    fn single_quoted(&mut self) {
        let inner = [
            "a b",
            "; git push --force",
            "$(x)",
            "`x`",
            "#",
            "\"",
            "\\",
            "\n",
            "a\nb",
            "*",
            "&&",
            "zz_smuggled_cmd",
        ];
        let s = inner[self.pick(inner.len())];
        self.out.push('\'');
        self.out.push_str(s);
        self.out.push('\'');
    }

    fn ansi_c(&mut self) {
        let inner = [
            "\\'", "\\x41", "\\n", "\\047", "a b", "\\\\", "\\e[31m", "\\u00e9", "'\\''", "\\t;",
            "\\x27; x",
        ];
        let s = inner[self.pick(inner.len())];
        // `'\''` is not valid inside `$'…'` as one unit; keep only escapes there.
        let s = if s == "'\\''" { "\\'\\'" } else { s };
        self.out.push_str("$'");
        self.out.push_str(s);
        self.out.push('\'');
    }

    fn double_quoted(&mut self, ctx: Ctx) {
        self.out.push('"');
        let n = self.pick(4);
        for _ in 0..n {
            match self.pick(if self.depth >= MAX_DEPTH { 6 } else { 10 }) {
                0 => self.out.push_str("a b"),
                1 => self.out.push_str("\\\""),
                2 => self.out.push_str("\\$x"),
                3 => self.out.push_str("'#;|&"),
                4 => self.out.push_str("$HOME"),
                5 if ctx == Ctx::Full => self.out.push_str("\\\n"),
                5 => self.out.push_str("\\\\"),
                6 | 7 => {
                    let body = self.nested(|g| g.list(ctx));
                    let pad = if body.starts_with('(') { " " } else { "" };
                    self.out.push_str(&format!("$({pad}{body})"));
                }
                8 => {
                    let body = self.nested(|g| g.list(Ctx::Inline));
                    if body.contains(['`', '\\', '"']) {
                        self.noisy = true;
                    }
                    self.out.push_str(&format!("`{body}`"));
                }
                _ => self.out.push_str(if ctx == Ctx::Full { "a\nb" } else { "${A}" }),
            }
        }
        self.out.push('"');
    }
}

/// `s` as one literal shell word.
fn quote_if_needed(s: &str) -> String {
    if s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./=+,:@%{}#~*".contains(&b))
        && !s.starts_with('#')
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Approval scopes built from the grammar's vocabulary: `bash_pattern:` scopes over its
/// programs and arguments, `write_path:` scopes over its paths. None covers the sentinels
/// (callers still check, with the core's own glob matcher, before relying on that).
pub fn scope_text(g: &mut Gen) -> String {
    let p = g.from(PROGRAMS);
    let a = g.from(ARGS);
    match g.pick(9) {
        0 => format!("bash_pattern:{p} *"),
        1 => format!("bash_pattern:{p}*"),
        2 => format!("bash_pattern:{p} {a}*"),
        3 => format!("bash_pattern:{p} {a} *"),
        4 => format!("bash_pattern:{p}"),
        5 => format!("bash_pattern:*{a}"),
        6 => {
            let w = ["src/*", "*.txt", "/tmp/*", "logs/**", "/dev/null", "out.txt", "**/a.rs"];
            format!("write_path:{}", w[g.pick(w.len())])
        }
        7 => format!("bash_pattern:{p} {a}"),
        _ => {
            let w = g.from(WRAPPERS);
            format!("bash_pattern:{w} {p}*")
        }
    }
}
