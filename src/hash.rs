//! The hot-path hash, generated verbatim from psp-status-build's `hash.rs` so that the tables
//! built at compile time and the probes at run time use the same function.
#![allow(dead_code)]

include!(concat!(env!("OUT_DIR"), "/hash.rs"));
