//! The rejects file: one CSV row per row that could not be read (`row,line,reason,record`),
//! meant to be opened by people, so cells copied from the input are neutralised against
//! spreadsheet formula injection.
//!
//! The workers write each rejected row's `reason,record` cells as bytes ([`Rejects`]), in
//! parallel and without a `format!` per row; the writer thread only prefixes the absolute row
//! and line numbers ([`RejectsWriter::write_chunk`]).

use memchr::{memchr, memchr3};
use psp_status::batch::Explanation;
use std::io::{self, Write};

/// The rejected rows of a chunk, their `reason,record` cells already written.
#[derive(Debug, Default)]
pub struct Rejects {
    /// The `reason,record\n` text of every rejected row, one after the other.
    text: Vec<u8>,
    /// Each rejected row: its row and the line of its start within the chunk (0-based; the
    /// writer adds the rows and lines before the chunk), and its text's range.
    rows: Vec<(u64, u64, usize, usize)>,
    /// The reason being put together.
    reason: Vec<u8>,
}

impl Rejects {
    /// Adds a rejected row: why, and the row as read, without its line terminator.
    pub fn push(&mut self, row: u64, line: u64, reason: &str, record: &[u8]) {
        self.push_parts(row, line, &[reason], record);
    }

    /// Adds a rejected row whose reason is the kernel's explanation.
    pub fn push_explained(&mut self, row: u64, line: u64, why: &Explanation<'_>, record: &[u8]) {
        let [a, b, c, d] = &why.parts;
        self.push_parts(row, line, &[a, b, c, d], record);
    }

    /// Adds a rejected row whose reason is the concatenation of `reason`.
    pub fn push_parts(&mut self, row: u64, line: u64, reason: &[&str], record: &[u8]) {
        // Joined first, then written as one cell: one quoting test instead of one per piece.
        self.reason.clear();
        for p in reason {
            self.reason.extend_from_slice(p.as_bytes());
        }
        let mut sentence = std::mem::take(&mut self.reason);
        self.push_with(
            row,
            line,
            |text| write_cell(text, &sentence, b','),
            record,
            Quoting::Scan,
        );
        sentence.clear();
        self.reason = sentence;
    }

    /// Adds a rejected row whose reason cell `reason` appends, already quoted (from a
    /// [`ReasonCells`](super::reasons::ReasonCells) cache, say); `quoting` is what the caller
    /// knows of `record`'s bytes.
    ///
    /// ```ignore
    /// rejects.push_with(0, 0, |t| t.extend_from_slice(b"missing provider"), b"a,,c", Quoting::Wrap);
    /// ```
    #[inline]
    pub fn push_with(
        &mut self,
        row: u64,
        line: u64,
        reason: impl FnOnce(&mut Vec<u8>),
        record: &[u8],
        quoting: Quoting,
    ) {
        if self.text.capacity() == 0 {
            // A spare output buffer: a chunk's rejects take no reallocation once the run is
            // going (the writer hands the buffer back).
            self.text = super::chunk::buffer(0);
        }
        let start = self.text.len();
        reason(&mut self.text);
        self.text.push(b',');
        match quoting {
            Quoting::Scan => write_cell(&mut self.text, record, b','),
            Quoting::Quote => write_quoted(&mut self.text, record, true),
            Quoting::Wrap => write_quoted(&mut self.text, record, false),
        }
        self.text.push(b'\n');
        self.rows.push((row, line, start, self.text.len()));
    }

    /// Hands the text buffer back for reuse, once written.
    pub fn recycle(self) {
        if self.text.capacity() > 0 {
            super::chunk::recycle(self.text);
        }
    }

    /// Puts the rows in row order (rows rejected while reading come before the kernel's).
    pub fn sort(&mut self) {
        if !self.rows.is_sorted_by_key(|r| r.0) {
            self.rows.sort_by_key(|r| r.0);
        }
    }

    /// The number of rejected rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Each rejected row: its chunk-relative row and line, and its `reason,record\n` cells.
    #[cfg(test)]
    pub fn rows(&self) -> impl Iterator<Item = (u64, u64, &[u8])> {
        self.rows
            .iter()
            .map(|&(row, line, s, e)| (row, line, &self.text[s..e]))
    }
}

/// Whether a spreadsheet would run `cell` as a formula: it starts with `=`, `+`, `@`, a tab or
/// a carriage return, or with `-` and is not a number (`-12.50` stays as it is).
pub fn is_formula(cell: &[u8]) -> bool {
    match cell.first() {
        Some(b'=' | b'+' | b'@' | b'\t' | b'\r') => true,
        Some(b'-') => !is_number(&cell[1..]),
        _ => false,
    }
}

/// Digits with an optional fraction and exponent (`12`, `12.50`, `1.5e3`).
fn is_number(s: &[u8]) -> bool {
    let mut i = 0;
    let digits = |s: &[u8], mut i: usize| {
        let from = i;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        (i, i > from)
    };
    let (j, int) = digits(s, i);
    i = j;
    let mut frac = false;
    if i < s.len() && s[i] == b'.' {
        let (j, f) = digits(s, i + 1);
        i = j;
        frac = f;
    }
    if !(int || frac) {
        return false;
    }
    if i < s.len() && (s[i] == b'e' || s[i] == b'E') {
        i += 1;
        if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
            i += 1;
        }
        let (j, e) = digits(s, i);
        if !e {
            return false;
        }
        i = j;
    }
    i == s.len()
}

/// Whether a CSV field holding `cell` must be quoted: it holds the delimiter, a quote or a
/// line break.
#[inline]
fn needs_quotes(cell: &[u8], delimiter: u8) -> bool {
    if cell.len() >= 48 {
        return memchr3(delimiter, b'"', b'\n', cell).is_some() || memchr(b'\r', cell).is_some();
    }
    // Short cells (names, pieces of reasons): eight bytes at a time, with the classic
    // "has a zero byte" test on the word xor each special byte; memchr's set-up costs more
    // than the scan on input this short.
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let has = |w: u64, b: u8| {
        let x = w ^ (LO * u64::from(b));
        x.wrapping_sub(LO) & !x & HI != 0
    };
    let mut words = cell.chunks_exact(8);
    for c in &mut words {
        let w = u64::from_le_bytes(c.try_into().expect("eight bytes"));
        if has(w, delimiter) | has(w, b'"') | has(w, b'\n') | has(w, b'\r') {
            return true;
        }
    }
    words
        .remainder()
        .iter()
        .any(|&b| b == delimiter || b == b'"' || b == b'\n' || b == b'\r')
}

/// Appends `cell` with every `"` doubled (the inside of a quoted field).
#[inline]
fn write_escaped(w: &mut Vec<u8>, mut cell: &[u8]) {
    while let Some(i) = memchr(b'"', cell) {
        w.extend_from_slice(&cell[..=i]);
        w.push(b'"');
        cell = &cell[i + 1..];
    }
    w.extend_from_slice(cell);
}

/// What the caller knows of a rejected record's bytes, so that the rejects file's quoting of it
/// skips the tests whose answer is known. Each writes what [`write_cell`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    /// Nothing: look for the bytes calling for quotes.
    Scan,
    /// It holds a `,` (a record of several fields of a `,`-separated input): quoted, its `"`
    /// doubled.
    Quote,
    /// It holds a `,` and no `"`: quoted, copied as it is.
    Wrap,
}

/// Writes `cell`, known to need quotes (it holds a `,`), as one field of the rejects file,
/// doubling its quotes when it may have some (`escape`).
#[inline]
fn write_quoted(w: &mut Vec<u8>, cell: &[u8], escape: bool) {
    debug_assert!(memchr(b',', cell).is_some());
    debug_assert!(escape || memchr(b'"', cell).is_none());
    w.push(b'"');
    if is_formula(cell) {
        w.push(b'\'');
    }
    if escape {
        write_escaped(w, cell);
    } else {
        w.extend_from_slice(cell);
    }
    w.push(b'"');
}

/// Writes `cell` as one CSV field: neutralised with a leading `'` when it is a formula, quoted
/// when it holds a delimiter, a quote or a line break.
pub fn write_cell(w: &mut Vec<u8>, cell: &[u8], delimiter: u8) {
    let formula = is_formula(cell);
    let quote =
        formula && matches!(cell.first(), Some(b'\t' | b'\r')) || needs_quotes(cell, delimiter);
    if quote {
        w.push(b'"');
    }
    if formula {
        w.push(b'\'');
    }
    if quote {
        write_escaped(w, cell);
        w.push(b'"');
    } else {
        w.extend_from_slice(cell);
    }
}

/// Writes plain CSV fields (quoted as needed, never neutralised: our own text and numbers).
pub fn write_plain(w: &mut Vec<u8>, cell: &[u8], delimiter: u8) {
    if needs_quotes(cell, delimiter) {
        w.push(b'"');
        write_escaped(w, cell);
        w.push(b'"');
    } else {
        w.extend_from_slice(cell);
    }
}

/// Streams rejected rows to a CSV file, with absolute row and line numbers.
pub struct RejectsWriter<W: Write> {
    out: W,
    buf: Vec<u8>,
    /// Rows written.
    pub count: u64,
}

impl<W: Write> RejectsWriter<W> {
    /// Starts the file with its header.
    pub fn new(mut out: W) -> io::Result<Self> {
        out.write_all(b"row,line,reason,record\n")?;
        Ok(RejectsWriter {
            out,
            buf: Vec::new(),
            count: 0,
        })
    }

    /// Writes a chunk's rejected rows, in order; `first_row` and `first_line` are the absolute
    /// (1-based) row and line numbers of the chunk's first row and line.
    pub fn write_chunk(&mut self, first_row: u64, first_line: u64, r: &Rejects) -> io::Result<()> {
        if r.rows.is_empty() {
            return Ok(());
        }
        self.buf.clear();
        self.buf
            .reserve(r.text.len() + r.rows.len() * 2 * Counter::WIDTH);
        // Rows and lines only grow: each number is the last one plus a few, counted in place.
        let (mut rows, mut lines) = (Counter::default(), Counter::default());
        for &(row, line, s, e) in &r.rows {
            rows.set(first_row + row);
            rows.put(&mut self.buf);
            lines.set(first_line + line);
            lines.put(&mut self.buf);
            self.buf.extend_from_slice(&r.text[s..e]);
        }
        self.count += r.rows.len() as u64;
        self.out.write_all(&self.buf)
    }

    /// Writes one rejected row of an input without lines (Parquet): `row` 1-based, the line
    /// cell empty.
    pub fn write_row(&mut self, row: u64, reason: &str, record: &[u8]) -> io::Result<()> {
        self.buf.clear();
        self.buf
            .extend_from_slice(itoa::Buffer::new().format(row).as_bytes());
        self.buf.extend_from_slice(b",,");
        write_cell(&mut self.buf, reason.as_bytes(), b',');
        self.buf.push(b',');
        write_cell(&mut self.buf, record, b',');
        self.buf.push(b'\n');
        self.count += 1;
        self.out.write_all(&self.buf)
    }

    /// Flushes and hands back the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A number followed by a `,`, kept as decimal text: moving it up by less than ten adds to its
/// last digits, in place, instead of formatting it again.
#[derive(Debug, Clone, Copy)]
struct Counter {
    /// The digits and the `,`, from the start; the rest is padding, so that the text is copied
    /// as a whole array (an inline copy, where a slice of a varying length calls `memcpy`).
    text: [u8; Counter::WIDTH],
    /// The digits (the `,` not counted).
    len: usize,
    value: u64,
}

impl Default for Counter {
    fn default() -> Self {
        let mut c = Counter {
            text: [0; Counter::WIDTH],
            len: 0,
            value: 0,
        };
        c.format(0);
        c
    }
}

impl Counter {
    /// Room for `u64::MAX` (20 digits) and the `,`.
    const WIDTH: usize = 24;

    /// Makes the number `value`.
    #[inline]
    fn set(&mut self, value: u64) {
        match value.checked_sub(self.value) {
            Some(0) => return,
            Some(step @ 1..10) if self.add(step as u8) => {}
            _ => self.format(value),
        }
        self.value = value;
    }

    /// Adds `step` (1–9) to the digits; false when a carry would make it one digit longer.
    #[inline]
    fn add(&mut self, step: u8) -> bool {
        let mut i = self.len - 1;
        let mut d = self.text[i] + step;
        while d > b'9' {
            self.text[i] = d - 10;
            if i == 0 {
                return false;
            }
            i -= 1;
            d = self.text[i] + 1;
        }
        self.text[i] = d;
        true
    }

    fn format(&mut self, value: u64) {
        let mut b = itoa::Buffer::new();
        let digits = b.format(value).as_bytes();
        self.len = digits.len();
        self.text[..self.len].copy_from_slice(digits);
        self.text[self.len] = b',';
    }

    /// Appends the number and its `,` (`out` has room for [`Counter::WIDTH`] more bytes, or
    /// grows).
    #[inline]
    fn put(&self, out: &mut Vec<u8>) {
        let end = out.len() + self.len + 1;
        out.extend_from_slice(&self.text);
        out.truncate(end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_numbers_are_not() {
        for f in [
            &b"=1+1"[..],
            b"+33 6",
            b"@SUM(A1)",
            b"\tx",
            b"\rx",
            b"-x",
            b"-",
            b"-1e",
        ] {
            assert!(is_formula(f), "{f:?}");
        }
        for n in [&b"-12.50"[..], b"-3", b"-.5", b"-1e5", b"paid", b"", b"a=b"] {
            assert!(!is_formula(n), "{n:?}");
        }
        let mut w = Vec::new();
        write_cell(&mut w, b"=HYPERLINK(\"x\")", b',');
        assert_eq!(w, b"\"'=HYPERLINK(\"\"x\"\")\"");
        w.clear();
        write_cell(&mut w, b"-12.50", b',');
        assert_eq!(w, b"-12.50");
        w.clear();
        write_cell(&mut w, b"a\"b\"\"c\r", b';');
        assert_eq!(w, b"\"a\"\"b\"\"\"\"c\r\"");
        w.clear();
        write_plain(&mut w, b"a;b", b';');
        assert_eq!(w, b"\"a;b\"");
    }

    #[test]
    fn quoting_is_decided_by_every_byte_of_short_and_long_cells() {
        for len in [0usize, 1, 7, 8, 9, 16, 47, 48, 49, 63, 255, 256, 1000] {
            for at in [0, len / 2, len.saturating_sub(1)] {
                let mut cell = vec![b'a'; len];
                assert!(!needs_quotes(&cell, b';'), "{len}");
                if len == 0 {
                    continue;
                }
                for special in [b';', b'"', b'\n', b'\r'] {
                    cell[at] = special;
                    assert!(needs_quotes(&cell, b';'), "{len} {at} {special}");
                }
                cell[at] = b',';
                assert!(!needs_quotes(&cell, b';'), "{len} {at}");
                cell[at] = 0x80 | b';';
                assert!(!needs_quotes(&cell, b';'), "{len} {at}");
            }
        }
    }

    #[test]
    fn a_reason_in_pieces_is_written_as_the_whole_sentence_would_be() {
        let sentences: [&[&str]; 5] = [
            &["unknown surface `", "a,\"b\"", "` for provider ", "alma"],
            &["missing provider", "", "", ""],
            &["", "-", "1"],
            &["", "-", "x"],
            &["=", "1"],
        ];
        for parts in sentences {
            let (mut r, mut whole) = (Rejects::default(), Vec::new());
            r.push_parts(0, 0, parts, b"x");
            write_cell(&mut whole, parts.concat().as_bytes(), b',');
            whole.extend_from_slice(b",x\n");
            assert_eq!(r.rows().next().unwrap().2, whole, "{parts:?}");
        }
    }

    #[test]
    fn a_counter_reads_as_its_number_formatted() {
        let mut c = Counter::default();
        let mut want = itoa::Buffer::new();
        // Steps of 0 to 9 with carries (9, 99, 999 → one more digit), and longer jumps.
        let mut values = vec![0u64, 1, 9, 10, 18, 19, 27, 99, 100, 100, 995, 1003, 1012];
        values.extend([5_000, 9_998, 10_001, u64::MAX - 3, u64::MAX, 7, 0]);
        for v in values {
            c.set(v);
            let mut out = b"x".to_vec();
            c.put(&mut out);
            assert_eq!(out, format!("x{},", want.format(v)).as_bytes(), "{v}");
        }
    }

    #[test]
    fn what_the_caller_knows_of_a_record_changes_no_byte() {
        let records: [&[u8]; 6] = [
            b"a,b,c",
            b"=1,b",
            b"-x,\"y\"",
            b"1,\"a \"\"q\"\"\",=2",
            b"\tx,y",
            b"@a,b\rc",
        ];
        for record in records {
            let mut cell = Vec::new();
            write_cell(&mut cell, record, b',');
            let bare = !record.contains(&b'"');
            let known = [
                (Quoting::Scan, true),
                (Quoting::Quote, true),
                (Quoting::Wrap, bare),
            ];
            for (quoting, applies) in known {
                if !applies {
                    continue;
                }
                let mut r = Rejects::default();
                r.push_with(0, 0, |t| t.extend_from_slice(b"why"), record, quoting);
                let mut want = b"why,".to_vec();
                want.extend_from_slice(&cell);
                want.push(b'\n');
                assert_eq!(r.rows().next().unwrap().2, want, "{record:?} {quoting:?}");
            }
        }
    }

    #[test]
    fn rejects_are_numbered_by_the_writer_in_row_order() {
        let mut r = Rejects::default();
        r.push(3, 4, "late, reader", b"x,\"y\"");
        r.push(1, 1, "early", b"=1");
        r.sort();
        let rows: Vec<_> = r.rows().map(|(row, line, _)| (row, line)).collect();
        assert_eq!(rows, [(1, 1), (3, 4)]);
        let mut w = RejectsWriter::new(Vec::new()).unwrap();
        w.write_chunk(11, 21, &r).unwrap();
        assert_eq!(w.count, 2);
        let out = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(
            out,
            "row,line,reason,record\n12,22,early,'=1\n14,25,\"late, reader\",\"x,\"\"y\"\"\"\n"
        );
    }
}
