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

/// A worker's cache of [`append_csv`]'s bytes by (state, code, operation, matched, delimiter):
/// a history repeats a few dozen combinations, and one copy of the cached bytes costs a
/// fraction of the ten appends that build them (about 150 instructions a row).
///
/// Direct-mapped, 256 slots of at most [`Suffixes::MAX`] bytes: a combination that collides
/// with another replaces it, a longer one is built every time. Nothing grows.
///
/// ```ignore
/// let mut s = Suffixes::default();
/// s.append(&mut out, b',', &verdict); // the bytes append_csv(&mut out, b',', &verdict) appends
/// ```
pub struct Suffixes {
    /// Per slot: the key + 1 (0: empty), the length and the bytes.
    slots: Box<[(u64, u8, [u8; Suffixes::MAX])]>,
}

impl Default for Suffixes {
    fn default() -> Self {
        Suffixes {
            slots: vec![(0, 0, [0; Suffixes::MAX]); 256].into_boxed_slice(),
        }
    }
}

impl Suffixes {
    /// The longest suffix cached.
    const MAX: usize = 120;

    /// Appends what [`append_csv`] appends for `v`.
    #[inline]
    pub fn append(&mut self, out: &mut Vec<u8>, delimiter: u8, v: &Verdict) {
        let key = 1
            + (v.state as u64
                | (v.code as u64) << 8
                | v.operation.map_or(0, |o| o as u64 + 1) << 24
                | (v.matched as u64) << 40
                | u64::from(delimiter) << 48);
        let slot = &mut self.slots[(key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 56) as usize];
        if slot.0 != key {
            let from = out.len();
            append_csv(out, delimiter, v);
            let n = out.len() - from;
            if n <= Suffixes::MAX {
                slot.2[..n].copy_from_slice(&out[from..]);
                slot.1 = n as u8;
                slot.0 = key;
            }
            return;
        }
        out.extend_from_slice(&slot.2[..slot.1 as usize]);
    }
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

#[cfg(test)]
mod tests {
    use super::{append_csv, Suffixes};
    use psp_status::batch::Verdict;
    use psp_status::{Code, Matched, Operation, Provider, State, Surface};
    use strum::IntoEnumIterator;

    /// The cache appends exactly what `append_csv` appends, for every combination, through
    /// hits, misses and slots taken over by colliding combinations.
    #[test]
    fn suffixes_append_what_append_csv_appends() {
        let ops: Vec<Option<Operation>> = std::iter::once(None)
            .chain(Operation::iter().map(Some))
            .collect();
        let mut verdicts = Vec::new();
        for state in State::iter() {
            for code in Code::iter() {
                for &operation in &ops {
                    for matched in Matched::iter() {
                        verdicts.push(Verdict {
                            provider: Provider::Stripe,
                            surface: Surface::DeclineCode,
                            state,
                            code,
                            operation,
                            matched,
                            signal: Some(0),
                        });
                    }
                }
            }
        }
        assert!(verdicts.len() > 256, "more combinations than slots");
        let mut cache = Suffixes::default();
        let (mut want, mut got) = (Vec::new(), Vec::new());
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as usize
        };
        // A history's working set (a few dozen combinations, each seen often, under both
        // delimiters), then every combination (slots taken over), then the working set again.
        let few: Vec<&Verdict> = (0..40)
            .map(|_| &verdicts[next() % verdicts.len()])
            .collect();
        let every: Vec<&Verdict> = verdicts.iter().collect();
        for set in [&few, &every, &few] {
            for _ in 0..if set.len() == few.len() { 50 } else { 1 } {
                for v in set.iter() {
                    let delim = if next() % 4 == 0 { b';' } else { b',' };
                    append_csv(&mut want, delim, v);
                    cache.append(&mut got, delim, v);
                }
            }
        }
        assert_eq!(got, want);
    }
}
