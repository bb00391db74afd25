//! Library side of the `cedar-hitl` command: the contract-fixture runner shared by
//! `cedar-hitl parity` and the Rust test suite, and the streaming log replay.
#![deny(missing_docs)]

pub mod contracts;
pub mod hook;
pub mod replay;
