//! The output columns: `state`, `code`, `operation`, `matched` (dictionary-encoded with `UInt8`
//! keys, or plain strings) and `reject` (why a row could not be classified, null otherwise).

use std::fmt::Write;
use std::sync::{Arc, OnceLock};

use arrow_array::types::UInt8Type;
use arrow_array::{ArrayRef, DictionaryArray, StringArray, UInt8Array};
use arrow_buffer::{BooleanBuffer, BooleanBufferBuilder, NullBuffer, OffsetBuffer, ScalarBuffer};
use psp_status::batch::Reason;
use psp_status::{Classification, Code, Matched, Operation, State};
use strum::IntoEnumIterator;

use crate::{Encoding, Given, Output, Signal};

/// The wire names of an enum, in discriminant order (index = `variant as u8`).
fn names<T: IntoEnumIterator + Into<&'static str>>() -> Vec<&'static str> {
    T::iter().map(Into::into).collect()
}

/// The dictionary values of the four columns, built once.
struct Vocab {
    state: (Vec<&'static str>, ArrayRef),
    code: (Vec<&'static str>, ArrayRef),
    operation: (Vec<&'static str>, ArrayRef),
    matched: (Vec<&'static str>, ArrayRef),
}

fn vocab() -> &'static Vocab {
    static V: OnceLock<Vocab> = OnceLock::new();
    V.get_or_init(|| {
        let pair = |n: Vec<&'static str>| {
            let a: ArrayRef = Arc::new(StringArray::from(n.clone()));
            (n, a)
        };
        Vocab {
            state: pair(names::<State>()),
            code: pair(names::<Code>()),
            operation: pair(names::<Operation>()),
            matched: pair(names::<Matched>()),
        }
    })
}

/// The `operation` key of a row without one. A validity bit appended per row was a
/// read-modify-write of the same byte by consecutive rows (15 % of the mixed kernel's time);
/// a sentinel byte turned into a bitmap by one pass at the end is not.
const NO_OPERATION: u8 = u8::MAX;

/// The validity of `keys` (null where `NO_OPERATION`), which become 0 there.
fn absent_operations(keys: &mut [u8]) -> Option<NullBuffer> {
    let valid = BooleanBuffer::collect_bool(keys.len(), |i| keys[i] != NO_OPERATION);
    for k in keys.iter_mut() {
        if *k == NO_OPERATION {
            *k = 0;
        }
    }
    Some(NullBuffer::new(valid)).filter(|n| n.null_count() > 0)
}

/// A classification as the four output keys of its row: `state`, `code`, `operation`
/// (`NO_OPERATION` when it has none), `matched`. Small enough to memoise per distinct value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Keys([u8; 4]);

impl Keys {
    #[inline(always)]
    pub(crate) fn of(c: &Classification<'_>) -> Keys {
        Keys([
            c.state as u8,
            c.code as u8,
            c.operation.map_or(NO_OPERATION, |o| o as u8),
            c.matched as u8,
        ])
    }
}

/// Collects one key per row and column; rejected rows are null in all four.
///
/// Classified rows only push four bytes (and one lazy validity bit for `operation`); the
/// rejected rows are listed sparsely, with their reasons in one text buffer, and the validity
/// of the four columns and the `reject` column are built from that list at the end.
pub(crate) struct Builder {
    encoding: Encoding,
    /// One entry of four keys per row, split into the four columns by `finish`: one 4-byte
    /// push per row (four byte pushes reloaded each vector's length after every store, as a
    /// byte store may alias it).
    keys: Vec<Keys>,
    /// Rejected rows, ascending, with the end of each one's reason in `reasons`.
    rejected: Vec<(usize, usize)>,
    reasons: String,
}

impl Builder {
    pub(crate) fn new(rows: usize, encoding: Encoding) -> Self {
        Builder {
            encoding,
            keys: Vec::with_capacity(rows),
            rejected: Vec::new(),
            reasons: String::new(),
        }
    }

    #[inline(always)]
    pub(crate) fn classified(&mut self, c: &Classification<'_>) {
        self.push(Keys::of(c));
    }

    /// A classified row given by its four keys.
    #[inline(always)]
    pub(crate) fn push(&mut self, k: Keys) {
        self.keys.push(k);
    }

    /// A rejected row: null in the four columns, the reason (quoting the offending name, at
    /// most 200 bytes of it) in `reject`, worded as `reclassify`'s rejects file.
    #[cold]
    pub(crate) fn reject(
        &mut self,
        reason: Reason,
        provider: &Given<'_, psp_status::Provider>,
        signals: &[Signal<'_>],
        row: usize,
    ) {
        self.keys.push(Keys([0, 0, NO_OPERATION, 0]));
        let cell = |g: Option<&dyn arrow_array::Array>| -> String {
            let v = g
                .and_then(|a| crate::Bytes::new(a).ok())
                .and_then(|b| b.get(row))
                .unwrap_or_default();
            String::from_utf8_lossy(&v[..v.len().min(200)]).into_owned()
        };
        let w = &mut self.reasons;
        let _ = match reason {
            Reason::MissingProvider => w.write_str("missing provider"),
            Reason::UnknownProvider => match provider {
                Given::Column(a) => write!(w, "unknown provider `{}`", cell(Some(*a))),
                Given::Fixed(p) => write!(w, "unknown provider `{p}`"),
            },
            Reason::MissingSurface { .. } => w.write_str("missing surface"),
            Reason::NoSignal => w.write_str("no signal: every signal cell of the row is empty"),
            Reason::NoSignalFor(p) => write!(
                w,
                "no signal applies to provider {p} (none of the signals is one of its surfaces)"
            ),
            Reason::UnknownSurface { provider, signal } => {
                let name = match signals.get(usize::from(signal)).map(|s| &s.surface) {
                    Some(Given::Column(a)) => cell(Some(*a)),
                    Some(Given::Fixed(s)) => s.to_string(),
                    None => String::new(),
                };
                write!(w, "unknown surface `{name}` for provider {provider}")
            }
        };
        self.rejected.push((row, w.len()));
    }

    pub(crate) fn finish(mut self) -> Output {
        let rows = self.keys.len();
        let (valid, reject) = self.rejects(rows);
        let v = vocab();
        // Whole-word loads and shifts: byte loads (`k.0[i]`) did not vectorise.
        let split = |i: usize| {
            self.keys
                .iter()
                .map(|k| (u32::from_le_bytes(k.0) >> (8 * i)) as u8)
                .collect::<Vec<u8>>()
        };
        let (state, code, mut operation, matched) = (split(0), split(1), split(2), split(3));
        let op_valid = absent_operations(&mut operation);
        let enc = self.encoding;
        Output {
            state: column(state, valid.clone(), &v.state, enc),
            code: column(code, valid.clone(), &v.code, enc),
            operation: column(operation, op_valid, &v.operation, enc),
            matched: column(matched, valid, &v.matched, enc),
            reject,
        }
    }

    /// The validity of the four columns (null on rejected rows) and the `reject` column.
    fn rejects(&mut self, rows: usize) -> (Option<NullBuffer>, ArrayRef) {
        if self.rejected.is_empty() {
            return (None, Arc::new(StringArray::new_null(rows)));
        }
        let mut valid = BooleanBufferBuilder::new(rows);
        valid.append_n(rows, true);
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0i32);
        let mut end = 0;
        for &(row, reason_end) in &self.rejected {
            valid.set_bit(row, false);
            offsets.resize(row + 1, end);
            end = i32::try_from(reason_end).expect("reasons of one batch fit in 2 GiB");
            offsets.push(end);
        }
        offsets.resize(rows + 1, end);
        let valid = NullBuffer::new(valid.finish());
        let text = std::mem::take(&mut self.reasons).into_bytes();
        let reject = StringArray::new(
            OffsetBuffer::new(ScalarBuffer::from(offsets)),
            text.into(),
            Some(NullBuffer::new(!valid.inner())),
        );
        (Some(valid), Arc::new(reject))
    }
}

fn column(
    keys: Vec<u8>,
    nulls: Option<NullBuffer>,
    vocab: &(Vec<&'static str>, ArrayRef),
    encoding: Encoding,
) -> ArrayRef {
    match encoding {
        Encoding::Dictionary => {
            // The keys are enum discriminants (0 on rejected rows), so all inside the
            // vocabulary. `try_new` checks that key by key with its null bit (4 % of the mixed
            // kernel's time); a vectorised maximum checks the same in a fraction of it.
            let max = keys.iter().copied().max().unwrap_or(0);
            assert!(
                usize::from(max) < vocab.1.len(),
                "keys are enum discriminants, all inside the vocabulary"
            );
            let keys = UInt8Array::new(ScalarBuffer::from(keys), nulls);
            // SAFETY: every key (null or not) is below the vocabulary's length (asserted just
            // above), which is all `try_new` would check.
            Arc::new(unsafe { DictionaryArray::<UInt8Type>::new_unchecked(keys, vocab.1.clone()) })
        }
        Encoding::Plain => plain(&keys, nulls, &vocab.0),
    }
}

/// Longest name copied with one fixed-size write per row (longer vocabularies fall back to a
/// copy of the exact length).
const PAD: usize = 32;

/// A `Utf8` column of `names[key]` per row, null where `nulls` says so.
///
/// Two passes: the offsets (lengths summed from a per-key table), then the bytes, each row
/// one fixed-size `PAD`-byte write into a buffer with `PAD` bytes of slack (a variable-length
/// copy per row was a `memcpy` call and most of the plain output's cost).
fn plain(keys: &[u8], nulls: Option<NullBuffer>, names: &[&'static str]) -> ArrayRef {
    let mut padded = vec![[0u8; PAD]; 256];
    let mut lens = [0usize; 256];
    for (k, n) in names.iter().enumerate().take(256) {
        lens[k] = n.len();
        let b = n.as_bytes();
        padded[k][..b.len().min(PAD)].copy_from_slice(&b[..b.len().min(PAD)]);
    }
    let fits = names.iter().all(|n| n.len() <= PAD);
    let mut offsets = Vec::with_capacity(keys.len() + 1);
    offsets.push(0i32);
    let mut end = 0usize;
    match &nulls {
        None => offsets.extend(keys.iter().map(|k| {
            end += lens[usize::from(*k)];
            end as i32
        })),
        Some(n) => offsets.extend(keys.iter().zip(n.iter()).map(|(k, valid)| {
            if valid {
                end += lens[usize::from(*k)];
            }
            end as i32
        })),
    }
    let mut values = vec![0u8; end + PAD];
    for (i, k) in keys.iter().enumerate() {
        let (s, e) = (offsets[i] as usize, offsets[i + 1] as usize);
        if s == e {
            continue;
        }
        if fits {
            values[s..s + PAD].copy_from_slice(&padded[usize::from(*k)]);
        } else {
            values[s..e].copy_from_slice(names[usize::from(*k)].as_bytes());
        }
    }
    values.truncate(end);
    Arc::new(StringArray::new(
        OffsetBuffer::new(ScalarBuffer::from(offsets)),
        values.into(),
        nulls,
    ))
}
