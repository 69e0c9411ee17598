//! # psp-status-arrow
//!
//! The psp-status batch kernel over Apache Arrow arrays: the seam the Python package, Spark's
//! `mapInArrow` and Parquet readers share. Input columns are read in place (zero-copy) whatever
//! their byte type: `Utf8`, `LargeUtf8`, `Utf8View`, `Binary`, `LargeBinary`, `BinaryView`, or
//! a dictionary of those (read natively, each distinct value resolved once). Provider and surface
//! are each fixed or a column; one signal is `classify`d, several are `resolve`d by the
//! provider's precedence, exactly as the scalar API and `psp-status reclassify --signal` do,
//! with reclassify's rules for empty cells (an empty or null value is an absent signal) and
//! for a fixed surface a row's provider lacks (the signal does not apply to that row).
//! Nothing is allocated per row; provider and surface names are resolved by a hash lookup
//! ([`NameIndex`]), not a scan.
//!
//! ```
//! use arrow_array::{Array, StringArray};
//! use psp_status::Provider;
//! use psp_status_arrow::{classify, Encoding, Given, Input, Signal};
//!
//! let surface = StringArray::from(vec!["payment.state", "payment.state", "no.such"]);
//! let raw = StringArray::from(vec![Some("paid"), Some("scored_no"), Some("paid")]);
//! let out = classify(
//!     &Input {
//!         provider: Given::Fixed(Provider::Alma),
//!         signals: vec![Signal { surface: Given::Column(&surface), raw: &raw }],
//!     },
//!     Encoding::Plain,
//! )
//! .unwrap();
//! let batch = out.into_record_batch();
//! let state = batch.column_by_name("state").unwrap();
//! let state = state.as_any().downcast_ref::<StringArray>().unwrap();
//! assert_eq!(state.value(0), "SUCCESS");
//! assert_eq!(state.value(1), "ERROR");
//! assert!(state.is_null(2)); // rejected: see the `reject` column
//! let reject = batch.column_by_name("reject").unwrap();
//! let reject = reject.as_any().downcast_ref::<StringArray>().unwrap();
//! assert_eq!(reject.value(2), "unknown surface `no.such` for provider alma");
//! ```

#![warn(missing_docs)]

mod chunks;
mod column;
mod kernel;
mod names;
mod output;

use std::fmt;
use std::sync::Arc;

use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use psp_status::{Provider, Surface};

pub use chunks::align_chunks;
pub use column::Bytes;
pub use names::NameIndex;

/// A value the same for every row, or a column of names read row by row.
///
/// ```
/// use arrow_array::StringArray;
/// use psp_status::Provider;
/// use psp_status_arrow::Given;
/// let names = StringArray::from(vec!["alma", "stripe"]);
/// let _fixed: Given<'_, Provider> = Given::Fixed(Provider::Alma);
/// let _per_row: Given<'_, Provider> = Given::Column(&names);
/// ```
#[derive(Clone, Copy)]
pub enum Given<'a, T> {
    /// One value for every row.
    Fixed(T),
    /// A column of names (`alma`, `payment_intent.status`), any byte type or dictionary.
    Column(&'a dyn Array),
}

/// One signal: its surface and the column of raw values.
///
/// ```
/// use arrow_array::StringArray;
/// use psp_status_arrow::{Given, Signal};
/// let raw = StringArray::from(vec!["paid"]);
/// let s = Signal { surface: Given::Fixed("payment.state".parse().unwrap()), raw: &raw };
/// assert!(matches!(s.surface, Given::Fixed(_)));
/// ```
#[derive(Clone, Copy)]
pub struct Signal<'a> {
    /// The surface the values arrived in.
    pub surface: Given<'a, Surface>,
    /// The raw values (any byte type or dictionary). A null or empty value is an absent
    /// signal, as in `psp-status reclassify`: a row with no signal left is rejected
    /// ("no signal").
    pub raw: &'a dyn Array,
}

/// What to classify: the provider and one or more signals per row, all columns of one length.
///
/// ```
/// use arrow_array::StringArray;
/// use psp_status::Provider;
/// use psp_status_arrow::{Given, Input, Signal};
/// let raw = StringArray::from(vec!["paid"]);
/// let input = Input {
///     provider: Given::Fixed(Provider::Alma),
///     signals: vec![Signal { surface: Given::Fixed("payment.state".parse().unwrap()), raw: &raw }],
/// };
/// assert_eq!(input.signals.len(), 1);
/// ```
pub struct Input<'a> {
    /// The provider of each row.
    pub provider: Given<'a, Provider>,
    /// The signals, in the caller's order (at most `psp_status::batch::MAX_SIGNALS`).
    pub signals: Vec<Signal<'a>>,
}

/// How the `state`, `code`, `operation` and `matched` columns are encoded.
///
/// ```
/// assert_eq!(psp_status_arrow::Encoding::default(), psp_status_arrow::Encoding::Dictionary);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// `Dictionary(UInt8, Utf8)`: one byte per row (pandas reads it as a categorical).
    #[default]
    Dictionary,
    /// `Utf8`: for engines that do not take dictionaries (Spark's `mapInArrow`).
    Plain,
}

/// The result columns, one row per input row.
///
/// `state`, `code` and `matched` are null exactly on rejected rows; `operation` is also null
/// when the tables do not know it; `reject` says why a row was rejected (unknown or missing
/// provider or surface, no signal), worded as `psp-status reclassify`'s rejects file, and is
/// null on classified rows.
#[derive(Debug, Clone)]
pub struct Output {
    /// `SUCCESS`, `WAITING`, `PENDING`, `ERROR`, `UNCERTAIN`.
    pub state: ArrayRef,
    /// The taxonomy code (`INSUFFICIENT_FUNDS`, `UNMAPPED`, …).
    pub code: ArrayRef,
    /// `PAYMENT`, `CAPTURE`, `REFUND`, …
    pub operation: ArrayRef,
    /// `exact`, `rule`, `default`, `unmapped`.
    pub matched: ArrayRef,
    /// Why the row was rejected, null when it was classified.
    pub reject: ArrayRef,
}

/// The names of the output columns, in order.
pub const COLUMNS: [&str; 5] = ["state", "code", "operation", "matched", "reject"];

impl Output {
    /// The schema of the output for `encoding`.
    ///
    /// ```
    /// use psp_status_arrow::{Encoding, Output};
    /// assert_eq!(Output::schema(Encoding::Plain).fields().len(), 5);
    /// ```
    pub fn schema(encoding: Encoding) -> SchemaRef {
        let t = match encoding {
            Encoding::Dictionary => {
                DataType::Dictionary(Box::new(DataType::UInt8), Box::new(DataType::Utf8))
            }
            Encoding::Plain => DataType::Utf8,
        };
        let mut fields: Vec<Field> = COLUMNS[..4]
            .iter()
            .map(|n| Field::new(*n, t.clone(), true))
            .collect();
        fields.push(Field::new("reject", DataType::Utf8, true));
        Arc::new(Schema::new(fields))
    }

    /// The columns in [`COLUMNS`] order.
    ///
    /// ```
    /// # use arrow_array::StringArray;
    /// # use psp_status_arrow::*;
    /// let raw = StringArray::from(vec!["paid"]);
    /// let sig = Signal { surface: Given::Fixed("payment.state".parse().unwrap()), raw: &raw };
    /// let out = classify(&Input { provider: Given::Fixed(psp_status::Provider::Alma), signals: vec![sig] }, Encoding::Plain).unwrap();
    /// assert_eq!(out.columns().len(), 5);
    /// ```
    pub fn columns(&self) -> [ArrayRef; 5] {
        [
            self.state.clone(),
            self.code.clone(),
            self.operation.clone(),
            self.matched.clone(),
            self.reject.clone(),
        ]
    }

    /// The five columns as one record batch.
    ///
    /// ```
    /// # use arrow_array::StringArray;
    /// # use psp_status_arrow::*;
    /// let raw = StringArray::from(vec!["paid", "zzz"]);
    /// let sig = Signal { surface: Given::Fixed("payment.state".parse().unwrap()), raw: &raw };
    /// let out = classify(&Input { provider: Given::Fixed(psp_status::Provider::Alma), signals: vec![sig] }, Encoding::Dictionary).unwrap();
    /// assert_eq!(out.into_record_batch().num_rows(), 2);
    /// ```
    pub fn into_record_batch(self) -> RecordBatch {
        let encoding = match self.state.data_type() {
            DataType::Dictionary(..) => Encoding::Dictionary,
            _ => Encoding::Plain,
        };
        RecordBatch::try_new(Self::schema(encoding), self.columns().to_vec())
            .expect("the columns match the schema by construction")
    }
}

/// Why a batch could not be classified at all (a row-level problem is a `reject`, never an
/// error).
///
/// ```
/// use arrow_array::Int64Array;
/// use psp_status_arrow::*;
/// let raw = Int64Array::from(vec![1]);
/// let sig = Signal { surface: Given::Fixed("payment.state".parse().unwrap()), raw: &raw };
/// let err = classify(&Input { provider: Given::Fixed(psp_status::Provider::Alma), signals: vec![sig] }, Encoding::Plain);
/// assert!(err.unwrap_err().to_string().contains("Int64"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A column is not a string, binary, view or dictionary-of-those array.
    UnsupportedType(DataType),
    /// A column's length differs from the first signal's.
    LengthMismatch {
        /// Which column.
        column: String,
        /// Its length.
        len: usize,
        /// The first signal's length.
        expected: usize,
    },
    /// No signal was given.
    NoSignal,
    /// More signals than `psp_status::batch::MAX_SIGNALS`.
    TooManySignals(usize),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnsupportedType(t) => write!(
                f,
                "unsupported column type {t}: expected string, large string, string view, \
                 binary, large binary, binary view, or a dictionary of those"
            ),
            Error::LengthMismatch {
                column,
                len,
                expected,
            } => write!(f, "{column} has {len} rows, expected {expected}"),
            Error::NoSignal => f.write_str("no signal column given"),
            Error::TooManySignals(n) => write!(
                f,
                "{n} signals given, at most {} are supported",
                psp_status::batch::MAX_SIGNALS
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Classifies every row of `input`.
///
/// ```
/// use arrow_array::{types::Int32Type, Array, DictionaryArray, StringArray};
/// use psp_status_arrow::*;
/// // A dictionary-encoded provider column is resolved once per distinct name.
/// let provider: DictionaryArray<Int32Type> = vec!["stripe", "alma"].into_iter().collect();
/// let surface = StringArray::from(vec!["decline_code", "payment.state"]);
/// let raw = StringArray::from(vec!["insufficient_funds", "paid"]);
/// let out = classify(
///     &Input {
///         provider: Given::Column(&provider),
///         signals: vec![Signal { surface: Given::Column(&surface), raw: &raw }],
///     },
///     Encoding::Plain,
/// )
/// .unwrap();
/// let code = out.code.as_any().downcast_ref::<StringArray>().unwrap();
/// assert_eq!(code.value(0), "INSUFFICIENT_FUNDS");
/// assert_eq!(code.value(1), "SUCCEEDED");
/// ```
pub fn classify(input: &Input<'_>, encoding: Encoding) -> Result<Output, Error> {
    kernel::run(input, encoding)
}
