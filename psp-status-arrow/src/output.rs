//! The output columns: `state`, `code`, `operation`, `matched` (dictionary-encoded with `UInt8`
//! keys, or plain strings) and `reject` (why a row could not be classified, null otherwise).

use std::fmt::Write;
use std::sync::{Arc, OnceLock};

use arrow_array::builder::StringBuilder;
use arrow_array::types::UInt8Type;
use arrow_array::{ArrayRef, DictionaryArray, StringArray, UInt8Array};
use arrow_buffer::{NullBuffer, NullBufferBuilder, OffsetBuffer, ScalarBuffer};
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

/// Collects one key per row and column; rejected rows are null in all four.
pub(crate) struct Builder {
    encoding: Encoding,
    state: Vec<u8>,
    code: Vec<u8>,
    operation: Vec<u8>,
    operation_valid: NullBufferBuilder,
    matched: Vec<u8>,
    valid: NullBufferBuilder,
    reject: StringBuilder,
}

impl Builder {
    pub(crate) fn new(rows: usize, encoding: Encoding) -> Self {
        Builder {
            encoding,
            state: Vec::with_capacity(rows),
            code: Vec::with_capacity(rows),
            operation: Vec::with_capacity(rows),
            operation_valid: NullBufferBuilder::new(rows),
            matched: Vec::with_capacity(rows),
            valid: NullBufferBuilder::new(rows),
            reject: StringBuilder::with_capacity(rows, 0),
        }
    }

    #[inline(always)]
    pub(crate) fn classified(&mut self, c: &Classification<'_>) {
        self.state.push(c.state as u8);
        self.code.push(c.code as u8);
        match c.operation {
            Some(o) => {
                self.operation.push(o as u8);
                self.operation_valid.append_non_null();
            }
            None => {
                self.operation.push(0);
                self.operation_valid.append_null();
            }
        }
        self.matched.push(c.matched as u8);
        self.valid.append_non_null();
        self.reject.append_null();
    }

    /// A rejected row: null in the four columns, the reason (quoting the offending name, at
    /// most 200 bytes of it) in `reject`, worded as `reclassify`'s rejects file.
    pub(crate) fn reject(
        &mut self,
        reason: Reason,
        provider: &Given<'_, psp_status::Provider>,
        signals: &[Signal<'_>],
        row: usize,
    ) {
        for v in [
            &mut self.state,
            &mut self.code,
            &mut self.operation,
            &mut self.matched,
        ] {
            v.push(0);
        }
        self.operation_valid.append_null();
        self.valid.append_null();
        let cell = |g: Option<&dyn arrow_array::Array>| -> String {
            let v = g
                .and_then(|a| crate::Bytes::new(a).ok())
                .and_then(|b| b.get(row))
                .unwrap_or_default();
            String::from_utf8_lossy(&v[..v.len().min(200)]).into_owned()
        };
        let w = &mut self.reject;
        let _ = match reason {
            Reason::MissingProvider => w.write_str("missing provider"),
            Reason::UnknownProvider => match provider {
                Given::Column(a) => write!(w, "unknown provider `{}`", cell(Some(*a))),
                Given::Fixed(p) => write!(w, "unknown provider `{p}`"),
            },
            Reason::MissingSurface { .. } => w.write_str("missing surface"),
            Reason::UnknownSurface { provider, signal } => {
                let name = match signals.get(usize::from(signal)).map(|s| &s.surface) {
                    Some(Given::Column(a)) => cell(Some(*a)),
                    Some(Given::Fixed(s)) => s.to_string(),
                    None => String::new(),
                };
                write!(w, "unknown surface `{name}` for provider {provider}")
            }
        };
        w.append_value("");
    }

    pub(crate) fn finish(mut self) -> Output {
        let v = vocab();
        let valid = self.valid.finish();
        let op_valid = self.operation_valid.finish();
        let enc = self.encoding;
        Output {
            state: column(self.state, valid.clone(), &v.state, enc),
            code: column(self.code, valid.clone(), &v.code, enc),
            operation: column(self.operation, op_valid, &v.operation, enc),
            matched: column(self.matched, valid, &v.matched, enc),
            reject: Arc::new(self.reject.finish()),
        }
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
            let keys = UInt8Array::new(ScalarBuffer::from(keys), nulls);
            Arc::new(
                DictionaryArray::<UInt8Type>::try_new(keys, vocab.1.clone())
                    .expect("keys are enum discriminants, all inside the vocabulary"),
            )
        }
        Encoding::Plain => {
            let names = &vocab.0;
            let mut offsets = Vec::with_capacity(keys.len() + 1);
            let mut values = Vec::new();
            offsets.push(0i32);
            for (i, k) in keys.iter().enumerate() {
                if nulls.as_ref().is_none_or(|n| n.is_valid(i)) {
                    values.extend_from_slice(names[usize::from(*k)].as_bytes());
                }
                offsets.push(values.len() as i32);
            }
            Arc::new(StringArray::new(
                OffsetBuffer::new(ScalarBuffer::from(offsets)),
                values.into(),
                nulls,
            ))
        }
    }
}
