//! How long the grammar may work on one command (docs/shell.md, "Time bound").
//!
//! The budget is counted in CPU time of the parsing thread, not wall time: a loaded host that
//! keeps the thread waiting for a core must not turn a command the grammar reads in a
//! millisecond into an opaque one, or the same command would get different decisions on a busy
//! and an idle machine (fuzz/FINDINGS.md, finding 2). Counting parser operations instead would
//! be exactly reproducible but bounds nothing useful: the grammar's cost per operation varies
//! by a factor of 200 between inputs (about 20 µs to 3 ms per hundred operations on 16 KiB
//! inputs), so either ordinary long commands turn opaque or pathological ones run for seconds.
//! Where the platform has no per-thread CPU clock, wall time is the fallback.

use std::time::Duration;

/// A running budget: `spent` reports whether the parser has used more than its allowance since
/// the first check. Tree-sitter checks every hundred parser operations, so the first hundred are
/// free and a short command never reads a clock.
pub(super) struct ParseBudget {
    allowance: Duration,
    started: Option<Duration>,
}

impl ParseBudget {
    pub(super) fn new(allowance: Duration) -> Self {
        Self { allowance, started: None }
    }

    /// Called by tree-sitter's progress callback; `true` cancels the parse.
    pub(super) fn spent(&mut self) -> bool {
        let now = thread_time();
        match self.started {
            None => {
                self.started = Some(now);
                false
            }
            Some(started) => now.saturating_sub(started) > self.allowance,
        }
    }
}

/// CPU time consumed by the calling thread.
#[cfg(unix)]
fn thread_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_THREAD_CPUTIME_ID is supported on every
    // unix target Rust's std supports (Linux, the BSDs, macOS 10.12 and later).
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return wall_time();
    }
    Duration::new(u64::try_from(ts.tv_sec).unwrap_or(0), u32::try_from(ts.tv_nsec).unwrap_or(0))
}

/// Without a per-thread CPU clock: wall time since the first call on this thread.
#[cfg(not(unix))]
fn thread_time() -> Duration {
    wall_time()
}

fn wall_time() -> Duration {
    use std::sync::OnceLock;
    use std::time::Instant;
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    EPOCH.get_or_init(Instant::now).elapsed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_check_starts_the_clock_and_an_idle_thread_spends_nothing() {
        let mut budget = ParseBudget::new(Duration::from_millis(50));
        assert!(!budget.spent(), "the first check only starts the clock");
        // Sleeping uses wall time, not CPU time: the budget must not run out.
        std::thread::sleep(Duration::from_millis(120));
        #[cfg(unix)]
        assert!(!budget.spent(), "time spent waiting counted against the CPU budget");
    }

    #[test]
    fn busy_work_spends_the_budget() {
        let mut budget = ParseBudget::new(Duration::from_millis(5));
        assert!(!budget.spent());
        let mut x = 0u64;
        while !budget.spent() {
            for i in 0..10_000u64 {
                x = x.wrapping_mul(31).wrapping_add(std::hint::black_box(i));
            }
        }
        std::hint::black_box(x);
    }
}
