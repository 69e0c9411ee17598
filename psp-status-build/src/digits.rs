// The number of an all-digit value, for range rules. This file is compiled into
// psp-status-build and copied verbatim into the generated code of psp-status (the rule
// functions) and into the bench baseline, so that every path reads a number the same way.

/// The number `raw` writes when it is one or more ASCII digits and nothing else, whatever its
/// length: leading zeros are read as a number reads them (`00000000000000020051` is 20051). A
/// value whose number does not fit in a `u64` is `None`, as is anything that is not all
/// digits: no range rule can contain it. No allocation, no panic, one pass that stops at the
/// first byte that settles the answer.
///
/// ```
/// use psp_status_build::digits::parse_digits;
/// assert_eq!(parse_digits(b"20051"), Some(20051));
/// assert_eq!(parse_digits(b"00000000000000020051"), Some(20051));
/// assert_eq!(parse_digits(b"18446744073709551615"), Some(u64::MAX));
/// assert_eq!(parse_digits(b"18446744073709551616"), None);
/// assert_eq!(parse_digits(b"2005l"), None);
/// assert_eq!(parse_digits(b""), None);
/// ```
#[inline]
pub fn parse_digits(raw: &[u8]) -> Option<u64> {
    if raw.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for &b in raw {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        // Leading zeros keep `n` at 0; past u64::MAX no range can hold the value.
        n = n.checked_mul(10)?.checked_add(u64::from(digit))?;
    }
    Some(n)
}
