//! The rejects file: one CSV row per row that could not be read (`row,line,reason,record`),
//! meant to be opened by people, so cells copied from the input are neutralised against
//! spreadsheet formula injection.

use std::io::{self, Write};

/// One rejected row of a chunk.
#[derive(Debug, Clone)]
pub struct Reject {
    /// Row number within the chunk (0-based; the writer adds the rows before the chunk).
    pub row: u64,
    /// Line of the row's start within the chunk (0-based; the writer adds the lines before).
    pub line: u64,
    /// Why.
    pub reason: String,
    /// The row as read, without its line terminator.
    pub record: Vec<u8>,
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

/// Writes `cell` as one CSV field: neutralised with a leading `'` when it is a formula, quoted
/// when it holds a delimiter, a quote or a line break.
pub fn write_cell(w: &mut Vec<u8>, cell: &[u8], delimiter: u8) {
    let formula = is_formula(cell);
    let quote = formula && cell.first().is_some_and(|b| *b == b'\t' || *b == b'\r')
        || cell
            .iter()
            .any(|&b| b == delimiter || b == b'"' || b == b'\n' || b == b'\r');
    if quote {
        w.push(b'"');
    }
    if formula {
        w.push(b'\'');
    }
    for &b in cell {
        if b == b'"' {
            w.push(b'"');
        }
        w.push(b);
    }
    if quote {
        w.push(b'"');
    }
}

/// Writes plain CSV fields (quoted as needed, never neutralised: our own text and numbers).
pub fn write_plain(w: &mut Vec<u8>, cell: &[u8], delimiter: u8) {
    if cell
        .iter()
        .any(|&b| b == delimiter || b == b'"' || b == b'\n' || b == b'\r')
    {
        w.push(b'"');
        for &b in cell {
            if b == b'"' {
                w.push(b'"');
            }
            w.push(b);
        }
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

    /// Writes one rejected row (`row` and `line` 1-based, absolute).
    pub fn write(&mut self, row: u64, line: u64, reason: &str, record: &[u8]) -> io::Result<()> {
        self.buf.clear();
        self.buf
            .extend_from_slice(format!("{row},{line},").as_bytes());
        write_cell(&mut self.buf, reason.as_bytes(), b',');
        self.buf.push(b',');
        write_cell(&mut self.buf, record, b',');
        self.buf.push(b'\n');
        self.count += 1;
        self.out.write_all(&self.buf)
    }

    /// Writes one rejected row of an input without lines (Parquet): `row` 1-based, the line
    /// cell empty.
    pub fn write_row(&mut self, row: u64, reason: &str, record: &[u8]) -> io::Result<()> {
        self.buf.clear();
        self.buf.extend_from_slice(format!("{row},,").as_bytes());
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
    }
}
