//! The cores of the batch readers, shared by `psp-status reclassify` and the fuzz targets
//! (`fuzz/`): where CSV records and JSON lines start and end, with their line numbers, in
//! linear time whatever the line endings (`\n`, `\r\n`, a lone `\r`) and whatever the quoting.
//!
//! Only built with the `cli` feature (it needs csv-core and memchr); library users who call
//! `classify` never link it.
//!
//! ```
//! use psp_status::readers::csv::{for_each_record, Fields};
//!
//! let mut rows = Vec::new();
//! for_each_record(b"a,b\r\"c\nd\",e\r\n\"open,f\ng,h", b',', |r| {
//!     let unterminated = matches!(r.fields, Fields::Unterminated);
//!     rows.push((r.line, unterminated));
//! });
//! // Lines 0, 1 (two lines long), 3 (its quote never closes: cut after its first line), 4.
//! assert_eq!(rows, [(0, false), (1, false), (3, true), (4, false)]);
//! ```

pub mod bytes3;
pub mod csv;
pub mod jsonl;

/// The UTF-8 byte order mark some tools write at the start of a file.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `input` without a leading UTF-8 byte order mark.
///
/// ```
/// assert_eq!(psp_status::readers::strip_bom(b"\xEF\xBB\xBF{}"), b"{}");
/// ```
pub fn strip_bom(input: &[u8]) -> &[u8] {
    input.strip_prefix(BOM).unwrap_or(input)
}

/// Line breaks in `bytes`: each `\n`, each `\r\n` (once), each lone `\r`.
///
/// ```
/// assert_eq!(psp_status::readers::line_breaks(b"a\r\nb\rc\nd"), 3);
/// ```
pub fn line_breaks(bytes: &[u8]) -> u64 {
    let mut n = 0u64;
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
            n += 1;
        }
    }
    n
}

/// Where the line starting at `pos` ends: `(content_end, end)`, `end` being after its
/// terminator (`\n`, `\r\n` or a lone `\r`), or `buf.len()` when it has none.
///
/// ```
/// assert_eq!(psp_status::readers::line_end(b"ab\r\ncd", 0), (2, 4));
/// assert_eq!(psp_status::readers::line_end(b"ab\rcd", 3), (5, 5));
/// ```
pub fn line_end(buf: &[u8], pos: usize) -> (usize, usize) {
    match memchr::memchr2(b'\n', b'\r', &buf[pos..]) {
        None => (buf.len(), buf.len()),
        Some(k) => {
            let i = pos + k;
            if buf[i] == b'\r' && buf.get(i + 1) == Some(&b'\n') {
                (i, i + 2)
            } else {
                (i, i + 1)
            }
        }
    }
}
