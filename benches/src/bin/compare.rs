//! Every Rust figure of benches/RESULTS.md, measured side by side in one run:
//! `bash benches/compare.sh` (or `cargo run --release -p cedar-hitl-benches --bin compare`).
//!
//! Each comparison is measured in `ROUNDS` interleaved rounds (A, B, A, B, ...) of `PASSES`
//! passes over the corpus; a figure is the median over rounds, with the lowest and highest round
//! in brackets. Ratios are taken within a round, then summarised the same way.

use cedar_hitl_benches::*;
use cedar_hitl_core::{
    BuiltinProfile, CachedDecision, Outcome, PolicyBundle, Session, ToolCall, tool_input_sha256,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[global_allocator]
static HEAP: HeapCounter = HeapCounter;

/// CPU time (user + system) of the calling thread so far, in ms, from `/proc/thread-self/stat`
/// (clock ticks of 10 ms).
fn thread_cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0)
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|p| p.parse().ok()).unwrap_or(default)
}

/// Median over rounds, with the spread: "m [lo–hi]".
fn spread(values: &[f64]) -> String {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let fmt = |x: f64| {
        if x >= 1000.0 {
            let s = format!("{x:.0}");
            // Thousands separators for readability.
            let mut out = String::new();
            for (i, c) in s.chars().enumerate() {
                if i > 0 && (s.len() - i) % 3 == 0 {
                    out.push(',');
                }
                out.push(c);
            }
            out
        } else if x >= 100.0 {
            format!("{x:.1}")
        } else {
            format!("{x:.2}")
        }
    };
    match v.len() {
        0 => "-".into(),
        1 => fmt(v[0]),
        n => format!("{} [{}–{}]", fmt(v[n / 2]), fmt(v[0]), fmt(v[n - 1])),
    }
}

/// Rows of per-round stats, printed as one table.
struct Table {
    rows: Vec<(String, Vec<Stats>)>,
}

impl Table {
    fn new(names: &[&str]) -> Self {
        Self { rows: names.iter().map(|n| (n.to_string(), Vec::new())).collect() }
    }

    fn print(&self, first: &str, with_rate: bool) {
        let rate = if with_rate { " decisions/s |" } else { "" };
        let dash = if with_rate { " --- |" } else { "" };
        println!("| {first} | median µs | mean µs | p99 µs | p99.9 µs |{rate}");
        println!("| --- | --- | --- | --- | --- |{dash}");
        for (name, stats) in &self.rows {
            let col = |f: fn(&Stats) -> f64| spread(&stats.iter().map(f).collect::<Vec<_>>());
            let rate =
                if with_rate { format!(" {} |", col(|s| s.per_second)) } else { String::new() };
            println!(
                "| {name} | {} | {} | {} | {} |{rate}",
                col(|s| s.median_us),
                col(|s| s.mean_us),
                col(|s| s.p99_us),
                col(|s| s.p999_us)
            );
        }
    }

    /// Per-round ratio `row a / row b` of each statistic.
    fn ratios(&self, a: usize, b: usize) -> String {
        let (x, y) = (&self.rows[a].1, &self.rows[b].1);
        let r = |f: fn(&Stats) -> f64| {
            let v: Vec<f64> = x.iter().zip(y).map(|(p, q)| f(p) / f(q)).collect();
            spread(&v)
        };
        format!(
            "median {}×, mean {}×, p99 {}×, p99.9 {}×",
            r(|s| s.median_us),
            r(|s| s.mean_us),
            r(|s| s.p99_us),
            r(|s| s.p999_us)
        )
    }
}

fn upstream() -> PolicyBundle {
    PolicyBundle::builder().builtins(BuiltinProfile::Upstream).build().expect("upstream loads")
}

/// Fill both caches of `s` to capacity with entries for the corpus's tools (spread over them,
/// most common first), so every call of a cached tool pays the hash and the lookup misses.
fn fill_caches(s: &Session, calls: &[ToolCall]) {
    let mut tools: Vec<(String, usize)> = Vec::new();
    for c in calls {
        match tools.iter_mut().find(|(t, _)| t == c.tool_name()) {
            Some(t) => t.1 += 1,
            None => tools.push((c.tool_name().to_owned(), 1)),
        }
    }
    tools.sort_by_key(|t| std::cmp::Reverse(t.1));
    let max = cedar_hitl_core::constants().cache_max_entries;
    for i in 0..max {
        let tool = &tools[i % tools.len()].0;
        let fake = ToolCall::new(tool.clone(), serde_json::json!({ "never_seen": i }));
        let hash = tool_input_sha256(fake.input()).expect("hashable");
        s.record_input_decision(tool, &hash, CachedDecision::Denied, Some("no"), None);
        s.record_rule_decision(
            tool,
            &[format!("rule_{i}")],
            CachedDecision::Denied,
            Some("no"),
            None,
        )
        .expect("records");
    }
}

/// `threads` threads, each evaluating the corpus `passes` times on its session; per-call stats
/// over all threads, decisions/s over the wall time.
fn threaded(sessions: &[Arc<Session>], calls: &[ToolCall], passes: usize) -> Stats {
    let start = Instant::now();
    let samples: Vec<Duration> = std::thread::scope(|scope| {
        let handles: Vec<_> = sessions
            .iter()
            .map(|s| {
                scope.spawn(move || {
                    let mut v = Vec::with_capacity(calls.len() * passes);
                    for _ in 0..passes {
                        for c in calls {
                            let t = Instant::now();
                            std::hint::black_box(s.evaluate(c));
                            v.push(t.elapsed());
                        }
                    }
                    v
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("bench thread")).collect()
    });
    summarise(samples, start.elapsed())
}

/// The corpus's calls grouped by tool, tools in order of first appearance.
fn tool_groups(calls: &[ToolCall]) -> Vec<(String, Vec<ToolCall>)> {
    let mut groups: Vec<(String, Vec<ToolCall>)> = Vec::new();
    for c in calls {
        match groups.iter_mut().find(|(t, _)| t == c.tool_name()) {
            Some((_, g)) => g.push(c.clone()),
            None => groups.push((c.tool_name().to_owned(), vec![c.clone()])),
        }
    }
    groups
}

/// Whether section `name` runs: `SECTIONS=refs,tools,hash,threads,bash,scaling,build,memory` (all by
/// default) picks some, e.g. for profiling one of them.
fn section(name: &str) -> bool {
    std::env::var("SECTIONS").map_or(true, |s| s.split(',').any(|x| x.trim() == name))
}

fn main() {
    let calls = corpus_calls();
    let raw = corpus();
    let passes = env("PASSES", 5);
    let rounds = env("ROUNDS", 3).max(1);
    println!(
        "corpus: {} calls; {rounds} interleaved rounds of {passes} passes; figures are the median round [lowest–highest]\n",
        calls.len()
    );

    // Agreement: both references (upstream rules on raw strings) against the core with the
    // upstream profile, and against each other.
    let naive = NaiveEngine::builtin();
    let parse_once = ParseOnceEngine::builtin();
    let core = session(upstream());
    let mut disagree = (0, 0);
    for (call, (tool, input)) in calls.iter().zip(&raw) {
        let d = core.evaluate(call);
        let n = naive.decide(tool, input);
        let p = parse_once.decide(tool, input);
        let same = match (&n, d.outcome()) {
            (NaiveOutcome::Allow, Outcome::Allow) => true,
            (NaiveOutcome::Deny(ids), Outcome::Deny) => {
                ids.iter().all(|i| d.matching_rule_ids().contains(i))
            }
            (NaiveOutcome::RequireApproval(ids, t, s), Outcome::RequireApproval) => {
                let mut got = d.matching_rule_ids().to_vec();
                got.sort();
                &got == ids
                    && Some(*t as u32) == d.timeout_s()
                    && Some(s.as_str()) == d.severity().map(|x| x.as_str())
            }
            _ => false,
        };
        disagree.0 += usize::from(!same);
        disagree.1 += usize::from(n != p);
    }
    println!(
        "agreement: the references disagree with the core (upstream profile) on {} calls; the parse-once and naive references disagree with each other on {} calls\n",
        disagree.0, disagree.1
    );

    let hardened = session(PolicyBundle::builtin());
    // 1. The core against both references, upstream profile.
    if section("refs") {
        let mut t = Table::new(&[
            "cedar-hitl core `Session::evaluate`, upstream profile",
            "cedar-hitl core, hardened profile (default)",
            "parse-once cedar-policy reference",
            "naive cedar-policy reference (re-builds UIDs and contexts from text/JSON)",
        ]);
        let slow_passes = passes.div_ceil(5).max(1);
        for _ in 0..rounds {
            t.rows[0]
                .1
                .push(measure(&calls, passes, |c| drop(std::hint::black_box(core.evaluate(c)))));
            t.rows[1].1.push(measure(&calls, passes, |c| {
                drop(std::hint::black_box(hardened.evaluate(c)))
            }));
            t.rows[2].1.push(measure(&raw, slow_passes, |(tl, i)| {
                drop(std::hint::black_box(parse_once.decide(tl, i)))
            }));
            t.rows[3].1.push(measure(&raw, slow_passes, |(tl, i)| {
                drop(std::hint::black_box(naive.decide(tl, i)))
            }));
        }
        println!("## Core vs references (all 2,000 calls)\n");
        t.print("engine", true);
        println!("\n- parse-once reference / core (upstream): {}", t.ratios(2, 0));
        println!("- naive reference / core (upstream): {}", t.ratios(3, 0));
        println!("- naive / parse-once reference: {}", t.ratios(3, 2));
        println!("- hardened / upstream core: {}\n", t.ratios(1, 0));
    }

    // 1b. Per tool: where the time goes.
    if section("tools") {
        let groups: Vec<(String, Vec<ToolCall>)> = tool_groups(&calls)
            .into_iter()
            .map(|(t, g)| (format!("{t} ({}), upstream", g.len()), g))
            .collect();
        let mut names = Vec::new();
        for (n, _) in &groups {
            names.push(n.clone());
            names.push(n.replace("upstream", "hardened"));
            names.push(n.replace("upstream", "`tool_input_sha256` alone"));
        }
        let mut t = Table::new(&names.iter().map(String::as_str).collect::<Vec<_>>());
        for _ in 0..rounds {
            for (i, (_, g)) in groups.iter().enumerate() {
                t.rows[3 * i]
                    .1
                    .push(measure(g, passes, |c| drop(std::hint::black_box(core.evaluate(c)))));
                t.rows[3 * i + 1]
                    .1
                    .push(measure(g, passes, |c| drop(std::hint::black_box(hardened.evaluate(c)))));
                t.rows[3 * i + 2].1.push(measure(g, passes, |c| {
                    drop(std::hint::black_box(tool_input_sha256(c.input())))
                }));
            }
        }
        println!("## Per tool\n");
        t.print("tool (calls), profile", false);
        println!();
    }

    // 1c. The input hash alone, as the mean over a loop: a timer around each call is too coarse
    // for sub-microsecond differences (the per-call rows above).
    if section("hash") {
        println!(
            "## Input hash (`tool_input_sha256`), mean ns per call over a loop, best of {rounds} rounds\n"
        );
        println!("| tool (calls) | ns per hash |\n| --- | --- |");
        let mut groups = tool_groups(&calls);
        groups.push(("all".to_owned(), calls.clone()));
        for (tool, group) in &groups {
            let loops = 200_000 / group.len() + 1;
            let best = (0..rounds)
                .map(|_| {
                    let start = Instant::now();
                    for _ in 0..loops {
                        for c in group {
                            drop(std::hint::black_box(tool_input_sha256(c.input())));
                        }
                    }
                    start.elapsed().as_secs_f64() * 1e9 / (loops * group.len()) as f64
                })
                .fold(f64::INFINITY, f64::min);
            println!("| {tool} ({}) | {best:.0} |", group.len());
        }
        println!();
    }

    // 2. Caches and threads.
    if section("threads") {
        let mk = |full: bool| {
            let s = Arc::new(session(upstream()));
            if full {
                fill_caches(&s, &calls);
            }
            s
        };
        let mut t = Table::new(&[
            "1 thread, empty caches",
            "1 thread, full caches (50 + 50 entries)",
            "2 threads, separate sessions, empty caches",
            "2 threads, one shared session, empty caches",
            "2 threads, separate sessions, full caches",
            "2 threads, one shared session, full caches",
        ]);
        for _ in 0..rounds {
            for (row, (threads, shared, full)) in [
                (1, false, false),
                (1, false, true),
                (2, false, false),
                (2, true, false),
                (2, false, true),
                (2, true, true),
            ]
            .into_iter()
            .enumerate()
            {
                let sessions: Vec<Arc<Session>> = if shared {
                    let s = mk(full);
                    vec![s.clone(), s]
                } else {
                    (0..threads).map(|_| mk(full)).collect()
                };
                t.rows[row].1.push(threaded(&sessions, &calls, passes));
            }
        }
        println!(
            "## Caches and threads (upstream profile, all calls; decisions/s over all threads)\n"
        );
        t.print("configuration", true);
        println!("\n- full / empty caches, 1 thread: {}", t.ratios(1, 0));
        let thr = |a: usize, b: usize| {
            let v: Vec<f64> = t.rows[a]
                .1
                .iter()
                .zip(&t.rows[b].1)
                .map(|(x, y)| x.per_second / y.per_second)
                .collect();
            spread(&v)
        };
        println!("- throughput, shared / separate sessions, empty caches: {}×", thr(3, 2));
        println!("- throughput, shared / separate sessions, full caches: {}×", thr(5, 4));
        println!("- throughput, 2 threads / 1 thread, empty caches: {}×\n", thr(2, 0));
    }

    // 3. Bash calls: hardened (command facts) against upstream (raw string).
    if section("bash") {
        let bash: Vec<_> = calls.iter().filter(|c| c.tool_name() == "Bash").cloned().collect();
        let mut t = Table::new(&[
            "upstream profile",
            "hardened profile (command facts)",
            "`shell::parse` alone",
            #[cfg(feature = "grammar-row")]
            "`shell::parse`, grammar only (no plain-line fast path)",
        ]);
        fn command_of(c: &cedar_hitl_core::ToolCall) -> &str {
            c.input().get("command").and_then(cedar_hitl_core::JsonValue::as_str).unwrap_or("")
        }
        for _ in 0..rounds {
            t.rows[0]
                .1
                .push(measure(&bash, passes, |c| drop(std::hint::black_box(core.evaluate(c)))));
            t.rows[1]
                .1
                .push(measure(&bash, passes, |c| drop(std::hint::black_box(hardened.evaluate(c)))));
            t.rows[2].1.push(measure(&bash, passes, |c| {
                drop(std::hint::black_box(cedar_hitl_core::shell::parse(command_of(c))));
            }));
            #[cfg(feature = "grammar-row")]
            t.rows[3].1.push(measure(&bash, passes, |c| {
                let line = cedar_hitl_core::shell::parse_with_grammar_only(command_of(c));
                drop(std::hint::black_box(line));
            }));
        }
        println!("## Bash calls ({})\n", bash.len());
        t.print("Bash calls", false);
        println!("\n- hardened / upstream: {}", t.ratios(1, 0));
        #[cfg(feature = "grammar-row")]
        {
            let plain = bash
                .iter()
                .filter(|c| cedar_hitl_core::shell::reads_as_plain_line(command_of(c)))
                .count();
            println!("- grammar only / with the fast path: {}", t.ratios(3, 2));
            println!("- the fast path reads {plain} of {} commands", bash.len());
        }
        println!();
    }

    // 4. Scaling with blueprint size.
    if section("scaling") {
        let sizes = [0usize, 10, 100, 500];
        let sessions: Vec<Session> = sizes
            .iter()
            .map(|&n| {
                session(
                    PolicyBundle::builder()
                        .builtins(BuiltinProfile::Upstream)
                        .blueprint_soft(blueprint_soft_rules(n))
                        .build()
                        .expect("generated blueprint loads"),
                )
            })
            .collect();
        let names: Vec<String> = sizes.iter().map(|n| format!("{n} soft rules")).collect();
        let mut t = Table::new(&names.iter().map(String::as_str).collect::<Vec<_>>());
        for _ in 0..rounds {
            for (i, s) in sessions.iter().enumerate() {
                t.rows[i]
                    .1
                    .push(measure(&calls, passes, |c| drop(std::hint::black_box(s.evaluate(c)))));
            }
        }
        println!("## Blueprint size (upstream profile + generated soft rules, all calls)\n");
        t.print("blueprint", true);
        println!("\n- 500 / 0 soft rules: {}\n", t.ratios(3, 0));
    }

    // 5. Bundle build.
    let text = blueprint_of_size(64 * 1024);
    if section("build") {
        let mut cpu_ms: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
        let builds = env("BUILDS", 20);
        let mut t = Table::new(&[
            "built-ins only (hardened)",
            &format!(
                "built-ins + {}-byte blueprint ({} rules)",
                text.len(),
                text.matches("@rule_id").count()
            ),
        ]);
        for _ in 0..rounds {
            let one = |blueprint: Option<&str>| {
                let mut samples = Vec::with_capacity(builds);
                let cpu_start = thread_cpu_ms();
                let start = Instant::now();
                for _ in 0..builds {
                    let b = match blueprint {
                        Some(t) => PolicyBundle::builder().blueprint_soft(t.to_owned()),
                        None => PolicyBundle::builder(),
                    };
                    let at = Instant::now();
                    drop(std::hint::black_box(b.build().expect("loads")));
                    samples.push(at.elapsed());
                }
                let stats = summarise(samples, start.elapsed());
                let cpu = thread_cpu_ms().zip(cpu_start).map(|(b, a)| (b - a) / builds as f64);
                (stats, cpu)
            };
            for (row, blueprint) in [(0, None), (1, Some(text.as_str()))] {
                let (stats, cpu) = one(blueprint);
                t.rows[row].1.push(stats);
                cpu_ms[row].extend(cpu);
            }
        }
        println!("## Bundle build (µs per build, {builds} builds per round)\n");
        t.print("bundle", false);
        println!("\n- 64 KB blueprint / built-ins only: {}", t.ratios(1, 0));
        println!(
            "- CPU time of this thread per build (not counting time the scheduler gave to other processes; /proc, 10 ms ticks summed over a round's builds): built-ins {} ms, 64 KB blueprint {} ms\n",
            spread(&cpu_ms[0]),
            spread(&cpu_ms[1])
        );
    }
    if !section("memory") {
        return;
    }

    // 6. Memory: exact heap (counting allocator) and resident set.
    println!("## Memory\n");
    HeapCounter::enable();
    let b = PolicyBundle::builder().blueprint_soft(text.clone()).build().expect("loads");
    let bundle_64k = HeapCounter::live();
    drop(b);
    HeapCounter::enable();
    // Built fresh: `PolicyBundle::builtin()` clones a bundle built once per process.
    let b = PolicyBundle::builder().build().expect("built-ins load");
    let bundle_builtin = HeapCounter::live();
    let bundle = Arc::new(b);
    HeapCounter::enable();
    let s = Session::new(
        bundle.clone(),
        cedar_hitl_core::SessionConfig { repo: "o/r".into(), ..Default::default() },
    )
    .expect("session");
    let session_empty = HeapCounter::live();
    fill_caches(&s, &calls);
    let session_full = HeapCounter::live();
    HeapCounter::disable();
    let rss_before = rss_kib().unwrap_or(0);
    HeapCounter::enable();
    let decisions = env("DECISIONS", 200_000);
    let mut after_tenth = (0, 0);
    for i in 0..decisions {
        drop(std::hint::black_box(s.evaluate(&calls[i % calls.len()])));
        if i == decisions / 10 {
            after_tenth = (HeapCounter::live(), rss_kib().unwrap_or(0));
        }
    }
    let after = (HeapCounter::live(), rss_kib().unwrap_or(0));
    HeapCounter::disable();
    let kib = |b: isize| format!("{:.1} KiB", b as f64 / 1024.0);
    println!("| what | exact heap | RSS |\n| --- | --- | --- |");
    println!("| bundle, built-ins only (hardened) | {} | — |", kib(bundle_builtin));
    println!("| bundle, built-ins + 64 KB blueprint | {} | — |", kib(bundle_64k));
    println!("| session, empty caches | {} | — |", kib(session_empty));
    println!("| session, both caches full | {} | — |", kib(session_full));
    println!(
        "| heap growth / RSS after {} decisions on that session (hardened, full caches) | {} | {} KiB (before: {rss_before} KiB) |",
        decisions / 10,
        kib(after_tenth.0),
        after_tenth.1
    );
    println!(
        "| heap growth / RSS after {decisions} decisions | {} | {} KiB |",
        kib(after.0),
        after.1
    );
    println!("\nsnapshot of that session (full caches): {} bytes of JSON", s.snapshot().len());
}
