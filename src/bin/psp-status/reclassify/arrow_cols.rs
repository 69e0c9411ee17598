//! Arrow columns as the batch kernel's byte columns, read in place: string, large string,
//! string view, binary, large binary, binary view, and dictionaries of those (read through
//! their keys, never expanded). Numbers and other scalars (a response code stored as an
//! integer) are cast to strings once per batch. A column is found by name, or by a dotted path
//! into struct columns (`last_payment_error.decline_code`), as JSON Lines keys are.
//!
//! (The `psp-status-arrow` crate reads the same types for Python and Spark; the CLI cannot
//! depend on it while it lives in the root package, which that crate depends on.)

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, BooleanArray, RecordBatch};
use arrow_schema::{DataType, Fields, Schema};
use psp_status::batch::ByteColumn;

/// Where a wanted column is: the field index at each level of struct nesting.
pub type FieldPath = Vec<usize>;

/// Finds `name` in `schema`: a top-level column of that exact name, else a dotted path through
/// struct columns. Returns the path and the column's type.
pub fn find(schema: &Schema, name: &str) -> Option<(FieldPath, DataType)> {
    fn walk(fields: &Fields, name: &str) -> Option<(FieldPath, DataType)> {
        if let Some((i, f)) = fields.find(name) {
            return Some((vec![i], f.data_type().clone()));
        }
        // The longest struct column name that is a prefix of `name` before a dot.
        let mut best: Option<(FieldPath, DataType)> = None;
        for (i, f) in fields.iter().enumerate() {
            let Some(rest) = name
                .strip_prefix(f.name().as_str())
                .and_then(|r| r.strip_prefix('.'))
            else {
                continue;
            };
            if let DataType::Struct(children) = f.data_type() {
                if let Some((mut path, t)) = walk(children, rest) {
                    path.insert(0, i);
                    if best.as_ref().is_none_or(|(b, _)| b.len() < path.len()) {
                        best = Some((path, t));
                    }
                }
            }
        }
        best
    }
    walk(schema.fields(), name)
}

/// Whether the kernel can read a column of type `t` (in place, or cast to strings).
pub fn readable(t: &DataType) -> bool {
    match t {
        DataType::Dictionary(_, v) => readable(v),
        t if is_bytes(t) => true,
        t => {
            (t.is_primitive() || matches!(t, DataType::Boolean))
                && arrow_cast::can_cast_types(t, &DataType::Utf8)
        }
    }
}

fn is_bytes(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View
            | DataType::Binary
            | DataType::LargeBinary
            | DataType::BinaryView
    )
}

/// The array at `path` in `batch`: a struct's nulls carried down to its child; a column that is
/// not bytes (nor a dictionary of bytes) cast to strings.
pub fn column_at(batch: &RecordBatch, path: &[usize]) -> Result<ArrayRef, String> {
    let mut array = batch.column(path[0]).clone();
    for &i in &path[1..] {
        let parent = array.as_struct();
        let child = parent.column(i).clone();
        array = match parent.nulls() {
            Some(nulls) if nulls.null_count() > 0 => {
                let absent =
                    BooleanArray::from_iter((0..parent.len()).map(|r| Some(nulls.is_null(r))));
                arrow_select::nullif::nullif(&child, &absent).map_err(|e| e.to_string())?
            }
            _ => child,
        };
    }
    let bytes = match array.data_type() {
        DataType::Dictionary(_, v) => is_bytes(v),
        t => is_bytes(t),
    };
    if bytes {
        Ok(array)
    } else {
        arrow_cast::cast(&array, &DataType::Utf8).map_err(|e| e.to_string())
    }
}

/// A flat byte array.
#[derive(Clone, Copy)]
enum Flat<'a> {
    Utf8(&'a arrow_array::StringArray),
    LargeUtf8(&'a arrow_array::LargeStringArray),
    Utf8View(&'a arrow_array::StringViewArray),
    Binary(&'a arrow_array::BinaryArray),
    LargeBinary(&'a arrow_array::LargeBinaryArray),
    BinaryView(&'a arrow_array::BinaryViewArray),
}

impl<'a> Flat<'a> {
    fn of(a: &'a dyn Array) -> Option<Flat<'a>> {
        Some(match a.data_type() {
            DataType::Utf8 => Flat::Utf8(a.as_string()),
            DataType::LargeUtf8 => Flat::LargeUtf8(a.as_string()),
            DataType::Utf8View => Flat::Utf8View(a.as_string_view()),
            DataType::Binary => Flat::Binary(a.as_binary()),
            DataType::LargeBinary => Flat::LargeBinary(a.as_binary()),
            DataType::BinaryView => Flat::BinaryView(a.as_binary_view()),
            _ => return None,
        })
    }

    fn len(&self) -> usize {
        match self {
            Flat::Utf8(a) => a.len(),
            Flat::LargeUtf8(a) => a.len(),
            Flat::Utf8View(a) => a.len(),
            Flat::Binary(a) => a.len(),
            Flat::LargeBinary(a) => a.len(),
            Flat::BinaryView(a) => a.len(),
        }
    }

    #[inline]
    fn get(&self, i: usize) -> Option<&'a [u8]> {
        match self {
            Flat::Utf8(a) => a.is_valid(i).then(|| a.value(i).as_bytes()),
            Flat::LargeUtf8(a) => a.is_valid(i).then(|| a.value(i).as_bytes()),
            Flat::Utf8View(a) => a.is_valid(i).then(|| a.value(i).as_bytes()),
            Flat::Binary(a) => a.is_valid(i).then(|| a.value(i)),
            Flat::LargeBinary(a) => a.is_valid(i).then(|| a.value(i)),
            Flat::BinaryView(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

/// One input column as the kernel reads it.
pub struct ArrowColumn<'a> {
    repr: Repr<'a>,
    /// Values are read with ASCII whitespace stripped (`--trim`).
    trim: bool,
}

enum Repr<'a> {
    Flat(Flat<'a>),
    /// A dictionary: its keys as indexes into its values ([`NULL_KEY`] for a null).
    Dict(Vec<u32>, Flat<'a>),
}

impl<'a> ArrowColumn<'a> {
    /// Reads `array` (bytes or a dictionary of bytes, as [`column_at`] returns).
    pub fn new(array: &'a dyn Array, trim: bool) -> Result<ArrowColumn<'a>, String> {
        let unsupported = || format!("unsupported column type {}", array.data_type());
        let repr = match array.as_any_dictionary_opt() {
            Some(d) => {
                let values = Flat::of(d.values().as_ref()).ok_or_else(unsupported)?;
                let valid = d.keys();
                // An empty dictionary (every row null): normalized_keys would panic.
                let mut keys: Vec<u32> = if d.values().is_empty() {
                    vec![NULL_KEY; d.len()]
                } else {
                    d.normalized_keys()
                        .into_iter()
                        .map(|k| u32::try_from(k).unwrap_or(NULL_KEY))
                        .collect()
                };
                if let Some(nulls) = valid.nulls().filter(|n| n.null_count() > 0) {
                    for i in nulls.iter().enumerate().filter(|(_, v)| !v).map(|(i, _)| i) {
                        keys[i] = NULL_KEY;
                    }
                }
                Repr::Dict(keys, values)
            }
            None => Repr::Flat(Flat::of(array).ok_or_else(unsupported)?),
        };
        Ok(ArrowColumn { repr, trim })
    }
}

/// The key of a null row of a dictionary column ([`ArrowColumn::dictionary`]).
pub const NULL_KEY: u32 = u32::MAX;

impl ArrowColumn<'_> {
    /// A dictionary column's keys ([`NULL_KEY`] for a null) and the number of its values;
    /// `None` for a column that is not a dictionary.
    ///
    /// ```ignore
    /// let (keys, values) = column.dictionary().expect("a dictionary column");
    /// assert!(keys.iter().all(|&k| k == NULL_KEY || (k as usize) < values));
    /// ```
    pub fn dictionary(&self) -> Option<(&[u32], usize)> {
        match &self.repr {
            Repr::Dict(keys, values) => Some((keys, values.len())),
            Repr::Flat(_) => None,
        }
    }
}

/// Some rows of a column, in a given order: row `i` is the column's row `rows[i]`.
///
/// ```ignore
/// let firsts = [0, 3];
/// let g = Gather { column: &column, rows: &firsts };
/// assert_eq!(g.value(1), column.value(3));
/// ```
pub struct Gather<'a, C> {
    pub column: &'a C,
    pub rows: &'a [usize],
}

impl<C: ByteColumn> ByteColumn for Gather<'_, C> {
    fn len(&self) -> usize {
        self.rows.len()
    }
    #[inline]
    fn value(&self, row: usize) -> Option<&[u8]> {
        self.column.value(*self.rows.get(row)?)
    }
}

impl ByteColumn for ArrowColumn<'_> {
    fn len(&self) -> usize {
        match &self.repr {
            Repr::Flat(f) => f.len(),
            Repr::Dict(k, _) => k.len(),
        }
    }

    #[inline]
    fn value(&self, row: usize) -> Option<&[u8]> {
        let v = match &self.repr {
            Repr::Flat(f) => (row < f.len()).then(|| f.get(row)).flatten(),
            Repr::Dict(keys, values) => match keys.get(row).copied() {
                Some(k) if k != NULL_KEY => values.get(k as usize),
                _ => None,
            },
        }?;
        Some(if self.trim { v.trim_ascii() } else { v })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::types::Int32Type;
    use arrow_array::{DictionaryArray, Int64Array, StringArray, StructArray};
    use arrow_schema::Field;
    use std::sync::Arc;

    #[test]
    fn dictionaries_views_and_nested_paths_read_as_bytes() {
        let dict: DictionaryArray<Int32Type> =
            vec![Some("a"), None, Some("a ")].into_iter().collect();
        let col = ArrowColumn::new(&dict, true).unwrap();
        assert_eq!(
            (0..3).map(|r| col.value(r)).collect::<Vec<_>>(),
            [Some(&b"a"[..]), None, Some(b"a")]
        );
        let (keys, values) = col.dictionary().unwrap();
        assert_eq!((keys, values), (&[0, NULL_KEY, 1][..], 2));
        // Every row null, no value: keys all null, no panic.
        let empty: DictionaryArray<Int32Type> = vec![None::<&str>, None].into_iter().collect();
        let col = ArrowColumn::new(&empty, false).unwrap();
        assert_eq!((col.value(0), col.value(1)), (None, None));
        assert_eq!(col.dictionary().unwrap(), (&[NULL_KEY, NULL_KEY][..], 0));
        let inner = StringArray::from(vec![Some("x"), Some("y")]);
        let s = StructArray::try_new(
            vec![Field::new("code", DataType::Utf8, true)].into(),
            vec![Arc::new(inner) as ArrayRef],
            Some(vec![true, false].into()),
        )
        .unwrap();
        let codes = Int64Array::from(vec![20051, 10000]);
        let schema = Schema::new(vec![
            Field::new("err", s.data_type().clone(), true),
            Field::new("n", DataType::Int64, false),
        ]);
        let batch =
            RecordBatch::try_new(Arc::new(schema.clone()), vec![Arc::new(s), Arc::new(codes)])
                .unwrap();
        let (path, t) = find(&schema, "err.code").unwrap();
        assert_eq!((path.clone(), t), (vec![0, 0], DataType::Utf8));
        let a = column_at(&batch, &path).unwrap();
        let col = ArrowColumn::new(a.as_ref(), false).unwrap();
        // The struct is null on row 1: so is its child, whatever the child holds.
        assert_eq!((col.value(0), col.value(1)), (Some(&b"x"[..]), None));
        let (path, _) = find(&schema, "n").unwrap();
        let a = column_at(&batch, &path).unwrap();
        let col = ArrowColumn::new(a.as_ref(), false).unwrap();
        assert_eq!(col.value(0), Some(&b"20051"[..]));
        assert!(find(&schema, "err.nope").is_none());
        assert!(
            readable(&DataType::Int64)
                && !readable(&DataType::List(Arc::new(Field::new(
                    "i",
                    DataType::Utf8,
                    true
                ))))
        );
    }
}
