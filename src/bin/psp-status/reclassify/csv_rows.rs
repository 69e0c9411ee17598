//! Reading a chunk of CSV records into columns for the kernel, and writing the output rows.
//!
//! The hot loop: a record on one line without quotes (nearly all of them) is split with memchr
//! and passed through byte for byte, the new columns appended before its line terminator. A
//! record with quotes or a bare `\r` is read with csv-core, exactly as the csv crate would.

use super::chunk::{append_csv, append_json, json_string, ChunkOut, Plan, Span, SpanColumn};
use super::rejects::Reject;
use csv_core::{ReadRecordResult, Reader, ReaderBuilder};
use memchr::{memchr, memchr2, memchr_iter};
use psp_status::batch::{classify_columns, Names, Outcome};
use std::cell::RefCell;

/// The output a CSV chunk is written as.
#[derive(Debug, Clone)]
pub enum CsvOut {
    /// CSV with the input's delimiter: input bytes, then the appended columns.
    Csv,
    /// JSON Lines: one object per row, keys from the header (JSON-encoded, with their colon).
    Jsonl {
        keys: Vec<Vec<u8>>,
        appended: [Vec<u8>; 5],
    },
}

/// How to read the records of a CSV input.
#[derive(Debug, Clone)]
pub struct CsvIn {
    pub delimiter: u8,
    /// Fields in the header: every record must have as many.
    pub fields: usize,
    /// The header index of each wanted slot of the plan.
    pub slot_cols: Vec<usize>,
    pub plan: Plan,
    pub out: CsvOut,
}

thread_local! {
    static NAMES: RefCell<Names> = RefCell::new(Names::default());
}

/// One record's place in the chunk.
struct Rec {
    start: usize,
    content_end: usize,
    end: usize,
    row: u64,
    line: u64,
}

/// Decodes one record with csv-core from the start of `input`: returns the bytes consumed (the
/// terminator included), with the unquoted fields in `out` and their ends in `ends`.
pub fn read_one(
    rdr: &mut Reader,
    input: &[u8],
    out: &mut Vec<u8>,
    ends: &mut Vec<usize>,
) -> (usize, usize) {
    if out.len() < 256 {
        out.resize(256, 0);
    }
    if ends.len() < 16 {
        ends.resize(16, 0);
    }
    let (mut nin, mut nout, mut nend) = (0, 0, 0);
    loop {
        let (res, i, o, e) = rdr.read_record(&input[nin..], &mut out[nout..], &mut ends[nend..]);
        nin += i;
        nout += o;
        nend += e;
        match res {
            ReadRecordResult::InputEmpty => {}
            ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
            ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
            ReadRecordResult::Record | ReadRecordResult::End => break,
        }
    }
    // A `\r\n` terminator: csv-core stops after the `\r`; take the `\n` with the record.
    if nin > 0 && input[nin - 1] == b'\r' && input.get(nin) == Some(&b'\n') {
        nin += 1;
    }
    (nin, nend)
}

/// The record without its terminator.
fn trim_terminator(rec: &[u8]) -> usize {
    let mut n = rec.len();
    if n > 0 && rec[n - 1] == b'\n' {
        n -= 1;
    }
    if n > 0 && rec[n - 1] == b'\r' {
        n -= 1;
    }
    n
}

/// Reads, classifies and writes one chunk of whole CSV records.
pub fn process(chunk: &[u8], cfg: &CsvIn) -> ChunkOut {
    let delim = cfg.delimiter;
    let slots = cfg.plan.wanted.len();
    let mut spans: Vec<Vec<Span>> = (0..slots).map(|_| Vec::new()).collect();
    let mut arena: Vec<u8> = Vec::new();
    let mut recs: Vec<Rec> = Vec::new();
    let mut rejects: Vec<Reject> = Vec::new();
    let mut ends: Vec<usize> = Vec::with_capacity(cfg.fields + 1);
    let mut dec_out: Vec<u8> = Vec::new();
    let mut dec_ends: Vec<usize> = Vec::new();
    let mut rdr = ReaderBuilder::new().delimiter(delim).build();
    let plain_chunk = memchr2(b'"', b'\r', chunk).is_none();
    let (mut pos, mut row, mut line) = (0usize, 0u64, 0u64);
    while pos < chunk.len() {
        let nl = memchr(b'\n', &chunk[pos..]).map(|i| pos + i);
        let line_end = nl.map_or(chunk.len(), |i| i + 1);
        let mut content_end = nl.unwrap_or(chunk.len());
        if content_end > pos && chunk[content_end - 1] == b'\r' {
            content_end -= 1;
        }
        let content = &chunk[pos..content_end];
        if plain_chunk || memchr2(b'"', b'\r', content).is_none() {
            if content.is_empty() {
                // A blank line is not a record (as the csv crate reads it).
                pos = line_end;
                line += 1;
                continue;
            }
            ends.clear();
            ends.extend(memchr_iter(delim, content));
            ends.push(content.len());
            let rec = Rec {
                start: pos,
                content_end,
                end: line_end,
                row,
                line,
            };
            if ends.len() == cfg.fields {
                for (slot, &col) in cfg.slot_cols.iter().enumerate() {
                    let s = if col == 0 { 0 } else { ends[col - 1] + 1 };
                    spans[slot].push(Span::chunk(pos + s, ends[col] - s));
                }
                recs.push(rec);
            } else {
                rejects.push(wrong_fields(&rec, chunk, ends.len(), cfg.fields));
            }
            row += 1;
            line += u64::from(nl.is_some());
            pos = line_end;
        } else {
            let (nin, nfields) = read_one(&mut rdr, &chunk[pos..], &mut dec_out, &mut dec_ends);
            if nfields == 0 {
                // Only blank lines were left.
                line += memchr_iter(b'\n', &chunk[pos..pos + nin]).count() as u64;
                pos += nin.max(1);
                continue;
            }
            let end = pos + nin;
            let rec = Rec {
                start: pos,
                content_end: pos + trim_terminator(&chunk[pos..end]),
                end,
                row,
                line,
            };
            if nfields == cfg.fields {
                for (slot, &col) in cfg.slot_cols.iter().enumerate() {
                    let s = if col == 0 { 0 } else { dec_ends[col - 1] };
                    let value = &dec_out[s..dec_ends[col]];
                    spans[slot].push(Span::arena(arena.len(), value.len()));
                    arena.extend_from_slice(value);
                }
                recs.push(rec);
            } else {
                rejects.push(wrong_fields(&rec, chunk, nfields, cfg.fields));
            }
            row += 1;
            line += memchr_iter(b'\n', &chunk[pos..end]).count() as u64;
            pos = end;
        }
    }

    let columns: Vec<SpanColumn<'_>> = spans
        .iter()
        .map(|s| SpanColumn {
            chunk,
            arena: &arena,
            spans: s,
        })
        .collect();
    let batch = cfg.plan.batch(&columns);
    let mut outcomes = Vec::new();
    NAMES.with(|n| classify_columns(&batch, &mut n.borrow_mut(), &mut outcomes));

    let mut result = ChunkOut {
        out: Vec::with_capacity(chunk.len() + chunk.len() / 2 + 64),
        rows: row,
        lines: line,
        bytes: chunk.len() as u64,
        ..ChunkOut::default()
    };
    let mut fields_buf = (Vec::new(), Vec::new());
    let mut decoder = ReaderBuilder::new().delimiter(delim).build();
    for (i, (rec, outcome)) in recs.iter().zip(&outcomes).enumerate() {
        match outcome {
            Outcome::Classified(v) => {
                let raw = v.signal.map_or(&b""[..], |s| {
                    use psp_status::batch::ByteColumn;
                    columns[cfg.plan.raw_slot(s)].value(i).unwrap_or_default()
                });
                result.tally.add(v, raw);
                match &cfg.out {
                    CsvOut::Csv => {
                        result
                            .out
                            .extend_from_slice(&chunk[rec.start..rec.content_end]);
                        append_csv(&mut result.out, delim, v);
                        if rec.content_end < rec.end {
                            result
                                .out
                                .extend_from_slice(&chunk[rec.content_end..rec.end]);
                        } else {
                            result.out.push(b'\n');
                        }
                    }
                    CsvOut::Jsonl { keys, appended } => {
                        let (out, ends) = &mut fields_buf;
                        decoder.reset();
                        read_one(&mut decoder, &chunk[rec.start..rec.end], out, ends);
                        let o = &mut result.out;
                        o.push(b'{');
                        let mut from = 0;
                        for (k, key) in keys.iter().enumerate() {
                            o.extend_from_slice(key);
                            json_string(o, &out[from..ends[k]]);
                            o.push(b',');
                            from = ends[k];
                        }
                        append_json(o, appended, v);
                        o.extend_from_slice(b"}\n");
                    }
                }
            }
            Outcome::Rejected(reason) => rejects.push(Reject {
                row: rec.row,
                line: rec.line,
                reason: batch.explain(i, *reason),
                record: chunk[rec.start..rec.content_end].to_vec(),
            }),
        }
    }
    rejects.sort_by_key(|r| r.row);
    result.rejects = rejects;
    result
}

fn wrong_fields(rec: &Rec, chunk: &[u8], got: usize, want: usize) -> Reject {
    Reject {
        row: rec.row,
        line: rec.line,
        reason: format!("wrong number of fields: {got}, the header has {want}"),
        record: chunk[rec.start..rec.content_end].to_vec(),
    }
}

/// Reads the header record at the start of `input`: its fields (decoded) and the bytes it takes,
/// terminator included. `None` when `input` holds no record.
pub fn read_header(input: &[u8], delimiter: u8) -> Option<(Vec<Vec<u8>>, usize)> {
    let mut rdr = ReaderBuilder::new().delimiter(delimiter).build();
    let (mut out, mut ends) = (Vec::new(), Vec::new());
    let (nin, n) = read_one(&mut rdr, input, &mut out, &mut ends);
    if n == 0 {
        return None;
    }
    let mut fields = Vec::with_capacity(n);
    let mut from = 0;
    for &e in &ends[..n] {
        fields.push(out[from..e].to_vec());
        from = e;
    }
    Some((fields, nin))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_core_reads_one_record_and_its_crlf() {
        let mut rdr = Reader::new();
        let (mut o, mut e) = (Vec::new(), Vec::new());
        let input = b"a,\"b\r\nc\",d\r\nnext";
        let (nin, n) = read_one(&mut rdr, input, &mut o, &mut e);
        assert_eq!((nin, n), (12, 3));
        assert_eq!(&o[..e[2]], b"ab\r\ncd");
        assert_eq!(trim_terminator(&input[..nin]), 10);
        let (nin, n) = read_one(&mut rdr, &input[12..], &mut o, &mut e);
        assert_eq!((nin, n), (4, 1));
    }
}
