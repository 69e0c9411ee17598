//! Near misses: unmapped values that an entry would match after trimming ASCII whitespace
//! (`"pending "`) or folding ASCII case (`SUCCEEDED`), so the summary can say which entry and
//! which option (`--trim`) or table change would catch them.

use crate::tables::tables;
use psp_status::{Entry, Field, Matched, Matcher};

/// How an unmapped value nearly matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Near {
    /// It matches once ASCII whitespace is trimmed (`--trim`).
    Trim,
    /// It matches an exact entry in another ASCII case (trimmed first when needed).
    Case,
}

impl Near {
    pub fn name(self) -> &'static str {
        match self {
            Near::Trim => "trim",
            Near::Case => "case",
        }
    }
}

/// The entry `raw` (unmapped on `field`) would match after trimming or case folding, if any.
pub fn near_miss(field: Field, raw: &[u8]) -> Option<(Near, &'static Entry)> {
    let t = raw.trim_ascii();
    if t.is_empty() {
        return None;
    }
    if t.len() < raw.len() {
        let c = tables().classify_bytes(field, t);
        if c.matched != Matched::Unmapped {
            return c.entry().map(|e| (Near::Trim, e));
        }
    }
    tables()
        .entries()
        .filter(|e| e.field() == field)
        .find(|e| matches!(e.matcher, Matcher::Exact(r) if r.as_bytes().eq_ignore_ascii_case(t)))
        .map(|e| (Near::Case, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use psp_status::{checkout, stripe};

    #[test]
    fn trailing_spaces_and_another_case_are_near_misses() {
        let (how, e) = near_miss(stripe::PAYMENT_INTENT_STATUS.into(), b"succeeded ").unwrap();
        assert_eq!(
            (how, e.anchor()),
            (Near::Trim, "stripe/payment_intent.status/succeeded")
        );
        let (how, e) = near_miss(stripe::PAYMENT_INTENT_STATUS.into(), b" SUCCEEDED").unwrap();
        assert_eq!(
            (how, e.anchor()),
            (Near::Case, "stripe/payment_intent.status/succeeded")
        );
        let (how, _) = near_miss(checkout::RESPONSE_CODE.into(), b"20051 ").unwrap();
        assert_eq!(how, Near::Trim);
        assert_eq!(
            near_miss(stripe::PAYMENT_INTENT_STATUS.into(), b"made_up"),
            None
        );
        assert_eq!(
            near_miss(stripe::PAYMENT_INTENT_STATUS.into(), b"   "),
            None
        );
    }
}
