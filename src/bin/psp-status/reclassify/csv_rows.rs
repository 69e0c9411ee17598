//! Reading a chunk of CSV records into columns for the kernel, and writing the output rows.
//!
//! The records come from `psp_status::readers::csv` (a record on one line without quotes,
//! nearly all of them, is split with memchr; a quoted one is decoded with csv-core, as the csv
//! crate would). Each is passed through byte for byte, the new columns appended before its
//! line terminator; with `--neutralize-formulas` a record holding a formula cell is rewritten
//! cell by cell.

use super::chunk::{
    append_csv_no_reject, append_csv_rejected, append_json, append_json_no_reject,
    append_json_rejected, json_string, reason_text, ChunkOut, Plan, Span, SpanColumn, Suffixes,
};
use super::reasons::ReasonCells;
use super::rejects::{is_formula, write_cell, Quoting, Rejects};
use csv_core::ReaderBuilder;
use psp_status::batch::{classify_columns_in, Names, Outcome, Reason};
use psp_status::readers::csv::{decode, fields_of, Fields, Record, Records};
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
    /// Neutralise formula cells in CSV output (`--neutralize-formulas`).
    pub neutralize: bool,
    /// `--keep-rejected`: rows the kernel rejects are written with a reason; for JSON Lines
    /// output, the `reject` key (JSON-encoded, with its colon).
    pub keep_rejected: Option<Vec<u8>>,
}

thread_local! {
    static NAMES: RefCell<Names> = RefCell::new(Names::default());
    static REASONS: RefCell<ReasonCells> = RefCell::new(ReasonCells::default());
    static SUFFIXES: RefCell<Suffixes> = RefCell::new(Suffixes::default());
}

/// One record's place in the chunk.
struct Rec {
    start: usize,
    content_end: usize,
    end: usize,
    row: u64,
    line: u64,
    /// It holds no `"` (see `Record::bare`).
    bare: bool,
}

/// The records of a chunk, split into the kernel's columns as they are read.
struct Parsed<'a> {
    chunk: &'a [u8],
    cfg: &'a CsvIn,
    spans: Vec<Vec<Span>>,
    arena: Vec<u8>,
    recs: Vec<Rec>,
    rejects: Rejects,
    row: u64,
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
            rejects: Rejects::default(),
            row: 0,
        }
    }

    /// Takes one record from the reader: its cells into the columns, or a reject.
    #[inline]
    fn record(&mut self, r: Record<'_>) {
        let rec = Rec {
            start: r.start,
            content_end: r.content_end,
            end: r.end,
            row: self.row,
            line: r.line,
            bare: r.bare,
        };
        self.row += 1;
        let fields = match r.fields {
            Fields::Plain(d) => d.len() + 1,
            Fields::Decoded { ends, .. } => ends.len(),
            Fields::Unterminated => {
                self.rejects.push(
                    rec.row,
                    rec.line,
                    "a quote opened in this record never closes: the record is cut after its \
                     first line, and reading goes on with the next",
                    &self.chunk[rec.start..rec.content_end],
                );
                return;
            }
        };
        if fields != self.cfg.fields {
            wrong_fields(&mut self.rejects, &rec, self.chunk, fields, self.cfg.fields);
            return;
        }
        match r.fields {
            Fields::Plain(delims) => {
                for (slot, &col) in self.cfg.slot_cols.iter().enumerate() {
                    let s = if col == 0 {
                        r.start
                    } else {
                        delims[col - 1] + 1
                    };
                    let e = if col < delims.len() {
                        delims[col]
                    } else {
                        r.content_end
                    };
                    self.spans[slot].push(Span::chunk(s, e - s));
                }
            }
            Fields::Decoded { bytes, ends } => {
                for (slot, &col) in self.cfg.slot_cols.iter().enumerate() {
                    let s = if col == 0 { 0 } else { ends[col - 1] };
                    let value = &bytes[s..ends[col]];
                    self.spans[slot].push(Span::arena(self.arena.len(), value.len()));
                    self.arena.extend_from_slice(value);
                }
            }
            Fields::Unterminated => unreachable!("rejected above"),
        }
        self.recs.push(rec);
    }
}

/// Reads, classifies and writes one chunk of whole CSV records.
pub fn process(chunk: &[u8], cfg: &CsvIn) -> ChunkOut {
    let delim = cfg.delimiter;
    let mut parsed = Parsed::new(chunk, cfg);
    // The reader (and its decoding buffer, as large as the largest record) is dropped before
    // the output is built.
    let line = Records::new(delim).read(chunk, |r| parsed.record(r));
    let Parsed {
        spans,
        arena,
        recs,
        mut rejects,
        row,
        ..
    } = parsed;

    let columns = SpanColumn::all(chunk, &arena, &spans, cfg.plan.trim);
    let batch = cfg.plan.batch(&columns);
    let mut outcomes = Vec::new();
    let tables = crate::tables::tables();
    NAMES.with(|n| classify_columns_in(tables, &batch, &mut n.borrow_mut(), &mut outcomes));

    let mut result = ChunkOut::for_chunk(chunk, row, line);
    let mut fields_buf = (Vec::new(), Vec::new());
    let mut decoder = ReaderBuilder::new().delimiter(delim).build();
    let mut cells = Vec::new();
    let mut reasons = REASONS.take();
    let mut suffixes = SUFFIXES.take();
    // Every record the kernel saw has the header's fields: with a `,` delimiter, it holds one.
    let has_comma = delim == b',' && cfg.fields > 1;
    let quoting = |rec: &Rec| match (has_comma, rec.bare) {
        (false, _) => Quoting::Scan,
        (true, false) => Quoting::Quote,
        (true, true) => Quoting::Wrap,
    };
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
                        let content = &chunk[rec.start..rec.content_end];
                        if cfg.neutralize && any_formula(content, delim, &mut cells) {
                            neutralized(&mut result.out, &cells, delim);
                        } else {
                            result.out.extend_from_slice(content);
                        }
                        suffixes.append(&mut result.out, delim, v);
                        if cfg.keep_rejected.is_some() {
                            append_csv_no_reject(&mut result.out, delim);
                        }
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
                        decode(&mut decoder, &chunk[rec.start..rec.end], out, ends);
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
                        if let Some(key) = &cfg.keep_rejected {
                            append_json_no_reject(o, key);
                        }
                        o.extend_from_slice(b"}\n");
                    }
                }
            }
            Outcome::Rejected(reason) => {
                if matches!(reason, Reason::NoSignal | Reason::NoSignalFor(_)) {
                    result.tally.no_signal += 1;
                }
                if let Some(key) = &cfg.keep_rejected {
                    // --keep-rejected: the row stays, its reason in the `reject` column.
                    result.tally.kept_rejected += 1;
                    let why = reason_text(&batch, i, *reason);
                    match &cfg.out {
                        CsvOut::Csv => {
                            let content = &chunk[rec.start..rec.content_end];
                            if cfg.neutralize && any_formula(content, delim, &mut cells) {
                                neutralized(&mut result.out, &cells, delim);
                            } else {
                                result.out.extend_from_slice(content);
                            }
                            append_csv_rejected(
                                &mut result.out,
                                delim,
                                why.as_bytes(),
                                cfg.neutralize,
                            );
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
                            decode(&mut decoder, &chunk[rec.start..rec.end], out, ends);
                            let o = &mut result.out;
                            o.push(b'{');
                            let mut from = 0;
                            for (k, name) in keys.iter().enumerate() {
                                o.extend_from_slice(name);
                                json_string(o, &out[from..ends[k]]);
                                o.push(b',');
                                from = ends[k];
                            }
                            append_json_rejected(o, appended, key, &why);
                            o.extend_from_slice(b"}\n");
                        }
                    }
                    continue;
                }
                rejects.push_with(
                    rec.row,
                    rec.line,
                    |text| reasons.write(text, &batch, i, *reason),
                    &chunk[rec.start..rec.content_end],
                    quoting(rec),
                )
            }
        }
    }
    REASONS.set(reasons);
    SUFFIXES.set(suffixes);
    rejects.sort();
    result.rejects = rejects;
    result
}

fn wrong_fields(rejects: &mut Rejects, rec: &Rec, chunk: &[u8], got: usize, want: usize) {
    let (mut g, mut w) = (itoa::Buffer::new(), itoa::Buffer::new());
    rejects.push_parts(
        rec.row,
        rec.line,
        &[
            "wrong number of fields: ",
            g.format(got),
            ", the header has ",
            w.format(want),
        ],
        &chunk[rec.start..rec.content_end],
    );
}

/// A header: its fields, decoded, and the bytes it takes.
pub type Header = (Vec<Vec<u8>>, usize);

/// Reads the header record at the start of `input`: its fields (decoded) and the bytes it takes,
/// terminator included (blank lines before it too). `None` when `input` holds no record; an
/// error when a quote in it never closes.
pub fn read_header(input: &[u8], delimiter: u8) -> Result<Option<Header>, String> {
    let mut header = None;
    let mut failed = false;
    let mut done = false;
    Records::new(delimiter).read(input, |r| {
        if !done {
            done = true;
            match fields_of(input, &r) {
                Some(f) => header = Some((f, r.end)),
                None => failed = true,
            }
        }
    });
    if failed {
        return Err("the header row opens a quote that never closes".to_string());
    }
    Ok(header)
}

/// Whether a cell of the record `content` is a spreadsheet formula; its cells are left in
/// `cells`.
fn any_formula(content: &[u8], delim: u8, cells: &mut Vec<Vec<u8>>) -> bool {
    cells.clear();
    Records::new(delim).read(content, |r| {
        if cells.is_empty() {
            if let Some(f) = fields_of(content, &r) {
                *cells = f;
            }
        }
    });
    cells.iter().any(|c| is_formula(c))
}

/// Writes `cells` as one CSV record, each neutralised and quoted as needed.
fn neutralized(out: &mut Vec<u8>, cells: &[Vec<u8>], delim: u8) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(delim);
        }
        write_cell(out, c, delim);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_the_first_record_and_an_open_quote_in_it_is_an_error() {
        let (f, n) = read_header(b"a,\"b\r\nc\",d\r\nx", b',').unwrap().unwrap();
        assert_eq!(f, [b"a".to_vec(), b"b\r\nc".to_vec(), b"d".to_vec()]);
        assert_eq!(n, 12);
        assert!(read_header(b"a,\"b\nc,d\n", b',').is_err());
        assert_eq!(read_header(b"", b',').unwrap(), None);
    }

    #[test]
    fn formula_cells_are_rewritten_only_when_asked() {
        let mut cells = Vec::new();
        assert!(any_formula(b"1,=SUM(A1),x", b',', &mut cells));
        let mut out = Vec::new();
        neutralized(&mut out, &cells, b',');
        assert_eq!(out, b"1,'=SUM(A1),x");
        assert!(!any_formula(b"1,-12.5,\"a,b\"", b',', &mut cells));
    }
}
