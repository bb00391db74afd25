//! The mutable part of a session — allowlist, both recent-decision caches, gate accounting —
//! behind one mutex. Its own module so that the evaluation pipeline can read it without
//! depending on [`Session`](crate::Session) (which depends on the pipeline).

use crate::allowlist::Allowlist;
use crate::cache::{InputCache, RuleCache};
use crate::gates::GateState;
use crate::{Decision, FailClosedCause};
use std::sync::{Mutex, MutexGuard};

/// What one task has accumulated.
#[derive(Debug)]
pub(crate) struct State {
    pub allowlist: Allowlist,
    pub input_cache: InputCache,
    pub rule_cache: RuleCache,
    pub gates: GateState,
}

/// [`State`] behind its mutex, with the two ways of taking the lock.
#[derive(Debug)]
pub(crate) struct SharedState(Mutex<State>);

impl SharedState {
    pub(crate) fn new(state: State) -> Self {
        Self(Mutex::new(state))
    }

    /// For a decision: a poisoned lock fails closed, since a fault in the middle of an earlier
    /// decision leaves nothing this one may trust to ALLOW.
    pub(crate) fn for_decision(&self) -> Result<MutexGuard<'_, State>, Decision> {
        self.0.lock().map_err(|_| {
            Decision::failing(
                FailClosedCause::InternalError,
                "session state lock poisoned by an earlier fault",
            )
        })
    }

    /// For host bookkeeping, which keeps working after a poisoned lock: the state is plain data
    /// and every update is a single step, so there is no half-applied change to protect.
    pub(crate) fn for_bookkeeping(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}
