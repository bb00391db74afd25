//! Side-by-side figures for benches/RESULTS.md, all measured in one run:
//! `cargo run --release -p cedar-hitl-benches --bin compare`.

use cedar_hitl_benches::*;
use cedar_hitl_core::{BuiltinProfile, Outcome, PolicyBundle};
use std::time::Instant;

fn row(name: &str, s: Stats) {
    println!("| {name} | {:.2} | {:.2} | {:.0} |", s.median_us, s.p99_us, s.per_second);
}

fn main() {
    let calls = corpus_calls();
    let raw = corpus();
    let passes = std::env::var("PASSES").ok().and_then(|p| p.parse().ok()).unwrap_or(20);

    // Agreement first: the naive reference (upstream rules on raw strings) must decide the corpus
    // the same way as the core with the upstream profile.
    let naive = NaiveEngine::builtin();
    let upstream = || {
        PolicyBundle::builder()
            .builtins(BuiltinProfile::Upstream)
            .build()
            .expect("upstream profile loads")
    };
    let core = session(upstream());
    let mut disagreements = 0;
    for (call, (tool, input)) in calls.iter().zip(&raw) {
        let d = core.evaluate(call);
        let n = naive.decide(tool, input);
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
        if !same {
            disagreements += 1;
        }
    }
    println!(
        "corpus: {} calls, {passes} passes; naive reference disagrees on {disagreements} calls\n",
        calls.len()
    );

    println!("| engine | median µs | p99 µs | decisions/s |\n| --- | --- | --- | --- |");
    let core_stats = measure(&calls, passes, |c| {
        std::hint::black_box(core.evaluate(c));
    });
    let naive_stats = measure(&raw, passes, |(t, i)| {
        std::hint::black_box(naive.decide(t, i));
    });
    row("cedar-hitl core `Session::evaluate`", core_stats);
    row("naive cedar-policy reference", naive_stats);
    println!("\nratio naive/core (median): {:.1}x\n", naive_stats.median_us / core_stats.median_us);

    // Command facts: Bash calls under the hardened profile (parse + one evaluation per simple
    // command + shell writes) against the upstream profile (raw string), side by side.
    let bash: Vec<_> = calls.iter().filter(|c| c.tool_name() == "Bash").cloned().collect();
    let others: Vec<_> = calls.iter().filter(|c| c.tool_name() != "Bash").cloned().collect();
    let hardened = session(PolicyBundle::builtin());
    println!(
        "| Bash calls ({}) | median µs | mean µs | p99 µs | p99.9 µs |\n| --- | --- | --- | --- | --- |",
        bash.len()
    );
    let mut pairs = Vec::new();
    for round in 0..2 {
        let up = measure(&bash, passes, |c| {
            std::hint::black_box(core.evaluate(c));
        });
        let hd = measure(&bash, passes, |c| {
            std::hint::black_box(hardened.evaluate(c));
        });
        let parse = measure(&bash, passes, |c| {
            let cmd =
                c.input().get("command").and_then(cedar_hitl_core::JsonValue::as_str).unwrap_or("");
            std::hint::black_box(cedar_hitl_core::shell::parse(cmd));
        });
        for (name, s) in [
            ("upstream profile (raw string)", up),
            ("hardened profile (command facts)", hd),
            ("shell::parse alone", parse),
        ] {
            println!(
                "| {name} (round {round}) | {:.2} | {:.2} | {:.2} | {:.2} |",
                s.median_us, s.mean_us, s.p99_us, s.p999_us
            );
        }
        pairs.push((up, hd));
    }
    for (i, (up, hd)) in pairs.iter().enumerate() {
        println!(
            "round {i}: hardened/upstream median {:.2}x, mean {:.2}x, p99 {:.2}x, p99.9 {:.2}x",
            hd.median_us / up.median_us,
            hd.mean_us / up.mean_us,
            hd.p99_us / up.p99_us,
            hd.p999_us / up.p999_us
        );
    }
    let up = measure(&others, passes, |c| {
        std::hint::black_box(core.evaluate(c));
    });
    let hd = measure(&others, passes, |c| {
        std::hint::black_box(hardened.evaluate(c));
    });
    println!(
        "other tools ({}): upstream median {:.2} µs, hardened median {:.2} µs ({:.2}x)\n",
        others.len(),
        up.median_us,
        hd.median_us,
        hd.median_us / up.median_us
    );

    println!(
        "| soft rules | median µs | p99 µs | decisions/s | median / built-ins |\n| --- | --- | --- | --- | --- |"
    );
    for n in [0usize, 10, 100, 500] {
        let b = PolicyBundle::builder()
            .builtins(BuiltinProfile::Upstream)
            .blueprint_soft(blueprint_soft_rules(n))
            .build()
            .expect("generated blueprint loads");
        let s = session(b);
        let st = measure(&calls, passes.div_ceil(4), |c| {
            std::hint::black_box(s.evaluate(c));
        });
        println!(
            "| {n} | {:.2} | {:.2} | {:.0} | {:.2}x |",
            st.median_us,
            st.p99_us,
            st.per_second,
            st.median_us / core_stats.median_us
        );
    }

    let text = blueprint_of_size(64 * 1024);
    let builds = 20;
    let t = Instant::now();
    for _ in 0..builds {
        std::hint::black_box(
            PolicyBundle::builder()
                .blueprint_soft(text.clone())
                .build()
                .expect("64 KB blueprint loads"),
        );
    }
    let per = t.elapsed().as_secs_f64() * 1000.0 / builds as f64;
    let t = Instant::now();
    for _ in 0..builds {
        std::hint::black_box(PolicyBundle::builder().build().expect("built-ins load"));
    }
    let builtin_ms = t.elapsed().as_secs_f64() * 1000.0 / builds as f64;
    println!(
        "\nbundle build: built-ins {builtin_ms:.2} ms; built-ins + {} byte blueprint {per:.2} ms",
        text.len()
    );

    // Memory: one session, 1,000,000 decisions; resident set must stay flat.
    let s = session(PolicyBundle::builtin());
    let before = rss_kib().unwrap_or(0);
    let mut after_100k = 0;
    for i in 0..1_000_000usize {
        std::hint::black_box(s.evaluate(&calls[i % calls.len()]));
        if i == 100_000 {
            after_100k = rss_kib().unwrap_or(0);
        }
    }
    let after = rss_kib().unwrap_or(0);
    println!(
        "memory: RSS {before} KiB before, {after_100k} KiB after 100k, {after} KiB after 1,000,000 decisions on one session"
    );

    // Size of ten 64 KB bundles (RSS delta / 10) and of a session with both caches full.
    let before = rss_kib().unwrap_or(0);
    let bundles: Vec<PolicyBundle> = (0..10)
        .map(|_| PolicyBundle::builder().blueprint_soft(text.clone()).build().expect("loads"))
        .collect();
    let per_bundle = (rss_kib().unwrap_or(0).saturating_sub(before)) / 10;
    std::hint::black_box(&bundles);
    let s = session(PolicyBundle::builtin());
    let before = rss_kib().unwrap_or(0);
    let sessions: Vec<_> = (0..100).map(|_| session(PolicyBundle::builtin())).collect();
    for sess in &sessions {
        for i in 0..cedar_hitl_core::constants().cache_max_entries {
            sess.record_input_decision(
                "Bash",
                &format!("{i:064x}"),
                cedar_hitl_core::CachedDecision::Denied,
                Some("too risky for a Friday"),
                None,
            );
            sess.record_rule_decision(
                "Bash",
                &[format!("rule_{i}")],
                cedar_hitl_core::CachedDecision::Denied,
                Some("no"),
                None,
            )
            .expect("records");
        }
    }
    let per_session = (rss_kib().unwrap_or(0).saturating_sub(before)) / 100;
    for i in 0..cedar_hitl_core::constants().cache_max_entries {
        s.record_input_decision(
            "Bash",
            &format!("{i:064x}"),
            cedar_hitl_core::CachedDecision::Denied,
            Some("too risky for a Friday"),
            None,
        );
    }
    println!(
        "size: ~{per_bundle} KiB per 64 KB-blueprint bundle (RSS delta over 10), ~{per_session} KiB per session with both caches full (RSS delta over 100), snapshot of a full input cache {} bytes",
        s.snapshot().len()
    );
}
