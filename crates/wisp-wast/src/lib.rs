//! Runs WebAssembly spec scripts (`.wast`) against Wisp.
//!
//! Script format: <https://github.com/WebAssembly/spec/tree/main/interpreter#scripts>
//!
//! [`run_wast`] executes every directive of a script, counts each one as passed or
//! failed, and goes on after a failure; a panic inside Wisp is caught and counted as a
//! failure of its directive. [`suite`] iterates the official test suite by group.
// `unsafe` only where a script runs through an image it has just written.
#![deny(unsafe_code)]
mod runner;
mod spectest;
pub mod suite;
mod values;

pub use runner::{
    config_for, run_wast, run_wast_in, run_wast_limited, run_wast_via_images, run_wast_with,
    FileReport, RunLimits,
};
pub use wast;
