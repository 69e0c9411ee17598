//! Cutting a stream into chunks of whole records, so that chunks can be parsed in parallel.
//!
//! JSON Lines: a record ends at `\n`. CSV: a record ends at `\r` or `\n` outside a quoted
//! field, as csv-core reads it (a quote opens a quoted field only at the start of a field;
//! `""` inside one is an escaped quote). Stretches without any quote are cut with memchr;
//! from the first quote on, a four-state automaton tracks the quoting exactly.

use memchr::{memchr, memrchr};

/// Which record syntax to cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// RFC 4180 CSV with this delimiter and `"` quotes.
    Csv(u8),
    /// One record per line.
    Lines,
}

/// The length of the longest prefix of `buf` made of whole records (ending with `\n`), given
/// that `buf` starts at a record boundary. 0 when no record ends in `buf`.
pub fn whole_records(buf: &[u8], syntax: Syntax) -> usize {
    let Some(last_nl) = memrchr(b'\n', buf) else {
        return 0;
    };
    let delim = match syntax {
        Syntax::Lines => return last_nl + 1,
        Syntax::Csv(d) => d,
    };
    let first_quote = match memchr(b'"', &buf[..last_nl]) {
        None => return last_nl + 1,
        Some(q) => q,
    };
    // Every line before the first quote is a whole record: start the automaton at the line
    // holding the first quote.
    let start = memrchr(b'\n', &buf[..first_quote]).map_or(0, |i| i + 1);
    let mut cut = start;
    let mut state = State::FieldStart;
    for (i, &b) in buf.iter().enumerate().skip(start) {
        state = match state {
            State::FieldStart | State::Unquoted | State::AfterQuote => {
                if b == b'\n' || b == b'\r' {
                    if b == b'\n' {
                        cut = i + 1;
                    }
                    State::FieldStart
                } else if b == delim {
                    State::FieldStart
                } else if b == b'"' {
                    match state {
                        State::FieldStart => State::Quoted,
                        State::AfterQuote => State::Quoted, // `""`: an escaped quote
                        _ => State::Unquoted,
                    }
                } else {
                    State::Unquoted
                }
            }
            State::Quoted => {
                if b == b'"' {
                    State::AfterQuote
                } else {
                    State::Quoted
                }
            }
        };
    }
    cut
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a field (or of a record).
    FieldStart,
    /// Inside a field that did not start with a quote: quotes are plain bytes.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: `"` escapes it, anything else closes the field.
    AfterQuote,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every cut the automaton makes must be a record boundary for csv-core, and no later
    /// boundary may be missed.
    fn boundaries_by_csv_core(data: &[u8]) -> Vec<usize> {
        let mut r = csv_core::Reader::new();
        let mut out = vec![0u8; data.len() + 16];
        let mut ends = vec![0usize; data.len() + 16];
        let mut pos = 0;
        let mut cuts = vec![];
        loop {
            let (res, nin, _, _) = r.read_record(&data[pos..], &mut out, &mut ends);
            pos += nin;
            match res {
                csv_core::ReadRecordResult::Record => {
                    // csv-core may stop after the `\r` of a `\r\n`.
                    let mut end = pos;
                    if end > 0 && data[end - 1] == b'\r' && data.get(end) == Some(&b'\n') {
                        end += 1;
                    }
                    if end > 0 && data[end - 1] == b'\n' {
                        cuts.push(end);
                    }
                }
                csv_core::ReadRecordResult::InputEmpty | csv_core::ReadRecordResult::End => break,
                other => panic!("{other:?}"),
            }
        }
        cuts
    }

    #[test]
    fn cuts_at_the_last_record_end_outside_quotes() {
        let cases: &[&[u8]] = &[
            b"a,b\nc,d\ne,f",
            b"a,\"b\nc\",d\ne,f\n",
            b"a,\"b\nc\",d\ne,\"f\n",
            b"a,b\"c\nd,e\n",
            b"a,\"x\"\"\ny\"\nz\n",
            b"\"a\"b,c\nd\n",
            b"a,b\r\nc,\"d\r\n\"\r\ne\r\n",
            b"no newline at all",
            b"\"open quote\n never closed\n",
        ];
        for data in cases {
            let got = whole_records(data, Syntax::Csv(b','));
            let want = boundaries_by_csv_core(data).last().copied().unwrap_or(0);
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(data));
        }
    }

    #[test]
    fn lines_cut_at_the_last_newline() {
        assert_eq!(whole_records(b"{}\n{\"a\":\n", Syntax::Lines), 9);
        assert_eq!(whole_records(b"{}", Syntax::Lines), 0);
    }
}
