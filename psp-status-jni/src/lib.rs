//! The psp-status engine for the JVM: what the Spark UDFs of `psp-status-spark.jar` call
//! (`java/dev/pspstatus/spark/`, built by `scripts/build-jvm`).
//!
//! Java hands over one *frame* per call: the provider, then each signal's surface and raw
//! value, each written as a little-endian `i32` length (`-1` for null) and that many UTF-8
//! bytes. The answer is `psp-status reclassify`'s for that one row (the batch API,
//! [`psp_status::batch`]); a test checks it against the Arrow kernel of the Python routes. It
//! comes back
//! [packed](Answer::packed) into one `i64` of indices into [`taxonomy`], which Spark turns into
//! strings with array lookups, plus the reject reason for a rejected row. The Java side calls
//! this once per distinct input and keeps the answers, so the per-row cost in Spark is a
//! Java hash lookup.
//!
//! ```
//! use psp_status_jni::{answer, frame, Answer};
//! let a = answer(&frame(&[Some("stripe"), Some("decline_code"), Some("do_not_honor")])).unwrap();
//! assert!(a.packed >= 0 && a.reject.is_none());
//! ```

use std::panic::{catch_unwind, AssertUnwindSafe};

use jni_sys::{jbyteArray, jclass, jsize, JNIEnv};
use psp_status::batch::{classify_columns, Batch, Given, Names, Outcome, Signal, MAX_SIGNALS};
use psp_status::{Code, Matched, Operation, State};
use strum::IntoEnumIterator;

/// The index [`Answer::packed`] gives a null operation (the tables do not know it).
pub const NULL_OPERATION: i64 = 0xff;

/// The kernel's answer for one row, as the UDFs hand it to Spark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// `-1` for a rejected row; else the indices into [`taxonomy`]'s lists: state in bits
    /// 0–7, code in bits 8–23, operation in bits 24–31 ([`NULL_OPERATION`] for null), matched
    /// in bits 32–39.
    pub packed: i64,
    /// Why the row was rejected (worded as `psp-status reclassify`'s rejects file); `None`
    /// when it was classified.
    pub reject: Option<String>,
}

/// A frame from `values` (provider, then surface and raw per signal), as Java writes it.
///
/// ```
/// assert_eq!(psp_status_jni::frame(&[None]), vec![0xff, 0xff, 0xff, 0xff]);
/// ```
pub fn frame(values: &[Option<&str>]) -> Vec<u8> {
    let mut out = Vec::new();
    for v in values {
        match v {
            None => out.extend_from_slice(&(-1i32).to_le_bytes()),
            Some(s) => {
                out.extend_from_slice(&(s.len() as i32).to_le_bytes());
                out.extend_from_slice(s.as_bytes());
            }
        }
    }
    out
}

/// The values of a frame, or why it is malformed.
///
/// ```
/// let f = psp_status_jni::frame(&[Some("alma"), None]);
/// assert_eq!(psp_status_jni::decode(&f).unwrap(), vec![Some(&b"alma"[..]), None]);
/// assert!(psp_status_jni::decode(&[1, 0]).is_err());
/// ```
pub fn decode(mut frame: &[u8]) -> Result<Vec<Option<&[u8]>>, String> {
    let mut out = Vec::new();
    while !frame.is_empty() {
        let (len, rest) = frame
            .split_first_chunk::<4>()
            .ok_or("frame: a length is cut short")?;
        let len = i32::from_le_bytes(*len);
        if len < 0 {
            out.push(None);
            frame = rest;
            continue;
        }
        let len = len as usize;
        if rest.len() < len {
            return Err(format!("frame: a value of {len} bytes is cut short"));
        }
        out.push(Some(&rest[..len]));
        frame = &rest[len..];
    }
    Ok(out)
}

fn index<T: PartialEq>(mut all: impl Iterator<Item = T>, value: T) -> i64 {
    all.position(|v| v == value)
        .expect("every value is in its enum's iteration") as i64
}

/// The engine's answer for the row a frame holds: the provider, then one or more (surface,
/// raw) pairs, resolved by precedence as `resolve` does when there are several. It is
/// `psp-status reclassify`'s ([`psp_status::batch::classify_columns`], an empty value being
/// an absent signal) for a one-row file, reject reason included.
///
/// ```
/// use psp_status_jni::{answer, frame};
/// let a = answer(&frame(&[Some("acme"), Some("payment.state"), Some("paid")])).unwrap();
/// assert_eq!(a.packed, -1);
/// assert!(a.reject.unwrap().contains("acme"));
/// ```
pub fn answer(frame: &[u8]) -> Result<Answer, String> {
    let values = decode(frame)?;
    if values.len() < 3 || values.len() % 2 == 0 {
        return Err(format!(
            "frame: {} values; expected the provider and (surface, raw) pairs",
            values.len()
        ));
    }
    if values.len() / 2 > MAX_SIGNALS {
        return Err(format!("at most {MAX_SIGNALS} signals per row"));
    }
    let batch = Batch {
        provider: Given::Column(&values[..1]),
        signals: values[1..]
            .chunks_exact(2)
            .map(|pair| Signal {
                surface: Given::Column(&pair[..1]),
                raw: &pair[1..],
                only: None,
            })
            .collect(),
        empty_is_absent: true,
    };
    let mut out = Vec::with_capacity(1);
    classify_columns(&batch, &mut Names::default(), &mut out);
    Ok(match out[0] {
        Outcome::Rejected(reason) => Answer {
            packed: -1,
            reject: Some(batch.explain(0, reason)),
        },
        Outcome::Classified(v) => Answer {
            packed: index(State::iter(), v.state)
                | index(Code::iter(), v.code) << 8
                | v.operation
                    .map_or(NULL_OPERATION, |o| index(Operation::iter(), o))
                    << 24
                | index(Matched::iter(), v.matched) << 32,
            reject: None,
        },
    })
}

/// The names [`Answer::packed`] indexes, one line each: states, codes, operations, matched,
/// comma-separated.
///
/// ```
/// let t = psp_status_jni::taxonomy();
/// assert_eq!(t.lines().count(), 4);
/// assert!(t.lines().next().unwrap().split(',').any(|s| s == "SUCCESS"));
/// ```
pub fn taxonomy() -> String {
    fn line<T: Into<&'static str>>(all: impl Iterator<Item = T>) -> String {
        all.map(Into::<&'static str>::into)
            .collect::<Vec<_>>()
            .join(",")
    }
    [
        line(State::iter()),
        line(Code::iter()),
        line(Operation::iter()),
        line(Matched::iter()),
    ]
    .join("\n")
}

/// The answer as Java reads it: `packed` as a little-endian `i64`, then the reject reason's
/// UTF-8 bytes (nothing when classified).
///
/// ```
/// let a = psp_status_jni::Answer { packed: -1, reject: Some("no signal".into()) };
/// assert_eq!(psp_status_jni::encode(&a).len(), 8 + 9);
/// ```
pub fn encode(a: &Answer) -> Vec<u8> {
    let mut out = a.packed.to_le_bytes().to_vec();
    out.extend_from_slice(a.reject.as_deref().unwrap_or("").as_bytes());
    out
}

/// Runs `f` for a JNI call: its bytes become a new Java `byte[]`; an error or a panic becomes
/// a Java `IllegalArgumentException` / `IllegalStateException` (a panic never crosses into the
/// JVM).
///
/// # Safety
/// `env` is the `JNIEnv` of the calling thread, as the JVM passes it.
unsafe fn call(env: *mut JNIEnv, f: impl FnOnce() -> Result<Vec<u8>, String>) -> jbyteArray {
    let (class, msg) = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(bytes)) => {
            let jni = &(**env).v1_1;
            let arr = (jni.NewByteArray)(env, bytes.len() as jsize);
            if !arr.is_null() {
                (jni.SetByteArrayRegion)(env, arr, 0, bytes.len() as jsize, bytes.as_ptr().cast());
            }
            return arr; // null with an OutOfMemoryError pending when allocation failed
        }
        Ok(Err(msg)) => (c"java/lang/IllegalArgumentException", msg),
        Err(_) => (
            c"java/lang/IllegalStateException",
            "psp-status-jni panicked (a bug: please report it)".to_string(),
        ),
    };
    let jni = &(**env).v1_1;
    let cls = (jni.FindClass)(env, class.as_ptr());
    if !cls.is_null() {
        let msg = std::ffi::CString::new(msg.replace('\0', " ")).unwrap_or_default();
        (jni.ThrowNew)(env, cls, msg.as_ptr());
    }
    std::ptr::null_mut()
}

/// `static native byte[] classify(byte[] frame)` of `dev.pspstatus.spark.Native`.
///
/// # Safety
/// Called by the JVM only: `env` is the calling thread's `JNIEnv`, `frame` a `byte[]`.
#[no_mangle]
pub unsafe extern "system" fn Java_dev_pspstatus_spark_Native_classify(
    env: *mut JNIEnv,
    _class: jclass,
    frame: jbyteArray,
) -> jbyteArray {
    call(env, || {
        if frame.is_null() {
            return Err("frame: null".into());
        }
        let jni = &(**env).v1_1;
        let len = (jni.GetArrayLength)(env, frame).max(0) as usize;
        let mut buf = vec![0u8; len];
        (jni.GetByteArrayRegion)(env, frame, 0, len as jsize, buf.as_mut_ptr().cast());
        answer(&buf).map(|a| encode(&a))
    })
}

/// `static native byte[] taxonomy()` of `dev.pspstatus.spark.Native`: [`taxonomy`] in UTF-8.
///
/// # Safety
/// Called by the JVM only: `env` is the calling thread's `JNIEnv`.
#[no_mangle]
pub unsafe extern "system" fn Java_dev_pspstatus_spark_Native_taxonomy(
    env: *mut JNIEnv,
    _class: jclass,
) -> jbyteArray {
    call(env, || Ok(taxonomy().into_bytes()))
}

/// `static native byte[] tables()` of `dev.pspstatus.spark.Native`: the table version and
/// digest the library was built with, on two lines.
///
/// # Safety
/// Called by the JVM only: `env` is the calling thread's `JNIEnv`.
#[no_mangle]
pub unsafe extern "system" fn Java_dev_pspstatus_spark_Native_tables(
    env: *mut JNIEnv,
    _class: jclass,
) -> jbyteArray {
    call(env, || {
        Ok(format!(
            "{}\n{}",
            psp_status::TABLE_VERSION,
            psp_status::TABLE_DIGEST
        )
        .into_bytes())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Array, BinaryArray, StringArray};
    use psp_status_arrow::{Encoding, Input};

    fn names(line: usize) -> Vec<String> {
        let t = taxonomy();
        let l = t.lines().nth(line).unwrap();
        l.split(',').map(str::to_string).collect()
    }

    /// What `packed` says, through the taxonomy, as the Spark side reads it.
    fn unpack(p: i64) -> (String, String, Option<String>, String) {
        let op = (p >> 24) & 0xff;
        (
            names(0)[(p & 0xff) as usize].clone(),
            names(1)[((p >> 8) & 0xffff) as usize].clone(),
            (op != NULL_OPERATION).then(|| names(2)[op as usize].clone()),
            names(3)[((p >> 32) & 0xff) as usize].clone(),
        )
    }

    #[test]
    fn the_answer_is_the_arrow_kernels_for_that_row() {
        let rows: &[&[Option<&str>]] = &[
            &[Some("stripe"), Some("decline_code"), Some("do_not_honor")],
            &[Some("Checkout.com"), Some("RESPONSE_CODE"), Some("20051")],
            &[Some("checkout"), Some("response_code"), Some("20999")],
            &[Some("stripe"), Some("decline_code"), Some("never_seen")],
            &[Some("alma"), Some("payment.state"), Some("nope")],
            &[Some("acme"), Some("payment.state"), Some("paid")],
            &[Some("alma"), Some("nope"), Some("paid")],
            &[None, Some("payment.state"), Some("paid")],
            &[Some("alma"), Some("payment.state"), None],
            &[Some("alma"), Some("payment.state"), Some("")],
            &[
                Some("stripe"),
                Some("payment_intent.status"),
                Some("requires_payment_method"),
                Some("decline_code"),
                Some("insufficient_funds"),
            ],
            &[
                Some("stripe"),
                Some("decline_code"),
                Some("caf\u{e9} 'x'\n"),
            ],
        ];
        for row in rows {
            let got = answer(&frame(row)).unwrap();
            let col = |v: Option<&str>| BinaryArray::from_opt_vec(vec![v.map(str::as_bytes)]);
            let p = col(row[0]);
            let pairs: Vec<_> = row[1..].chunks(2).map(|c| (col(c[0]), col(c[1]))).collect();
            let input = Input {
                provider: psp_status_arrow::Given::Column(&p),
                signals: pairs
                    .iter()
                    .map(|(s, r)| psp_status_arrow::Signal {
                        surface: psp_status_arrow::Given::Column(s),
                        raw: r,
                    })
                    .collect(),
            };
            let want = psp_status_arrow::classify(&input, Encoding::Plain).unwrap();
            let s = |a: &dyn Array| {
                let a = a.as_any().downcast_ref::<StringArray>().unwrap();
                (!a.is_null(0)).then(|| a.value(0).to_string())
            };
            assert_eq!(got.reject, s(&want.reject), "{row:?}");
            if got.reject.is_none() {
                let (state, code, operation, matched) = unpack(got.packed);
                assert_eq!(Some(state), s(&want.state), "{row:?}");
                assert_eq!(Some(code), s(&want.code), "{row:?}");
                assert_eq!(operation, s(&want.operation), "{row:?}");
                assert_eq!(Some(matched), s(&want.matched), "{row:?}");
            } else {
                assert_eq!(got.packed, -1);
            }
        }
    }

    #[test]
    fn malformed_frames_are_errors_not_panics() {
        for bad in [
            &[][..],
            &[5, 0, 0, 0, b'a'][..],
            &[1, 0][..],
            &frame(&[Some("alma")])[..],
            &frame(&[Some("alma"), Some("payment.state")])[..],
        ] {
            assert!(answer(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn frames_round_trip() {
        let vals = [Some("a"), None, Some(""), Some("\u{1F600}")];
        let f = frame(&vals);
        let back: Vec<Option<&str>> = decode(&f)
            .unwrap()
            .into_iter()
            .map(|v| v.map(|b| std::str::from_utf8(b).unwrap()))
            .collect();
        assert_eq!(back, vals);
    }

    #[test]
    fn encode_puts_the_reject_after_the_packed_answer() {
        let a = answer(&frame(&[Some("acme"), Some("s"), Some("r")])).unwrap();
        let e = encode(&a);
        assert_eq!(i64::from_le_bytes(e[..8].try_into().unwrap()), -1);
        assert_eq!(
            std::str::from_utf8(&e[8..]).unwrap(),
            a.reject.as_deref().unwrap()
        );
    }
}
