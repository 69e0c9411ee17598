//! The number of an all-digit value, for range rules: generated verbatim from
//! psp-status-build's `digits.rs`, so that the rule functions, the bench baseline and the
//! builder read numbers alike.

include!(concat!(env!("OUT_DIR"), "/digits.rs"));
