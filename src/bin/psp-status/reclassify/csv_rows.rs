//! Reading a chunk of CSV records into columns for the kernel, and writing the output rows.
//!
//! The hot loop: a record on one line without quotes (nearly all of them) is split with memchr
//! and passed through byte for byte, the new columns appended before its line terminator. A
//! record with quotes or a bare `\r` is read with csv-core, exactly as the csv crate would.

use super::chunk::{append_csv, append_json, json_string, ChunkOut, Plan, Span, SpanColumn};
use super::rejects::Reject;
use csv_core::{ReadRecordResult, Reader, ReaderBuilder};
use memchr::{memchr, memchr2, memchr3_iter, memchr_iter};
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

/// The records of a chunk, split into the kernel's columns as they are read.
struct Parsed<'a> {
    chunk: &'a [u8],
    cfg: &'a CsvIn,
    spans: Vec<Vec<Span>>,
    arena: Vec<u8>,
    recs: Vec<Rec>,
    rejects: Vec<Reject>,
    dec_out: Vec<u8>,
    dec_ends: Vec<usize>,
    rdr: Reader,
    row: u64,
    line: u64,
}

impl<'a> Parsed<'a> {
    fn new(chunk: &'a [u8], cfg: &'a CsvIn) -> Self {
        let estimate = chunk.len() / 64;
        Parsed {
            chunk,
            cfg,
            spans: (0..cfg.plan.wanted.len())
                .map(|_| Vec::with_capacity(estimate))
                .collect(),
            arena: Vec::new(),
            recs: Vec::with_capacity(estimate),
            rejects: Vec::new(),
            dec_out: Vec::new(),
            dec_ends: Vec::new(),
            rdr: ReaderBuilder::new().delimiter(cfg.delimiter).build(),
            row: 0,
            line: 0,
        }
    }

    /// A record on one line, without quotes: `delims` are its delimiters' positions.
    #[inline]
    fn plain(&mut self, start: usize, content_end: usize, end: usize, delims: &[usize]) {
        let rec = Rec {
            start,
            content_end,
            end,
            row: self.row,
            line: self.line,
        };
        self.row += 1;
        self.line += u64::from(end > content_end);
        let fields = delims.len() + 1;
        if fields != self.cfg.fields {
            let r = wrong_fields(&rec, self.chunk, fields, self.cfg.fields);
            self.rejects.push(r);
            return;
        }
        for (slot, &col) in self.cfg.slot_cols.iter().enumerate() {
            let s = if col == 0 { start } else { delims[col - 1] + 1 };
            let e = if col < delims.len() {
                delims[col]
            } else {
                content_end
            };
            self.spans[slot].push(Span::chunk(s, e - s));
        }
        self.recs.push(rec);
    }

    /// A record read with csv-core from `pos`; returns where the next one starts.
    fn quoted(&mut self, pos: usize) -> usize {
        let chunk = self.chunk;
        let (nin, nfields) = read_one(
            &mut self.rdr,
            &chunk[pos..],
            &mut self.dec_out,
            &mut self.dec_ends,
        );
        let end = pos + nin;
        if nfields == 0 {
            // Only blank lines were left.
            self.line += memchr_iter(b'\n', &chunk[pos..end]).count() as u64;
            return end.max(pos + 1);
        }
        let rec = Rec {
            start: pos,
            content_end: pos + trim_terminator(&chunk[pos..end]),
            end,
            row: self.row,
            line: self.line,
        };
        self.row += 1;
        self.line += memchr_iter(b'\n', &chunk[pos..end]).count() as u64;
        if nfields != self.cfg.fields {
            let r = wrong_fields(&rec, chunk, nfields, self.cfg.fields);
            self.rejects.push(r);
            return end;
        }
        for (slot, &col) in self.cfg.slot_cols.iter().enumerate() {
            let s = if col == 0 { 0 } else { self.dec_ends[col - 1] };
            let value = &self.dec_out[s..self.dec_ends[col]];
            self.spans[slot].push(Span::arena(self.arena.len(), value.len()));
            self.arena.extend_from_slice(value);
        }
        self.recs.push(rec);
        end
    }

    /// Reads the whole chunk.
    fn read_all(&mut self) {
        let chunk = self.chunk;
        let delim = self.cfg.delimiter;
        let mut delims: Vec<usize> = Vec::with_capacity(self.cfg.fields + 1);
        let mut pos = 0;
        if memchr(b'\r', chunk).is_none() {
            // One pass over delimiters, line feeds and quotes; a quote hands the record to
            // csv-core and the pass resumes after it.
            let mut from = 0;
            'pass: loop {
                for k in memchr3_iter(delim, b'\n', b'"', &chunk[from..]) {
                    let i = from + k;
                    let b = chunk[i];
                    if b == delim {
                        delims.push(i);
                    } else if b == b'\n' {
                        if i == pos {
                            self.line += 1; // a blank line is not a record
                        } else {
                            self.plain(pos, i, i + 1, &delims);
                        }
                        delims.clear();
                        pos = i + 1;
                    } else {
                        pos = self.quoted(pos);
                        delims.clear();
                        from = pos;
                        continue 'pass;
                    }
                }
                break;
            }
            if pos < chunk.len() {
                self.plain(pos, chunk.len(), chunk.len(), &delims);
            }
            return;
        }
        // With carriage returns: line by line.
        while pos < chunk.len() {
            let nl = memchr(b'\n', &chunk[pos..]).map(|i| pos + i);
            let line_end = nl.map_or(chunk.len(), |i| i + 1);
            let mut content_end = nl.unwrap_or(chunk.len());
            if content_end > pos && chunk[content_end - 1] == b'\r' {
                content_end -= 1;
            }
            let content = &chunk[pos..content_end];
            if memchr2(b'"', b'\r', content).is_some() {
                pos = self.quoted(pos);
                continue;
            }
            if content.is_empty() {
                self.line += 1;
            } else {
                delims.clear();
                delims.extend(memchr_iter(delim, content).map(|i| pos + i));
                self.plain(pos, content_end, line_end, &delims);
            }
            pos = line_end;
        }
    }
}

/// Reads, classifies and writes one chunk of whole CSV records.
pub fn process(chunk: &[u8], cfg: &CsvIn) -> ChunkOut {
    let delim = cfg.delimiter;
    let mut parsed = Parsed::new(chunk, cfg);
    parsed.read_all();
    let Parsed {
        spans,
        arena,
        recs,
        mut rejects,
        row,
        line,
        ..
    } = parsed;

    let columns = SpanColumn::all(chunk, &arena, &spans);
    let batch = cfg.plan.batch(&columns);
    let mut outcomes = Vec::new();
    NAMES.with(|n| classify_columns(&batch, &mut n.borrow_mut(), &mut outcomes));

    let mut result = ChunkOut::for_chunk(chunk, row, line);
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
