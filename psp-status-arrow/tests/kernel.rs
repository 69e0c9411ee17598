//! The Arrow kernel against the scalar API (`classify_bytes` / `resolve_bytes`), row by row,
//! over every array type, dictionaries, slices, chunks, nulls, mixed providers and several
//! signals.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{
    Array, ArrayRef, BinaryArray, BinaryViewArray, DictionaryArray, Int32Array, LargeBinaryArray,
    LargeStringArray, StringArray, StringViewArray,
};
use arrow_schema::DataType;
use proptest::prelude::*;
use psp_status::{classify_bytes, Field, Provider, Surface};
use psp_status_arrow::{align_chunks, classify, Encoding, Error, Given, Input, Output, Signal};

/// The array types the kernel reads natively.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Utf8,
    LargeUtf8,
    Utf8View,
    Binary,
    LargeBinary,
    BinaryView,
    DictI8,
    DictI16,
    DictI32,
    DictI64,
    DictU8,
    DictU16,
    DictU32,
    DictU64,
    DictLargeUtf8,
    DictBinaryView,
}

const KINDS: [Kind; 16] = [
    Kind::Utf8,
    Kind::LargeUtf8,
    Kind::Utf8View,
    Kind::Binary,
    Kind::LargeBinary,
    Kind::BinaryView,
    Kind::DictI8,
    Kind::DictI16,
    Kind::DictI32,
    Kind::DictI64,
    Kind::DictU8,
    Kind::DictU16,
    Kind::DictU32,
    Kind::DictU64,
    Kind::DictLargeUtf8,
    Kind::DictBinaryView,
];

/// An array of `kind` holding `values` (byte strings, `None` = null). String kinds need UTF-8
/// values; binary kinds take any bytes.
fn array(kind: Kind, values: &[Option<Vec<u8>>]) -> ArrayRef {
    let strs = || -> Vec<Option<String>> {
        values
            .iter()
            .map(|v| v.as_ref().map(|b| String::from_utf8_lossy(b).into_owned()))
            .collect()
    };
    let bins = || -> Vec<Option<&[u8]>> { values.iter().map(|v| v.as_deref()).collect() };
    macro_rules! dict {
        ($k:ty) => {{
            let d: DictionaryArray<$k> = strs().iter().map(|s| s.as_deref()).collect();
            Arc::new(d) as ArrayRef
        }};
    }
    match kind {
        Kind::Utf8 => Arc::new(StringArray::from(strs())),
        Kind::LargeUtf8 => Arc::new(LargeStringArray::from(strs())),
        Kind::Utf8View => Arc::new(StringViewArray::from_iter(strs())),
        Kind::Binary => Arc::new(BinaryArray::from_iter(bins())),
        Kind::LargeBinary => Arc::new(LargeBinaryArray::from_iter(bins())),
        Kind::BinaryView => Arc::new(BinaryViewArray::from_iter(bins())),
        Kind::DictI8 => dict!(Int8Type),
        Kind::DictI16 => dict!(Int16Type),
        Kind::DictI32 => dict!(Int32Type),
        Kind::DictI64 => dict!(Int64Type),
        Kind::DictU8 => dict!(UInt8Type),
        Kind::DictU16 => dict!(UInt16Type),
        Kind::DictU32 => dict!(UInt32Type),
        Kind::DictU64 => dict!(UInt64Type),
        Kind::DictLargeUtf8 => {
            // Dictionary over LargeUtf8 values, built by hand.
            let mut uniq: Vec<String> = strs().into_iter().flatten().collect();
            uniq.sort();
            uniq.dedup();
            let keys: Vec<Option<i32>> = strs()
                .iter()
                .map(|s| s.as_ref().map(|s| uniq.binary_search(s).unwrap() as i32))
                .collect();
            let values = Arc::new(LargeStringArray::from(uniq));
            Arc::new(DictionaryArray::<Int32Type>::try_new(Int32Array::from(keys), values).unwrap())
        }
        Kind::DictBinaryView => {
            let mut uniq: Vec<Vec<u8>> = values.iter().flatten().cloned().collect();
            uniq.sort();
            uniq.dedup();
            let keys: Vec<Option<i32>> = values
                .iter()
                .map(|s| s.as_ref().map(|s| uniq.binary_search(s).unwrap() as i32))
                .collect();
            let values = Arc::new(BinaryViewArray::from_iter_values(uniq.iter()));
            Arc::new(DictionaryArray::<Int32Type>::try_new(Int32Array::from(keys), values).unwrap())
        }
    }
}

fn is_binary(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Binary | Kind::LargeBinary | Kind::BinaryView | Kind::DictBinaryView
    )
}

/// A column of output as strings, whatever its encoding.
fn strings(a: &ArrayRef) -> Vec<Option<String>> {
    match a.data_type() {
        DataType::Utf8 => a
            .as_string::<i32>()
            .iter()
            .map(|v| v.map(str::to_string))
            .collect(),
        DataType::Dictionary(..) => {
            let d = a.as_dictionary::<UInt8Type>();
            let values = d.values().as_string::<i32>();
            d.keys()
                .iter()
                .map(|k| k.map(|k| values.value(k as usize).to_string()))
                .collect()
        }
        t => panic!("unexpected output type {t}"),
    }
}

/// One row of output: `Ok((state, code, operation, matched))` or `Err(reject reason)`.
type Row = Result<(String, String, Option<String>, String), String>;

fn rows(out: &Output) -> Vec<Row> {
    let [s, c, o, m, r] = out.columns().map(|a| strings(&a));
    (0..s.len())
        .map(|i| match &r[i] {
            Some(reason) => {
                assert!(s[i].is_none() && c[i].is_none() && m[i].is_none() && o[i].is_none());
                Err(reason.clone())
            }
            None => Ok((
                s[i].clone().unwrap(),
                c[i].clone().unwrap(),
                o[i].clone(),
                m[i].clone().unwrap(),
            )),
        })
        .collect()
}

/// A signal cell pair: (surface name, raw value), `None` = null.
type Cells<'a> = (Option<&'a [u8]>, Option<&'a [u8]>);

/// A column of optional byte strings.
type Col = Vec<Option<Vec<u8>>>;

/// What the scalar API says for one row under `psp-status reclassify`'s rules: names parsed
/// with `str::parse`; a null or empty value is an absent signal; a fixed surface
/// (`fixed_surface`) the provider lacks does not apply; one present signal is classified,
/// several resolved.
fn expected(provider: Option<&[u8]>, signals: &[Cells<'_>], fixed_surface: bool) -> Row {
    let name = |b: &[u8]| String::from_utf8_lossy(&b[..b.len().min(200)]).into_owned();
    let p: Provider = match provider {
        None | Some(b"") => return Err("missing provider".into()),
        Some(b) => match std::str::from_utf8(b).ok().and_then(|s| s.parse().ok()) {
            Some(p) => p,
            None => return Err(format!("unknown provider `{}`", name(b))),
        },
    };
    let field = |b: &[u8]| std::str::from_utf8(b).ok().and_then(|s| p.field(s).ok());
    let mut applies = false;
    let mut pairs: Vec<(Field, &[u8])> = Vec::new();
    for (surface, raw) in signals {
        if fixed_surface && surface.and_then(field).is_none() {
            continue;
        }
        applies = true;
        let Some(raw) = raw.filter(|r| !r.is_empty()) else {
            continue;
        };
        let s: Field = match surface {
            None | Some(b"") => return Err("missing surface".into()),
            Some(b) => match field(b) {
                Some(s) => s,
                None => return Err(format!("unknown surface `{}` for provider {p}", name(b))),
            },
        };
        pairs.push((s, raw));
    }
    let c = match &pairs[..] {
        [] if !applies => {
            return Err(format!(
                "no signal applies to provider {p} (none of the signals is one of its surfaces)"
            ))
        }
        [] => return Err("no signal: every signal cell of the row is empty".into()),
        [(f, raw)] => classify_bytes(*f, raw),
        _ => p.resolve_bytes(&pairs).unwrap(),
    };
    Ok((
        c.state.to_string(),
        c.code.to_string(),
        c.operation.map(|o| o.to_string()),
        c.matched.to_string(),
    ))
}

/// What `psp-status reclassify`'s own kernel (`psp_status::batch::classify_columns` with
/// `empty_is_absent`, as the CLI runs it) says for every row of `input`, with its rejects
/// worded by `Batch::explain`.
fn reclassify_rows(input: &Input<'_>) -> Vec<Row> {
    use psp_status::batch::{self, classify_columns, Batch, Names, Outcome};
    use psp_status_arrow::Bytes;
    // Owned byte columns first: `batch::Given` and `batch::Signal` borrow them.
    let pcol = match input.provider {
        Given::Column(a) => Some(Bytes::new(a).unwrap()),
        Given::Fixed(_) => None,
    };
    let scols: Vec<Option<Bytes<'_>>> = input
        .signals
        .iter()
        .map(|s| match s.surface {
            Given::Column(a) => Some(Bytes::new(a).unwrap()),
            Given::Fixed(_) => None,
        })
        .collect();
    let rcols: Vec<Bytes<'_>> = input
        .signals
        .iter()
        .map(|s| Bytes::new(s.raw).unwrap())
        .collect();
    let b = Batch {
        provider: match (&input.provider, &pcol) {
            (Given::Fixed(p), _) => batch::Given::Fixed(*p),
            (Given::Column(_), c) => batch::Given::Column(c.as_ref().unwrap()),
        },
        signals: input
            .signals
            .iter()
            .zip(scols.iter().zip(&rcols))
            .map(|(s, (sc, raw))| batch::Signal {
                surface: match (s.surface, sc) {
                    (Given::Fixed(v), _) => batch::Given::Fixed(v),
                    (Given::Column(_), c) => batch::Given::Column(c.as_ref().unwrap()),
                },
                raw,
                only: None,
            })
            .collect(),
        empty_is_absent: true,
    };
    let mut out = Vec::new();
    classify_columns(&b, &mut Names::default(), &mut out);
    out.iter()
        .enumerate()
        .map(|(row, o)| match o {
            Outcome::Classified(v) => Ok((
                v.state.to_string(),
                v.code.to_string(),
                v.operation.map(|o| o.to_string()),
                v.matched.to_string(),
            )),
            Outcome::Rejected(r) => Err(b.explain(row, *r)),
        })
        .collect()
}

fn b(s: &str) -> Option<Vec<u8>> {
    Some(s.as_bytes().to_vec())
}

/// Mixed providers and surfaces with hits, rules, defaults, unknown values, bad names, nulls.
fn mixed() -> (Col, Col, Col) {
    let rows: Vec<(
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
    )> = vec![
        (Some("alma"), Some("payment.state"), Some("scored_maybe")),
        (
            Some("stripe"),
            Some("decline_code"),
            Some("insufficient_funds"),
        ),
        (Some("checkout"), Some("response_code"), Some("20051")),
        (
            Some("STRIPE"),
            Some("payment_intent.status"),
            Some("requires_payment_method"),
        ),
        (Some("purse"), Some("payment.state"), Some("no_such_value")),
        (
            Some("alma"),
            Some("error_code"),
            Some("validation_error_missing_field"),
        ),
        (Some("acme"), Some("payment.state"), Some("paid")),
        (None, Some("payment.state"), Some("paid")),
        (Some(""), Some("payment.state"), Some("paid")),
        (Some("alma"), None, Some("paid")),
        (Some("alma"), Some("decline_code"), Some("paid")),
        (Some("alma"), Some("payment.state"), None),
        (Some("alma"), Some("payment.state"), Some("")),
        (Some("checkout"), Some("response_code"), Some("29999")),
        (Some("stripe"), Some("Decline_Code"), Some("x")),
    ];
    type R = (
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
    );
    let col = |f: fn(&R) -> Option<&'static str>| {
        rows.iter().map(|r| f(r).and_then(b)).collect::<Vec<_>>()
    };
    (col(|r| r.0), col(|r| r.1), col(|r| r.2))
}

fn check_single(
    provider: &dyn Array,
    surface: &dyn Array,
    raw: &dyn Array,
    p: &[Option<Vec<u8>>],
    s: &[Option<Vec<u8>>],
    r: &[Option<Vec<u8>>],
) {
    let input = Input {
        provider: Given::Column(provider),
        signals: vec![Signal {
            surface: Given::Column(surface),
            raw,
        }],
    };
    for enc in [Encoding::Dictionary, Encoding::Plain] {
        let out = classify(&input, enc).unwrap();
        let got = rows(&out);
        assert_eq!(got, reclassify_rows(&input), "{enc:?}");
        for (i, g) in got.iter().enumerate() {
            let want = expected(
                p[i].as_deref(),
                &[(s[i].as_deref(), r[i].as_deref())],
                false,
            );
            assert_eq!(
                g, &want,
                "row {i} ({:?} {:?} {:?}), {enc:?}",
                p[i], s[i], r[i]
            );
        }
    }
}

#[test]
fn every_array_type_for_every_column_agrees_with_classify() {
    let (p, s, r) = mixed();
    for kind in KINDS {
        let (pa, sa, ra) = (array(kind, &p), array(kind, &s), array(kind, &r));
        check_single(pa.as_ref(), sa.as_ref(), ra.as_ref(), &p, &s, &r);
        // And mixed with plain strings in the other columns.
        let utf8 = |v| array(Kind::Utf8, v);
        check_single(
            utf8(&p).as_ref(),
            utf8(&s).as_ref(),
            ra.as_ref(),
            &p,
            &s,
            &r,
        );
        check_single(
            pa.as_ref(),
            utf8(&s).as_ref(),
            utf8(&r).as_ref(),
            &p,
            &s,
            &r,
        );
    }
}

#[test]
fn binary_values_need_not_be_utf8() {
    let raw = vec![
        Some(b"\xff\xfe".to_vec()),
        Some(b"paid".to_vec()),
        Some(b"a\x00b".to_vec()),
    ];
    for kind in KINDS.into_iter().filter(|k| is_binary(*k)) {
        let a = array(kind, &raw);
        let surface: Surface = "payment.state".parse().unwrap();
        let out = classify(
            &Input {
                provider: Given::Fixed(Provider::Alma),
                signals: vec![Signal {
                    surface: Given::Fixed(surface),
                    raw: a.as_ref(),
                }],
            },
            Encoding::Dictionary,
        )
        .unwrap();
        let got = rows(&out);
        for (i, v) in raw.iter().enumerate() {
            let want = expected(
                Some(b"alma"),
                &[(Some(b"payment.state"), v.as_deref())],
                true,
            );
            assert_eq!(got[i], want, "{kind:?} row {i}");
        }
    }
}

#[test]
fn fixed_provider_and_surface_with_dictionary_values_uses_each_value_once_and_agrees() {
    // The gather fast path: fixed provider and surface, dictionary raw, nulls in keys.
    let surface: Surface = "decline_code".parse().unwrap();
    let vals: Vec<Option<Vec<u8>>> = [
        "insufficient_funds",
        "do_not_honor",
        "zzz",
        "",
        "generic_decline",
    ]
    .iter()
    .cycle()
    .take(50)
    .enumerate()
    .map(|(i, v)| if i % 7 == 3 { None } else { b(v) })
    .collect();
    for kind in KINDS {
        let a = array(kind, &vals);
        for enc in [Encoding::Dictionary, Encoding::Plain] {
            let out = classify(
                &Input {
                    provider: Given::Fixed(Provider::Stripe),
                    signals: vec![Signal {
                        surface: Given::Fixed(surface),
                        raw: a.as_ref(),
                    }],
                },
                enc,
            )
            .unwrap();
            for (i, g) in rows(&out).iter().enumerate() {
                let want = expected(
                    Some(b"stripe"),
                    &[(Some(b"decline_code"), vals[i].as_deref())],
                    true,
                );
                assert_eq!(g, &want, "{kind:?} row {i}");
            }
        }
    }
}

/// A dictionary-encoded value column is classified once per (value, field): a value that
/// several fields share must still be classified under each row's own field, however the
/// rows of those fields interleave.
#[test]
fn a_dictionary_value_shared_by_several_fields_is_classified_by_each_rows_field() {
    use std::collections::BTreeMap;
    // Exact values that two or more fields know, with different answers.
    let mut by_value: BTreeMap<&str, Vec<Field>> = BTreeMap::new();
    for e in psp_status::entries() {
        if let psp_status::Matcher::Exact(v) = e.matcher {
            by_value
                .entry(v)
                .or_default()
                .push(Field::new(e.provider, e.surface).unwrap());
        }
    }
    let shared: Vec<(&str, Vec<Field>)> = by_value
        .into_iter()
        .filter(|(v, fields)| {
            fields.iter().any(|f| {
                let (a, b) = (
                    classify_bytes(fields[0], v.as_bytes()),
                    classify_bytes(*f, v.as_bytes()),
                );
                (a.state, a.code, a.operation) != (b.state, b.code, b.operation)
            })
        })
        .collect();
    assert!(
        !shared.is_empty(),
        "the tables have values shared by fields with different answers"
    );
    // Each value under its fields in the order A B A A B ..., so a slot is taken over and back.
    let (mut p, mut s, mut r): (Col, Col, Col) = Default::default();
    for (v, fields) in &shared {
        let order = (0..3 * fields.len()).map(|i| fields[(i * i + i / 2) % fields.len()]);
        for f in order {
            p.push(b(&f.provider().to_string()));
            s.push(b(&f.surface().to_string()));
            r.push(b(v));
        }
    }
    for kind in [Kind::DictI32, Kind::DictU8, Kind::DictBinaryView] {
        if matches!(kind, Kind::DictU8) && shared.len() > 255 {
            continue;
        }
        let ra = array(kind, &r);
        let utf8 = |v| array(Kind::Utf8, v);
        check_single(
            utf8(&p).as_ref(),
            utf8(&s).as_ref(),
            ra.as_ref(),
            &p,
            &s,
            &r,
        );
        check_single(
            array(kind, &p).as_ref(),
            array(kind, &s).as_ref(),
            ra.as_ref(),
            &p,
            &s,
            &r,
        );
    }
}

#[test]
fn a_fixed_surface_the_provider_lacks_applies_to_no_row() {
    // As `reclassify --provider alma --surface decline_code`: no signal applies to Alma.
    let raw = StringArray::from(vec!["paid", "x"]);
    let input = Input {
        provider: Given::Fixed(Provider::Alma),
        signals: vec![Signal {
            surface: Given::Fixed("decline_code".parse().unwrap()),
            raw: &raw,
        }],
    };
    let out = classify(&input, Encoding::Plain).unwrap();
    let want = "no signal applies to provider alma (none of the signals is one of its surfaces)";
    assert_eq!(rows(&out), vec![Err(want.to_string()); 2]);
    assert_eq!(rows(&out), reclassify_rows(&input));
}

#[test]
fn empty_and_null_values_are_absent_signals_as_in_reclassify() {
    // One signal: a null or empty value is "no signal" (the row is rejected, not unmapped);
    // with a dictionary value column too (the gather path), and a null key.
    let values = vec![b("paid"), None, b(""), b("zzz")];
    let want_rejected = [false, true, true, false];
    for kind in KINDS {
        let raw = array(kind, &values);
        let input = Input {
            provider: Given::Fixed(Provider::Alma),
            signals: vec![Signal {
                surface: Given::Fixed("payment.state".parse().unwrap()),
                raw: raw.as_ref(),
            }],
        };
        let got = rows(&classify(&input, Encoding::Dictionary).unwrap());
        assert_eq!(got, reclassify_rows(&input), "{kind:?}");
        for (g, rejected) in got.iter().zip(want_rejected) {
            match g {
                Err(e) if rejected => {
                    assert_eq!(e, "no signal: every signal cell of the row is empty")
                }
                Ok(_) if !rejected => {}
                other => panic!("{kind:?}: {other:?}"),
            }
        }
    }
    // Several signals: an empty one is skipped (its surface cell is not even read), the
    // others decide; a missing surface next to a present value is still rejected.
    let provider = StringArray::from(vec!["stripe", "stripe", "stripe"]);
    let s1 = StringArray::from(vec![Some("payment_intent.status"), None, Some("")]);
    let r1 = StringArray::from(vec![Some(""), None, Some("succeeded")]);
    let s2 = StringArray::from(vec!["decline_code", "decline_code", "decline_code"]);
    let r2 = StringArray::from(vec!["do_not_honor", "", "do_not_honor"]);
    let input = Input {
        provider: Given::Column(&provider),
        signals: vec![
            Signal {
                surface: Given::Column(&s1),
                raw: &r1,
            },
            Signal {
                surface: Given::Column(&s2),
                raw: &r2,
            },
        ],
    };
    let got = rows(&classify(&input, Encoding::Plain).unwrap());
    assert_eq!(got, reclassify_rows(&input));
    assert_eq!(got[0].as_ref().unwrap().1, "REJECTED_BANK");
    assert_eq!(
        got[1],
        Err("no signal: every signal cell of the row is empty".into())
    );
    assert_eq!(got[2], Err("missing surface".into()));
}

#[test]
fn sliced_arrays_read_their_own_rows() {
    let (p, s, r) = mixed();
    for kind in KINDS {
        let (pa, sa, ra) = (array(kind, &p), array(kind, &s), array(kind, &r));
        for (off, len) in [(1, 5), (3, 9), (0, 0), (14, 1)] {
            check_single(
                pa.slice(off, len).as_ref(),
                sa.slice(off, len).as_ref(),
                ra.slice(off, len).as_ref(),
                &p[off..off + len],
                &s[off..off + len],
                &r[off..off + len],
            );
        }
    }
}

#[test]
fn chunked_columns_with_different_boundaries_align_and_agree() {
    let (p, s, r) = mixed();
    let n = p.len();
    let chunks = |v: &[Option<Vec<u8>>], cuts: &[usize], kind| -> Vec<ArrayRef> {
        let mut out = Vec::new();
        let mut at = 0;
        for &c in cuts.iter().chain(std::iter::once(&n)) {
            out.push(array(kind, &v[at..c]));
            at = c;
        }
        out
    };
    let pc = chunks(&p, &[2, 2, 7], Kind::DictI32);
    let sc = chunks(&s, &[5, 11], Kind::LargeUtf8);
    let rc = chunks(&r, &[1, 3, 9, 10], Kind::Utf8View);
    let parts = align_chunks(&[&pc[..], &sc[..], &rc[..]]).unwrap();
    let mut at = 0;
    for part in &parts {
        let len = part[0].len();
        assert!(part.iter().all(|a| a.len() == len) && len > 0);
        check_single(
            part[0].as_ref(),
            part[1].as_ref(),
            part[2].as_ref(),
            &p[at..at + len],
            &s[at..at + len],
            &r[at..at + len],
        );
        at += len;
    }
    assert_eq!(at, n);
    // boundaries: union of 2, 7 | 5, 11 | 1, 3, 9, 10
    assert_eq!(parts.len(), 9);
    let short: Vec<ArrayRef> = vec![array(Kind::Utf8, &p[..3])];
    assert!(matches!(
        align_chunks(&[&pc[..], &short[..]]),
        Err(Error::LengthMismatch { .. })
    ));
}

#[test]
fn several_signals_resolve_by_precedence_as_resolve_does() {
    // Stripe: payment_intent.status and decline_code on the same row; decline_code is more
    // specific. Null/empty = absent signal.
    let status = vec![
        b("requires_payment_method"),
        b("requires_payment_method"),
        None,
        b(""),
        b("succeeded"),
        b("zzz"),
    ];
    let decline = vec![
        b("insufficient_funds"),
        None,
        b("do_not_honor"),
        b(""),
        b("zzz"),
        b("yyy"),
    ];
    let provider = vec![
        b("stripe"),
        b("stripe"),
        b("stripe"),
        b("stripe"),
        b("stripe"),
        b("alma"),
    ];
    let st: Surface = "payment_intent.status".parse().unwrap();
    let dc: Surface = "decline_code".parse().unwrap();
    for kind in KINDS {
        let (sa, da, pa) = (
            array(kind, &status),
            array(kind, &decline),
            array(kind, &provider),
        );
        let input = Input {
            provider: Given::Column(pa.as_ref()),
            signals: vec![
                Signal {
                    surface: Given::Fixed(st),
                    raw: sa.as_ref(),
                },
                Signal {
                    surface: Given::Fixed(dc),
                    raw: da.as_ref(),
                },
            ],
        };
        let out = classify(&input, Encoding::Dictionary).unwrap();
        let got = rows(&out);
        for i in 0..status.len() {
            let want = expected(
                provider[i].as_deref(),
                &[
                    (Some(b"payment_intent.status"), status[i].as_deref()),
                    (Some(b"decline_code"), decline[i].as_deref()),
                ],
                true,
            );
            assert_eq!(got[i], want, "{kind:?} row {i}");
        }
        assert_eq!(got[0].as_ref().unwrap().1, "INSUFFICIENT_FUNDS");
        assert_eq!(got[1].as_ref().unwrap().0, "WAITING");
        // Both cells empty or null: no signal at all, as reclassify rejects it.
        assert_eq!(
            got[3],
            Err("no signal: every signal cell of the row is empty".into())
        );
        // Alma has neither fixed surface: no signal applies to the row.
        assert_eq!(
            got[5],
            Err(
                "no signal applies to provider alma (none of the signals is one of its surfaces)"
                    .into()
            )
        );
        assert_eq!(got, reclassify_rows(&input));
    }
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let raw = StringArray::from(vec!["a", "b"]);
    let short = StringArray::from(vec!["alma"]);
    let ints = Int32Array::from(vec![1, 2]);
    let sig = |raw: &'static dyn Array| Signal {
        surface: Given::Fixed("payment.state".parse().unwrap()),
        raw,
    };
    let raw: &'static StringArray = Box::leak(Box::new(raw));
    let ints: &'static Int32Array = Box::leak(Box::new(ints));
    let e = classify(
        &Input {
            provider: Given::Column(&short),
            signals: vec![sig(raw)],
        },
        Encoding::Plain,
    );
    assert_eq!(
        e.err().unwrap().to_string(),
        "provider has 1 rows, expected 2"
    );
    let e = classify(
        &Input {
            provider: Given::Fixed(Provider::Alma),
            signals: vec![sig(ints)],
        },
        Encoding::Plain,
    );
    assert!(matches!(e, Err(Error::UnsupportedType(DataType::Int32))));
    let e = classify(
        &Input {
            provider: Given::Fixed(Provider::Alma),
            signals: vec![],
        },
        Encoding::Plain,
    );
    assert!(matches!(e, Err(Error::NoSignal)));
    let e = classify(
        &Input {
            provider: Given::Fixed(Provider::Alma),
            signals: vec![sig(raw); 33],
        },
        Encoding::Plain,
    );
    assert!(matches!(e, Err(Error::TooManySignals(33))));
}

/// Every surface name, every exact raw value of the tables, rule-shaped values and junk.
fn vocabulary() -> (Vec<String>, Vec<String>, Vec<Vec<u8>>) {
    use strum::IntoEnumIterator;
    let mut providers: Vec<String> = Provider::iter().map(|p| p.to_string()).collect();
    providers.extend(["ALMA", "Stripe", "acme", "", "alma "].map(String::from));
    let mut surfaces: Vec<String> = Surface::iter().map(|s| s.to_string()).collect();
    surfaces.extend(["", "no.such", "PAYMENT.STATE"].map(String::from));
    let mut raws: Vec<Vec<u8>> = psp_status::entries()
        .filter_map(|e| match e.matcher {
            psp_status::Matcher::Exact(v) => Some(v.as_bytes().to_vec()),
            _ => None,
        })
        .collect();
    raws.extend(
        [
            "",
            "zzz",
            "20051",
            "20999",
            "validation_error_x",
            "PAID",
            "paid ",
            "50000",
            "0",
            "99999999999999999999",
        ]
        .map(|s| s.as_bytes().to_vec()),
    );
    raws.push(b"\xff\x00".to_vec());
    (providers, surfaces, raws)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random rows over the tables' vocabulary, random array types, one to three signals,
    /// fixed or per-row names: the kernel agrees with classify/resolve on every row.
    #[test]
    fn kernel_agrees_with_classify_and_resolve_row_by_row(
        picks in prop::collection::vec((any::<prop::sample::Index>(), prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), 0u8..10), 3)), 0..120),
        nsig in 1usize..=3,
        kinds in prop::collection::vec(0usize..KINDS.len(), 7),
        fixed_provider in prop::option::of(any::<prop::sample::Index>()),
        fixed_surface in prop::option::of(any::<prop::sample::Index>()),
        enc in prop::bool::ANY,
    ) {
        let (providers, surfaces, raws) = vocabulary();
        let known: Vec<Provider> = { use strum::IntoEnumIterator; Provider::iter().collect() };
        let fixed_provider = fixed_provider.map(|i| *i.get(&known));
        let fixed_surface = fixed_surface.map(|i| *i.get(&{ use strum::IntoEnumIterator; Surface::iter().collect::<Vec<_>>() }));
        let pcol: Vec<Option<Vec<u8>>> = picks.iter().map(|(p, _)| {
            let v = p.get(&providers).as_bytes().to_vec();
            (p.index(7) != 0).then_some(v)
        }).collect();
        let mut scols: Vec<Vec<Option<Vec<u8>>>> = vec![Vec::new(); nsig];
        let mut rcols: Vec<Vec<Option<Vec<u8>>>> = vec![Vec::new(); nsig];
        for (_, sigs) in &picks {
            for k in 0..nsig {
                let (s, r, nul) = &sigs[k];
                scols[k].push(Some(s.get(&surfaces).as_bytes().to_vec()));
                rcols[k].push((*nul != 0).then(|| r.get(&raws).clone()));
            }
        }
        let kind = |i: usize, v: &[Option<Vec<u8>>]| {
            let k = KINDS[kinds[i]];
            // String kinds need UTF-8: fall back to binary for junk bytes.
            if !is_binary(k) && v.iter().flatten().any(|b| std::str::from_utf8(b).is_err()) {
                array(Kind::BinaryView, v)
            } else {
                array(k, v)
            }
        };
        let pa = kind(0, &pcol);
        let sa: Vec<ArrayRef> = (0..nsig).map(|k| kind(1 + k, &scols[k])).collect();
        let ra: Vec<ArrayRef> = (0..nsig).map(|k| kind(4 + k, &rcols[k])).collect();
        let input = Input {
            provider: match fixed_provider { Some(p) => Given::Fixed(p), None => Given::Column(pa.as_ref()) },
            signals: (0..nsig).map(|k| Signal {
                surface: match fixed_surface { Some(s) => Given::Fixed(s), None => Given::Column(sa[k].as_ref()) },
                raw: ra[k].as_ref(),
            }).collect(),
        };
        let out = classify(&input, if enc { Encoding::Dictionary } else { Encoding::Plain }).unwrap();
        let got = rows(&out);
        prop_assert_eq!(got.len(), picks.len());
        for (i, g) in got.iter().enumerate() {
            let pname = fixed_provider.map(|p| p.to_string().into_bytes()).or_else(|| pcol[i].clone());
            let fixed_s = fixed_surface.map(|s| s.to_string().into_bytes());
            let sigs: Vec<Cells<'_>> = (0..nsig)
                .map(|k| (fixed_s.as_deref().or(scols[k][i].as_deref()), rcols[k][i].as_deref()))
                .collect();
            let want = expected(pname.as_deref(), &sigs, fixed_surface.is_some());
            prop_assert_eq!(g, &want, "row {}", i);
        }
        // And with reclassify's own kernel on the same columns, reject wording included.
        prop_assert_eq!(&got, &reclassify_rows(&input));
    }
}
