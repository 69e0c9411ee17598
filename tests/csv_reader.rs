//! The CSV reader (`psp_status::readers::csv`) against the csv crate on random input, quotes
//! that never close and lone carriage returns included.
//!
//! Where every quote closes, both read the same records. Where one never closes, the csv crate
//! reads the rest of the input as one record; ours reads the same records before it, rejects
//! that record's first line, and reads on from the next line.

use proptest::prelude::*;
use psp_status::readers::csv::{fields_of, for_each_record, record_end, whole_records, Cut, End};
use psp_status::readers::line_breaks;

type Rec = Vec<Vec<u8>>;

fn csv_crate(input: &[u8]) -> Vec<Rec> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    r.byte_records()
        .map(|rec| rec.unwrap().iter().map(<[u8]>::to_vec).collect())
        .collect()
}

/// Ours: (start, end, line, fields or None when unterminated).
fn ours(input: &[u8]) -> Vec<(usize, usize, u64, Option<Rec>)> {
    let mut v = Vec::new();
    for_each_record(input, b',', |r| {
        v.push((r.start, r.end, r.line, fields_of(input, &r)))
    });
    v
}

/// Checks our reading of `input` against the csv crate, as the module says.
fn check(input: &[u8]) -> Result<(), TestCaseError> {
    let got = ours(input);
    for (start, _, line, _) in &got {
        prop_assert_eq!(
            *line,
            line_breaks(&input[..*start]),
            "line of record at {}",
            start
        );
    }
    match got.iter().position(|r| r.3.is_none()) {
        None => {
            let mine: Vec<Rec> = got.into_iter().map(|r| r.3.unwrap()).collect();
            prop_assert_eq!(mine, csv_crate(input));
        }
        Some(k) => {
            let (start, end, _, _) = got[k];
            let before: Vec<Rec> = got[..k].iter().map(|r| r.3.clone().unwrap()).collect();
            prop_assert_eq!(before, csv_crate(&input[..start]));
            // The csv crate swallows everything from there into one record.
            prop_assert_eq!(csv_crate(&input[start..]).len(), 1);
            // We resume on the next line: what follows is read as that suffix alone.
            let rest: Vec<Option<Rec>> = got[k + 1..].iter().map(|r| r.3.clone()).collect();
            let suffix: Vec<Option<Rec>> = ours(&input[end..]).into_iter().map(|r| r.3).collect();
            prop_assert_eq!(rest, suffix);
            check(&input[end..])?;
        }
    }
    Ok(())
}

/// The chunker's cut as it was first written: every record walked with `record_end`, blank
/// lines skipped. `whole_records` jumps over the records between quotes; it must cut at the
/// same place.
fn whole_records_walking(buf: &[u8], delim: u8, eof: bool) -> Cut {
    let usable = if eof || buf.last() != Some(&b'\r') {
        buf.len()
    } else {
        buf.len() - 1
    };
    let buf = &buf[..usable];
    let mut pos = 0;
    loop {
        while pos < buf.len() && (buf[pos] == b'\n' || buf[pos] == b'\r') {
            pos += 1;
        }
        if pos == buf.len() {
            return Cut {
                len: pos,
                open: false,
            };
        }
        match record_end(buf, pos, delim) {
            End::Open => {
                return Cut {
                    len: pos,
                    open: true,
                }
            }
            End::At {
                content_end, end, ..
            } if end == content_end => {
                return Cut {
                    len: pos,
                    open: false,
                }
            }
            End::At { end, .. } => pos = end,
        }
    }
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        prop_oneof![
            4 => Just(b'a'),
            2 => Just(b','),
            2 => Just(b'"'),
            2 => Just(b'\n'),
            2 => Just(b'\r'),
            1 => Just(b' '),
        ],
        0..64,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2500))]

    #[test]
    fn agrees_with_the_csv_crate(input in bytes()) {
        check(&input)?;
    }

    /// The cut that jumps between quotes is the cut of walking every record, for inputs of
    /// every shape (quotes opening and closing, `\r`, `\r\n`, blank lines, at either end).
    #[test]
    fn whole_records_cuts_where_walking_every_record_does(input in bytes(), eof in any::<bool>()) {
        prop_assert_eq!(whole_records(&input, b',', eof), whole_records_walking(&input, b',', eof));
    }

    /// Cutting the input where the chunker cuts it (whole records) and reading the pieces gives
    /// the records of reading it whole.
    #[test]
    fn chunks_cut_at_whole_records_read_the_same(input in bytes(), step in 1usize..16) {
        let whole: Vec<Option<Rec>> = ours(&input).into_iter().map(|r| r.3).collect();
        let mut pieces = Vec::new();
        let mut pos = 0;
        let mut want = step;
        while pos < input.len() {
            let end = (pos + want).min(input.len());
            let eof = end == input.len();
            let cut = whole_records(&input[pos..end], b',', eof);
            let take = if cut.len > 0 && !(eof && !cut.open && cut.len < end - pos) {
                cut.len
            } else if eof && !cut.open {
                end - pos
            } else if eof {
                psp_status::readers::line_end(&input[pos..], 0).1
            } else {
                want += step;
                continue;
            };
            pieces.extend(ours(&input[pos..pos + take]).into_iter().map(|r| r.3));
            pos += take;
            want = step;
        }
        prop_assert_eq!(pieces, whole);
    }
}
