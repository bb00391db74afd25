//! Lowering: the tree-sitter-bash syntax tree → every simple command bash could run, with its
//! words evaluated, its redirections, and what feeds its standard input.
//! See `docs/shell.md` ("What the parser sees").

use super::words::{self, Word, text};
use tree_sitter::Node;

/// The deepest syntax nesting the lowering follows; deeper input is opaque.
pub(crate) const MAX_DEPTH: usize = 200;

/// One command as written, before wrappers are unwrapped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RawCommand {
    /// Leading `NAME=value` assignments (names only).
    pub assignments: Vec<String>,
    /// The words: program first.
    pub words: Vec<Word>,
    /// Text fed to standard input when it can be known: a heredoc or here-string body, or the
    /// output of a literal producer (`echo`, `printf`, `cat <<EOF`) piped into it.
    pub stdin: Option<String>,
    /// Index of the command whose output is piped into this one.
    pub piped_from: Option<usize>,
    /// Why this command cannot be read (its program word is dynamic, …).
    pub opaque: Option<String>,
}

/// A redirection that writes a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawWrite {
    pub target: Word,
    /// The operator (`>`, `>>`, …).
    pub via: String,
    /// The command whose output this redirection takes, when it is one command.
    pub owner: Option<usize>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Lowered {
    pub commands: Vec<RawCommand>,
    pub writes: Vec<RawWrite>,
    /// Why the whole line cannot be fully read (parse error, nesting cap, code-running expansion).
    pub opaque: Option<String>,
}

/// What feeds a command's standard input.
#[derive(Clone, Default)]
pub(super) struct Input {
    pub stdin: Option<String>,
    pub piped_from: Option<usize>,
}

/// The input of a command that reads the output of command `prev` through a pipe.
pub(super) fn piped(out: &Lowered, prev: Option<usize>) -> Input {
    let stdin = prev.and_then(|p| out.commands.get(p)).and_then(output_of);
    Input { stdin, piped_from: prev }
}

/// The file a redirection with operator `op` writes, if it writes one: `>&1` duplicates a
/// descriptor and `/dev/null` is not a file.
pub(super) fn write_of(target: Word, op: String, owner: Option<usize>) -> Option<RawWrite> {
    let writes = WRITE_OPS.contains(&op.as_str())
        || (op == ">&" && !target.text.chars().all(|c| c.is_ascii_digit()) && target.text != "-");
    (writes && !NOT_FILES.contains(&target.text.as_str()) && !target.text.starts_with("/dev/fd/"))
        .then_some(RawWrite { target, via: op, owner })
}

pub(crate) fn lower(root: Node<'_>, src: &str) -> Lowered {
    let mut l = Lowerer {
        src,
        out: Lowered::default(),
        read_write_at: Vec::new(),
        descriptor_dropped_at: Vec::new(),
    };
    l.visit(root, Input::default(), 0);
    if let Some(why) = misread_ansi_c_string(root, src) {
        l.opaque(why);
    }
    l.out
}

/// The grammar ends `$'…'` at the first `'` not preceded by a backslash, so `$'\\'` (an escaped
/// backslash before the closing quote) runs on into the rest of the line, and whatever follows —
/// `; curl >| out` — is read as text. Bash ends the string at the first quote not escaped by
/// the escape rules (`\\` is one escaped backslash). Any `$'…'` node whose end differs from
/// bash's makes the line opaque (fuzz finding 5, docs/shell.md).
fn misread_ansi_c_string(root: Node<'_>, src: &str) -> Option<&'static str> {
    // Every `$'…'` node's text starts with `$'`: without one in the source there is no node to
    // check, and the walk over the whole tree is skipped.
    if !src.contains("$'") {
        return None;
    }
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if node.kind() == "ansi_c_string" && !ends_where_bash_ends(text(node, src)) {
            return Some("the grammar and bash disagree on where a $'…' string ends");
        }
        if cursor.goto_first_child() || cursor.goto_next_sibling() {
            continue;
        }
        loop {
            if !cursor.goto_parent() {
                return None;
            }
            if cursor.goto_next_sibling() {
                break;
            }
        }
    }
}

/// Whether bash's `$'…'` starting at the beginning of `raw` closes exactly at its last byte.
fn ends_where_bash_ends(raw: &str) -> bool {
    let Some(body) = raw.strip_prefix("$'") else { return false };
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\'' => return i + 1 == bytes.len(),
            _ => i += 1,
        }
    }
    false
}

struct Lowerer<'s> {
    src: &'s str,
    out: Lowered,
    /// Start bytes of `>file` redirections that follow a stray `<`: bash's `<>file`.
    read_write_at: Vec<usize>,
    /// Start bytes of redirections whose glued descriptor the grammar read as a word and
    /// `command` took back off the command's words.
    descriptor_dropped_at: Vec<usize>,
}

/// How bash reads the text glued to the front of a redirection operator (docs/shell.md,
/// "Opaque commands"). `None`: an ordinary word, which bash passes as an argument.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum GluedDescriptor {
    /// Digits that fit in an `int`: the descriptor (`cmd 0<in`).
    Number,
    /// `{name}`: a descriptor bash allocates and stores in `name` (`cmd {fd}>out`).
    Name,
    /// `{name[subscript]}`: also a descriptor variable, with a subscript bash evaluates.
    Subscripted,
}

fn glued_descriptor(raw: &str) -> Option<GluedDescriptor> {
    if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
        // A longer number is a word to bash (`echo 99999999999999999999>f`).
        return raw.parse::<i32>().is_ok().then_some(GluedDescriptor::Number);
    }
    let inner = raw.strip_prefix('{')?.strip_suffix('}')?;
    let (name, subscript) = match inner.split_once('[') {
        Some((name, rest)) => (name, Some(rest)),
        None => (inner, None),
    };
    let identifier = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    match subscript {
        _ if !identifier => None,
        None => Some(GluedDescriptor::Name),
        Some(rest) if rest.ends_with(']') => Some(GluedDescriptor::Subscripted),
        Some(_) => None,
    }
}

/// The text glued to the front of the byte at `end`: back to a blank or a metacharacter, across
/// `\`+newline continuations (bash removes them before it reads words: `{a\⏎}<f` is `{a}<f`).
fn glued_before(src: &str, end: usize) -> &str {
    let bytes = src.as_bytes();
    let mut start = end;
    while start > 0 {
        match bytes[start - 1] {
            b'\n' if start >= 2 && bytes[start - 2] == b'\\' => start -= 2,
            b' ' | b'\t' | b'\n' | b'|' | b'&' | b';' | b'(' | b')' | b'<' | b'>' => break,
            _ => start -= 1,
        }
    }
    &src[start..end]
}

/// How bash reads glued text that may hold `\`+newline continuations: the continuations removed,
/// and `continued` set when there were any (such a descriptor is never taken back exactly).
fn glued_descriptor_of(raw: &str) -> (Option<GluedDescriptor>, bool) {
    if raw.contains("\\\n") {
        (glued_descriptor(&raw.replace("\\\n", "")), true)
    } else {
        (glued_descriptor(raw), false)
    }
}

/// Whether a redirection node could take a glued word as its descriptor: it has none of its own
/// and its operator is not `&>` / `&>>`, which take no descriptor (`a 2&>f` passes `2` as an
/// argument).
fn takes_descriptor(node: Node<'_>, src: &str) -> bool {
    let mut cursor = node.walk();
    !node.children(&mut cursor).any(|c| c.kind() == "file_descriptor")
        && !text(node, src).starts_with('&')
}

/// Reserved words that cannot start a simple command.
const RESERVED: [&str; 9] = ["fi", "done", "then", "else", "elif", "do", "esac", "}", "in"];
const WRITE_OPS: [&str; 6] = [">", ">>", ">|", "&>", "&>>", "<>"];
const NOT_FILES: [&str; 4] = ["/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"];

impl Lowerer<'_> {
    fn opaque(&mut self, why: impl Into<String>) {
        if self.out.opaque.is_none() {
            self.out.opaque = Some(why.into());
        }
    }

    /// Visit a node; returns the index of its main command when it is one command (or a
    /// pipeline, whose last command is the one a trailing heredoc feeds).
    fn visit(&mut self, node: Node<'_>, input: Input, depth: usize) -> Option<usize> {
        if depth > MAX_DEPTH {
            self.opaque(format!("nesting deeper than {MAX_DEPTH} levels"));
            return None;
        }
        if node.is_error() || node.is_missing() {
            self.opaque("the bash parser could not read part of the command");
        }
        self.hazards(node);
        self.skipped_text(node);
        match node.kind() {
            "comment" | "heredoc_body" | "heredoc_content" | "heredoc_start" | "heredoc_end" => {
                None
            }
            "command" => self.command(node, input, depth),
            "declaration_command" | "unset_command" => self.declaration(node, depth),
            "pipeline" => {
                let mut prev: Option<usize> = None;
                let mut first = true;
                let mut cursor = node.walk();
                let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                for child in children {
                    let inp = if first { input.clone() } else { self.piped(prev) };
                    prev = self.visit(child, inp, depth + 1);
                    first = false;
                }
                prev
            }
            "redirected_statement" => {
                let main =
                    node.child_by_field_name("body").and_then(|b| self.visit(b, input, depth + 1));
                // `python3 - <<EOF`: the grammar's scanner drops a lone `-` before a heredoc or
                // a descriptor redirection; bash passes it as an argument.
                if let (Some(i), Some(_)) = (main, self.lone_dash_after_body(node)) {
                    let dash = words::Word { text: "-".to_owned(), ..Default::default() };
                    self.out.commands[i].words.push(dash);
                }
                let mut cursor = node.walk();
                let redirects: Vec<Node<'_>> =
                    node.children_by_field_name("redirect", &mut cursor).collect();
                let mut cursor = node.walk();
                let extra: Vec<Node<'_>> = node
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() == "herestring_redirect")
                    .collect();
                self.stray_redirect_errors(node, main, depth);
                for r in redirects.into_iter().chain(extra) {
                    self.redirect(r, main, depth);
                }
                main
            }
            "negated_command" => {
                let mut cursor = node.walk();
                let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                let mut main = None;
                for c in children {
                    main = self.visit(c, input.clone(), depth + 1);
                }
                main
            }
            _ => {
                // Lists, groups, subshells, control flow, functions, substitutions, words:
                // every command inside runs (or may run) with the same shell.
                let mut cursor = node.walk();
                let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
                let mut first = true;
                for c in children {
                    let inp = if first { input.clone() } else { Input::default() };
                    if c.is_named() {
                        self.visit(c, inp, depth + 1);
                        first = false;
                    } else if c.is_error() || c.is_missing() {
                        self.opaque("the bash parser could not read part of the command");
                    } else if c.kind() == ";;" && node.kind() != "case_item" {
                        // The grammar accepts `;;` as a separator; bash refuses it outside `case`.
                        self.opaque("`;;` outside a case statement");
                    }
                }
                None
            }
        }
    }

    /// Text between the parts of a statement that no part covers: the grammar's scanner can
    /// skip a word bash reads (`git checkout - 2>/dev/null` loses the `-`; `ls; - 2>&1` loses
    /// the command). Between statements, commands and redirections bash sees only blanks, line
    /// breaks and `\`+newline continuations; anything else there makes the line opaque.
    fn skipped_text(&mut self, node: Node<'_>) {
        if !matches!(
            node.kind(),
            "program" | "list" | "pipeline" | "redirected_statement" | "command"
        ) {
            return;
        }
        // A lone `-` after a redirected statement's command is taken back as its argument.
        let dash_gap = self.lone_dash_after_body(node);
        let mut end = node.start_byte();
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            let gap = end..child.start_byte().max(end);
            if dash_gap != Some(gap.clone()) && !only_blanks(&self.src[gap]) {
                self.opaque("the bash parser skipped part of the command");
            }
            end = end.max(child.end_byte());
        }
        if !only_blanks(&self.src[end..node.end_byte().max(end)]) {
            self.opaque("the bash parser skipped part of the command");
        }
    }

    /// The gap after a redirected statement's command when it holds only a lone `-` word that
    /// the grammar's scanner skipped (` - ` before `<<EOF` or `2>…`): blanks, `-`, then at least
    /// one blank, the command ending on a blank too. Anything else in a gap stays opaque.
    fn lone_dash_after_body(&self, node: Node<'_>) -> Option<std::ops::Range<usize>> {
        if node.kind() != "redirected_statement" {
            return None;
        }
        let body = node.child_by_field_name("body").filter(|b| b.kind() == "command")?;
        let next = body.next_sibling()?;
        let gap = body.end_byte()..next.start_byte();
        let rest = self.src[gap.clone()].strip_prefix([' ', '\t'])?;
        let rest = rest.trim_start_matches([' ', '\t']).strip_prefix('-')?;
        let blanks = rest.strip_prefix([' ', '\t'])?;
        blanks.bytes().all(|b| b == b' ' || b == b'\t').then_some(gap)
    }

    /// Constructs that run code hidden in a variable's value make the whole line opaque.
    fn hazards(&mut self, node: Node<'_>) {
        let raw = text(node, self.src);
        match node.kind() {
            "expansion" if raw.starts_with("${!") => {
                self.opaque("indirect expansion ${!…} can evaluate an array subscript")
            }
            "expansion" if raw.ends_with("@P}") => {
                self.opaque("prompt expansion ${…@P} runs command substitutions hidden in a value")
            }
            "arithmetic_expansion" | "c_style_for_statement"
                if words::has_variable_reference(node, self.src) =>
            {
                self.opaque("arithmetic over a variable can run a command hidden in its value");
            }
            "compound_statement"
                if raw.starts_with("((") && words::has_variable_reference(node, self.src) =>
            {
                self.opaque("arithmetic over a variable can run a command hidden in its value");
            }
            "word" if raw.contains("$[") => {
                self.opaque("arithmetic over a variable can run a command hidden in its value")
            }
            "command_substitution" if raw.starts_with('`') && raw.contains("\\`") => {
                self.opaque("nested backquotes the grammar does not read")
            }
            "test_command" if raw.starts_with("[[") => {
                let arith = [" -eq ", " -ne ", " -lt ", " -le ", " -gt ", " -ge ", "-v "];
                if arith.iter().any(|op| raw.contains(op)) {
                    self.opaque("[[ … ]] arithmetic or -v evaluates variables and subscripts");
                }
            }
            // `[ -v 'a[$(cmd)]' ]` runs `cmd` (the `test` builtin's -v evaluates the subscript);
            // `[`'s -eq and friends do not evaluate their operands.
            "test_command"
                if raw.contains("-v")
                    && raw[1..].contains('[')
                    && (raw.contains('$') || raw.contains('`')) =>
            {
                self.opaque("[ -v … ] evaluates a subscript in the variable name");
            }
            "subscript" => {
                if let Some(i) = node.child_by_field_name("index")
                    && words::has_variable_reference(i, self.src)
                {
                    self.opaque("an array subscript evaluates arithmetic over variables");
                }
            }
            _ => {}
        }
    }

    fn piped(&self, prev: Option<usize>) -> Input {
        piped(&self.out, prev)
    }

    fn command(&mut self, node: Node<'_>, input: Input, depth: usize) -> Option<usize> {
        let mut cmd =
            RawCommand { stdin: input.stdin, piped_from: input.piped_from, ..Default::default() };
        let mut later: Vec<Node<'_>> = Vec::new();
        let mut redirects: Vec<Node<'_>> = Vec::new();
        let mut cursor = node.walk();
        let mut prev_end: Option<usize> = None;
        // Where each word starts in the source (what bash sees before quote removal).
        let mut raw_starts: Vec<usize> = Vec::new();
        for (i, child) in node.children(&mut cursor).enumerate() {
            let field = node.field_name_for_child(i as u32);
            if child.is_error() || child.is_missing() {
                self.opaque("the bash parser could not read part of the command");
            }
            match (field, child.kind()) {
                (_, "variable_assignment") if cmd.words.is_empty() => {
                    if let Some(n) = child.child_by_field_name("name") {
                        cmd.assignments.push(text(n, self.src).to_owned());
                    }
                    if prev_end.is_some_and(|e| e == child.start_byte()) {
                        self.opaque("the grammar split a word that bash reads as one");
                    }
                    prev_end = Some(child.end_byte());
                    later.push(child);
                }
                (Some("redirect"), _)
                | (_, "herestring_redirect" | "file_redirect" | "heredoc_redirect") => {
                    // `a 0<in`, `a {fd}>out`: bash reads the word glued to the operator as the
                    // descriptor, where the grammar may read an argument.
                    if prev_end == Some(child.start_byte())
                        && takes_descriptor(child, self.src)
                        && let Some(&raw_start) = raw_starts.last()
                        && raw_starts.len() == cmd.words.len()
                    {
                        match glued_descriptor_of(&self.src[raw_start..child.start_byte()]) {
                            (Some(_), true) => {
                                self.opaque(
                                    "a line continuation inside a redirection's descriptor",
                                );
                            }
                            (Some(GluedDescriptor::Number | GluedDescriptor::Name), false) => {
                                cmd.words.pop();
                                raw_starts.pop();
                                self.descriptor_dropped_at.push(child.start_byte());
                            }
                            (Some(GluedDescriptor::Subscripted), false) => {
                                self.opaque("a descriptor variable with a subscript (`{a[i]}>`)");
                            }
                            (None, _) => {}
                        }
                    }
                    prev_end = Some(child.end_byte());
                    redirects.push(child);
                }
                (Some("name") | Some("argument"), _) => {
                    let join = prev_end.is_some_and(|end| self.check_gap(end, child.start_byte()));
                    let words_before = cmd.words.len();
                    let after_assignment = cmd.words.is_empty() && prev_end.is_some();
                    prev_end = Some(child.end_byte());
                    self.check_word(child);
                    let w = words::eval(child, self.src);
                    match cmd.words.last_mut() {
                        // One word to bash that the grammar split in two: join them. `$"…"`
                        // (a translated string) is the string itself.
                        Some(last) if join => {
                            if last.text == "$" && child.kind() == "string" {
                                last.text.clear();
                                last.dynamic = false;
                            }
                            last.text.push_str(&w.text);
                            last.dynamic |= w.dynamic;
                            last.glob |= w.glob;
                        }
                        None if join && after_assignment => {
                            // `X=''\x rm`: the grammar ended the assignment early.
                            self.opaque("the grammar split a word that bash reads as one");
                            cmd.words.push(w);
                        }
                        _ => cmd.words.push(w),
                    }
                    if cmd.words.len() > words_before {
                        raw_starts.push(child.start_byte());
                    }
                    later.push(child);
                }
                _ if child.is_named() => later.push(child),
                _ => {}
            }
        }
        // The grammar reads `_=x` (and other assignments it does not recognise) as the program
        // word; bash reads every leading `NAME=value` word as an assignment and runs the next
        // word (`_=x rm -rf /` runs `rm`).
        while let (Some(&start), true) = (raw_starts.first(), !cmd.words.is_empty()) {
            let Some(name) = assignment_name(&self.src[start..]) else { break };
            cmd.assignments.push(name.to_owned());
            cmd.words.remove(0);
            raw_starts.remove(0);
        }
        let index = if cmd.words.is_empty() {
            None
        } else {
            // The grammar reads a stray `fi`/`done`/… as a command; bash refuses the line.
            let first = node.child_by_field_name("name").map(|n| text(n, self.src)).unwrap_or("");
            if RESERVED.contains(&first) {
                self.opaque(format!("the reserved word '{first}' where a command belongs"));
            }
            if cmd.words[0].dynamic || cmd.words[0].text.is_empty() {
                cmd.opaque = Some(format!(
                    "the program word '{}' is only known at run time",
                    cmd.words[0].text
                ));
            }
            self.out.commands.push(cmd);
            Some(self.out.commands.len() - 1)
        };
        for c in later {
            self.visit(c, Input::default(), depth + 1);
        }
        for r in redirects {
            self.redirect(r, index, depth);
        }
        index
    }

    /// Between two words of one command bash sees only blanks and `\`+newline continuations.
    /// Anything else means the grammar split or glued words differently from bash (`$"…"`,
    /// `r\`+newline+`m`, an escaped blank, a line break read as a blank): opaque.
    /// Returns whether the two words are one word to bash (nothing but continuations between
    /// them: `'x'\y`, `r\`+newline+`m`), which the caller then joins.
    fn check_gap(&mut self, end: usize, start: usize) -> bool {
        let gap = &self.src[end..start];
        let bytes = gap.as_bytes();
        let mut odd = false;
        let mut blank = false;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if bytes.get(i + 1) == Some(&b'\n') => i += 1,
                b'\\' | b'\n' => odd = true,
                b' ' | b'\t' => blank = true,
                _ => {}
            }
            i += 1;
        }
        if odd {
            self.opaque("the grammar split a word that bash reads as one");
        }
        !odd && !blank
    }

    fn check_word(&mut self, node: Node<'_>) {
        if has_bare_newline(node, self.src) {
            self.opaque("a word the grammar read across a line break");
        }
    }

    /// `declare`/`export`/`local`/`readonly`/`typeset`/`unset`: builtins whose arguments name
    /// variables; a subscript in such a name is evaluated (and can run code).
    fn declaration(&mut self, node: Node<'_>, depth: usize) -> Option<usize> {
        let mut cmd = RawCommand::default();
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
        for child in &children {
            if child.is_named() {
                let w = words::eval(*child, self.src);
                if w.text.contains('[')
                    && (w.dynamic || w.text.contains('$') || w.text.contains('`'))
                {
                    self.opaque("a subscript in a variable name is evaluated and can run code");
                }
                cmd.words.push(w);
            } else if cmd.words.is_empty() {
                cmd.words
                    .push(Word { text: text(*child, self.src).to_owned(), ..Default::default() });
            }
        }
        self.out.commands.push(cmd);
        let index = self.out.commands.len() - 1;
        for c in children.into_iter().filter(|c| c.is_named()) {
            self.visit(c, Input::default(), depth + 1);
        }
        Some(index)
    }

    /// Error nodes the grammar leaves beside a statement's redirections. The one bash form it
    /// cannot read there is `cmd <>file`: an error holding `<` right before the `>file`
    /// redirection, which `redirect` then records as `<>`. Anything else is unreadable, and
    /// the redirections the grammar buried inside the error are still recorded.
    fn stray_redirect_errors(&mut self, node: Node<'_>, owner: Option<usize>, depth: usize) {
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
        for (i, c) in children.iter().enumerate() {
            if !(c.is_error() || c.is_missing()) {
                continue;
            }
            let next = children.get(i + 1);
            let read_write = text(*c, self.src) == "<"
                && next.is_some_and(|n| {
                    n.kind() == "file_redirect"
                        && n.start_byte() == c.end_byte()
                        && text(*n, self.src).starts_with('>')
                        && !text(*n, self.src).starts_with(">>")
                        && !text(*n, self.src).starts_with(">&")
                        && !text(*n, self.src).starts_with(">|")
                });
            match next {
                Some(n) if read_write => {
                    self.read_write_at.push(n.start_byte());
                    self.drop_glued_descriptor(c.start_byte(), owner);
                }
                _ => {
                    self.opaque("the bash parser could not read part of the command");
                    let mut inner = c.walk();
                    let buried: Vec<Node<'_>> = c
                        .named_children(&mut inner)
                        .filter(|r| matches!(r.kind(), "file_redirect" | "herestring_redirect"))
                        .collect();
                    for r in buried {
                        self.redirect(r, owner, depth);
                    }
                }
            }
        }
    }

    /// In `cat 0<>f` / `cat {fd}<>f` the grammar reads the descriptor as the command's last
    /// word; glued to the `<>` it is the redirection's descriptor, not an argument.
    fn drop_glued_descriptor(&mut self, operator_start: usize, owner: Option<usize>) {
        let Some(i) = owner else { return };
        let before = &self.src[..operator_start];
        let words = &mut self.out.commands[i].words;
        let Some(last) = words.last() else { return };
        let t = last.text.as_str();
        let is_descriptor =
            matches!(glued_descriptor(t), Some(GluedDescriptor::Number | GluedDescriptor::Name));
        let glued = before.strip_suffix(t).is_some_and(|rest| rest.ends_with([' ', '\t']));
        if is_descriptor && glued && words.len() > 1 {
            words.pop();
        }
    }

    /// A redirection's descriptor as bash reads it, where the grammar reads otherwise: the line
    /// is opaque when they may differ (docs/shell.md, "Opaque commands").
    fn check_descriptor(&mut self, node: Node<'_>, owner: Option<usize>) {
        let start = node.start_byte();
        let before = &self.src[..start];
        // Bash removes `\`+newline before it reads tokens, so `2\⏎>f` is `2>f` and `1\⏎0<f` is
        // `10<f`; the grammar reads a word and a redirection. A continuation after a blank
        // (`cmd x \⏎>f`) glues nothing. `\`+CR+LF is no continuation to bash.
        let glued = glued_before(self.src, start);
        if (glued.contains("\\\n") && glued.len() > glued.matches("\\\n").count() * 2)
            || before.ends_with("\\\r\n")
        {
            self.opaque("a line continuation glued to a redirection");
        }
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
        match children.iter().position(|c| c.kind() == "file_descriptor") {
            Some(i) => {
                let fd = children[i];
                let digits = text(fd, self.src);
                // Bash reads `N>` as a redirection only when N is digits that fit in an `int`: a
                // longer number is a word (`echo 99999999999999999999>f` prints the number into
                // f), and so is a signed one, which the grammar takes as a descriptor (`a -2>f`
                // passes `-2`).
                let fits =
                    digits.bytes().all(|b| b.is_ascii_digit()) && digits.parse::<i32>().is_ok();
                if !digits.is_empty() && !fits {
                    self.opaque("a descriptor bash reads as an argument (too large, or signed)");
                }
                if children.get(i + 1).is_some_and(|next| next.start_byte() != fd.end_byte()) {
                    self.opaque("a descriptor apart from its operator");
                }
            }
            // Text glued to the operator that bash reads as the descriptor, and that `command` did
            // not already take back: the owner's last word when it is that text (`a 0<in` as a
            // statement's redirection), else the line is opaque.
            None if !self.descriptor_dropped_at.contains(&start)
                && takes_descriptor(node, self.src) =>
            {
                let glued = glued_before(self.src, start);
                match glued_descriptor_of(glued) {
                    (Some(_), true) => {
                        self.opaque("a line continuation inside a redirection's descriptor")
                    }
                    (Some(GluedDescriptor::Number | GluedDescriptor::Name), false) => {
                        let words = owner.map(|i| &mut self.out.commands[i].words);
                        match words {
                            Some(words)
                                if words.len() > 1
                                    && words.last().is_some_and(|w| w.text == glued) =>
                            {
                                words.pop();
                            }
                            _ => self.opaque(
                                "a word glued to a redirection that bash reads as its descriptor",
                            ),
                        }
                    }
                    (Some(GluedDescriptor::Subscripted), false) => {
                        self.opaque("a descriptor variable with a subscript (`{a[i]}>`)")
                    }
                    (None, _) => {}
                }
            }
            None => {}
        }
    }

    fn redirect(&mut self, node: Node<'_>, owner: Option<usize>, depth: usize) {
        self.check_descriptor(node, owner);
        match node.kind() {
            "file_redirect" => {
                // The grammar has no `<>` (open for reading and writing): it reads the `<` or
                // the `>` as an error node inside the redirection, so the operator is every
                // token but the descriptor and the destination, error nodes included.
                let mut op = String::new();
                let mut unreadable = false;
                let mut cursor = node.walk();
                for c in node.children(&mut cursor) {
                    if c.is_error() || c.is_missing() {
                        unreadable = true;
                        op.push_str(text(c, self.src).trim());
                    } else if !c.is_named() {
                        op.push_str(text(c, self.src));
                    }
                }
                if op == ">" && self.read_write_at.contains(&node.start_byte()) {
                    op.insert(0, '<');
                }
                if unreadable && op != "<>" {
                    self.opaque("the bash parser could not read a redirection");
                }
                let mut c = node.walk();
                let dests: Vec<Node<'_>> =
                    node.children_by_field_name("destination", &mut c).collect();
                // `2>&-` closes a descriptor: it has no target, so every "destination" is a word.
                let closes = op.ends_with('-');
                let Some(&dest) = dests.first() else { return };
                // The grammar hangs the words after a redirection (`rm 2>/dev/null -rf /`) on
                // the redirection; to bash they are the command's arguments.
                let mut prev = if closes { None } else { Some(dest.end_byte()) };
                for extra in &dests[usize::from(!closes)..] {
                    if let Some(end) = prev
                        && self.check_gap(end, extra.start_byte())
                    {
                        self.opaque("the grammar split a word that bash reads as one");
                    }
                    prev = Some(extra.end_byte());
                    self.check_word(*extra);
                    self.visit(*extra, Input::default(), depth + 1);
                    match owner {
                        Some(i) => {
                            let w = words::eval(*extra, self.src);
                            self.out.commands[i].words.push(w);
                        }
                        None => {
                            self.opaque("words after a redirection with no command to own them")
                        }
                    }
                }
                if closes {
                    return;
                }
                self.visit(dest, Input::default(), depth + 1);
                self.check_word(dest);
                let target = words::eval(dest, self.src);
                if let Some(write) = write_of(target, op, owner) {
                    self.out.writes.push(write);
                }
            }
            "herestring_redirect" => {
                let mut cursor = node.walk();
                let body: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                if let Some(b) = body.last() {
                    let w = words::eval(*b, self.src);
                    self.visit(*b, Input::default(), depth + 1);
                    if let Some(i) = owner {
                        self.out.commands[i].stdin = Some(w.text);
                    }
                }
            }
            "heredoc_redirect" => {
                let mut cursor = node.walk();
                let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
                let quoted = children
                    .iter()
                    .find(|c| c.kind() == "heredoc_start")
                    .is_some_and(|s| text(*s, self.src).contains(['\'', '"', '\\']));
                if let Some(body) = children.iter().find(|c| c.kind() == "heredoc_body") {
                    if let Some(i) = owner {
                        self.out.commands[i].stdin = Some(text(*body, self.src).to_owned());
                    }
                    if !quoted {
                        // An unquoted heredoc body expands `$(…)`, backticks and `${…}`.
                        let mut c = body.walk();
                        let parts: Vec<Node<'_>> = body.named_children(&mut c).collect();
                        let substitutions =
                            parts.iter().filter(|p| p.kind() == "command_substitution").count();
                        let raw = text(*body, self.src);
                        if substitutions < raw.matches("$(").count() + raw.matches('`').count() / 2
                        {
                            self.opaque(
                                "a heredoc body holds a substitution the grammar did not read",
                            );
                        }
                        for p in parts {
                            self.visit(p, Input::default(), depth + 1);
                        }
                    }
                }
                let mut prev_argument: Option<usize> = None;
                for (k, c) in children.into_iter().enumerate() {
                    match (node.field_name_for_child(k as u32), c.kind()) {
                        // Words after `<<EOF` on its line are the command's arguments to bash
                        // (`rm <<EOF -rf /` runs `rm -rf /`); the grammar hangs them here.
                        (Some("argument"), _) => {
                            if let Some(end) = prev_argument
                                && self.check_gap(end, c.start_byte())
                            {
                                self.opaque("the grammar split a word that bash reads as one");
                            }
                            prev_argument = Some(c.end_byte());
                            self.check_word(c);
                            self.visit(c, Input::default(), depth + 1);
                            match owner {
                                Some(i) => {
                                    let w = words::eval(c, self.src);
                                    self.out.commands[i].words.push(w);
                                }
                                None => {
                                    self.opaque("words after a heredoc with no command to own them")
                                }
                            }
                        }
                        // tree-sitter hangs the rest of the line after `<<EOF` here.
                        (_, "pipeline") => {
                            let inp = self.piped(owner);
                            self.visit(c, inp, depth + 1);
                        }
                        (_, "file_redirect" | "herestring_redirect") => {
                            self.redirect(c, owner, depth)
                        }
                        (_, "heredoc_body" | "heredoc_start" | "heredoc_end") => {}
                        _ if c.is_named() => {
                            self.visit(c, Input::default(), depth + 1);
                        }
                        _ => {}
                    }
                }
            }
            _ => {
                self.visit(node, Input::default(), depth + 1);
            }
        }
    }
}

/// Blanks, line breaks and `\`+newline continuations only.
fn only_blanks(gap: &str) -> bool {
    let mut bytes = gap.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b' ' | b'\t' | b'\n' => {}
            b'\\' if bytes.next() == Some(b'\n') => {}
            _ => return false,
        }
    }
    true
}

/// The name of the assignment `raw` starts with (`NAME=`, `NAME+=`, `NAME[…]=` or `NAME[…]+=`,
/// NAME a letter or `_` followed by letters, digits and `_`, unquoted), as bash recognises one
/// at the start of a simple command. (Bash refuses a subscripted one there with an error, and
/// still runs the command.)
pub(super) fn assignment_name(raw: &str) -> Option<&str> {
    let end = raw.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(raw.len());
    let name = &raw[..end];
    let mut rest = &raw[end..];
    if let Some(subscript) = rest.strip_prefix('[') {
        rest = &subscript[subscript.find(']')? + 1..];
    }
    let starts_well = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    (starts_well && (rest.starts_with('=') || rest.starts_with("+="))).then_some(name)
}

/// An unquoted `word` holding a line break (the grammar glued two lines together).
fn has_bare_newline(node: Node<'_>, src: &str) -> bool {
    if node.kind() == "word" {
        return text(node, src).contains('\n');
    }
    let mut c = node.walk();
    node.named_children(&mut c).any(|ch| {
        matches!(ch.kind(), "word" | "concatenation" | "command_name") && has_bare_newline(ch, src)
    })
}

/// What a literal producer writes to standard output, when that can be known.
fn output_of(cmd: &RawCommand) -> Option<String> {
    let program = cmd.words.first().map(|w| super::program_name(&w.text))?;
    let args = cmd.words.get(1..).unwrap_or_default();
    match program {
        "echo" | "printf" => {
            Some(args.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" "))
        }
        "cat" if args.is_empty() => cmd.stdin.clone(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::ends_where_bash_ends;

    #[test]
    fn ansi_c_strings_end_at_bash_closing_quote() {
        // Bash: `\` escapes the next character, so `\\` is one backslash and the quote after it
        // closes the string; `\'` is a quote inside it.
        for (raw, closes_last) in [
            (r"$'abc'", true),
            (r"$'\\'", true),
            (r"$'it\'s'", true),
            (r"$'x\\\'y'", true),
            (r"$'\\' x # it'", false),
            (r"$'\\\\'$'", false),
            (r"$'unterminated", false),
            (r"'not ansi-c'", false),
        ] {
            assert_eq!(ends_where_bash_ends(raw), closes_last, "{raw}");
        }
    }
}
