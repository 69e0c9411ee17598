//! The kernel: one pass over the rows of Arrow columns, one verdict per row.
//!
//! The rules are `psp-status reclassify`'s (`psp_status::batch::classify_columns` with
//! `empty_is_absent`), so the CLI, Python and Spark give the same answer for the same row:
//! - a null or empty provider cell is "missing provider", an unknown name "unknown provider";
//! - a signal with a fixed surface the row's provider does not have does not apply to the row;
//!   a row no signal applies to is rejected "no signal applies to provider …";
//! - a null or empty value is an absent signal (skipped, its surface cell not read); a row
//!   whose every applying signal is absent is rejected "no signal";
//! - a present value with a null or empty surface cell is "missing surface", with a surface
//!   the provider does not have "unknown surface".
//!
//! Speed: names are hashed once per row ([`NameIndex`]) or once per dictionary value; a
//! dictionary-encoded value column of one signal is classified once per (value, field); the
//! (provider, surface) → field check is a table indexed by both enums; a one-signal input has
//! its own loop with no per-row vector; each row pushes its four output keys as one word into
//! a preallocated vector.

use std::sync::OnceLock;

use arrow_array::Array;
use psp_status::batch::{Reason, MAX_SIGNALS};
use psp_status::{classify_bytes, Field, Provider, Surface};
use strum::{EnumCount, IntoEnumIterator};

use crate::column::{Bytes, Dict, Flat, Repr};
use crate::names::NameIndex;
use crate::output::{Builder, Keys};
use crate::{Encoding, Error, Given, Input, Output};

/// Every (provider, surface) pair's field, `None` where the provider lacks the surface:
/// index `p * Surface::COUNT + s` (see [`field`]).
fn fields() -> &'static [Option<Field>] {
    static FIELDS: OnceLock<Vec<Option<Field>>> = OnceLock::new();
    FIELDS.get_or_init(|| {
        Provider::iter()
            .flat_map(|p| Surface::iter().map(move |s| Field::new(p, s).ok()))
            .collect()
    })
}

/// The field of provider `p`'s surface `s`, if it has it: one indexed load, no allocation
/// (`Field::new` formats an error for a miss).
#[inline(always)]
fn field(fields: &[Option<Field>], p: Provider, s: Surface) -> Option<Field> {
    fields
        .get(p as usize * Surface::COUNT + s as usize)
        .copied()
        .flatten()
}

/// A dense number for each (provider, surface) pair, the index of [`fields`].
#[inline(always)]
fn field_id(f: Field) -> u32 {
    (f.provider() as usize * Surface::COUNT + f.surface() as usize) as u32
}

/// Classifications of a dictionary-encoded value column, one slot per dictionary value: the
/// field it was last classified under and its output keys. A raw value mostly belongs to one
/// field, so on a mixed column nearly every row is a hit (one load and a compare instead of
/// a table lookup); a row of another field classifies and takes the slot over.
struct Memo {
    slots: Vec<(u32, Keys)>,
}

impl Memo {
    /// A memo for a dictionary of `len` values (`None`: a flat column, nothing memoised).
    fn new(len: Option<usize>) -> Self {
        Memo {
            slots: vec![(u32::MAX, Keys::default()); len.unwrap_or(0)],
        }
    }

    /// The keys of `value` (dictionary key `key`, if any) classified under `f`.
    #[inline(always)]
    fn keys(&mut self, f: Field, value: &[u8], key: Option<usize>) -> Keys {
        let id = field_id(f);
        match key.and_then(|k| self.slots.get_mut(k)) {
            Some(slot) if slot.0 == id => slot.1,
            Some(slot) => {
                *slot = (id, Keys::of(&classify_bytes(f, value)));
                slot.1
            }
            None => Keys::of(&classify_bytes(f, value)),
        }
    }
}

/// How a name cell reads: missing (null or empty), a name, or not a name.
#[derive(Clone, Copy)]
enum Cell<T> {
    Missing,
    Known(T),
    Unknown,
}

/// A name column (provider or surface) ready for row lookups.
enum NameCol<'a, T> {
    Fixed(T),
    /// Plain strings: one hash lookup per row.
    Plain(Flat<'a>),
    /// Dictionary: every distinct value resolved once.
    Dict(Dict<'a>, Vec<Cell<T>>),
}

impl<'a, T: Copy> NameCol<'a, T> {
    fn new(given: &Given<'a, T>, lookup: impl Fn(&[u8]) -> Option<T>) -> Result<Self, Error> {
        let read = |name: Option<&[u8]>| match name {
            None | Some(b"") => Cell::Missing,
            Some(n) => lookup(n).map_or(Cell::Unknown, Cell::Known),
        };
        Ok(match given {
            Given::Fixed(v) => NameCol::Fixed(*v),
            Given::Column(a) => match Bytes::new(*a)?.0 {
                Repr::Flat(f) => NameCol::Plain(f),
                Repr::Dict(d) => {
                    let memo = (0..d.values_len()).map(|k| read(d.values.get(k))).collect();
                    NameCol::Dict(d, memo)
                }
            },
        })
    }

    #[inline(always)]
    fn cell(&self, row: usize, lookup: impl Fn(&[u8]) -> Option<T>) -> Cell<T> {
        match self {
            NameCol::Fixed(v) => Cell::Known(*v),
            NameCol::Plain(f) => match f.get(row) {
                None | Some(b"") => Cell::Missing,
                Some(name) => lookup(name).map_or(Cell::Unknown, Cell::Known),
            },
            NameCol::Dict(d, memo) => match d.key(row) {
                None => Cell::Missing,
                Some(k) => memo[k],
            },
        }
    }
}

/// A signal's surface: fixed (the field per provider, `None` where the provider lacks it) or
/// a column of names.
enum SurfaceCol<'a> {
    Fixed([Option<Field>; Provider::COUNT]),
    Column(NameCol<'a, Surface>),
}

/// What one signal says on one row.
enum Step<'a> {
    /// The signal does not apply to the row's provider (a fixed surface it lacks).
    NotApplicable,
    /// The value is null or empty.
    Absent,
    /// The value, with its dictionary key when the column is dictionary-encoded.
    Present(Field, &'a [u8], Option<usize>),
    Rejected(Reason),
}

struct Sig<'a> {
    surface: SurfaceCol<'a>,
    raw: Bytes<'a>,
    fields: &'static [Option<Field>],
}

impl<'a> Sig<'a> {
    #[inline(always)]
    fn step(&self, p: Provider, i: usize, row: usize, names: &NameIndex) -> Step<'a> {
        let col = match &self.surface {
            SurfaceCol::Fixed(fields) => {
                let Some(f) = fields[p as usize] else {
                    return Step::NotApplicable;
                };
                return match self.raw.get_keyed(row) {
                    None | Some((b"", _)) => Step::Absent,
                    Some((v, k)) => Step::Present(f, v, k),
                };
            }
            SurfaceCol::Column(col) => col,
        };
        let (value, key) = match self.raw.get_keyed(row) {
            None | Some((b"", _)) => return Step::Absent,
            Some(vk) => vk,
        };
        let signal = i as u8;
        match col.cell(row, |b| names.surface(b)) {
            Cell::Known(s) => match field(self.fields, p, s) {
                Some(f) => Step::Present(f, value, key),
                None => Step::Rejected(Reason::UnknownSurface {
                    provider: p,
                    signal,
                }),
            },
            Cell::Unknown => Step::Rejected(Reason::UnknownSurface {
                provider: p,
                signal,
            }),
            Cell::Missing => Step::Rejected(Reason::MissingSurface { signal }),
        }
    }
}

fn check_len(name: &str, array: &dyn Array, rows: usize) -> Result<(), Error> {
    if array.len() == rows {
        Ok(())
    } else {
        Err(Error::LengthMismatch {
            column: name.to_string(),
            len: array.len(),
            expected: rows,
        })
    }
}

pub(crate) fn run(input: &Input<'_>, encoding: Encoding) -> Result<Output, Error> {
    let first = input.signals.first().ok_or(Error::NoSignal)?;
    if input.signals.len() > MAX_SIGNALS {
        return Err(Error::TooManySignals(input.signals.len()));
    }
    let rows = first.raw.len();
    if let Given::Column(a) = &input.provider {
        check_len("provider", *a, rows)?;
    }
    for (i, s) in input.signals.iter().enumerate() {
        check_len(&format!("signal {i} raw"), s.raw, rows)?;
        if let Given::Column(a) = &s.surface {
            check_len(&format!("signal {i} surface"), *a, rows)?;
        }
    }
    let names = NameIndex::get();
    let prov_lookup = |b: &[u8]| names.provider(b);
    let provider = NameCol::new(&input.provider, prov_lookup)?;
    let signals = input
        .signals
        .iter()
        .map(|s| {
            let surface = match s.surface {
                Given::Fixed(s) => {
                    let mut fields = [None; Provider::COUNT];
                    for p in Provider::iter() {
                        fields[p as usize] = field(self::fields(), p, s);
                    }
                    SurfaceCol::Fixed(fields)
                }
                Given::Column(_) => {
                    SurfaceCol::Column(NameCol::new(&s.surface, |b| names.surface(b))?)
                }
            };
            Ok(Sig {
                surface,
                raw: Bytes::new(s.raw)?,
                fields: fields(),
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;

    let mut out = Builder::new(rows, encoding);
    let reject = |out: &mut Builder, reason: Reason, row: usize| {
        out.reject(reason, &input.provider, &input.signals, row)
    };

    // Fast path: one provider, one fixed surface, one dictionary-encoded value column:
    // classify each distinct value once, then every row is a gather.
    if let ([sig], NameCol::Fixed(p)) = (&signals[..], &provider) {
        if let (SurfaceCol::Fixed(fields), Repr::Dict(d)) = (&sig.surface, sig.raw.0) {
            let Some(field) = fields[*p as usize] else {
                for row in 0..rows {
                    reject(&mut out, Reason::NoSignalFor(*p), row);
                }
                return Ok(out.finish());
            };
            let memo: Vec<_> = (0..d.values_len())
                .map(|k| match d.values.get(k) {
                    None | Some(b"") => None,
                    Some(v) => Some(classify_bytes(field, v)),
                })
                .collect();
            for row in 0..rows {
                match d.key(row).and_then(|k| memo[k].as_ref()) {
                    Some(c) => out.classified(c),
                    None => reject(&mut out, Reason::NoSignal, row),
                }
            }
            return Ok(out.finish());
        }
    }

    // One signal: no pair vector, one step per row; a dictionary-encoded value column is
    // classified once per (dictionary value, field).
    if let [sig] = &signals[..] {
        let mut memo = Memo::new(sig.raw.dictionary_len());
        for row in 0..rows {
            let p = match provider.cell(row, prov_lookup) {
                Cell::Known(p) => p,
                Cell::Missing => {
                    reject(&mut out, Reason::MissingProvider, row);
                    continue;
                }
                Cell::Unknown => {
                    reject(&mut out, Reason::UnknownProvider, row);
                    continue;
                }
            };
            match sig.step(p, 0, row, names) {
                Step::Present(f, v, k) => out.push(memo.keys(f, v, k)),
                Step::Absent => reject(&mut out, Reason::NoSignal, row),
                Step::NotApplicable => reject(&mut out, Reason::NoSignalFor(p), row),
                Step::Rejected(r) => reject(&mut out, r, row),
            }
        }
        return Ok(out.finish());
    }

    let mut pairs: Vec<(Field, &[u8])> = Vec::with_capacity(signals.len());
    'rows: for row in 0..rows {
        let p = match provider.cell(row, prov_lookup) {
            Cell::Known(p) => p,
            Cell::Missing => {
                reject(&mut out, Reason::MissingProvider, row);
                continue;
            }
            Cell::Unknown => {
                reject(&mut out, Reason::UnknownProvider, row);
                continue;
            }
        };
        pairs.clear();
        let mut applies = false;
        for (i, sig) in signals.iter().enumerate() {
            match sig.step(p, i, row, names) {
                Step::NotApplicable => {}
                Step::Absent => applies = true,
                Step::Present(f, v, _) => {
                    applies = true;
                    pairs.push((f, v));
                }
                Step::Rejected(r) => {
                    reject(&mut out, r, row);
                    continue 'rows;
                }
            }
        }
        let c = match &pairs[..] {
            [] if !applies => {
                reject(&mut out, Reason::NoSignalFor(p), row);
                continue;
            }
            [] => {
                reject(&mut out, Reason::NoSignal, row);
                continue;
            }
            [(f, raw)] => classify_bytes(*f, raw),
            // Every field was built for `p`, so resolve_bytes cannot refuse them (the fallback
            // is never taken, and keeps the kernel free of panics).
            [(f, raw), ..] => p
                .resolve_bytes(&pairs)
                .unwrap_or_else(|_| classify_bytes(*f, raw)),
        };
        out.classified(&c);
    }
    Ok(out.finish())
}
