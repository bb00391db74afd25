//! Criterion benches of the core: `cargo bench -p cedar-hitl-benches`.

use cedar_hitl_benches::*;
use cedar_hitl_core::PolicyBundle;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn evaluate(c: &mut Criterion) {
    let calls = corpus_calls();
    let mut g = c.benchmark_group("evaluate_corpus");
    g.throughput(Throughput::Elements(calls.len() as u64));
    for n in [0usize, 10, 100, 500] {
        let s = session(
            PolicyBundle::builder().blueprint_soft(blueprint_soft_rules(n)).build().unwrap(),
        );
        g.bench_function(format!("core_{n}_soft_rules"), |b| {
            b.iter(|| calls.iter().for_each(|call| drop(black_box(s.evaluate(call)))))
        });
    }
    let naive = NaiveEngine::builtin();
    let raw = corpus();
    g.bench_function("naive_reference", |b| {
        b.iter(|| raw.iter().for_each(|(t, i)| drop(black_box(naive.decide(t, i)))))
    });
    g.finish();
}

fn build(c: &mut Criterion) {
    let text = blueprint_of_size(64 * 1024);
    let mut g = c.benchmark_group("bundle_build");
    g.bench_function("builtins", |b| {
        b.iter(|| black_box(PolicyBundle::builder().build().unwrap()))
    });
    g.bench_function("builtins_plus_64k_blueprint", |b| {
        b.iter_batched(
            || text.clone(),
            |t| black_box(PolicyBundle::builder().blueprint_soft(t).build().unwrap()),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, evaluate, build);
criterion_main!(benches);
