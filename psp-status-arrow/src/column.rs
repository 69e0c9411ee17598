//! Arrow arrays read as columns of byte strings, without copying: the offsets/views and the
//! value buffers are borrowed from the array.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, BinaryViewArray, StringViewArray};
use arrow_buffer::NullBuffer;
use arrow_schema::DataType;
use psp_status::batch::ByteColumn;

use crate::Error;

/// A flat (non-dictionary) byte array: offsets into one value buffer, or views.
#[derive(Clone, Copy)]
pub(crate) enum Flat<'a> {
    /// `Utf8` / `Binary`.
    Small {
        offsets: &'a [i32],
        values: &'a [u8],
        nulls: Option<&'a NullBuffer>,
    },
    /// `LargeUtf8` / `LargeBinary`.
    Large {
        offsets: &'a [i64],
        values: &'a [u8],
        nulls: Option<&'a NullBuffer>,
    },
    /// `Utf8View`.
    StringView(&'a StringViewArray),
    /// `BinaryView`.
    BinaryView(&'a BinaryViewArray),
}

impl<'a> Flat<'a> {
    fn of(array: &'a dyn Array) -> Option<Self> {
        Some(match array.data_type() {
            DataType::Utf8 => {
                let a = array.as_string::<i32>();
                Flat::Small {
                    offsets: a.value_offsets(),
                    values: a.values().as_slice(),
                    nulls: a.nulls(),
                }
            }
            DataType::Binary => {
                let a = array.as_binary::<i32>();
                Flat::Small {
                    offsets: a.value_offsets(),
                    values: a.values().as_slice(),
                    nulls: a.nulls(),
                }
            }
            DataType::LargeUtf8 => {
                let a = array.as_string::<i64>();
                Flat::Large {
                    offsets: a.value_offsets(),
                    values: a.values().as_slice(),
                    nulls: a.nulls(),
                }
            }
            DataType::LargeBinary => {
                let a = array.as_binary::<i64>();
                Flat::Large {
                    offsets: a.value_offsets(),
                    values: a.values().as_slice(),
                    nulls: a.nulls(),
                }
            }
            DataType::Utf8View => Flat::StringView(array.as_string_view()),
            DataType::BinaryView => Flat::BinaryView(array.as_binary_view()),
            _ => return None,
        })
    }

    fn len(&self) -> usize {
        match self {
            Flat::Small { offsets, .. } => offsets.len().saturating_sub(1),
            Flat::Large { offsets, .. } => offsets.len().saturating_sub(1),
            Flat::StringView(a) => a.len(),
            Flat::BinaryView(a) => a.len(),
        }
    }

    /// The value at `i` (`i < len`), `None` when null.
    #[inline(always)]
    pub(crate) fn get(&self, i: usize) -> Option<&'a [u8]> {
        match *self {
            Flat::Small {
                offsets,
                values,
                nulls,
            } => {
                if nulls.is_some_and(|n| n.is_null(i)) {
                    return None;
                }
                let (s, e) = (offsets[i] as usize, offsets[i + 1] as usize);
                values.get(s..e)
            }
            Flat::Large {
                offsets,
                values,
                nulls,
            } => {
                if nulls.is_some_and(|n| n.is_null(i)) {
                    return None;
                }
                let (s, e) = (offsets[i] as usize, offsets[i + 1] as usize);
                values.get(s..e)
            }
            Flat::StringView(a) => (!a.is_null(i)).then(|| a.value(i).as_bytes()),
            Flat::BinaryView(a) => (!a.is_null(i)).then(|| a.value(i)),
        }
    }
}

/// The keys of a dictionary array, whatever their integer type.
#[derive(Clone, Copy)]
pub(crate) enum Keys<'a> {
    I8(&'a [i8]),
    I16(&'a [i16]),
    I32(&'a [i32]),
    I64(&'a [i64]),
    U8(&'a [u8]),
    U16(&'a [u16]),
    U32(&'a [u32]),
    U64(&'a [u64]),
}

impl Keys<'_> {
    #[inline(always)]
    fn get(&self, i: usize) -> usize {
        match *self {
            Keys::I8(k) => k[i] as usize,
            Keys::I16(k) => k[i] as usize,
            Keys::I32(k) => k[i] as usize,
            Keys::I64(k) => k[i] as usize,
            Keys::U8(k) => k[i] as usize,
            Keys::U16(k) => k[i] as usize,
            Keys::U32(k) => k[i] as usize,
            Keys::U64(k) => k[i] as usize,
        }
    }
}

/// A dictionary array: keys (with their own nulls) into a flat array of distinct values.
#[derive(Clone, Copy)]
pub(crate) struct Dict<'a> {
    keys: Keys<'a>,
    key_nulls: Option<&'a NullBuffer>,
    pub(crate) values: Flat<'a>,
    /// `values.len()`, read on every row (a match on the values' type otherwise).
    values_len: usize,
}

impl<'a> Dict<'a> {
    fn of(array: &'a dyn Array) -> Result<Option<Self>, Error> {
        let DataType::Dictionary(key, value) = array.data_type() else {
            return Ok(None);
        };
        macro_rules! dict {
            ($t:ty, $v:ident) => {{
                let d = array.as_dictionary::<$t>();
                let values = Flat::of(d.values().as_ref())
                    .ok_or_else(|| Error::UnsupportedType(array.data_type().clone()))?;
                Dict {
                    keys: Keys::$v(d.keys().values()),
                    key_nulls: d.keys().nulls(),
                    values_len: values.len(),
                    values,
                }
            }};
        }
        let d = match key.as_ref() {
            DataType::Int8 => dict!(Int8Type, I8),
            DataType::Int16 => dict!(Int16Type, I16),
            DataType::Int32 => dict!(Int32Type, I32),
            DataType::Int64 => dict!(Int64Type, I64),
            DataType::UInt8 => dict!(UInt8Type, U8),
            DataType::UInt16 => dict!(UInt16Type, U16),
            DataType::UInt32 => dict!(UInt32Type, U32),
            DataType::UInt64 => dict!(UInt64Type, U64),
            _ => return Err(Error::UnsupportedType(array.data_type().clone())),
        };
        let _ = value;
        Ok(Some(d))
    }

    /// The dictionary index of row `i`, `None` when the key is null. A key out of the
    /// dictionary's range (which Arrow's validation rules out) reads as null.
    #[inline(always)]
    pub(crate) fn key(&self, i: usize) -> Option<usize> {
        if self.key_nulls.is_some_and(|n| n.is_null(i)) {
            return None;
        }
        let k = self.keys.get(i);
        (k < self.values_len).then_some(k)
    }

    fn len(&self) -> usize {
        match self.keys {
            Keys::I8(k) => k.len(),
            Keys::I16(k) => k.len(),
            Keys::I32(k) => k.len(),
            Keys::I64(k) => k.len(),
            Keys::U8(k) => k.len(),
            Keys::U16(k) => k.len(),
            Keys::U32(k) => k.len(),
            Keys::U64(k) => k.len(),
        }
    }

    /// The number of distinct values.
    pub(crate) fn values_len(&self) -> usize {
        self.values_len
    }
}

/// An Arrow array of byte strings read natively: `Utf8`, `LargeUtf8`, `Utf8View`, `Binary`,
/// `LargeBinary`, `BinaryView`, or a dictionary of any integer key type over one of those.
///
/// It is a [`ByteColumn`], so the library's own batch kernel can read it too.
///
/// ```
/// use arrow_array::{Array, StringArray};
/// use psp_status::batch::ByteColumn;
/// use psp_status_arrow::Bytes;
/// let a = StringArray::from(vec![Some("paid"), None]);
/// let col = Bytes::new(&a).unwrap();
/// assert_eq!(col.value(0), Some(&b"paid"[..]));
/// assert_eq!(col.value(1), None);
/// ```
#[derive(Clone, Copy)]
pub struct Bytes<'a>(pub(crate) Repr<'a>);

#[derive(Clone, Copy)]
pub(crate) enum Repr<'a> {
    Flat(Flat<'a>),
    Dict(Dict<'a>),
}

impl<'a> Bytes<'a> {
    /// Reads `array` as bytes; an array of another type is [`Error::UnsupportedType`].
    ///
    /// ```
    /// use arrow_array::Int32Array;
    /// assert!(psp_status_arrow::Bytes::new(&Int32Array::from(vec![1])).is_err());
    /// ```
    pub fn new(array: &'a dyn Array) -> Result<Self, Error> {
        if let Some(d) = Dict::of(array)? {
            return Ok(Bytes(Repr::Dict(d)));
        }
        Flat::of(array)
            .map(|f| Bytes(Repr::Flat(f)))
            .ok_or_else(|| Error::UnsupportedType(array.data_type().clone()))
    }

    /// The value at `row` (`row < len`), `None` when null.
    #[inline(always)]
    pub(crate) fn get(&self, row: usize) -> Option<&'a [u8]> {
        match &self.0 {
            Repr::Flat(f) => f.get(row),
            Repr::Dict(d) => d.key(row).and_then(|k| d.values.get(k)),
        }
    }

    /// The value at `row` (`row < len`) with, for a dictionary, its key (rows with the same
    /// key hold the same bytes); `None` when null.
    #[inline(always)]
    pub(crate) fn get_keyed(&self, row: usize) -> Option<(&'a [u8], Option<usize>)> {
        match &self.0 {
            Repr::Flat(f) => f.get(row).map(|v| (v, None)),
            Repr::Dict(d) => {
                let k = d.key(row)?;
                d.values.get(k).map(|v| (v, Some(k)))
            }
        }
    }

    /// The number of distinct values of a dictionary column, `None` for a flat one.
    pub(crate) fn dictionary_len(&self) -> Option<usize> {
        match &self.0 {
            Repr::Flat(_) => None,
            Repr::Dict(d) => Some(d.values_len()),
        }
    }
}

impl ByteColumn for Bytes<'_> {
    fn len(&self) -> usize {
        match &self.0 {
            Repr::Flat(f) => f.len(),
            Repr::Dict(d) => d.len(),
        }
    }
    fn value(&self, row: usize) -> Option<&[u8]> {
        if row >= ByteColumn::len(self) {
            return None;
        }
        self.get(row)
    }
}
