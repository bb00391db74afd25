//! Wrappers: programs that run another command (`sudo`, `env`, `timeout`, `xargs`,
//! `find -exec`, `bash -c`, `eval`, …). They are unwrapped recursively, depth-capped, and
//! recorded, so `sudo env FOO=1 timeout 5 rm -rf /` is read as `rm -rf /` run by three wrappers.
//! See `docs/shell.md` ("Wrappers").

use super::lower::{Lowered, RawCommand};
use super::models::{self, DOWNLOADERS, INTERPRETERS, SHELLS};
use super::paths::PathFacts;
use super::words::Word;
use super::{
    CommandLine, MAX_WRAPPER_DEPTH, Origin, ShellWrite, SimpleCommand, parse_at, program_name,
};

/// What a wrapper hands on.
enum Inner {
    /// The words from this index on are the command (prefix wrappers: `sudo`, `nice`, …).
    Rest(usize),
    /// A script the wrapper runs through a shell (`bash -c`, `eval`, `watch`, `su -c`).
    Script(Word),
    /// Another program's argv (`find -exec`, `xargs`, `parallel`); its arguments come partly
    /// from elsewhere when `dynamic`.
    Argv(Vec<Word>, bool),
    /// A shell reading its script from standard input.
    Stdin,
}

/// Options (taking a value) of prefix wrappers; every other `-…` word is a bare flag.
fn prefix_spec(program: &str) -> Option<(&'static [&'static str], usize)> {
    // (options that take a separate value, positional words to skip before the command)
    Some(match program {
        "sudo" => (
            &[
                "-u",
                "-g",
                "-h",
                "-p",
                "-C",
                "-D",
                "-r",
                "-t",
                "-T",
                "-U",
                "--user",
                "--group",
                "--host",
                "--prompt",
                "--close-from",
                "--chdir",
                "--role",
                "--type",
                "--command-timeout",
                "--other-user",
            ],
            0,
        ),
        "doas" => (&["-u", "-C"], 0),
        "env" => (&["-u", "--unset", "-C", "--chdir", "-S", "--split-string", "-P"], 0),
        "command" | "builtin" | "nohup" | "setsid" | "time" => (&[], 0),
        "exec" => (&["-a"], 0),
        "timeout" => (&["-s", "--signal", "-k", "--kill-after"], 1),
        "nice" => (&["-n", "--adjustment"], 0),
        "ionice" => (&["-c", "-n", "--class", "--classdata"], 0),
        "stdbuf" => (&["-i", "-o", "-e", "--input", "--output", "--error"], 0),
        "chrt" => (&["-T", "-P", "-D", "--sched-runtime", "--sched-period", "--sched-deadline"], 1),
        "taskset" => (&[], 1),
        "flock" => (&["-w", "--timeout", "-E", "--conflict-exit-code"], 1),
        "unbuffer" | "caffeinate" | "nocache" | "catchsegv" | "fakeroot" | "proxychains"
        | "proxychains4" | "torsocks" | "firejail" | "aws-vault" | "dotenv" => (&[], 0),
        _ => return None,
    })
}

/// Find what `words[start..]` (a wrapper invocation) runs. `None`: it is not a wrapper, or runs
/// nothing (`sudo -l`, `env` alone, `command -v x`).
fn inner(words: &[Word], start: usize, stdin_known: bool) -> Option<(String, Inner)> {
    let program = program_name(&words[start].text).to_owned();
    let args = &words[start + 1..];
    let at = |i: usize| start + 1 + i;
    if let Some((valued, positional_skip)) = prefix_spec(&program) {
        let mut i = 0;
        let mut skipped = 0;
        while i < args.len() {
            let t = args[i].text.as_str();
            if t == "--" {
                i += 1;
                break;
            }
            // `env` takes any word holding `=` before the command as an assignment; `sudo`
            // takes `NAME=value` among its options.
            if (program == "env" && !t.starts_with('-') && t.contains('='))
                || (program == "sudo" && is_assignment(t))
            {
                i += 1;
                continue;
            }
            if program == "env"
                && (t == "-S"
                    || t == "--split-string"
                    || t.starts_with("--split-string=")
                    || (t.starts_with("-S") && t.len() > 2))
            {
                // `env -S 'a b c'` splits its argument into words, like a small shell.
                let script = if let Some(v) = t.strip_prefix("--split-string=") {
                    Word { text: v.to_owned(), ..args[i].clone() }
                } else if t.len() > 2 && t.starts_with("-S") {
                    Word { text: t[2..].to_owned(), ..args[i].clone() }
                } else {
                    args.get(i + 1)?.clone()
                };
                let mut joined = script;
                for w in &args[i + 2.min(args.len() - i)..] {
                    joined.text.push(' ');
                    joined.text.push_str(&w.text);
                    joined.dynamic |= w.dynamic;
                }
                return Some((program, Inner::Script(joined)));
            }
            if program == "command" && (t == "-v" || t == "-V") {
                return None;
            }
            if program == "flock" && (t == "-c" || t == "--command") {
                return Some((program, Inner::Script(args.get(i + 1)?.clone())));
            }
            if t.starts_with('-')
                && t.len() > 1
                && !(program == "nice" && t[1..].chars().all(|c| c.is_ascii_digit()))
            {
                let name = t.split('=').next().unwrap_or(t);
                i += if valued.contains(&name) && !t.contains('=') { 2 } else { 1 };
                continue;
            }
            if program == "nice" && t.starts_with('-') {
                i += 1;
                continue;
            }
            if skipped < positional_skip {
                skipped += 1;
                i += 1;
                continue;
            }
            break;
        }
        // After the options: `env -- X=1 cmd` (env still takes any word holding `=`) and
        // bash's `time X=1 cmd` (a valid assignment). After `--` sudo takes none.
        let skip = |t: &str| match program.as_str() {
            "env" => t.contains('=') && !t.starts_with('-'),
            "time" => is_assignment(t),
            _ => false,
        };
        while args.get(i).is_some_and(|a| skip(&a.text)) {
            i += 1;
        }
        return (i < args.len()).then(|| (program, Inner::Rest(at(i))));
    }
    match program.as_str() {
        "busybox" if args.first().is_some_and(|a| !SHELLS.contains(&a.text.as_str())) => {
            Some((program, Inner::Rest(at(0))))
        }
        "ssh" => {
            // `ssh [opts] HOST [COMMAND…]`: the remote command is a shell script.
            let valued = [
                "-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O", "-o",
                "-p", "-Q", "-R", "-S", "-W", "-w", "-B",
            ];
            let mut i = 0;
            while i < args.len() && args[i].text.starts_with('-') {
                i += if valued.contains(&args[i].text.as_str()) { 2 } else { 1 };
            }
            let rest = args.get(i + 1..).filter(|r| !r.is_empty())?;
            Some((program, Inner::Script(join_words(rest))))
        }
        "docker" | "podman" | "kubectl" | "oc"
            if args.first().is_some_and(|a| a.text == "exec") =>
        {
            // `kubectl exec POD -- CMD…`; `docker exec [opts] CONTAINER CMD…`.
            if let Some(dd) = args.iter().position(|a| a.text == "--") {
                return (dd + 1 < args.len()).then(|| (program, Inner::Rest(at(dd + 1))));
            }
            let valued = [
                "-e",
                "--env",
                "-u",
                "--user",
                "-w",
                "--workdir",
                "--env-file",
                "--detach-keys",
                "-c",
                "--container",
                "-n",
                "--namespace",
            ];
            let mut i = 1;
            while i < args.len() && args[i].text.starts_with('-') {
                let t = args[i].text.as_str();
                i += if valued.contains(&t) { 2 } else { 1 };
            }
            (i + 1 < args.len()).then(|| (program, Inner::Rest(at(i + 1))))
        }
        // `trap ACTION SIGNAL…` runs ACTION later, as `eval` would; `trap -p`, `trap - SIG` and
        // `trap '' SIG` run nothing.
        "trap" => {
            let from = usize::from(args.first().is_some_and(|a| a.text == "--"));
            let action = args.get(from)?;
            let runs = args.len() > from + 1
                && (action.dynamic || !action.text.is_empty())
                && action.text != "-"
                && !(from == 0 && action.text.starts_with('-'));
            runs.then(|| (program, Inner::Script(action.clone())))
        }
        // `jobs -x CMD ARGS…` runs CMD; `compgen -C CMD` and `complete -C CMD` run CMD.
        // `jobs -x [-lnprs…] [--] CMD…`: any bundle of its letters holding `x`.
        "jobs" => {
            let mut i = 0;
            let mut runs = false;
            while let Some(t) = args.get(i).map(|a| a.text.as_str()) {
                let letters = t.strip_prefix('-').filter(|l| !l.is_empty());
                match letters {
                    Some("-") => {
                        i += 1;
                        break;
                    }
                    Some(l) if l.chars().all(|c| "lnprsx".contains(c)) => {
                        runs |= l.contains('x');
                        i += 1;
                    }
                    _ => break,
                }
            }
            (runs && i < args.len()).then(|| (program, Inner::Rest(at(i))))
        }
        // `coproc [NAME=value…] CMD ARGS…` runs CMD in the background.
        "coproc" => {
            let i = args.iter().take_while(|a| is_assignment(&a.text)).count();
            (i < args.len()).then(|| (program, Inner::Rest(at(i))))
        }
        "compgen" | "complete" => {
            let c = args.iter().position(|a| a.text == "-C")?;
            Some((program, Inner::Script(args.get(c + 1)?.clone())))
        }
        "eval" => {
            let mut joined = Word::default();
            for (n, w) in args.iter().enumerate() {
                if n > 0 {
                    joined.text.push(' ');
                }
                joined.text.push_str(&w.text);
                joined.dynamic |= w.dynamic;
            }
            (!args.is_empty()).then_some((program, Inner::Script(joined)))
        }
        p if SHELLS.contains(&p) || p == "su" => {
            // `bash [opts] -c SCRIPT [name args…]`; `-c` may be bundled (`-lc`, `-ec`).
            let mut i = 0;
            let mut reads_stdin = false;
            while i < args.len() {
                let t = args[i].text.as_str();
                if p == "busybox" && i == 0 && matches!(t, "sh" | "ash" | "bash") {
                    i += 1;
                    continue;
                }
                if t == "--" {
                    i += 1;
                    break;
                }
                if (t.starts_with('-') || t.starts_with('+')) && t.len() > 1 && !t.starts_with("--")
                {
                    if t[1..].contains('c') {
                        return Some((program, Inner::Script(args.get(i + 1)?.clone())));
                    }
                    if t[1..].contains('s') {
                        reads_stdin = true;
                    }
                    // `-o option` / `-O shopt` take a value.
                    i += if t.ends_with('o') || t.ends_with('O') { 2 } else { 1 };
                    continue;
                }
                if t == "--command" && p == "su" {
                    return Some((program, Inner::Script(args.get(i + 1)?.clone())));
                }
                if t.starts_with("--") {
                    i += 1;
                    continue;
                }
                break;
            }
            if p == "su" {
                return None;
            }
            if reads_stdin || i >= args.len() {
                return stdin_known.then_some((program, Inner::Stdin));
            }
            None
        }
        "watch" => {
            let valued = ["-n", "--interval", "-q", "--equexit", "-g"];
            let mut i = 0;
            let mut exec = false;
            while i < args.len() && args[i].text.starts_with('-') {
                let t = args[i].text.as_str();
                if t == "-x" || t == "--exec" {
                    exec = true;
                }
                i += if valued.contains(&t) { 2 } else { 1 };
            }
            if i >= args.len() {
                return None;
            }
            if exec {
                return Some((program, Inner::Rest(at(i))));
            }
            let mut joined = Word::default();
            for (n, w) in args[i..].iter().enumerate() {
                if n > 0 {
                    joined.text.push(' ');
                }
                joined.text.push_str(&w.text);
                joined.dynamic |= w.dynamic;
            }
            Some((program, Inner::Script(joined)))
        }
        "xargs" => {
            let valued = [
                "-a",
                "-d",
                "-E",
                "-I",
                "-L",
                "-n",
                "-P",
                "-s",
                "--arg-file",
                "--delimiter",
                "--eof",
                "--replace",
                "--max-lines",
                "--max-args",
                "--max-procs",
                "--max-chars",
                "--process-slot-var",
            ];
            let mut i = 0;
            while i < args.len() && args[i].text.starts_with('-') {
                let t = args[i].text.as_str();
                let name = t.split('=').next().unwrap_or(t);
                i += if valued.contains(&name) && !t.contains('=') { 2 } else { 1 };
            }
            let argv: Vec<Word> = if i < args.len() {
                args[i..].to_vec()
            } else {
                vec![Word { text: "echo".into(), ..Default::default() }]
            };
            Some((program, Inner::Argv(argv, true)))
        }
        "parallel" => {
            let valued = [
                "-j",
                "-N",
                "-n",
                "-S",
                "-P",
                "-I",
                "--jobs",
                "--colsep",
                "--sshlogin",
                "--delay",
                "--timeout",
                "--retries",
                "--joblog",
                "--results",
                "-a",
                "--arg-file",
            ];
            let mut i = 0;
            while i < args.len() && args[i].text.starts_with('-') {
                let t = args[i].text.as_str();
                i += if valued.contains(&t) { 2 } else { 1 };
            }
            let end = args[i..]
                .iter()
                .position(|w| w.text.starts_with(":::"))
                .map_or(args.len(), |p| i + p);
            if i >= end {
                return None;
            }
            // GNU parallel runs its command through a shell.
            let mut joined = Word { dynamic: true, ..Default::default() };
            for (n, w) in args[i..end].iter().enumerate() {
                if n > 0 {
                    joined.text.push(' ');
                }
                joined.text.push_str(&w.text);
            }
            Some((program, Inner::Script(Word { dynamic: false, ..joined })))
        }
        _ => None,
    }
}

fn join_words(words: &[Word]) -> Word {
    let mut joined = Word::default();
    for (n, w) in words.iter().enumerate() {
        if n > 0 {
            joined.text.push(' ');
        }
        joined.text.push_str(&w.text);
        joined.dynamic |= w.dynamic;
    }
    joined
}

/// `find … -exec CMD … ;|+` clauses.
fn find_execs(words: &[Word], start: usize) -> Vec<Vec<Word>> {
    let mut out = Vec::new();
    let mut i = start + 1;
    while i < words.len() {
        if matches!(words[i].text.as_str(), "-exec" | "-execdir" | "-ok" | "-okdir") {
            let from = i + 1;
            let mut j = from;
            while j < words.len() && !matches!(words[j].text.as_str(), ";" | "+") {
                j += 1;
            }
            if j > from {
                out.push(words[from..j].to_vec());
            }
            i = j;
        }
        i += 1;
    }
    out
}

struct Builder {
    line: CommandLine,
    depth: usize,
    /// Index of the unit built for each raw command.
    raw_units: Vec<Option<usize>>,
    /// Files a downloader writes itself (`curl -o F`).
    downloads: Vec<String>,
}

pub(crate) fn finish(lowered: Lowered, depth: usize) -> CommandLine {
    let Lowered { commands, writes, opaque } = lowered;
    let mut b = Builder {
        line: CommandLine { opaque, ..Default::default() },
        depth,
        raw_units: vec![None; commands.len()],
        downloads: Vec::new(),
    };
    if depth > MAX_WRAPPER_DEPTH {
        b.line
            .opaque
            .get_or_insert_with(|| format!("wrappers nest deeper than {MAX_WRAPPER_DEPTH} levels"));
    }
    for (i, raw) in commands.iter().enumerate() {
        let unit = b.command(raw, &raw.words, Origin::Shell, Vec::new(), false, 0);
        b.raw_units[i] = unit;
    }
    let mut downloaded: Vec<String> = b.downloads.clone();
    for w in writes {
        // `curl x > install.sh`: the file holds a download.
        let owner = w.owner.and_then(|o| b.raw_units.get(o).copied().flatten());
        if owner.is_some_and(|u| DOWNLOADERS.contains(&b.line.commands[u].program.as_str())) {
            downloaded.push(super::paths::normalize(&w.target.text));
        }
        b.write(w.target, w.via);
    }
    // Pipes: a download piped (through any filters) into a shell or interpreter.
    for (i, raw) in commands.iter().enumerate() {
        let Some(consumer) = b.raw_units[i] else { continue };
        if !reads_script_from_stdin(&b.line.commands[consumer]) {
            continue;
        }
        let mut from = raw.piped_from;
        let mut hops = 0;
        while let Some(j) = from {
            hops += 1;
            if hops > commands.len() {
                break;
            }
            let producer = b.raw_units.get(j).copied().flatten();
            if producer.is_some_and(|p| DOWNLOADERS.contains(&b.line.commands[p].program.as_str()))
            {
                b.line.commands[consumer].effects.insert("pipe.to_shell".to_owned());
                break;
            }
            from = commands.get(j).and_then(|r| r.piped_from);
        }
    }
    // A downloaded file run in the same line: `curl -o i.sh x && bash i.sh`, `./i.sh`.
    if !downloaded.is_empty() {
        for c in &mut b.line.commands {
            let runs_script = SHELLS.contains(&c.program.as_str())
                || INTERPRETERS.contains(&c.program.as_str())
                || matches!(c.program.as_str(), "source" | ".");
            let script = if runs_script {
                c.positionals.iter().find(|p| !p.starts_with('-')).cloned()
            } else {
                Some(c.program_raw.clone())
            };
            if script.is_some_and(|s| downloaded.contains(&super::paths::normalize(&s))) {
                c.effects.insert("pipe.to_shell".to_owned());
            }
        }
    }
    // A builtin reached through any wrapper that evaluates a subscript holding code, or that
    // arranges for code to run where the words do not show it.
    let hidden = |c: &SimpleCommand| {
        super::subscripts::code_in_subscript(c).or_else(|| super::deferred_code::deferred_code(c))
    };
    if let Some(why) = b.line.commands.iter().find_map(hidden) {
        b.line.opaque.get_or_insert_with(|| why.to_owned());
    }
    b.resolve_cwd();
    b.line
}

/// A bash assignment word (`NAME=…`, `NAME+=…`, `NAME[…]=…`), as the lowering recognises one.
fn is_assignment(t: &str) -> bool {
    super::lower::assignment_name(t).is_some()
}

fn reads_script_from_stdin(c: &SimpleCommand) -> bool {
    let p = c.program.as_str();
    if !(SHELLS.contains(&p) || INTERPRETERS.contains(&p)) {
        return false;
    }
    // No script argument (only flags), or an explicit `-s` / `-`.
    c.positionals.is_empty()
        || c.flags.iter().any(|f| f == "-s" || f.ends_with('s') && !f.starts_with("--"))
        || c.positionals.first().is_some_and(|p| p == "-")
}

impl Builder {
    fn write(&mut self, target: Word, via: impl Into<String>) {
        let facts = PathFacts::of_word(&target);
        self.line.writes.push(ShellWrite {
            path: target.text.clone(),
            via: via.into(),
            dynamic: target.dynamic,
            facts,
        });
    }

    /// Build the unit for `words` (one raw command, or a wrapper's inner argv) and everything it
    /// runs. Returns the unit's index.
    fn command(
        &mut self,
        raw: &RawCommand,
        words: &[Word],
        origin: Origin,
        wrappers: Vec<String>,
        args_dynamic: bool,
        level: usize,
    ) -> Option<usize> {
        if words.is_empty() {
            return None;
        }
        let mut start = 0;
        let mut chain = wrappers;
        let mut nested: Vec<(String, Inner)> = Vec::new();
        let mut opaque = raw.opaque.clone().filter(|_| level == 0);
        // Unwrap prefix wrappers in place; stop at the first wrapper that hands on a script or
        // another argv.
        let mut guard = 0;
        loop {
            guard += 1;
            if guard > MAX_WRAPPER_DEPTH * 4 {
                opaque.get_or_insert_with(|| "wrappers nest too deeply".to_owned());
                break;
            }
            if words[start].dynamic {
                opaque.get_or_insert_with(|| {
                    format!("the program word '{}' is only known at run time", words[start].text)
                });
                break;
            }
            match inner(words, start, raw.stdin.is_some()) {
                Some((name, Inner::Rest(next))) => {
                    chain.push(name);
                    start = next;
                }
                Some(other) => {
                    nested.push(other);
                    break;
                }
                None => break,
            }
        }
        let argv = &words[start..];
        let program_raw = argv[0].text.clone();
        let mut cmd = SimpleCommand {
            words: words.iter().map(|w| w.text.clone()).collect(),
            argv: argv.iter().map(|w| w.text.clone()).collect(),
            program: if opaque.is_some() && argv[0].dynamic {
                String::new()
            } else {
                program_name(&program_raw).to_owned()
            },
            program_raw,
            wrappers: chain.clone(),
            assignments: if level == 0 { raw.assignments.clone() } else { Vec::new() },
            dynamic: args_dynamic || words.iter().skip(1).any(|w| w.dynamic),
            glob: words.iter().any(|w| w.glob),
            origin,
            ..Default::default()
        };
        cmd.normalized = cmd.words.join(" ");
        let model_writes = models::apply(&mut cmd, argv, raw.stdin.as_deref());
        if args_dynamic && cmd.effects.contains("fs.delete") {
            cmd.path_classes.insert("dynamic".to_owned());
        }
        for w in model_writes {
            if w.via == "curl -o" || w.via == "wget -O" {
                self.downloads.push(super::paths::normalize(&w.target.text));
            }
            self.write(w.target, w.via);
        }
        // `bash <(curl …)`, `source <(wget …)`, `sh -c "$(curl …)"`.
        let runs_scripts = SHELLS.contains(&cmd.program.as_str())
            || matches!(cmd.program.as_str(), "source" | "." | "eval")
            || INTERPRETERS.contains(&cmd.program.as_str());
        if runs_scripts
            && argv.iter().skip(1).any(|w| {
                w.dynamic
                    && DOWNLOADERS.iter().any(|d| w.text.contains(d))
                    && (w.text.contains("<(") || w.text.contains("$(") || w.text.contains('`'))
            })
        {
            cmd.effects.insert("pipe.to_shell".to_owned());
        }
        if let Some(why) = &opaque {
            cmd.opaque = true;
            cmd.opaque_reason = Some(why.clone());
        }
        let finds = if cmd.program == "find" { find_execs(argv, 0) } else { Vec::new() };
        self.line.commands.push(cmd);
        let index = self.line.commands.len() - 1;
        for (name, what) in nested {
            let mut chain = chain.clone();
            chain.push(name.clone());
            match what {
                Inner::Rest(_) => {}
                Inner::Script(word) => self.script(&word, &chain, index),
                Inner::Stdin => {
                    let text =
                        Word { text: raw.stdin.clone().unwrap_or_default(), ..Default::default() };
                    self.script(&text, &chain, index);
                }
                Inner::Argv(argv, dynamic) => {
                    let sub = RawCommand { words: argv.clone(), ..Default::default() };
                    self.command(&sub, &argv, Origin::Wrapper, chain, dynamic, level + 1);
                }
            }
        }
        for exec in finds {
            let mut chain = chain.clone();
            chain.push("find".to_owned());
            let dynamic = exec.iter().any(|w| w.text.contains("{}"));
            let sub = RawCommand { words: exec.clone(), ..Default::default() };
            self.command(&sub, &exec, Origin::Wrapper, chain, dynamic, level + 1);
        }
        Some(index)
    }

    /// `cd DIR && rm -rf *`: relative paths after a `cd` are also classed as seen from every
    /// directory the line changes to (the order of commands is not tracked, so this only widens
    /// what a path may be). A `cd` to a dynamic directory makes later relative deletions dynamic.
    fn resolve_cwd(&mut self) {
        let mut dirs: Vec<String> = Vec::new();
        let mut dynamic = false;
        for c in &self.line.commands {
            if matches!(c.program.as_str(), "cd" | "pushd") {
                match c.positionals.first() {
                    None => dirs.push("~".to_owned()),
                    Some(p) if c.dynamic || p == "-" => dynamic = true,
                    Some(p) => {
                        let base = dirs.last().cloned().unwrap_or_else(|| ".".to_owned());
                        dirs.push(join(&base, p));
                    }
                }
            }
        }
        if dirs.is_empty() && !dynamic {
            return;
        }
        let classes_from = |p: &str| -> Vec<String> {
            if p.starts_with('/') || p.starts_with('~') {
                return Vec::new();
            }
            dirs.iter().flat_map(|d| PathFacts::of(&join(d, p)).classes).collect()
        };
        for c in &mut self.line.commands {
            if matches!(c.program.as_str(), "cd" | "pushd") {
                continue;
            }
            let extra: Vec<String> = c.paths.iter().flat_map(|p| classes_from(p)).collect();
            c.path_classes.extend(extra);
            if dynamic
                && c.effects.contains("fs.delete")
                && c.paths.iter().any(|p| !p.starts_with('/') && !p.starts_with('~'))
            {
                c.path_classes.insert("dynamic".to_owned());
            }
        }
        for w in &mut self.line.writes {
            let extra = classes_from(&w.path);
            w.facts.classes.extend(extra);
        }
    }

    /// A script run by a wrapper: parsed as its own command line, one level deeper.
    fn script(&mut self, word: &Word, chain: &[String], owner: usize) {
        if word.dynamic {
            let c = &mut self.line.commands[owner];
            c.opaque = true;
            c.opaque_reason = Some(format!(
                "{} runs a script only known at run time",
                chain.last().map_or("a wrapper", String::as_str)
            ));
            return;
        }
        let sub = parse_at(&word.text, self.depth + 1);
        if let Some(why) = sub.opaque {
            let c = &mut self.line.commands[owner];
            c.opaque = true;
            c.opaque_reason = Some(why);
        }
        for mut c in sub.commands {
            let mut w = chain.to_vec();
            w.extend(c.wrappers);
            c.wrappers = w;
            c.origin = Origin::Wrapper;
            self.line.commands.push(c);
        }
        self.line.writes.extend(sub.writes);
    }
}

/// `base` joined with a relative `path` (an absolute or home path stands alone).
fn join(base: &str, path: &str) -> String {
    if path.starts_with('/') || path.starts_with('~') || base == "." {
        super::paths::normalize(path)
    } else {
        super::paths::normalize(&format!("{base}/{path}"))
    }
}
