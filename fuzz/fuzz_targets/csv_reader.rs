//! The CSV reader on any bytes: no panic; records in order, inside the input, on the line
//! their start says; the same records as the csv crate up to the first quote that never
//! closes; cutting at `whole_records` and reading the pieces gives the same records.
#![no_main]

use libfuzzer_sys::fuzz_target;
use psp_status::readers::csv::{fields_of, for_each_record, whole_records};
use psp_status::readers::line_breaks;

type Rec = Option<Vec<Vec<u8>>>;

fn read(input: &[u8], delim: u8) -> Vec<(usize, usize, u64, Rec)> {
    let mut v = Vec::new();
    for_each_record(input, delim, |r| {
        v.push((r.start, r.end, r.line, fields_of(input, &r)))
    });
    v
}

fuzz_target!(|data: &[u8]| {
    let (delim, input) = match data.split_first() {
        Some((d, rest)) if !matches!(*d, b'"' | b'\n' | b'\r') => (*d, rest),
        _ => (b',', data),
    };
    let got = read(input, delim);
    let mut prev = 0;
    for (start, end, line, _) in &got {
        assert!(prev <= *start && start < end && *end <= input.len());
        assert_eq!(*line, line_breaks(&input[..*start]));
        prev = *end;
    }
    // The csv crate agrees up to the first unterminated quote.
    let upto = got.iter().position(|r| r.3.is_none());
    let limit = upto.map_or(input.len(), |k| got[k].0);
    let theirs: Vec<Vec<Vec<u8>>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(&input[..limit])
        .byte_records()
        .map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect())
        .collect();
    let mine: Vec<Vec<Vec<u8>>> = got[..upto.unwrap_or(got.len())]
        .iter()
        .map(|r| r.3.clone().unwrap())
        .collect();
    assert_eq!(mine, theirs);
    // Cut where the chunker cuts, read the pieces: the same records.
    let cut = whole_records(input, delim, false);
    assert!(cut.len <= input.len());
    if cut.len > 0 {
        let mut pieces: Vec<Rec> = read(&input[..cut.len], delim)
            .into_iter()
            .map(|r| r.3)
            .collect();
        pieces.extend(read(&input[cut.len..], delim).into_iter().map(|r| r.3));
        let whole: Vec<Rec> = got.into_iter().map(|r| r.3).collect();
        assert_eq!(pieces, whole);
    }
});
