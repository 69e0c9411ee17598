//! The kernel: one pass over the rows of Arrow columns, one verdict per row.

use arrow_array::Array;
use psp_status::batch::{Reason, MAX_SIGNALS};
use psp_status::{classify_bytes, Field, Provider};

use crate::column::{Bytes, Dict, Flat, Repr};
use crate::names::NameIndex;
use crate::output::Builder;
use crate::{Encoding, Error, Given, Input, Output};

/// A name column (provider or surface) ready for row lookups.
enum NameCol<'a, T> {
    Fixed(T),
    /// Plain strings: one hash lookup per row.
    Plain(Flat<'a>),
    /// Dictionary: every distinct value resolved once (`None` = not a name).
    Dict(Dict<'a>, Vec<Option<T>>),
}

/// How a name cell reads: missing (null or empty), a name, or not a name.
enum Cell<T> {
    Missing,
    Known(T),
    Unknown,
}

impl<'a, T: Copy> NameCol<'a, T> {
    fn new(given: &Given<'a, T>, lookup: impl Fn(&[u8]) -> Option<T>) -> Result<Self, Error> {
        Ok(match given {
            Given::Fixed(v) => NameCol::Fixed(*v),
            Given::Column(a) => match Bytes::new(*a)?.0 {
                Repr::Flat(f) => NameCol::Plain(f),
                Repr::Dict(d) => {
                    let memo = (0..d.values_len())
                        .map(|k| d.values.get(k).and_then(&lookup))
                        .collect();
                    NameCol::Dict(d, memo)
                }
            },
        })
    }

    #[inline(always)]
    fn cell(&self, row: usize, lookup: impl Fn(&[u8]) -> Option<T>) -> Cell<T> {
        let known = |v: Option<T>| v.map_or(Cell::Unknown, Cell::Known);
        match self {
            NameCol::Fixed(v) => Cell::Known(*v),
            NameCol::Plain(f) => match f.get(row) {
                None | Some(b"") => Cell::Missing,
                Some(name) => known(lookup(name)),
            },
            NameCol::Dict(d, memo) => match d.key(row) {
                None => Cell::Missing,
                Some(k) => match memo[k] {
                    Some(v) => Cell::Known(v),
                    None if d.values.get(k).is_none_or(<[u8]>::is_empty) => Cell::Missing,
                    None => Cell::Unknown,
                },
            },
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
    let surf_lookup = |b: &[u8]| names.surface(b);
    let provider = NameCol::new(&input.provider, prov_lookup)?;
    let signals = input
        .signals
        .iter()
        .map(|s| Ok((NameCol::new(&s.surface, surf_lookup)?, Bytes::new(s.raw)?)))
        .collect::<Result<Vec<_>, Error>>()?;

    let mut out = Builder::new(rows, encoding);
    // Fast path: one provider, one surface, one dictionary-encoded value column: classify each
    // distinct value once, then every row is a gather.
    if let ([(NameCol::Fixed(surface), raw)], NameCol::Fixed(p)) = (&signals[..], &provider) {
        let Ok(field) = Field::new(*p, *surface) else {
            let reason = Reason::UnknownSurface {
                provider: *p,
                signal: 0,
            };
            for _ in 0..rows {
                out.reject(reason, &input.provider, &input.signals, 0);
            }
            return Ok(out.finish());
        };
        if let Repr::Dict(d) = raw.0 {
            let memo: Vec<_> = (0..d.values_len())
                .map(|k| classify_bytes(field, d.values.get(k).unwrap_or_default()))
                .collect();
            let null = classify_bytes(field, b"");
            for row in 0..rows {
                out.classified(d.key(row).map_or(&null, |k| &memo[k]));
            }
            return Ok(out.finish());
        }
    }

    let several = signals.len() > 1;
    let mut pairs: Vec<(Field, &[u8])> = Vec::with_capacity(signals.len());
    for row in 0..rows {
        let p: Provider = match provider.cell(row, prov_lookup) {
            Cell::Known(p) => p,
            Cell::Missing => {
                out.reject(
                    Reason::MissingProvider,
                    &input.provider,
                    &input.signals,
                    row,
                );
                continue;
            }
            Cell::Unknown => {
                out.reject(
                    Reason::UnknownProvider,
                    &input.provider,
                    &input.signals,
                    row,
                );
                continue;
            }
        };
        pairs.clear();
        let mut rejected = None;
        for (i, (surface, raw)) in signals.iter().enumerate() {
            let value = raw.get(row);
            // With several signals (as `reclassify --signal`), a null or empty value is an
            // absent signal; with one, a null is the empty value (unmapped).
            if several && value.is_none_or(<[u8]>::is_empty) {
                continue;
            }
            let signal = i as u8;
            let f = match surface.cell(row, surf_lookup) {
                Cell::Known(s) => match Field::new(p, s) {
                    Ok(f) => f,
                    Err(_) => {
                        rejected = Some(Reason::UnknownSurface {
                            provider: p,
                            signal,
                        });
                        break;
                    }
                },
                Cell::Unknown => {
                    rejected = Some(Reason::UnknownSurface {
                        provider: p,
                        signal,
                    });
                    break;
                }
                Cell::Missing => {
                    rejected = Some(Reason::MissingSurface { signal });
                    break;
                }
            };
            pairs.push((f, value.unwrap_or_default()));
        }
        if let Some(r) = rejected {
            out.reject(r, &input.provider, &input.signals, row);
            continue;
        }
        let c = match &pairs[..] {
            [(f, raw)] => classify_bytes(*f, raw),
            // Every field was built for `p`: resolve_bytes cannot refuse them.
            _ => match p.resolve_bytes(&pairs) {
                Ok(c) => c,
                Err(_) => {
                    out.reject(
                        Reason::MissingProvider,
                        &input.provider,
                        &input.signals,
                        row,
                    );
                    continue;
                }
            },
        };
        out.classified(&c);
    }
    Ok(out.finish())
}
