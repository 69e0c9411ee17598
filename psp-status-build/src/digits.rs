// The number of an all-digit value, for range rules. This file is compiled into
// psp-status-build and copied verbatim into the generated code of psp-status (the rule
// functions) and into the bench baseline, so that every path reads a number the same way.

/// The number `raw` writes when it is one or more ASCII digits and nothing else, whatever its
/// length: leading zeros are read as a number reads them (`00000000000000020051` is 20051). A
/// value whose number does not fit in a `u64` is `None`, as is anything that is not all
/// digits: no range rule can contain it. No allocation, no panic, one pass; values of up to
/// 19 characters (every code PSPs send) take the shortest path.
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
    // Up to 19 digits always fit: the values PSPs send take this path.
    if raw.len() <= 19 {
        return up_to_19(raw);
    }
    // Longer: leading zeros change nothing, and a u64 has at most 20 digits.
    let zeros = raw.iter().take_while(|&&b| b == b'0').count();
    let rest = raw.get(zeros..)?;
    match rest.len() {
        0 => Some(0),
        1..=19 => up_to_19(rest),
        20 => {
            let (&last, head) = rest.split_last()?;
            let digit = last.wrapping_sub(b'0');
            if digit > 9 {
                return None;
            }
            up_to_19(head)?
                .checked_mul(10)?
                .checked_add(u64::from(digit))
        }
        // More than 20 significant digits (or a non-digit among them): no u64, no range.
        _ => None,
    }
}

/// The number of 1 to 19 ASCII digits (which cannot overflow a u64); `None` for anything else.
#[inline(always)]
fn up_to_19(raw: &[u8]) -> Option<u64> {
    if raw.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for &b in raw {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(b - b'0');
    }
    Some(n)
}
