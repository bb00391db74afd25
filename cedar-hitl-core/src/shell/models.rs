//! Command models: for the programs that matter, what their words mean — which words are
//! flags (and which flags take a value), which are paths, and what running the command does.
//! Unknown programs get generic facts. See `docs/shell.md` ("Command models").

use super::SimpleCommand;
use super::words::Word;
use crate::constants;
use regex::Regex;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// A file the command writes, found by its model.
pub(crate) struct ModelWrite {
    pub target: Word,
    pub via: &'static str,
}

/// Programs that read a script from standard input when given no script argument.
pub(crate) const SHELLS: [&str; 9] =
    ["bash", "sh", "zsh", "dash", "ksh", "mksh", "ash", "fish", "busybox"];
pub(crate) const INTERPRETERS: [&str; 8] =
    ["python", "python3", "python2", "perl", "ruby", "node", "php", "pwsh"];
pub(crate) const DOWNLOADERS: [&str; 5] = ["curl", "wget", "fetch", "aria2c", "http"];
const SQL_CLIENTS: [&str; 10] = [
    "psql",
    "mysql",
    "mariadb",
    "sqlite3",
    "duckdb",
    "clickhouse-client",
    "clickhouse",
    "sqlcmd",
    "cockroach",
    "pgcli",
];

/// Flags of one program: which short letters may be bundled, which take a value.
struct FlagSpec {
    /// Short flags that take no value (may be bundled: `-rf`).
    bundle: &'static str,
    /// Short flags that take a value (the rest of the word, or the next word).
    valued: &'static str,
    /// Long flags that take a separate value when written without `=`.
    long_valued: &'static [&'static str],
    /// Long aliases → one name.
    aliases: &'static [(&'static str, &'static str)],
}

struct Parsed {
    flags: BTreeSet<String>,
    /// Flag values as `(flag, value)`.
    values: Vec<(String, Word)>,
    positionals: Vec<Word>,
}

fn parse_flags(args: &[Word], spec: &FlagSpec) -> Parsed {
    let mut p = Parsed { flags: BTreeSet::new(), values: Vec::new(), positionals: Vec::new() };
    let mut i = 0;
    let mut only_positionals = false;
    while i < args.len() {
        let w = &args[i];
        let t = w.text.as_str();
        i += 1;
        if only_positionals || t == "-" || !t.starts_with('-') {
            p.positionals.push(w.clone());
            continue;
        }
        if t == "--" {
            only_positionals = true;
            continue;
        }
        if let Some(long) = t.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            let flag = format!("--{name}");
            let flag = spec
                .aliases
                .iter()
                .find(|(a, _)| *a == flag)
                .map_or(flag.clone(), |(_, to)| (*to).to_owned());
            if let Some(v) = inline {
                p.values.push((flag.clone(), Word { text: v.to_owned(), ..w.clone() }));
            } else if spec.long_valued.contains(&format!("--{name}").as_str())
                && let Some(v) = args.get(i)
            {
                p.values.push((flag.clone(), v.clone()));
                i += 1;
            }
            p.flags.insert(flag);
            continue;
        }
        // Short flags: split the bundle letter by letter while the model knows the letters.
        let letters: Vec<char> = t[1..].chars().collect();
        let mut j = 0;
        while j < letters.len() {
            let c = letters[j];
            j += 1;
            if spec.valued.contains(c) {
                let flag = format!("-{c}");
                let rest: String = letters[j..].iter().collect();
                let value = if !rest.is_empty() {
                    Some(Word { text: rest, ..w.clone() })
                } else {
                    let v = args.get(i).cloned();
                    if v.is_some() {
                        i += 1;
                    }
                    v
                };
                if let Some(v) = value {
                    p.values.push((flag.clone(), v));
                }
                p.flags.insert(alias(spec, flag));
                break;
            } else if spec.bundle.contains(c) {
                p.flags.insert(alias(spec, format!("-{c}")));
            } else {
                // Unknown letter: keep the rest of the word as written.
                let rest: String = letters[j - 1..].iter().collect();
                p.flags.insert(format!("-{rest}"));
                break;
            }
        }
    }
    p
}

fn alias(spec: &FlagSpec, flag: String) -> String {
    spec.aliases.iter().find(|(a, _)| *a == flag).map_or(flag, |(_, to)| (*to).to_owned())
}

fn texts(ws: &[Word]) -> Vec<String> {
    ws.iter().map(|w| w.text.clone()).collect()
}

fn add(set: &mut BTreeSet<String>, s: &str) {
    set.insert(s.to_owned());
}

/// Fill in the model facts of `cmd` (whose program and argv are set) and return its writes.
pub(crate) fn apply(
    cmd: &mut SimpleCommand,
    argv: &[Word],
    stdin: Option<&str>,
) -> Vec<ModelWrite> {
    let args = argv.get(1..).unwrap_or_default();
    let program = cmd.program.clone();
    let mut writes = Vec::new();
    let mut path_words: Vec<Word> = Vec::new();
    match program.as_str() {
        "rm" | "unlink" | "rmdir" => {
            let p = parse_flags(
                args,
                &FlagSpec {
                    bundle: "fiIrRdv",
                    valued: "",
                    long_valued: &[],
                    aliases: &[
                        ("-R", "-r"),
                        ("--recursive", "-r"),
                        ("--force", "-f"),
                        ("--dir", "-d"),
                        ("--verbose", "-v"),
                    ],
                },
            );
            add(&mut cmd.effects, "fs.delete");
            if p.flags.contains("-r") {
                add(&mut cmd.effects, "fs.delete.recursive");
            }
            if p.flags.contains("--no-preserve-root") {
                add(&mut cmd.effects, "fs.delete.no_preserve_root");
            }
            for t in &p.positionals {
                writes.push(ModelWrite { target: t.clone(), via: "rm" });
            }
            path_words = p.positionals.clone();
            set_generic(cmd, p);
        }
        "find" => find(cmd, args, &mut path_words),
        "git" => git(cmd, args),
        "dd" => {
            for a in args {
                if let Some(of) = a.text.strip_prefix("of=") {
                    let target = Word { text: of.to_owned(), ..a.clone() };
                    if is_block_device(of) {
                        add(&mut cmd.effects, "disk.overwrite");
                    }
                    path_words.push(target.clone());
                    writes.push(ModelWrite { target, via: "dd" });
                }
            }
            generic(cmd, args);
        }
        "shred" | "wipe" => {
            let p = parse_flags(
                args,
                &FlagSpec {
                    bundle: "fuvxz",
                    valued: "nsT",
                    long_valued: &["--iterations", "--size", "--random-source"],
                    aliases: &[],
                },
            );
            add(&mut cmd.effects, "fs.shred");
            for t in &p.positionals {
                if is_block_device(&t.text) {
                    add(&mut cmd.effects, "disk.overwrite");
                }
                writes.push(ModelWrite { target: t.clone(), via: "shred" });
            }
            path_words = p.positionals.clone();
            set_generic(cmd, p);
        }
        "chmod" | "chown" | "chgrp" => {
            let p = parse_flags(
                args,
                &FlagSpec {
                    bundle: "RcfvhHLP",
                    valued: "",
                    long_valued: &["--reference"],
                    aliases: &[("--recursive", "-R")],
                },
            );
            if p.flags.contains("-R") {
                add(&mut cmd.effects, "perm.recursive");
            }
            let skip = usize::from(!p.flags.contains("--reference"));
            path_words = p.positionals.iter().skip(skip).cloned().collect();
            set_generic(cmd, p);
        }
        "tee" => {
            let p = parse_flags(
                args,
                &FlagSpec {
                    bundle: "aip",
                    valued: "",
                    long_valued: &[],
                    aliases: &[("--append", "-a")],
                },
            );
            for t in &p.positionals {
                writes.push(ModelWrite { target: t.clone(), via: "tee" });
            }
            path_words = p.positionals.clone();
            set_generic(cmd, p);
        }
        "cp" | "mv" | "install" | "ln" => {
            let (bundle, valued) = match program.as_str() {
                "install" => ("bcCdDpsvZ", "gmoStT"),
                "ln" => ("bdfFinLPrsTv", "St"),
                _ => ("abdfHilLnPpRrsTuvxZ", "St"),
            };
            let p = parse_flags(
                args,
                &FlagSpec {
                    bundle,
                    valued,
                    long_valued: &["--target-directory", "--suffix", "--backup"],
                    aliases: &[("--target-directory", "-t")],
                },
            );
            let via: &'static str = match program.as_str() {
                "cp" => "cp",
                "mv" => "mv",
                "install" => "install",
                _ => "ln",
            };
            let target = p.values.iter().find(|(f, _)| f == "-t").map(|(_, v)| v.clone());
            let dests: Vec<Word> = match target {
                Some(t) => vec![t],
                None if program == "install" && p.flags.contains("-d") => p.positionals.clone(),
                None if p.positionals.len() >= 2 => {
                    p.positionals.last().cloned().into_iter().collect()
                }
                None => Vec::new(),
            };
            if program == "mv" {
                // A move also removes its sources.
                for s in p.positionals.iter().take(p.positionals.len().saturating_sub(1)) {
                    writes.push(ModelWrite { target: s.clone(), via });
                }
            }
            for d in &dests {
                writes.push(ModelWrite { target: d.clone(), via });
            }
            path_words = p.positionals.clone();
            set_generic(cmd, p);
        }
        "sed" | "gsed" => {
            let p = parse_flags(
                args,
                &FlagSpec {
                    bundle: "nrEsuz",
                    valued: "efl",
                    long_valued: &["--expression", "--file", "--line-length"],
                    aliases: &[],
                },
            );
            let in_place = p.flags.iter().any(|f| {
                f == "--in-place"
                    || f.starts_with("-i")
                    || f.contains('i') && f.starts_with('-') && !f.starts_with("--")
            });
            let has_script_flag = p
                .values
                .iter()
                .any(|(f, _)| f == "-e" || f == "-f" || f == "--expression" || f == "--file");
            let files: Vec<Word> =
                p.positionals.iter().skip(usize::from(!has_script_flag)).cloned().collect();
            if in_place {
                for f in &files {
                    writes.push(ModelWrite { target: f.clone(), via: "sed -i" });
                }
            }
            path_words = files;
            set_generic(cmd, p);
        }
        "perl" => {
            let p = parse_flags(
                args,
                &FlagSpec {
                    bundle: "acnpswTtUWX",
                    valued: "eEIMmlx0Ci",
                    long_valued: &[],
                    aliases: &[],
                },
            );
            let in_place = p.flags.contains("-i");
            let has_code = p.values.iter().any(|(f, _)| f == "-e" || f == "-E");
            let files: Vec<Word> =
                p.positionals.iter().skip(usize::from(!has_code)).cloned().collect();
            if in_place {
                for f in &files {
                    writes.push(ModelWrite { target: f.clone(), via: "perl -i" });
                }
            }
            path_words = files;
            set_generic(cmd, p);
        }
        "truncate" | "touch" => {
            let p = parse_flags(
                args,
                &FlagSpec {
                    bundle: "acfhmo",
                    valued: "srdtB",
                    long_valued: &["--size", "--reference", "--date"],
                    aliases: &[],
                },
            );
            let via = if program == "touch" { "touch" } else { "truncate" };
            for t in &p.positionals {
                writes.push(ModelWrite { target: t.clone(), via });
            }
            path_words = p.positionals.clone();
            set_generic(cmd, p);
        }
        "rsync" => {
            let p = parse_flags(
                args,
                &FlagSpec {
                    bundle: "avzrlptgoDhPnHAXxuWcCqRS",
                    valued: "e",
                    long_valued: &[
                        "--exclude",
                        "--include",
                        "--rsh",
                        "--filter",
                        "--chmod",
                        "--backup-dir",
                        "--link-dest",
                    ],
                    aliases: &[],
                },
            );
            // `rsync --delete SRC DEST` removes from DEST whatever SRC lacks: `rsync -a --delete empty/ /`.
            let dest = p.positionals.last().filter(|_| p.positionals.len() >= 2).cloned();
            if let Some(d) = dest {
                if p.flags.iter().any(|f| f.starts_with("--delete") || f == "--remove-source-files")
                {
                    add(&mut cmd.effects, "fs.delete");
                    add(&mut cmd.effects, "fs.delete.recursive");
                }
                if !d.text.contains(':') {
                    writes.push(ModelWrite { target: d.clone(), via: "rsync" });
                    path_words.push(d);
                }
            }
            set_generic(cmd, p);
        }
        "tar" | "bsdtar" | "unzip" => {
            // Extraction into a directory writes there: `tar -xf x.tar -C .git`, `unzip x -d .git`.
            let dir_flag = if program == "unzip" { "-d" } else { "-C" };
            let mut i = 0;
            while i < args.len() {
                let t = args[i].text.as_str();
                if t == dir_flag || t == "--directory" {
                    if let Some(d) = args.get(i + 1) {
                        writes.push(ModelWrite {
                            target: d.clone(),
                            via: if program == "unzip" { "unzip -d" } else { "tar -C" },
                        });
                        path_words.push(d.clone());
                    }
                    i += 1;
                } else if let Some(d) = t.strip_prefix("--directory=") {
                    let w = Word { text: d.to_owned(), ..args[i].clone() };
                    writes.push(ModelWrite { target: w.clone(), via: "tar -C" });
                    path_words.push(w);
                }
                i += 1;
            }
            generic(cmd, args);
        }
        "ssh-keygen" => {
            let p = parse_flags(
                args,
                &FlagSpec {
                    bundle: "qyNlBHLv",
                    valued: "fbtCNEmZaOsIunVzrRFDPwKYG",
                    long_valued: &[],
                    aliases: &[],
                },
            );
            for (f, v) in &p.values {
                if f == "-f" {
                    writes.push(ModelWrite { target: v.clone(), via: "ssh-keygen -f" });
                }
            }
            set_generic(cmd, p);
        }
        "curl" | "wget" => {
            add(&mut cmd.effects, "net.download");
            let p = if program == "curl" {
                parse_flags(
                    args,
                    &FlagSpec {
                        bundle: "fsSLkIiOvqgGNRZ#",
                        valued: "odHXuAeEFmrTwxyYzbcKCDQ",
                        long_valued: &[
                            "--output",
                            "--data",
                            "--header",
                            "--request",
                            "--user",
                            "--url",
                            "--config",
                            "--form",
                            "--max-time",
                            "--data-raw",
                            "--data-binary",
                            "--cookie",
                            "--cookie-jar",
                            "--dump-header",
                            "--proxy",
                            "--user-agent",
                            "--write-out",
                            "--upload-file",
                            "--retry",
                            "--connect-timeout",
                        ],
                        aliases: &[("--output", "-o")],
                    },
                )
            } else {
                parse_flags(
                    args,
                    &FlagSpec {
                        bundle: "qvcNrpkSnb",
                        valued: "OoaPUtTlAIRDeQwi",
                        long_valued: &[
                            "--output-document",
                            "--directory-prefix",
                            "--user-agent",
                            "--tries",
                            "--timeout",
                            "--header",
                        ],
                        aliases: &[("--output-document", "-O")],
                    },
                )
            };
            let out_flag = if program == "curl" { "-o" } else { "-O" };
            for (f, v) in &p.values {
                if f == out_flag && v.text != "-" {
                    writes.push(ModelWrite {
                        target: v.clone(),
                        via: if program == "curl" { "curl -o" } else { "wget -O" },
                    });
                }
            }
            set_generic(cmd, p);
        }
        p if p.starts_with("mkfs")
            || p == "mke2fs"
            || p == "wipefs"
            || p == "fdisk"
            || p == "sfdisk"
            || p == "parted" =>
        {
            add(&mut cmd.effects, "disk.format");
            generic(cmd, args);
        }
        _ => generic(cmd, args),
    }
    if SQL_CLIENTS.contains(&program.as_str()) {
        sql(cmd, args, stdin);
    }
    if path_words.is_empty() && cmd.paths.is_empty() {
        path_words = args
            .iter()
            .filter(|w| !w.text.starts_with('-') && looks_like_path(&w.text))
            .cloned()
            .collect();
    }
    for w in &path_words {
        cmd.paths.push(w.text.clone());
        let f = super::paths::PathFacts::of_word(w);
        cmd.path_classes.extend(f.classes);
    }
    writes
}

fn looks_like_path(t: &str) -> bool {
    t.contains('/') || t.starts_with('.') || t.starts_with('~')
}

fn is_block_device(p: &str) -> bool {
    [
        "/dev/sd",
        "/dev/hd",
        "/dev/nvme",
        "/dev/disk",
        "/dev/mmcblk",
        "/dev/xvd",
        "/dev/vd",
        "/dev/mapper/",
        "/dev/md",
        "/dev/rdisk",
    ]
    .iter()
    .any(|d| p.starts_with(d))
}

fn set_generic(cmd: &mut SimpleCommand, p: Parsed) {
    cmd.flags.extend(p.flags);
    cmd.positionals.extend(texts(&p.positionals));
}

/// Unknown programs: every `-…` word before `--` is a flag as written, the rest positionals.
fn generic(cmd: &mut SimpleCommand, args: &[Word]) {
    let mut only_positionals = false;
    for w in args {
        if !only_positionals && w.text == "--" {
            only_positionals = true;
        } else if !only_positionals && w.text.len() > 1 && w.text.starts_with('-') {
            cmd.flags.insert(w.text.clone());
        } else {
            cmd.positionals.push(w.text.clone());
        }
    }
}

fn find(cmd: &mut SimpleCommand, args: &[Word], path_words: &mut Vec<Word>) {
    let mut i = 0;
    // Leading options: -H -L -P, -D debugopts, -O level.
    while i < args.len() {
        let t = args[i].text.as_str();
        match t {
            "-H" | "-L" | "-P" => i += 1,
            "-D" => i += 2,
            _ if t.starts_with("-O") => i += 1,
            _ => break,
        }
    }
    while i < args.len()
        && !args[i].text.starts_with('-')
        && !matches!(args[i].text.as_str(), "(" | "!" | ",")
    {
        path_words.push(args[i].clone());
        i += 1;
    }
    if path_words.is_empty() {
        path_words.push(Word { text: ".".to_owned(), ..Default::default() });
    }
    let mut deletes = false;
    let mut j = i;
    while j < args.len() {
        let t = args[j].text.as_str();
        if t == "-delete" {
            deletes = true;
        }
        if matches!(t, "-exec" | "-execdir" | "-ok" | "-okdir")
            && let Some(next) = args.get(j + 1)
            && matches!(super::program_name(&next.text), "rm" | "unlink" | "rmdir" | "shred")
        {
            deletes = true;
        }
        if t.starts_with('-') {
            cmd.flags.insert(t.to_owned());
        }
        j += 1;
    }
    if deletes {
        add(&mut cmd.effects, "fs.delete");
        add(&mut cmd.effects, "fs.delete.recursive");
    }
    cmd.positionals.extend(texts(path_words));
}

/// Git global options that take a separate value.
const GIT_VALUED_GLOBALS: [&str; 8] = [
    "-C",
    "-c",
    "--git-dir",
    "--work-tree",
    "--namespace",
    "--config-env",
    "--super-prefix",
    "--attr-source",
];
/// `git -c` keys whose value git runs as a command.
const GIT_EXEC_KEYS: [&str; 10] = [
    "core.sshcommand",
    "core.pager",
    "core.editor",
    "core.fsmonitor",
    "core.hookspath",
    "core.askpass",
    "diff.external",
    "sequence.editor",
    "credential.helper",
    "gpg.program",
];
const GIT_WRITE_SUBCOMMANDS: [&str; 30] = [
    "commit",
    "push",
    "merge",
    "rebase",
    "reset",
    "revert",
    "cherry-pick",
    "am",
    "apply",
    "checkout",
    "switch",
    "restore",
    "add",
    "rm",
    "mv",
    "clean",
    "pull",
    "fetch",
    "clone",
    "init",
    "gc",
    "prune",
    "filter-branch",
    "update-ref",
    "update-index",
    "replace",
    "commit-tree",
    "read-tree",
    "write-tree",
    "bisect",
];

fn git(cmd: &mut SimpleCommand, args: &[Word]) {
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if !t.starts_with('-') {
            break;
        }
        cmd.flags.insert(t.split('=').next().unwrap_or(t).to_owned());
        if (t == "-c" || t.starts_with("--config-env"))
            && let Some(v) = args.get(i + 1)
        {
            let key = v.text.split('=').next().unwrap_or("").to_lowercase();
            let value = v.text.split_once('=').map_or("", |(_, v)| v);
            // A plain pager such as `cat` or `less` runs nothing else.
            let harmless =
                matches!(value, "" | "cat" | "less" | "more" | "less -R" | "less -FRX" | "true");
            if (GIT_EXEC_KEYS.contains(&key.as_str()) && !harmless)
                || (key.starts_with("alias.") && value.trim_start().starts_with('!'))
            {
                cmd.opaque = true;
                cmd.opaque_reason =
                    Some(format!("git -c {key} makes git run a configured command"));
            }
        }
        i += if GIT_VALUED_GLOBALS.contains(&t) { 2 } else { 1 };
    }
    let Some(sub) = args.get(i) else { return };
    cmd.subcommand = sub.text.clone();
    let rest = &args[i + 1..];
    let sub = sub.text.as_str();
    let listing = rest.is_empty()
        || rest.iter().all(|w| w.text.starts_with('-'))
            && rest.iter().any(|w| {
                matches!(
                    w.text.as_str(),
                    "-l" | "--list"
                        | "-a"
                        | "-r"
                        | "--all"
                        | "-v"
                        | "-vv"
                        | "--show-current"
                        | "--contains"
                        | "--merged"
                )
            });
    let writes_repo = match sub {
        "branch" => {
            !listing
                || rest.iter().any(|w| {
                    matches!(
                        w.text.as_str(),
                        "-d" | "-D"
                            | "-m"
                            | "-M"
                            | "-c"
                            | "-C"
                            | "--delete"
                            | "--move"
                            | "--copy"
                            | "-f"
                            | "--force"
                            | "-u"
                            | "--set-upstream-to"
                            | "--unset-upstream"
                    )
                })
        }
        "tag" => {
            !listing
                || rest
                    .iter()
                    .any(|w| matches!(w.text.as_str(), "-d" | "--delete" | "-a" | "-s" | "-f"))
        }
        "stash" => !matches!(rest.first().map(|w| w.text.as_str()), Some("list" | "show")),
        "config" => {
            rest.iter().filter(|w| !w.text.starts_with('-')).count() >= 2
                || rest.iter().any(|w| {
                    matches!(
                        w.text.as_str(),
                        "--unset"
                            | "--unset-all"
                            | "--add"
                            | "--replace-all"
                            | "--remove-section"
                            | "--rename-section"
                            | "--edit"
                            | "-e"
                    )
                })
        }
        "remote" => matches!(
            rest.first().map(|w| w.text.as_str()),
            Some("add" | "remove" | "rm" | "rename" | "set-url" | "set-head" | "prune" | "update")
        ),
        "worktree" => matches!(
            rest.first().map(|w| w.text.as_str()),
            Some("add" | "remove" | "move" | "prune")
        ),
        "submodule" => matches!(
            rest.first().map(|w| w.text.as_str()),
            Some("add" | "update" | "init" | "deinit" | "sync")
        ),
        "notes" => matches!(
            rest.first().map(|w| w.text.as_str()),
            Some("add" | "append" | "copy" | "edit" | "merge" | "remove" | "prune")
        ),
        "reflog" => matches!(rest.first().map(|w| w.text.as_str()), Some("expire" | "delete")),
        s => GIT_WRITE_SUBCOMMANDS.contains(&s),
    };
    if writes_repo {
        add(&mut cmd.effects, "git.write");
    }
    if sub == "push" {
        push(cmd, rest);
    } else {
        generic(cmd, rest);
    }
}

fn is_protected(branch: &str) -> bool {
    constants().protected_branches.iter().any(|p| crate::Glob::new(p).matches(branch))
}

fn push(cmd: &mut SimpleCommand, args: &[Word]) {
    let p = parse_flags(
        args,
        &FlagSpec {
            bundle: "fdnuqv46",
            valued: "o",
            long_valued: &[
                "--push-option",
                "--repo",
                "--receive-pack",
                "--exec",
                "--recurse-submodules",
            ],
            aliases: &[
                ("--force", "-f"),
                ("--delete", "-d"),
                ("--dry-run", "-n"),
                ("--set-upstream", "-u"),
                ("--quiet", "-q"),
                ("--verbose", "-v"),
            ],
        },
    );
    add(&mut cmd.effects, "git.push");
    let dry = p.flags.contains("-n");
    let force_all = ["-f", "--force-with-lease", "--force-if-includes", "--mirror"]
        .iter()
        .any(|f| p.flags.contains(*f));
    let delete = p.flags.contains("-d");
    let all =
        p.flags.contains("--all") || p.flags.contains("--mirror") || p.flags.contains("--branches");
    let mut forced = force_all;
    let mut forced_protected = false;
    let mut protected = false;
    let mut delete_protected = false;
    // The first positional is the remote (unless --repo names it).
    let skip = usize::from(!p.values.iter().any(|(f, _)| f == "--repo"));
    for spec in p.positionals.iter().skip(skip) {
        let s = spec.text.as_str();
        let (plus, s) = match s.strip_prefix('+') {
            Some(r) => (true, r),
            None => (false, s),
        };
        let (src, dst) = match s.split_once(':') {
            Some((a, b)) => (a, if b.is_empty() { a } else { b }),
            None => (s, s),
        };
        let dst = dst.strip_prefix("refs/heads/").unwrap_or(dst);
        let deletes = delete || (s.starts_with(':') && src.is_empty());
        if dst.is_empty() || (dst == "HEAD" && !s.contains(':')) || spec.dynamic {
            // Destination only known at run time (the current branch).
            forced |= plus;
            continue;
        }
        cmd.refs.insert(dst.to_owned());
        let this_forced = force_all || plus;
        forced |= this_forced;
        if is_protected(dst) {
            if deletes {
                delete_protected = true;
            } else if this_forced {
                forced_protected = true;
            } else {
                protected = true;
            }
        }
        if deletes {
            add(&mut cmd.effects, "git.push.delete");
        }
    }
    if all {
        cmd.refs.insert("*".to_owned());
        if force_all {
            forced_protected = true;
        } else {
            protected = true;
        }
    }
    if dry {
        add(&mut cmd.effects, "git.push.dry_run");
    } else {
        if forced {
            add(&mut cmd.effects, "git.push.force");
        }
        if forced_protected {
            add(&mut cmd.effects, "git.push.force_protected");
        }
        if protected {
            add(&mut cmd.effects, "git.push.protected");
        }
        if delete_protected {
            add(&mut cmd.effects, "git.push.delete_protected");
        }
    }
    set_generic(cmd, p);
}

fn sql_drop_pattern() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"\b(DROP\s+(TEMPORARY\s+)?(TABLE|DATABASE|SCHEMA)|TRUNCATE)\b")
            .expect("static regex")
    })
}

/// Whether SQL text drops or truncates: comments and string literals removed, case folded.
pub(crate) fn sql_drops(sql: &str) -> bool {
    let mut out = String::with_capacity(sql.len());
    let b: Vec<char> = sql.chars().collect();
    let mut i = 0;
    while i < b.len() {
        if b[i] == '/' && b.get(i + 1) == Some(&'*') {
            i += 2;
            while i < b.len() && !(b[i] == '*' && b.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
            out.push(' ');
        } else if b[i] == '-' && b.get(i + 1) == Some(&'-') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
            out.push(' ');
        } else if b[i] == '\'' {
            i += 1;
            while i < b.len() && b[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push(' ');
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    sql_drop_pattern().is_match(&out.to_uppercase())
}

fn sql(cmd: &mut SimpleCommand, args: &[Word], stdin: Option<&str>) {
    let mut texts: Vec<&str> = Vec::new();
    let program = cmd.program.as_str();
    let mut i = 0;
    let mut positionals = Vec::new();
    while i < args.len() {
        let t = args[i].text.as_str();
        let next = args.get(i + 1).map(|w| w.text.as_str());
        let valued: &[&str] = match program {
            "psql" | "pgcli" => &["-c", "--command"],
            "mysql" | "mariadb" | "cockroach" => &["-e", "--execute"],
            "sqlite3" => &["-cmd"],
            "duckdb" => &["-c", "-s", "-cmd"],
            "clickhouse-client" | "clickhouse" => &["-q", "--query"],
            "sqlcmd" => &["-Q", "-q"],
            _ => &[],
        };
        if let Some((flag, v)) = t.split_once('=')
            && valued.contains(&flag)
        {
            texts.push(v);
            i += 1;
            continue;
        }
        if valued.contains(&t) {
            if let Some(v) = next {
                texts.push(v);
            }
            i += 2;
            continue;
        }
        // Glued short forms: -eSQL, -cSQL.
        if let Some(v) = valued
            .iter()
            .filter(|f| f.len() == 2)
            .find_map(|f| t.strip_prefix(*f))
            .filter(|v| !v.is_empty() && t.len() > 2)
        {
            texts.push(v);
        } else if !t.starts_with('-') {
            positionals.push(t);
        }
        i += 1;
    }
    if matches!(program, "sqlite3" | "duckdb") {
        // `sqlite3 DB SQL…`
        texts.extend(positionals.iter().skip(1).copied());
    }
    if let Some(s) = stdin {
        texts.push(s);
    }
    add(&mut cmd.effects, "sql.client");
    if texts.iter().any(|t| sql_drops(t)) {
        add(&mut cmd.effects, "sql.drop");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_normalisation() {
        assert!(sql_drops("drop table users"));
        assert!(sql_drops("DROP/**/TABLE x"));
        assert!(sql_drops("select 1;\n  drop\n\tschema s cascade"));
        assert!(sql_drops("truncate x"));
        assert!(sql_drops("DROP TEMPORARY TABLE t"));
        assert!(!sql_drops("create table drop_tables_log (id int)"));
        assert!(!sql_drops("insert into log values ('drop table x')"));
        assert!(!sql_drops("select 1 -- drop table x"));
        assert!(!sql_drops("select truncated from t"));
    }

    #[test]
    fn bundles_split_only_where_known() {
        let w = |s: &str| Word { text: s.into(), ..Default::default() };
        let p = parse_flags(
            &[w("-rf"), w("--no-preserve-root"), w("/")],
            &FlagSpec { bundle: "rf", valued: "", long_valued: &[], aliases: &[] },
        );
        assert!(
            p.flags.contains("-r")
                && p.flags.contains("-f")
                && p.flags.contains("--no-preserve-root")
        );
        assert_eq!(p.positionals.len(), 1);
        let p = parse_flags(
            &[w("-o"), w("x"), w("-fu")],
            &FlagSpec { bundle: "fu", valued: "o", long_valued: &[], aliases: &[] },
        );
        assert_eq!(p.values[0].1.text, "x");
        assert!(p.flags.contains("-f") && p.flags.contains("-u"));
    }
}
