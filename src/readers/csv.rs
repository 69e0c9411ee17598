//! CSV records as the csv crate reads them (RFC 4180, `"` quotes, `""` inside a quoted field, a
//! record ends at `\n`, `\r\n` or a lone `\r` outside quotes, blank lines are not records), with
//! one difference: a quote still open at the end of the input does not swallow the rest of it.
//! The record that opened it is cut after its first line ([`Fields::Unterminated`]) and reading
//! resumes on the next line, so every later row is still read.
//!
//! Linear time on every input: the scan jumps from quote to quote and from line break to line
//! break with memchr, and never looks at a byte twice per pass.

use super::bytes3::positions3;
use super::{line_breaks, line_end};
use csv_core::{ReadRecordResult, Reader, ReaderBuilder};
use memchr::{memchr, memchr2, memchr3, memchr_iter};

/// How the record starting at some position ends (see [`record_end`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// It ends: its content ends at `content_end`, its terminator at `end` (`end ==
    /// content_end` at the end of the input). `quoted`: it holds a quoted field.
    At {
        /// End of the record's content (terminator excluded).
        content_end: usize,
        /// End of the record with its terminator.
        end: usize,
        /// Whether a quoted field opened in it (its fields need decoding).
        quoted: bool,
    },
    /// A quoted field opened in it is still open at the end of the buffer.
    Open,
}

/// Where the record starting at `pos` (not on a blank line) ends in `buf`.
///
/// ```
/// use psp_status::readers::csv::{record_end, End};
///
/// assert_eq!(record_end(b"a,\"b\r\nc\",d\r\ne", 0, b','), End::At { content_end: 10, end: 12, quoted: true });
/// assert_eq!(record_end(b"a,\"b\nc", 0, b','), End::Open);
/// ```
pub fn record_end(buf: &[u8], pos: usize, delim: u8) -> End {
    let mut i = pos;
    let mut quoted = false;
    loop {
        let Some(k) = memchr3(b'"', b'\n', b'\r', &buf[i..]) else {
            return End::At {
                content_end: buf.len(),
                end: buf.len(),
                quoted,
            };
        };
        let q = i + k;
        if buf[q] != b'"' {
            let end = if buf[q] == b'\r' && buf.get(q + 1) == Some(&b'\n') {
                q + 2
            } else {
                q + 1
            };
            return End::At {
                content_end: q,
                end,
                quoted,
            };
        }
        // A quote opens a quoted field only at the start of a field.
        if q != pos && buf[q - 1] != delim {
            i = q + 1;
            continue;
        }
        quoted = true;
        let mut j = q + 1;
        loop {
            let Some(k) = memchr(b'"', &buf[j..]) else {
                return End::Open;
            };
            let close = j + k;
            if buf.get(close + 1) == Some(&b'"') {
                j = close + 2; // an escaped quote
            } else {
                i = close + 1;
                break;
            }
        }
    }
}

/// What the chunker needs: the longest prefix of `buf` made of whole records (ending with a
/// terminator), and whether the record after it has a quote still open at the end of `buf`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    /// Length of the prefix of whole records.
    pub len: usize,
    /// The record starting at `len` has a quote still open at the end of `buf`.
    pub open: bool,
}

/// The whole records at the start of `buf` (which starts at a record boundary). A `\r` ending
/// `buf` is not taken as a terminator unless `eof` (its `\n` may be next).
///
/// ```
/// use psp_status::readers::csv::{whole_records, Cut};
///
/// assert_eq!(whole_records(b"a\rb\rc", b',', false), Cut { len: 4, open: false });
/// assert_eq!(whole_records(b"a\n\"b\nc", b',', true), Cut { len: 2, open: true });
/// ```
pub fn whole_records(buf: &[u8], delim: u8, eof: bool) -> Cut {
    let usable = if eof || buf.last() != Some(&b'\r') {
        buf.len()
    } else {
        buf.len() - 1
    };
    let buf = &buf[..usable];
    // Only a record holding a quote can span lines; the records between quotes end at their
    // line breaks. So: jump to the line of the next quote, walk that record, repeat; after
    // the last quote, the prefix ends at the last line break. (Walking every record cost the
    // reader thread about 160 instructions per record on a file with a few quotes per chunk.)
    let mut pos = 0;
    loop {
        let Some(q) = memchr(b'"', &buf[pos..]).map(|k| pos + k) else {
            let len = memchr::memrchr2(b'\n', b'\r', &buf[pos..]).map_or(pos, |i| pos + i + 1);
            return Cut { len, open: false };
        };
        // The record holding the quote starts after the last line break before it (a blank
        // line there belongs to the prefix, as every line before it does).
        let start = memchr::memrchr2(b'\n', b'\r', &buf[pos..q]).map_or(pos, |i| pos + i + 1);
        match record_end(buf, start, delim) {
            End::Open => {
                return Cut {
                    len: start,
                    open: true,
                }
            }
            End::At {
                content_end, end, ..
            } => {
                if end == content_end {
                    return Cut {
                        len: start,
                        open: false,
                    };
                }
                pos = end;
            }
        }
    }
}

/// How a record's fields were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fields<'a> {
    /// No quoted field: the fields lie between these delimiter positions (in the chunk).
    Plain(&'a [usize]),
    /// Quoted fields, decoded: the fields' bytes back to back, and where each ends.
    Decoded {
        /// The decoded fields, back to back.
        bytes: &'a [u8],
        /// The end of each field in `bytes`.
        ends: &'a [usize],
    },
    /// A quote opened in this record never closes before the end of the input. The record is
    /// cut after its first line (`start..end`); reading resumes on the next line.
    Unterminated,
}

/// One record of a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    /// Where it starts in the chunk.
    pub start: usize,
    /// Where its content ends (its terminator excluded).
    pub content_end: usize,
    /// Where it ends, terminator included.
    pub end: usize,
    /// The line it starts on, within the chunk (0-based).
    pub line: u64,
    /// Its fields.
    pub fields: Fields<'a>,
    /// It holds no `"` at all. Known for the records read in one pass with the rest of their
    /// chunk (no quote and no carriage return in sight); `false` when not known.
    pub bare: bool,
}

/// Decodes one whole record (`rec`, terminator included) with csv-core into `out`/`ends`;
/// returns the number of fields.
pub fn decode(rdr: &mut Reader, rec: &[u8], out: &mut Vec<u8>, ends: &mut Vec<usize>) -> usize {
    rdr.reset();
    if out.len() < rec.len() + 1 {
        out.resize(rec.len() + 1, 0);
    }
    if ends.len() < 16 {
        ends.resize(16, 0);
    }
    let (mut nin, mut nout, mut nend) = (0, 0, 0);
    loop {
        let (res, i, o, e) = rdr.read_record(&rec[nin..], &mut out[nout..], &mut ends[nend..]);
        nin += i;
        nout += o;
        nend += e;
        match res {
            ReadRecordResult::InputEmpty => {}
            ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
            ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
            ReadRecordResult::Record | ReadRecordResult::End => return nend,
        }
    }
}

/// A reusable reader of CSV chunks (it keeps its decoding buffers).
pub struct Records {
    delim: u8,
    rdr: Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    delims: Vec<usize>,
}

impl Records {
    /// A reader for `delim`-separated records.
    ///
    /// ```
    /// let mut r = psp_status::readers::csv::Records::new(b';');
    /// let mut n = 0;
    /// r.read(b"a;b\nc;d\n", |_| n += 1);
    /// assert_eq!(n, 2);
    /// ```
    pub fn new(delim: u8) -> Records {
        Records {
            delim,
            rdr: ReaderBuilder::new().delimiter(delim).build(),
            out: Vec::new(),
            ends: Vec::new(),
            delims: Vec::new(),
        }
    }

    /// Calls `f` for every record of `chunk` (whole records, or the end of the input), in
    /// order; returns the line breaks in `chunk`.
    pub fn read(&mut self, chunk: &[u8], mut f: impl FnMut(Record<'_>)) -> u64 {
        let delim = self.delim;
        let mut line = 0u64;
        let mut pos = 0;
        if memchr(b'\r', chunk).is_none() {
            // The common case, one pass over delimiters, line feeds and quotes; a quote hands
            // the record to the general path and the pass resumes after it.
            self.delims.clear();
            let mut from = 0;
            'pass: loop {
                for k in positions3(delim, b'\n', b'"', &chunk[from..]) {
                    let i = from + k;
                    let b = chunk[i];
                    if b == delim {
                        self.delims.push(i);
                    } else if b == b'\n' {
                        if i > pos {
                            f(Record {
                                start: pos,
                                content_end: i,
                                end: i + 1,
                                line,
                                fields: Fields::Plain(&self.delims),
                                bare: true,
                            });
                        }
                        line += 1;
                        self.delims.clear();
                        pos = i + 1;
                    } else {
                        pos = self.general(chunk, pos, &mut line, &mut f);
                        self.delims.clear();
                        from = pos;
                        continue 'pass;
                    }
                }
                break;
            }
            if pos < chunk.len() {
                f(Record {
                    start: pos,
                    content_end: chunk.len(),
                    end: chunk.len(),
                    line,
                    fields: Fields::Plain(&self.delims),
                    bare: true,
                });
            }
            return line;
        }
        while pos < chunk.len() {
            let b = chunk[pos];
            if b == b'\n' || b == b'\r' {
                let (_, end) = line_end(chunk, pos);
                line += 1;
                pos = end;
                continue;
            }
            pos = self.general(chunk, pos, &mut line, &mut f);
        }
        line
    }

    /// Reads the record at `pos` (not a blank line) by the general path; returns where the next
    /// one starts.
    fn general(
        &mut self,
        chunk: &[u8],
        pos: usize,
        line: &mut u64,
        f: &mut impl FnMut(Record<'_>),
    ) -> usize {
        match record_end(chunk, pos, self.delim) {
            End::Open => {
                let (content_end, end) = line_end(chunk, pos);
                f(Record {
                    start: pos,
                    content_end,
                    end,
                    line: *line,
                    fields: Fields::Unterminated,
                    bare: false,
                });
                *line += u64::from(end > content_end);
                end
            }
            End::At {
                content_end,
                end,
                quoted,
            } => {
                let fields = if quoted {
                    let n = decode(
                        &mut self.rdr,
                        &chunk[pos..end],
                        &mut self.out,
                        &mut self.ends,
                    );
                    let ends = &self.ends[..n];
                    Fields::Decoded {
                        bytes: &self.out[..ends.last().copied().unwrap_or(0)],
                        ends,
                    }
                } else {
                    self.delims.clear();
                    self.delims
                        .extend(memchr_iter(self.delim, &chunk[pos..content_end]).map(|i| pos + i));
                    Fields::Plain(&self.delims)
                };
                f(Record {
                    start: pos,
                    content_end,
                    end,
                    line: *line,
                    fields,
                    bare: false,
                });
                *line += line_breaks(&chunk[pos..end]);
                end
            }
        }
    }
}

/// Calls `f` for every record of `chunk` (see [`Records::read`]); returns the line breaks.
///
/// ```
/// use psp_status::readers::csv::{for_each_record, Fields};
///
/// let mut fields = Vec::new();
/// for_each_record(b"x,\"y\"\"z\"\r\n", b',', |r| {
///     if let Fields::Decoded { bytes, ends } = r.fields {
///         fields.push((bytes.to_vec(), ends.to_vec()));
///     }
/// });
/// assert_eq!(fields, [(b"xy\"z".to_vec(), vec![1, 4])]);
/// ```
pub fn for_each_record(chunk: &[u8], delim: u8, f: impl FnMut(Record<'_>)) -> u64 {
    Records::new(delim).read(chunk, f)
}

/// The fields of a record as owned byte strings (for tests and tools).
///
/// ```
/// use psp_status::readers::csv::{for_each_record, fields_of};
///
/// let mut all = Vec::new();
/// for_each_record(b"a,b\n", b',', |r| all.push(fields_of(b"a,b\n", &r)));
/// assert_eq!(all, [Some(vec![b"a".to_vec(), b"b".to_vec()])]);
/// ```
pub fn fields_of(chunk: &[u8], r: &Record<'_>) -> Option<Vec<Vec<u8>>> {
    match r.fields {
        Fields::Unterminated => None,
        Fields::Plain(delims) => {
            let mut v = Vec::with_capacity(delims.len() + 1);
            let mut s = r.start;
            for &d in delims {
                v.push(chunk[s..d].to_vec());
                s = d + 1;
            }
            v.push(chunk[s..r.content_end].to_vec());
            Some(v)
        }
        Fields::Decoded { bytes, ends } => {
            let mut v = Vec::with_capacity(ends.len());
            let mut s = 0;
            for &e in ends {
                v.push(bytes[s..e].to_vec());
                s = e;
            }
            Some(v)
        }
    }
}

/// Whether `buf` holds a carriage return or a quote (the slower, general path).
pub fn needs_general_path(buf: &[u8]) -> bool {
    memchr2(b'\r', b'"', buf).is_some()
}
