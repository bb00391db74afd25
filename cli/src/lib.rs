//! Library side of the `cedar-hitl` command: the contract-fixture runner shared by
//! `cedar-hitl parity` and the Rust test suite, the streaming log replay, `--input` parsing and
//! error reporting (docs/cli.md).
#![deny(missing_docs)]

pub mod contracts;
pub mod hook;
pub mod input;
pub mod replay;
pub mod report;
