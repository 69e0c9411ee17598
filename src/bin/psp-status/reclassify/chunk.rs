//! What the format readers share: the plan of which columns feed the kernel, the columns of
//! byte spans they build over a chunk, what a processed chunk hands to the writer, and the
//! appended output columns.

use super::rejects::Rejects;
use super::tally::Tally;
use psp_status::batch::{Batch, ByteColumn, Given, Signal, Verdict};
use psp_status::{Provider, Surface};

/// Where the kernel reads a value: fixed for the run, or a wanted column (its slot).
#[derive(Debug, Clone, Copy)]
pub enum Src<T> {
    Fixed(T),
    Slot(usize),
}

/// Which input columns the kernel reads, and how.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The names of the columns the kernel reads, one slot each.
    pub wanted: Vec<String>,
    pub provider: Src<Provider>,
    /// (surface, slot of the raw values, the one provider it applies to or `None` for every
    /// provider having the surface).
    pub signals: Vec<(Src<Surface>, usize, Option<Provider>)>,
    /// Strip ASCII whitespace around every value the kernel reads (`--trim`).
    pub trim: bool,
}

/// A value of a chunk: `len == NULL` is a null; a start with the top bit set is in the arena.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub start: u32,
    pub len: u32,
}

impl Span {
    pub const NULL: Span = Span {
        start: 0,
        len: u32::MAX,
    };
    const ARENA: u32 = 1 << 31;

    /// A value at `start..start+len` of the chunk.
    pub fn chunk(start: usize, len: usize) -> Span {
        Span {
            start: start as u32,
            len: len as u32,
        }
    }

    /// A value at `start..start+len` of the arena.
    pub fn arena(start: usize, len: usize) -> Span {
        Span {
            start: start as u32 | Self::ARENA,
            len: len as u32,
        }
    }
}

/// One column of a chunk as the kernel sees it.
pub struct SpanColumn<'a> {
    pub chunk: &'a [u8],
    pub arena: &'a [u8],
    pub spans: &'a [Span],
    /// Values are read with ASCII whitespace stripped (`--trim`).
    pub trim: bool,
}

impl<'a> SpanColumn<'a> {
    /// One column per wanted input column of a chunk (`spans[slot]`, cells in `chunk` or
    /// `arena`), trimmed when `trim`.
    pub fn all(
        chunk: &'a [u8],
        arena: &'a [u8],
        spans: &'a [Vec<Span>],
        trim: bool,
    ) -> Vec<SpanColumn<'a>> {
        spans
            .iter()
            .map(|s| SpanColumn {
                chunk,
                arena,
                spans: s,
                trim,
            })
            .collect()
    }
}

impl ChunkOut {
    /// The result of a chunk of `rows` rows and `lines` line breaks, its output buffer sized
    /// for the input plus the appended columns.
    pub fn for_chunk(chunk: &[u8], rows: u64, lines: u64) -> ChunkOut {
        ChunkOut {
            out: buffer(chunk.len() + chunk.len() / 2 + 64),
            rows,
            lines,
            bytes: chunk.len() as u64,
            ..ChunkOut::default()
        }
    }
}

impl ByteColumn for SpanColumn<'_> {
    fn len(&self) -> usize {
        self.spans.len()
    }
    #[inline]
    fn value(&self, row: usize) -> Option<&[u8]> {
        let s = self.spans.get(row)?;
        if s.len == u32::MAX {
            return None;
        }
        let (buf, start) = if s.start & Span::ARENA != 0 {
            (self.arena, (s.start & !Span::ARENA) as usize)
        } else {
            (self.chunk, s.start as usize)
        };
        let v = buf.get(start..start + s.len as usize)?;
        Some(if self.trim { v.trim_ascii() } else { v })
    }
}

impl Plan {
    /// The kernel's batch over `columns` (one per wanted slot).
    pub fn batch<'c, C: ByteColumn>(&self, columns: &'c [C]) -> Batch<'c, C> {
        Batch {
            provider: match self.provider {
                Src::Fixed(p) => Given::Fixed(p),
                Src::Slot(i) => Given::Column(&columns[i]),
            },
            signals: self
                .signals
                .iter()
                .map(|(s, raw, only)| Signal {
                    surface: match *s {
                        Src::Fixed(s) => Given::Fixed(s),
                        Src::Slot(i) => Given::Column(&columns[i]),
                    },
                    raw: &columns[*raw],
                    only: *only,
                })
                .collect(),
            // One rule for every input: an empty cell (or a missing or null JSON key) is an
            // absent signal.
            empty_is_absent: true,
        }
    }

    /// The slot of the raw values of signal `signal`.
    pub fn raw_slot(&self, signal: u8) -> usize {
        self.signals[usize::from(signal)].1
    }
}

/// What a worker hands the writer for one chunk.
#[derive(Debug, Default)]
pub struct ChunkOut {
    /// The output rows, ready to write.
    pub out: Vec<u8>,
    /// Rejected rows, in row order (chunk-relative numbers).
    pub rejects: Rejects,
    pub tally: Tally,
    /// Rows read (written + rejected).
    pub rows: u64,
    /// Line breaks in the chunk.
    pub lines: u64,
    /// Input bytes.
    pub bytes: u64,
}

/// The names of the appended columns.
pub const APPENDED: [&str; 5] = ["state", "code", "operation", "matched", "table_version"];

/// The name of the column `--keep-rejected` appends after them: why a kept row has no
/// classification (null on classified rows).
pub const REJECT: &str = "reject";

/// Appends the classification as CSV fields (each preceded by `delimiter`). The values are
/// upper-case names, snake_case words and the version: no quoting is needed for the
/// delimiters the CLI accepts.
#[inline]
pub fn append_csv(out: &mut Vec<u8>, delimiter: u8, v: &Verdict) {
    out.push(delimiter);
    out.extend_from_slice(<&str>::from(v.state).as_bytes());
    out.push(delimiter);
    out.extend_from_slice(<&str>::from(v.code).as_bytes());
    out.push(delimiter);
    if let Some(op) = v.operation {
        out.extend_from_slice(<&str>::from(op).as_bytes());
    }
    out.push(delimiter);
    out.extend_from_slice(<&str>::from(v.matched).as_bytes());
    out.push(delimiter);
    out.extend_from_slice(crate::tables::tables().version().as_bytes());
}

/// Appends the classification as JSON members (`"state":"…",…`), `names` being the JSON-encoded
/// keys (with their colon).
#[inline]
pub fn append_json(out: &mut Vec<u8>, names: &[Vec<u8>; 5], v: &Verdict) {
    let quoted = |out: &mut Vec<u8>, s: &str| {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    };
    out.extend_from_slice(&names[0]);
    quoted(out, v.state.into());
    out.push(b',');
    out.extend_from_slice(&names[1]);
    quoted(out, v.code.into());
    out.push(b',');
    out.extend_from_slice(&names[2]);
    match v.operation {
        Some(op) => quoted(out, op.into()),
        None => out.extend_from_slice(b"null"),
    }
    out.push(b',');
    out.extend_from_slice(&names[3]);
    quoted(out, v.matched.into());
    out.push(b',');
    out.extend_from_slice(&names[4]);
    quoted(out, crate::tables::tables().version());
}

/// `--keep-rejected` in CSV: after a classified row's columns, its empty `reject` cell.
#[inline]
pub fn append_csv_no_reject(out: &mut Vec<u8>, delimiter: u8) {
    out.push(delimiter);
}

/// `--keep-rejected` in CSV: a kept rejected row's appended cells, five empty ones and the
/// reason (neutralised as a formula when `neutralize`; a reason never starts like one).
pub fn append_csv_rejected(out: &mut Vec<u8>, delimiter: u8, reason: &[u8], neutralize: bool) {
    for _ in 0..APPENDED.len() + 1 {
        out.push(delimiter);
    }
    if neutralize {
        super::rejects::write_cell(out, reason, delimiter);
    } else {
        super::rejects::write_plain(out, reason, delimiter);
    }
}

/// `--keep-rejected` in JSON: after a classified row's members, `,"reject":null` (`reject` the
/// JSON-encoded key with its colon).
#[inline]
pub fn append_json_no_reject(out: &mut Vec<u8>, reject: &[u8]) {
    out.push(b',');
    out.extend_from_slice(reject);
    out.extend_from_slice(b"null");
}

/// `--keep-rejected` in JSON: a kept rejected row's members, the five result columns null and
/// the reason.
pub fn append_json_rejected(out: &mut Vec<u8>, names: &[Vec<u8>; 5], reject: &[u8], reason: &str) {
    for n in names {
        out.extend_from_slice(n);
        out.extend_from_slice(b"null,");
    }
    out.extend_from_slice(reject);
    serde_json::to_writer(&mut *out, reason).expect("writing to a Vec cannot fail");
}

/// The reason a row was rejected for, as one string (the rejects file's text).
pub fn reason_text<C: ByteColumn>(
    batch: &Batch<'_, C>,
    row: usize,
    reason: psp_status::batch::Reason,
) -> String {
    batch.explanation(row, reason).parts.concat()
}

/// Appends `s` as a JSON string (invalid UTF-8 replaced by U+FFFD).
pub fn json_string(out: &mut Vec<u8>, s: &[u8]) {
    let text = String::from_utf8_lossy(s);
    serde_json::to_writer(&mut *out, &*text).expect("writing to a Vec cannot fail");
}

/// Spare chunk-sized buffers: reusing them spares the page faults of fresh multi-megabyte
/// allocations (which also serialise threads on the kernel's memory map lock).
static SPARE: std::sync::Mutex<Vec<Vec<u8>>> = std::sync::Mutex::new(Vec::new());
/// At most this many spare buffers are kept.
const SPARE_MAX: usize = 8;

/// An empty buffer with room for at least `capacity` bytes.
pub fn buffer(capacity: usize) -> Vec<u8> {
    let spare = SPARE.lock().ok().and_then(|mut s| s.pop());
    let mut b = spare.unwrap_or_default();
    b.clear();
    b.reserve(capacity);
    b
}

/// Spare buffers larger than this are freed, not kept (a chunk holding a huge record must not
/// keep its memory after it is written).
const SPARE_CAPACITY_MAX: usize = 8 << 20;

/// Hands a buffer back for reuse.
pub fn recycle(b: Vec<u8>) {
    if b.capacity() > SPARE_CAPACITY_MAX {
        return;
    }
    if let Ok(mut s) = SPARE.lock() {
        if s.len() < SPARE_MAX {
            s.push(b);
        }
    }
}
