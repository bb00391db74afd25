//! Differential test of `shell::parse` against real bash.
//!
//! Every command is run as `env -i PATH=<sandbox>/bin HOME=<sandbox>/home /bin/bash -c "$cmd"`
//! in a fresh, empty working directory. `<sandbox>/bin` holds only stub executables (`a` … `h`,
//! `fail`, `git`, `rm`, `psql`, `find`, `xargs`, `sudo`, `env`, `timeout`, `nice`, `nohup`,
//! `bash`, `sh`): each records the argv bash handed it (its own name, then `"$@"`, NUL-separated)
//! in a file of its own under `<sandbox>/log/`, and exits 0 (`fail` exits 1). A stub never runs
//! its arguments, so `sudo a x` logs `sudo a x` and nothing else, exactly like the lowering's
//! single `words` for it.
//!
//! The check: the multiset of argvs the stubs logged equals the multiset of `words` of the
//! lowered simple commands with origin `Shell` whose first word is a stub name. Exempt (counted,
//! not compared): lines that are opaque, and lines with a `dynamic` or `glob` command of origin
//! `Shell` (a `Wrapper` command such as `find -exec rm {}` is dynamic by nature but never
//! compared). When bash itself reports a syntax error (exit 2 + "syntax error" / "unexpected
//! EOF while looking for matching"), the lowering must instead be opaque or have no simple
//! commands.
//!
//! Every command in both suites is written so that each simple command runs exactly once (`||`
//! only after a failing command, loops leave after one pass, functions are called once): the
//! lowering lists every command bash *could* run, and the comparison is only meaningful when
//! that is every command it *does* run.
//!
//! Two adaptations of bash's side / the lowering's side, both representation choices of the
//! API rather than parser leniency: a logged word equal to `$HOME` or starting with `$HOME/` is
//! compared as `~…` (the lowering keeps `~` symbolically, `Word::home`); and leading shell
//! builtin/keyword prefixes (`command`, `builtin`, `exec`, `time`) are dropped from the lowered
//! words, since bash passes no argv to a builtin (the lowering keeps them in `words` as
//! wrappers).

use cedar_hitl_core::shell::{self, CommandLine, Origin};
use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const BASH: &str = "/bin/bash";
const BASH_TIMEOUT: Duration = Duration::from_secs(5);

/// Stub executables: name and exit status. None shadows a bash builtin or keyword.
const STUBS: &[(&str, i32)] = &[
    ("a", 0),
    ("b", 0),
    ("c", 0),
    ("d", 0),
    ("e", 0),
    ("f", 0),
    ("g", 0),
    ("h", 0),
    ("fail", 1),
    ("git", 0),
    ("rm", 0),
    ("psql", 0),
    ("find", 0),
    ("xargs", 0),
    ("sudo", 0),
    ("env", 0),
    ("timeout", 0),
    ("nice", 0),
    ("nohup", 0),
    ("bash", 0),
    ("sh", 0),
];

/// Builtins and keywords the lowering keeps as prefix wrappers in `words`; bash runs the program
/// after them with an argv that does not include them.
const BUILTIN_PREFIXES: &[&str] = &["command", "builtin", "exec", "time"];

fn is_stub(word: &str) -> bool {
    STUBS.iter().any(|(n, _)| *n == word)
}

// ---------------------------------------------------------------------------------------------
// Hand-written commands
// ---------------------------------------------------------------------------------------------

const HAND: &[&str] = &[
    // Assignments the grammar does not recognise as such: bash still runs the next word.
    "_=x a 1",
    "_=x _=y b 2",
    "x+=1 c",
    "_x=1 '_=y' d",
    "_[0]=x e 3",
    // --- words and quoting
    "a x y",
    "a 'x y' \"z w\"",
    "a \"\" ''",
    "r''m -rf build",
    r"$'\x72\x6d' -f notes.txt",
    r"$'\162\155' -r dir",
    r#"a "/usr"'/'bin"#,
    r#"a \x \" \' \\ \$HOME \; \&"#,
    r#"a "a\b" "\$x" "\`" "\\" "\"q\"" "\'""#,
    r"a 'it'\''s'",
    r"a $'it\'s' $'tab\there' $'nl\nx' $'\\'",
    r"a $'\u0072m' $'\x41\x42' $'\101\1010' $'\x4142'",
    r"\a x",
    r#"'a' "b""#,
    r#"a"" x"#,
    r#""a" 'x'"y"z"#,
    r"a x\ y",
    "a \"multi\nline\" 'single\nquoted'",
    r#"a 'semi;colon' "pipe|x" 'amp&x' "hash#x" x#y"#,
    r"a $'\e[31m' $'\cA' $'\x' $'\q' $'\z\y'",
    r"a $'a\0b' after",
    r#"a "$" $ x$ "x$""#,
    r#"a "\x" '\' "\n""#,
    r#"a 'a"b' "a'b" 'x'"y"$'z'\w"#,
    r#"a $"translated" x"#,
    r"a x\;y \#x x\|y \>z",
    r#"a ""$'\x61'''"b""#,
    r"a $'\'' $'\\'",
    "a -- -x --y=z '' x ''",
    r"a {x} x{}y \{x,y\} '{x,y}' x{a,b ,{x",
    r"a x \",
    "g''it st\"a\"tus",
    "a \" \" \"\t\" \"x\ty\"",
    "rm 2>/dev/null -rf /",
    "a hi \n\\rm -rf /",
    "a hi\n\\rm -rf /",
    "X=''\\x rm -rf /",
    "X='a'\\b a y",
    "a \\\tb",
    "a 'x'\\y",
    r#"p"s"ql -c "select 1""#,
    // --- line continuations
    "a x \\\n y",
    "a \\\nx",
    "a x\\\ny",
    "a \"x\\\ny\"",
    "a 'x\\\ny'",
    "a x &&\nb y",
    "a x |\nb",
    "a\\\n x",
    "\\\na x",
    "a x \\\n\\\n y",
    "a x;\\\nb",
    // --- comments
    "a x # b y",
    "a x #'unterminated \"quote $(b)",
    "# only a comment\na x",
    "a x # $(b) `c` \\",
    "a x;# comment\nb",
    "a 'x'#y \"#\"z",
    "a x # comment \\\nb y",
    "a x #{ ( '\nb",
    // --- separators
    "a; b; c",
    "a && b && c",
    "fail || a",
    "a | b | c",
    "a & b",
    "a |& b",
    "a\nb\n\nc",
    "a && fail || b",
    "a;b&c",
    "! fail && a",
    "a x;",
    "a x &",
    "fail||a&&b",
    "a x\r",
    // --- subshells and groups
    "(a x; b y)",
    "( a ) && { b; c; }",
    "{ a; } | (b)",
    "(cd /; a x)",
    "((1)) && a",
    "{ a; b; } > out",
    "(a) 2>&1 | b",
    "( (a) )",
    "{ a\n}",
    // --- control flow
    "if a; then b; fi",
    "if fail; then :; else c x; fi",
    "if fail; then :; elif a; then b; fi",
    "while a; do b; break; done",
    "until fail; do a; break; done",
    "for x in 1; do a x; done",
    "for x in one; do a fixed; done; b",
    "case x in y) echo no;; x) a z;; esac",
    "case k in k|l) b;; esac",
    "case x in (x) a ;; esac",
    "if a\nthen\n  b\nfi",
    "[[ x == x ]] && a",
    "[ x = x ] && a",
    "test -n x && a",
    "true && a",
    "for x in 1; do\n  a x\ndone | b",
    // --- functions, called once
    "myfunc() { a x; }; myfunc",
    "function other { b y; }; other",
    "sub() ( c z ); sub",
    "myfunc() {\n  a 1\n  b 2\n}\nmyfunc",
    // --- substitutions
    "x=$(a 1); b 2",
    "x=`a 1`; b",
    "x=$(y=$(a 1); b 2)",
    "x=`y=\\`a 1\\`; b 2`",
    "x=\"$(a 'q r')\"",
    "x=$(a 1) y=$(b 2) c 3",
    "a < <(b 1)",
    "a > >(b 1)",
    "x=$( (a) )",
    "x=$(case y in y) a;; esac)",
    "x=$(echo ')'; a)",
    "x=$(# comment )\na)",
    "x=$(a <<EOF\nbody\nEOF\n)",
    "x=$(a 'b)' \")\")",
    "X=$(b) a",
    "a > \"out $(b 1)\"",
    // --- heredocs
    "a <<EOF\nhello $(b 1)\nEOF",
    "a <<'EOF'\n$(b 1)\nEOF",
    "a <<\"EOF\"\n`b`\nEOF",
    "a <<-EOF\n\t$(b)\n\tEOF",
    "a <<EOF; b\nx\nEOF",
    "a <<EOF | b\nbody\nEOF",
    "a <<A <<B\n1\nA\n$(c)\nB",
    "a <<E\\OF\n$(b)\nEOF",
    "a <<EOF\n\\$(b)\nEOF",
    "a <<EOF\n${x:-$(b)}\nEOF",
    "a <<EOF\nEOF\nb",
    "a <<EOF && b\nx\nEOF",
    "a <<EOF\n`b 1`\nEOF",
    "a <<EOF\n'$(b 1)'\nEOF",
    // --- here-strings
    "a <<< \"text $(b 1)\"",
    "a <<< 'x'",
    "a <<<x y",
    // --- leading assignments
    "X=1 a y",
    "X=1 Y='2 3' a",
    "X= a",
    "X=1; a",
    "A=b a",
    "X=1 sudo a",
    // --- redirections
    "a x > out",
    "a x >> out 2>&1",
    "> out a x",
    "a 2>/dev/null x y",
    "a < /dev/null",
    "a x &> out",
    "a 3>&1 x",
    "a x>out",
    "a 2>out",
    "a x 2 >out",
    "a >out 'y'",
    "a {fd}>out",
    "a >| out x",
    "a <> out",
    // `<>` where the grammar has no such operator (fuzz finding 4): before the program word,
    // after another redirection, with a descriptor, and inside `bash -c`.
    ">out1 <>out2 a x",
    "a <>out x",
    "2<>out a x",
    "bash -c 'a >out1 <>out2 x'",
    "if >out1 <>out2 a; then b; fi",
    "a x 0<>out",
    "a x 0<>out && b",
    "a x {fd}<>out",
    "a x0<>out",
    "a \"0\"<>out",
    "a 2>&- x",
    "a >out1 x 2>out2 y",
    // A descriptor is a number that fits in an `int`; a longer one is an argument to bash, so
    // the line is opaque (exempt) while a multi-digit descriptor is still compared.
    "a x 10>out",
    // Descriptor 0 and `{name}` glued to the operator are descriptors to bash, which the grammar
    // can read as words; a subscripted name or a `\`+newline inside the descriptor is opaque.
    "a x 0</dev/null y",
    "a x 0>out y",
    "a 0<<<x y",
    "a >out 0</dev/null x",
    "a {b}>out x",
    "a \"0\"</dev/null x",
    "a {b[0]}>out x",
    // A `\`+newline inside a `{name}` descriptor: bash joins it, so the line is opaque.
    "a {b\\\n}>out x",
    // A lone `-` the grammar's scanner skips before `2>` or `<<EOF` is read back; a signed
    // "descriptor" is an argument to bash, so the line is opaque.
    "a x - 2>out",
    "a - <<EOF\nbody\nEOF",
    "a -2>out x",
    // Words after `<<EOF` on its line are the command's arguments.
    "a <<EOF x y\nbody\nEOF",
    "a x <<EOF -y z\nbody\nEOF",
    // `&>` takes no descriptor: a glued number or name stays an argument.
    "a 0&>out x",
    "a 2&>>out x",
    "a {b}&>out x",
    "a 2\\\n>out x",
    "a 1\\\n0>out x",
    // A continuation after a blank glues nothing: an ordinary redirection.
    "a x \\\n>out y",
    // tree-sitter-bash reads `d` into the pipeline's last stage here; bash runs it on its own,
    // and the plain-line fast path reads it so.
    "a | b | c\nd x && e",
    "a|b|c|d\ne&&fail||g",
    "a && b | c | d\nfail x || f",
    // An escaped letter in a program word is the letter; quotes after its first letter join it.
    "g\\it push && a\nb\\c x",
    "g'i't push | a\ng\"it\" x \"y\"z",
    // An escape right before a quote, and `%`/`@` in words.
    "a %s\\n'x' b\\c\"d e\" me@host 50%",
    "a x 99999999999999999999>out",
    "a x 2147483648<<<y",
    // `$'…'`: where the grammar and bash agree on the end the line is compared; where the grammar
    // runs past bash's closing quote (fuzz finding 5) it is opaque (exempt).
    "a $'\\\\' x",
    "a $'it\\'s' y",
    "a $'x\\\\\\'y' z",
    "a $'\\\\' x # it's\nb y",
    // --- wrappers and modelled programs (stubs: they never run their arguments)
    "sudo a x",
    "sudo -u root a",
    "env X=1 a",
    "env a",
    "timeout 5 a",
    "nice -n 5 git status",
    "nohup a",
    "find . -name x -exec rm {} +",
    "find . -exec rm -f {} \\;",
    "a | xargs b -n1",
    "git push --force origin main",
    "git -C repo status",
    "psql -c 'drop table users'",
    "rm -rf /tmp/x",
    "bash -c 'a x'",
    "sh -c \"b y\"",
    "command a x",
    "time a x",
    "a x; exec b y",
    // --- tilde
    "a ~/x ~",
    "a '~/x' \"~\"",
    "a $HOME/x",
    "a x=~/y",
    "a ~root/x",
    "a ~+/x",
    "a --opt=~/y",
    // --- exempt on purpose (dynamic / glob / opaque): the line must still be handled
    "a *",
    "a $((1+2))",
    "a {x,y}",
    "a \"$HOME\"",
    "for ((i=0;i<1;i++)); do a; done",
    // --- bash syntax errors: the lowering must be opaque or empty
    "a 'unterminated",
    "a \"unterminated",
    "a $(b",
    "a `b",
    "if a; then b",
    "a )",
    "(a",
    "a &&",
    "| a",
    "a ;; b",
    "case x in",
    "{ a",
    "a >",
    "fi",
    "done",
    "a ; ; b",
    "a & & b",
    ")(",
    "a <(",
    "a\n)",
    "for do",
    "a <<<",
    "x=$(a; ) )",
    "a $(b))",
    "while a; do b",
    "a && || b",
    "a\n(\nb",
];

// ---------------------------------------------------------------------------------------------
// Generated commands
// ---------------------------------------------------------------------------------------------

/// xorshift64*: small, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn word(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }
}

const GEN_PROGRAMS: &[&str] = &["a", "b", "c", "d", "e", "g", "h", "fail", "git", "rm", "psql"];
/// Characters a bare (unquoted) word may hold: no glob, brace, tilde, `$`, quote or metachar.
const BARE: &[u8] = b"abcxyz019_-./,:@%+=ABZ";
/// Characters only a quote may hold.
const SPECIAL: &[u8] = b" ;|&*?[]#(){}<>'\"\\$`!~\t\n";

fn gen_text(rng: &mut Rng, special: bool, max: usize) -> String {
    let len = 1 + rng.below(max);
    (0..len)
        .map(|_| {
            if special && rng.chance(35) {
                *rng.pick(SPECIAL) as char
            } else {
                *rng.pick(BARE) as char
            }
        })
        .collect()
}

/// One piece of `text` quoted in a random way bash reads back as `text`. Without
/// `allow_backslash`, never the backslash-escape form.
fn quote_piece(rng: &mut Rng, text: &str, allow_backslash: bool) -> String {
    let safe = text.bytes().all(|b| BARE.contains(&b));
    let mut mode = rng.below(5);
    if mode == 0 && !safe {
        mode = 1;
    }
    if mode == 4 && !allow_backslash {
        mode = 2;
    }
    match mode {
        0 => text.to_owned(),
        1 if !text.contains('\'') => format!("'{text}'"),
        1 | 2 => {
            let mut s = String::from("\"");
            for c in text.chars() {
                if matches!(c, '"' | '\\' | '$' | '`') {
                    s.push('\\');
                }
                s.push(c);
            }
            s.push('"');
            s
        }
        3 => {
            let mut s = String::from("$'");
            for c in text.chars() {
                match c {
                    '\'' => s.push_str("\\'"),
                    '\\' => s.push_str("\\\\"),
                    '\n' => s.push_str("\\n"),
                    '\t' => s.push_str("\\t"),
                    c if rng.chance(20) => s.push_str(&format!("\\x{:02x}", c as u32)),
                    c if rng.chance(10) => s.push_str(&format!("\\{:03o}", c as u32)),
                    c => s.push(c),
                }
            }
            s.push('\'');
            s
        }
        _ => {
            // Backslash-escape every character; a newline cannot be escaped (that is a line
            // continuation), so it is single-quoted.
            let mut s = String::new();
            for c in text.chars() {
                if c == '\n' {
                    s.push_str("'\n'");
                } else {
                    s.push('\\');
                    s.push(c);
                }
            }
            s
        }
    }
}

/// A word whose value is `text`, split into differently quoted pieces.
fn quote_word(rng: &mut Rng, text: &str) -> String {
    if text.is_empty() {
        return if rng.chance(50) { "''".into() } else { "\"\"".into() };
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut after_quote = false;
    while i < chars.len() {
        let n = 1 + rng.below(chars.len() - i);
        let piece: String = chars[i..i + n].iter().collect();
        // Any order of pieces is valid bash: bare text holds no `$`, backslash, quote or
        // metacharacter. But a closing quote right before a backslash escape (`'x'\y`) is a
        // word the tree-sitter grammar splits in two, which the parser (soundly) reports as
        // opaque; keep that shape to one piece in ten so most lines stay comparable.
        let allow_backslash = !after_quote || rng.chance(10);
        let mut q = quote_piece(rng, &piece, allow_backslash);
        if out.is_empty() && q == piece && rng.chance(30) {
            // Start with an empty quote pair: `''word`.
            q = format!("''{q}");
        }
        after_quote = q.ends_with(['\'', '"']);
        out.push_str(&q);
        i += n;
    }
    out
}

struct GenCommand {
    text: String,
    status: i32,
}

fn gen_simple(rng: &mut Rng) -> GenCommand {
    let program = rng.word(GEN_PROGRAMS);
    let status = if program == "fail" { 1 } else { 0 };
    let mut parts: Vec<String> = Vec::new();
    if rng.chance(12) {
        let name = rng.word(&["X", "Y1", "_v", "LC_X"]);
        let value = if rng.chance(20) { String::new() } else { gen_text(rng, true, 6) };
        let value = if value.is_empty() { String::new() } else { quote_word(rng, &value) };
        parts.push(format!("{name}={value}"));
    }
    let mut prog = quote_word(rng, program);
    if prog.starts_with("''") && parts.is_empty() && rng.chance(50) {
        prog = program.to_owned();
    }
    parts.push(prog);
    for _ in 0..rng.below(5) {
        let text = if rng.chance(8) {
            String::new()
        } else {
            let special = rng.chance(50);
            gen_text(rng, special, 8)
        };
        parts.push(quote_word(rng, &text));
    }
    if rng.chance(15) {
        let redirect = rng.word(&[
            ">out1",
            "2>/dev/null",
            "</dev/null",
            ">>out2",
            ">|out3",
            "2>&1",
            "&>out4",
            "<<<word",
        ]);
        let at = 1 + rng.below(parts.len());
        parts.insert(at, redirect.to_owned());
    }
    let mut text = String::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            text.push_str(if rng.chance(8) { " \\\n " } else { rng.word(&[" ", "  ", "\t"]) });
        }
        text.push_str(p);
    }
    GenCommand { text, status }
}

fn gen_pipeline(rng: &mut Rng, depth: usize) -> GenCommand {
    let n = 1 + rng.below(if depth == 0 { 3 } else { 2 });
    let mut text = String::new();
    let mut status = 0;
    for i in 0..n {
        if i > 0 {
            text.push_str(rng.word(&["", " "]));
            text.push_str(rng.word(&["|", "|&"]));
            text.push_str(rng.word(&[" ", "  ", "\n"]));
        }
        let c = if depth == 0 && rng.chance(12) {
            let inner = gen_list(rng, depth + 1, 2);
            let body = inner.text;
            status = inner.status;
            if rng.chance(50) { format!("( {body} )") } else { format!("{{ {body}; }}") }
        } else {
            let c = gen_simple(rng);
            status = c.status;
            c.text
        };
        text.push_str(&c);
    }
    if rng.chance(8) {
        text = format!("! {text}");
        status = if status == 0 { 1 } else { 0 };
    }
    GenCommand { text, status }
}

/// A list of pipelines where every pipeline runs exactly once: `&&` only after success, `||`
/// only after failure.
fn gen_list(rng: &mut Rng, depth: usize, max: usize) -> GenCommand {
    let n = 1 + rng.below(max);
    let mut text = String::new();
    let mut status = 0;
    for i in 0..n {
        if i > 0 {
            let op = rng.word(&[";", "&&", "&", "\n", "and-or", "and-or"]);
            let op = match op {
                "and-or" | "&&" => {
                    if status == 0 {
                        "&&"
                    } else {
                        "||"
                    }
                }
                // A newline inside a group/subshell is fine too, but keep groups one-line.
                "\n" if depth > 0 => ";",
                other => other,
            };
            if op == "\n" && rng.chance(25) {
                text.push_str(" # note 'q\" $(x) `y` \\");
            }
            text.push_str(rng.word(&["", " "]));
            text.push_str(op);
            // A newline may follow any of these operators. A space always follows `&`, so
            // `&` never fuses with a following `>` into `&>`.
            text.push_str(if op == "\n" { "" } else { rng.word(&[" ", "  ", "\n"]) });
        }
        let p = gen_pipeline(rng, depth);
        status = p.status;
        text.push_str(&p.text);
    }
    GenCommand { text, status }
}

fn generated_cases(count: usize) -> Vec<String> {
    let mut rng = Rng(0x5eed_cafe_f00d_0001);
    (0..count)
        .map(|_| {
            let mut t = gen_list(&mut rng, 0, 4).text;
            match rng.below(10) {
                0 => t.push(';'),
                1 => t.push_str(" &"),
                2 => t.push('\n'),
                3 => t.push_str(" # trailing 'comment\\"),
                _ => {}
            }
            t
        })
        .collect()
}

/// Plain lines (docs/shell.md, "The plain-line fast path"): stub programs with plain words,
/// quoted text, `back\slash` escapes and non-ASCII text, joined by `;`, `|`, newlines and `&&`
/// after a succeeding stub, with `2>&1`, `> file` and `>> file` at the end of a command. Every
/// simple command runs exactly once.
fn plain_cases(count: usize) -> Vec<String> {
    const PROGRAMS: &[&str] = &["a", "b", "c", "d", "e", "g", "h", "git", "rm", "psql", "sudo a"];
    const PLAIN: &[u8] = b"abcxyz019_-./,:+=";
    let mut rng = Rng(0x5eed_cafe_f00d_0002);
    let arg = |rng: &mut Rng| -> String {
        let text: String = (0..1 + rng.below(6)).map(|_| *rng.pick(PLAIN) as char).collect();
        match rng.below(7) {
            0 => format!("'{} {}é;|&*$'", text, gen_text(rng, false, 4)),
            1 => format!("\"{} \\\"q\\\" back\\slash {}日本\"", text, gen_text(rng, false, 3)),
            2 => format!("back\\slash{text}"),
            3 => format!("{text}'x y'\"z\""),
            4 => format!("\"line\nbreak {text}\""),
            _ if text.starts_with(['-', '=']) => format!("x{text}"),
            _ => text,
        }
    };
    (0..count)
        .map(|_| {
            let mut line = String::new();
            for i in 0..1 + rng.below(4) {
                if i > 0 {
                    line.push_str(rng.word(&["; ", " | ", "\n", " && "]));
                }
                if rng.chance(20) {
                    line.push_str("X=1 ");
                }
                line.push_str(rng.word(PROGRAMS));
                for _ in 0..rng.below(4) {
                    line.push(' ');
                    line.push_str(&arg(&mut rng));
                }
                match rng.below(6) {
                    0 => line.push_str(" 2>&1"),
                    1 => line.push_str(" > out.txt"),
                    2 => line.push_str(" >> 'log file'"),
                    _ => {}
                }
            }
            line
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The sandbox and running bash
// ---------------------------------------------------------------------------------------------

static SANDBOX_SEQ: AtomicUsize = AtomicUsize::new(0);

/// A temporary root removed on drop.
struct TempRoot(PathBuf);

impl TempRoot {
    fn new(tag: &str) -> TempRoot {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let seq = SANDBOX_SEQ.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir()
            .join(format!("cedar-hitl-bashdiff-{tag}-{}-{nanos}-{seq}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create temp root");
        TempRoot(dir)
    }
}

impl Drop for TempRoot {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Sandbox {
    root: PathBuf,
    bin: PathBuf,
    home: PathBuf,
    log: PathBuf,
    cases_run: usize,
}

impl Sandbox {
    fn new(root: &Path) -> Sandbox {
        let bin = root.join("bin");
        let home = root.join("home");
        let log = root.join("log");
        for d in [&bin, &home, &log] {
            std::fs::create_dir_all(d).expect("create sandbox dir");
        }
        let log_str = log.to_str().expect("utf-8 temp path");
        assert!(!log_str.contains('\''), "temp path holds a quote: {log_str}");
        for (name, status) in STUBS {
            // `-p`: ignore BASH_ENV / SHELLOPTS / exported functions from the command's
            // environment. `set -C` + the pid make each record file new; retried on a clash.
            let script = format!(
                "#!/bin/bash -p\nset -C\nfor _i in 1 2 3 4 5 6 7 8; do\n  if {{ printf '%s\\0' '{name}' \"$@\" > '{log_str}'/\"$$.$_i.$RANDOM\"; }} 2>/dev/null; then exit {status}; fi\ndone\nexit 99\n"
            );
            let path = bin.join(name);
            std::fs::write(&path, script).expect("write stub");
            let mut perm = std::fs::metadata(&path).expect("stub metadata").permissions();
            std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o755);
            std::fs::set_permissions(&path, perm).expect("chmod stub");
        }
        Sandbox { root: root.to_owned(), bin, home, log, cases_run: 0 }
    }

    fn run(&mut self, cmd: &str) -> BashRun {
        // Fresh log and working directory for every case.
        let _ = std::fs::remove_dir_all(&self.log);
        std::fs::create_dir_all(&self.log).expect("create log dir");
        self.cases_run += 1;
        let cwd = self.root.join(format!("cwd{}", self.cases_run));
        std::fs::create_dir_all(&cwd).expect("create cwd");
        let mut run = run_bash(cmd, &cwd, &self.bin, &self.home);
        run.argvs = read_log(&self.log, &self.home);
        let _ = std::fs::remove_dir_all(&cwd);
        run
    }
}

struct BashRun {
    status: Option<i32>,
    stderr: String,
    timed_out: bool,
    argvs: Vec<Vec<String>>,
}

impl BashRun {
    /// Bash rejected the script: exit 2 with "syntax error" (or, for an unterminated quote or
    /// substitution, "unexpected EOF while looking for matching …", which bash 5.2 reports
    /// without the words "syntax error").
    fn syntax_error(&self) -> bool {
        self.status == Some(2)
            && (self.stderr.contains("syntax error")
                || self.stderr.contains("unexpected EOF while looking for matching"))
    }
}

fn run_bash(cmd: &str, cwd: &Path, bin: &Path, home: &Path) -> BashRun {
    let mut child = Command::new(BASH)
        .arg("-c")
        .arg(cmd)
        .current_dir(cwd)
        .env_clear()
        .env("PATH", bin)
        .env("HOME", home)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("spawn /bin/bash");
    let pgid = child.id() as i32;
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let deadline = Instant::now() + BASH_TIMEOUT;
    let mut status = None;
    let mut timed_out = false;
    loop {
        if status.is_none()
            && let Ok(Some(s)) = child.try_wait()
        {
            status = Some(s);
        }
        // Done when bash has exited, every process still holding its output pipes has closed
        // them, and no process of the group (a background stub with both outputs redirected)
        // is still alive.
        if status.is_some()
            && out_reader.is_finished()
            && err_reader.is_finished()
            && !group_alive(pgid)
        {
            break;
        }
        if Instant::now() > deadline {
            timed_out = true;
            let _ = Command::new("/bin/kill")
                .args(["-KILL", "--", &format!("-{pgid}")])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let _ = child.kill();
            status = child.wait().ok();
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    // Reaps bash (a no-op when `try_wait` already did).
    let _ = child.wait();
    let _ = out_reader.join();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    BashRun { status: status.and_then(|s| s.code()), stderr, timed_out, argvs: Vec::new() }
}

/// Whether a live (not zombie) process is in process group `pgid`.
fn group_alive(pgid: i32) -> bool {
    let Ok(dir) = std::fs::read_dir("/proc") else { return false };
    for entry in dir.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        let Some(close) = stat.rfind(')') else { continue };
        let mut fields = stat[close + 1..].split_whitespace();
        let state = fields.next().unwrap_or("");
        let _ppid = fields.next();
        let pgrp: i32 = fields.next().and_then(|f| f.parse().ok()).unwrap_or(0);
        if pgrp == pgid && state != "Z" && state != "X" {
            return true;
        }
    }
    false
}

/// The argvs the stubs logged, `$HOME` shown as `~`.
fn read_log(log: &Path, home: &Path) -> Vec<Vec<String>> {
    let home = home.to_str().expect("utf-8 home");
    let mut argvs = Vec::new();
    let Ok(dir) = std::fs::read_dir(log) else { return argvs };
    for entry in dir.flatten() {
        let data = std::fs::read(entry.path()).unwrap_or_default();
        let mut fields: Vec<&[u8]> = data.split(|b| *b == 0).collect();
        if fields.last().is_some_and(|f| f.is_empty()) {
            fields.pop();
        }
        let argv = fields
            .into_iter()
            .map(|f| {
                let s = String::from_utf8_lossy(f).into_owned();
                if s == home {
                    "~".to_owned()
                } else if let Some(rest) = s.strip_prefix(home).filter(|r| r.starts_with('/')) {
                    format!("~{rest}")
                } else {
                    s
                }
            })
            .collect();
        argvs.push(argv);
    }
    argvs.sort();
    argvs
}

// ---------------------------------------------------------------------------------------------
// Comparing
// ---------------------------------------------------------------------------------------------

fn lowered_argvs(line: &CommandLine) -> Vec<Vec<String>> {
    let mut argvs: Vec<Vec<String>> = line
        .commands
        .iter()
        .filter(|c| c.origin == Origin::Shell)
        .map(|c| {
            let skip =
                c.words.iter().take_while(|w| BUILTIN_PREFIXES.contains(&w.as_str())).count();
            c.words[skip..].to_vec()
        })
        .filter(|w| w.first().is_some_and(|p| is_stub(p)))
        .collect();
    argvs.sort();
    argvs
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Compared,
    ExemptOpaque,
    ExemptDynamicOrGlob,
    SyntaxErrorOk,
    /// Parser bug: bash ran other argvs than the lowering says, on a readable line.
    Mismatch,
    /// Parser bug: bash reports a syntax error, the lowering is readable and has commands.
    SyntaxErrorReadable,
    /// `parse` panicked.
    Panic,
    /// The harness could not get a clean bash run.
    Harness,
}

struct Outcome {
    kind: Kind,
    detail: String,
}

fn show(argvs: &[Vec<String>]) -> String {
    if argvs.is_empty() {
        return "(none)".into();
    }
    argvs.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(" ")
}

fn check(sb: &mut Sandbox, cmd: &str) -> Outcome {
    let line = match std::panic::catch_unwind(|| shell::parse(cmd)) {
        Ok(l) => l,
        Err(_) => {
            return Outcome {
                kind: Kind::Panic,
                detail: format!("command {cmd:?}: shell::parse panicked"),
            };
        }
    };
    let run = sb.run(cmd);
    let lowered = lowered_argvs(&line);
    let describe = |run: &BashRun| {
        format!(
            "command  {cmd:?}\n    bash     {} (exit {:?})\n    lowering {}\n    opaque   {:?}\n    all words {:?}",
            show(&run.argvs),
            run.status,
            show(&lowered),
            line.opaque
                .as_deref()
                .or_else(|| line.commands.iter().find_map(|c| c.opaque_reason.as_deref())),
            line.commands
                .iter()
                .map(|c| (c.origin, c.words.clone(), c.dynamic, c.glob, c.opaque))
                .collect::<Vec<_>>(),
        )
    };
    if run.timed_out {
        return Outcome {
            kind: Kind::Harness,
            detail: format!("bash timed out after {BASH_TIMEOUT:?}\n    {}", describe(&run)),
        };
    }
    if run.argvs.iter().any(|a| a.is_empty()) {
        return Outcome {
            kind: Kind::Harness,
            detail: format!("a stub logged an empty record\n    {}", describe(&run)),
        };
    }
    if run.syntax_error() {
        let ok = line.is_opaque() || line.commands.is_empty();
        return Outcome {
            kind: if ok { Kind::SyntaxErrorOk } else { Kind::SyntaxErrorReadable },
            detail: format!(
                "bash: syntax error ({}), but the lowering is readable\n    {}",
                run.stderr.trim(),
                describe(&run)
            ),
        };
    }
    if line.is_opaque() {
        return Outcome { kind: Kind::ExemptOpaque, detail: describe(&run) };
    }
    // Only commands that are compared can make a line incomparable: a `find -exec` / `xargs`
    // command (origin `Wrapper`) is dynamic by nature, but it is never compared.
    if line.commands.iter().any(|c| c.origin == Origin::Shell && (c.dynamic || c.glob)) {
        return Outcome { kind: Kind::ExemptDynamicOrGlob, detail: describe(&run) };
    }
    if run.argvs == lowered {
        Outcome { kind: Kind::Compared, detail: String::new() }
    } else {
        Outcome {
            kind: Kind::Mismatch,
            detail: format!(
                "bash ran other argvs than the lowering\n    {}\n    bash stderr {:?}",
                describe(&run),
                run.stderr
            ),
        }
    }
}

/// Run every case (in parallel sandboxes), print counts, and fail listing every problem.
fn differential(tag: &str, cases: &[String]) -> BTreeMap<Kind, Vec<String>> {
    let root = TempRoot::new(tag);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 4);
    let started = Instant::now();
    let mut results: Vec<(usize, Outcome)> = Vec::new();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let root = &root.0;
                s.spawn(move || {
                    let mut sb = Sandbox::new(&root.join(format!("w{w}")));
                    let mut out = Vec::new();
                    for (i, cmd) in cases.iter().enumerate().filter(|(i, _)| i % workers == w) {
                        out.push((i, check(&mut sb, cmd)));
                    }
                    out
                })
            })
            .collect();
        for h in handles {
            results.extend(h.join().expect("worker panicked"));
        }
    });
    results.sort_by_key(|(i, _)| *i);
    let mut by_kind: BTreeMap<Kind, Vec<String>> = BTreeMap::new();
    for (i, o) in results {
        by_kind.entry(o.kind).or_default().push(format!("[{tag} #{i}] {}", o.detail));
    }
    let count = |k: Kind| by_kind.get(&k).map_or(0, Vec::len);
    eprintln!(
        "{tag}: {} cases in {:.1?}: {} compared, {} exempt (opaque), {} exempt (dynamic/glob), {} bash syntax errors (lowering opaque/empty), \
         {} mismatches, {} syntax errors read as valid, {} panics, {} harness errors",
        cases.len(),
        started.elapsed(),
        count(Kind::Compared),
        count(Kind::ExemptOpaque),
        count(Kind::ExemptDynamicOrGlob),
        count(Kind::SyntaxErrorOk),
        count(Kind::Mismatch),
        count(Kind::SyntaxErrorReadable),
        count(Kind::Panic),
        count(Kind::Harness),
    );
    if std::env::var_os("BASH_DIFF_VERBOSE").is_some() {
        for k in [Kind::ExemptOpaque, Kind::ExemptDynamicOrGlob] {
            for d in by_kind.get(&k).into_iter().flatten() {
                eprintln!("{k:?}: {d}");
            }
        }
    }
    by_kind
}

fn assert_clean(tag: &str, by_kind: &BTreeMap<Kind, Vec<String>>) {
    let mut problems = Vec::new();
    for k in [Kind::Mismatch, Kind::SyntaxErrorReadable, Kind::Panic, Kind::Harness] {
        for d in by_kind.get(&k).into_iter().flatten() {
            problems.push(format!("{k:?}: {d}"));
        }
    }
    assert!(
        problems.is_empty(),
        "{tag}: {} problem(s):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

/// Bash is the judge of these tests: without it they fail rather than pass unexamined.
fn require_bash() {
    assert!(
        Path::new(BASH).exists(),
        "{BASH} is missing: these tests compare the parser with real bash"
    );
}

#[test]
fn harness_records_what_bash_runs() {
    require_bash();
    let root = TempRoot::new("self");
    let mut sb = Sandbox::new(&root.0);
    let run = sb.run("a 'x y' \"\" $'\\x41' ~/h; fail || b & c | d; x=$(e 1); sudo git push");
    assert!(!run.timed_out);
    let want: Vec<Vec<String>> = {
        let mut v: Vec<Vec<String>> = [
            &["a", "x y", "", "A", "~/h"][..],
            &["fail"],
            &["b"],
            &["c"],
            &["d"],
            &["e", "1"],
            &["sudo", "git", "push"],
        ]
        .iter()
        .map(|a| a.iter().map(|s| s.to_string()).collect())
        .collect();
        v.sort();
        v
    };
    assert_eq!(run.argvs, want, "stderr: {}", run.stderr);
    let run = sb.run("a )");
    assert!(run.syntax_error(), "{:?} {}", run.status, run.stderr);
    // A background stub with both outputs redirected is still waited for.
    let run = sb.run("a >/dev/null 2>&1 </dev/null & b");
    assert_eq!(run.argvs.len(), 2, "{:?}", run.argvs);
}

#[test]
fn hand_written_commands_match_bash() {
    require_bash();
    assert!(HAND.len() >= 80);
    let cases: Vec<String> = HAND.iter().map(|s| s.to_string()).collect();
    let by_kind = differential("hand", &cases);
    assert_clean("hand", &by_kind);
    // Guard against a harness (or a parser) that silently exempts everything.
    let compared = by_kind.get(&Kind::Compared).map_or(0, Vec::len);
    assert!(
        compared >= 80,
        "only {compared} of {} hand-written commands were compared",
        cases.len()
    );
}

#[test]
fn generated_commands_match_bash() {
    require_bash();
    let cases = generated_cases(300);
    let by_kind = differential("generated", &cases);
    assert_clean("generated", &by_kind);
    // The generator writes only readable, static commands: most of them must be compared.
    let compared = by_kind.get(&Kind::Compared).map_or(0, Vec::len);
    assert!(compared >= 200, "only {compared} of {} generated commands were compared", cases.len());
}

#[test]
fn plain_lines_match_bash() {
    require_bash();
    let cases = plain_cases(200);
    // These lines are for the plain-line fast path: it must read them, so that bash judges it.
    #[cfg(feature = "test-hooks")]
    {
        let plain = cases.iter().filter(|c| shell::reads_as_plain_line(c)).count();
        assert!(plain >= 190, "only {plain} of {} plain lines took the fast path", cases.len());
    }
    let by_kind = differential("plain", &cases);
    assert_clean("plain", &by_kind);
    let compared = by_kind.get(&Kind::Compared).map_or(0, Vec::len);
    assert!(compared >= 190, "only {compared} of {} plain lines were compared", cases.len());
}
