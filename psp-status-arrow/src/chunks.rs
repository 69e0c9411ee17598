//! Chunked columns (a pyarrow `ChunkedArray`, a Parquet file's row groups) whose chunk
//! boundaries differ: cut them at common boundaries, zero-copy.

use arrow_array::ArrayRef;

use crate::Error;

/// Cuts `columns` (each a list of chunks; all of the same total length) at the union of their
/// chunk boundaries, returning one `Vec` per common slice with one array per column. Slicing
/// is zero-copy.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{Array, ArrayRef, StringArray};
/// use psp_status_arrow::align_chunks;
/// let a: Vec<ArrayRef> = vec![Arc::new(StringArray::from(vec!["a", "b", "c"]))];
/// let b: Vec<ArrayRef> = vec![
///     Arc::new(StringArray::from(vec!["x"])),
///     Arc::new(StringArray::from(vec!["y", "z"])),
/// ];
/// let parts = align_chunks(&[&a[..], &b[..]]).unwrap();
/// assert_eq!(parts.len(), 2);
/// assert_eq!((parts[0][0].len(), parts[1][0].len()), (1, 2));
/// ```
pub fn align_chunks(columns: &[&[ArrayRef]]) -> Result<Vec<Vec<ArrayRef>>, Error> {
    let total = |c: &[ArrayRef]| c.iter().map(|a| a.len()).sum::<usize>();
    let Some(first) = columns.first() else {
        return Ok(Vec::new());
    };
    let rows = total(first);
    for (i, c) in columns.iter().enumerate() {
        if total(c) != rows {
            return Err(Error::LengthMismatch {
                column: format!("column {i}"),
                len: total(c),
                expected: rows,
            });
        }
    }
    // Per column: the index of the current chunk and the offset inside it.
    let mut at: Vec<(usize, usize)> = vec![(0, 0); columns.len()];
    let mut out = Vec::new();
    let mut done = 0;
    while done < rows {
        // Skip empty chunks, then take the shortest remainder of the current chunks.
        for (c, (chunk, off)) in columns.iter().zip(at.iter_mut()) {
            while c[*chunk].len() == *off {
                *chunk += 1;
                *off = 0;
            }
        }
        let step = columns
            .iter()
            .zip(&at)
            .map(|(c, (chunk, off))| c[*chunk].len() - off)
            .min()
            .unwrap_or(0);
        let part = columns
            .iter()
            .zip(at.iter_mut())
            .map(|(c, (chunk, off))| {
                let a = &c[*chunk];
                let s = if *off == 0 && step == a.len() {
                    a.clone()
                } else {
                    a.slice(*off, step)
                };
                *off += step;
                s
            })
            .collect();
        out.push(part);
        done += step;
    }
    Ok(out)
}
