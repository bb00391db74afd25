//! One session shared by 8 threads, interleaving decisions with outcomes, scope grants and
//! snapshots: no panic or deadlock, bounded caches, an exact gate counter, and snapshots that
//! restore to sessions deciding identically.

use cedar_hitl_core::*;
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

const THREADS: usize = 8;
// 8 × 25,000 decisions (every Bash call is now parsed, so a debug-build test run stays short;
// the same interleavings of outcomes, grants, gates and snapshots still occur every 5,000 calls).
const DECISIONS_PER_THREAD: usize = 25_000;

fn calls() -> Vec<ToolCall> {
    vec![
        ToolCall::new("Bash", json!({"command": "git push --force origin main"})),
        ToolCall::new("Bash", json!({"command": "sudo rm -fr /"})),
        ToolCall::new("Bash", json!({"command": "npm test"})),
        ToolCall::new("Write", json!({"file_path": "app/.env"})),
        ToolCall::new("Write", json!({"file_path": ".git/config"})),
        ToolCall::new("Read", json!({"file_path": "README.md"})),
        ToolCall::new("Edit", json!({"file_path": "config/credentials.yml"})),
        ToolCall::new("Bash", json!({"command": "git push origin release/1"})),
    ]
}

#[test]
fn eight_threads_share_one_session() {
    let bundle = Arc::new(PolicyBundle::builtin());
    let session = Arc::new(
        Session::new(
            bundle.clone(),
            SessionConfig { approval_gate_cap: 500, ..Default::default() },
        )
        .unwrap(),
    );
    let admitted = Arc::new(AtomicU64::new(0));
    let snapshots = Arc::new(Mutex::new(Vec::new()));
    let calls = Arc::new(calls());
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (session, admitted, snapshots, calls) =
                (session.clone(), admitted.clone(), snapshots.clone(), calls.clone());
            thread::spawn(move || {
                for i in 0..DECISIONS_PER_THREAD {
                    let call = &calls[(i + t) % calls.len()];
                    let d = session.evaluate(call);
                    // Hard-tier calls deny whatever other threads granted.
                    if call.input().get("command").and_then(JsonValue::as_str)
                        == Some("sudo rm -fr /")
                        || call.input().get("file_path").and_then(JsonValue::as_str)
                            == Some(".git/config")
                    {
                        assert_eq!((d.outcome(), d.tier()), (Outcome::Deny, Some(Tier::Hard)));
                    }
                    assert!(!d.is_fail_closed(), "{d:?}");
                    match i % 5_000 {
                        0 if d.outcome() == Outcome::RequireApproval => {
                            if let GateAdmission::Admitted { .. } =
                                session.begin_gate(d.timeout_s().map(i64::from), None)
                            {
                                admitted.fetch_add(1, Ordering::Relaxed);
                            }
                            let res = Resolution::Denied {
                                request_id: format!("{t}-{i}"),
                                reason: Some("no".into()),
                                decided_at: None,
                            };
                            session.record_outcome(call, d.matching_rule_ids(), res).unwrap();
                        }
                        1 => {
                            session
                                .record_outcome(
                                    call,
                                    &[],
                                    Resolution::TimedOut { reason: None, decided_at: None },
                                )
                                .unwrap();
                        }
                        2 => {
                            session
                                .add_scope(&format!("bash_pattern:npm test --shard={t}*"))
                                .unwrap();
                        }
                        3 => snapshots.lock().unwrap().push(session.snapshot()),
                        _ => {}
                    }
                    let cap = constants().cache_max_entries;
                    assert!(session.input_cache_len() <= cap && session.rule_cache_len() <= cap);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("no thread panicked");
    }
    assert_eq!(session.gate_count(), admitted.load(Ordering::Relaxed), "the gate counter is exact");
    assert_eq!(session.allowlist().bash_patterns.len(), THREADS);
    // Every snapshot taken mid-run restores; the final one decides exactly like the live session.
    for snap in snapshots.lock().unwrap().iter() {
        Session::restore(bundle.clone(), snap).expect("mid-run snapshots restore");
    }
    let restored = Session::restore(bundle, &session.snapshot()).unwrap();
    for call in calls.iter() {
        let (a, b) = (session.evaluate(call), restored.evaluate(call));
        assert_eq!(
            (a.outcome(), a.reason(), a.matching_rule_ids()),
            (b.outcome(), b.reason(), b.matching_rule_ids())
        );
    }
    assert_eq!(restored.gate_count(), session.gate_count());
}

#[test]
fn many_sessions_share_one_bundle_across_threads() {
    let bundle = Arc::new(PolicyBundle::builtin());
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let bundle = bundle.clone();
            thread::spawn(move || {
                let s = Session::new(
                    bundle,
                    SessionConfig { principal: format!("task-{t}"), ..Default::default() },
                )
                .unwrap();
                for call in calls().iter().cycle().take(10_000) {
                    assert!(!s.evaluate(call).is_fail_closed());
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[cfg(feature = "test-hooks")]
#[test]
fn a_panic_inside_evaluate_is_a_fail_closed_deny() {
    let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    let d = s.evaluate(&ToolCall::new(test_hooks::PANIC_TOOL, json!({})));
    assert_eq!(d.fail_closed().map(|f| f.cause), Some(FailClosedCause::InternalError));
    assert!(d.fail_closed().unwrap().detail.contains("forced panic"));
    // The session keeps working afterwards.
    assert_eq!(s.evaluate(&ToolCall::new("Read", json!({}))).outcome(), Outcome::Allow);
}
