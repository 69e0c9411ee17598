//! A Parquet string column whose values come from a small fixed set (the taxonomy's states,
//! codes, operations, match kinds, the table version), written straight from each row's index
//! into the set: one dictionary page holding the set, then one data page per batch of the
//! indices, bit-packed (`RLE_DICTIONARY`). Nothing is hashed or compared per value: the Arrow
//! writer's dictionary encoder interns every value again, even from an Arrow dictionary array,
//! and compares every value for its min/max statistics. The pages are a few bits a row, so
//! they are stored uncompressed. Readers see a plain dictionary-encoded string column (Parquet
//! `BYTE_ARRAY`/`STRING`; the file's Arrow schema says `Utf8`).

use bytes::Bytes;
use parquet::basic::{Compression, Encoding};
use parquet::column::page::{CompressedPage, Page, PageWriter};
use parquet::column::writer::ColumnCloseResult;
use parquet::data_type::ByteArray;
use parquet::errors::ParquetError;
use parquet::file::metadata::{ColumnChunkMetaData, OffsetIndexBuilder};
use parquet::file::statistics::Statistics;
use parquet::file::writer::{SerializedPageWriter, SerializedRowGroupWriter, TrackedWrite};
use parquet::schema::types::ColumnDescPtr;
use std::io::Write;

/// Index standing for a null value (only in a nullable column).
pub const NULL: u8 = u8::MAX;

/// One column chunk being written: the dictionary page first, then a data page per
/// [`FixedDictColumn::write`].
///
/// ```ignore
/// let mut c = FixedDictColumn::new(descr, vec!["SUCCESS", "ERROR"])?;
/// c.write(&[0, 1, 1])?; // SUCCESS, ERROR, ERROR
/// c.close_into(&mut row_group)?;
/// ```
pub struct FixedDictColumn {
    descr: ColumnDescPtr,
    dict: Vec<&'static str>,
    width: u8,
    chunk: TrackedWrite<Vec<u8>>,
    data_page_offset: i64,
    /// Where each data page is (readers that skip pages need it, and the file writer wants an
    /// offset index for every column or none).
    pages: OffsetIndexBuilder,
    /// Whether the chunk carries its offset index (`pages`).
    offset_index: bool,
    /// Which indices occur (for the statistics), and the counts.
    used: Vec<bool>,
    rows: u64,
    nulls: u64,
    /// Scratch: one data page.
    page: Vec<u8>,
    present: Vec<u8>,
}

impl FixedDictColumn {
    /// A chunk of the leaf column `descr` whose values are `dict[index]`. At most 255 values
    /// (index 255 is [`NULL`]).
    pub fn new(descr: ColumnDescPtr, dict: Vec<&'static str>) -> Result<Self, ParquetError> {
        if dict.is_empty() || dict.len() >= NULL as usize {
            return Err(ParquetError::General(format!(
                "a fixed dictionary of {} values",
                dict.len()
            )));
        }
        // At least one bit: a width of 0 is legal but not every reader takes it.
        let width = (usize::BITS - (dict.len() - 1).leading_zeros()).max(1) as u8;
        let mut buf = Vec::new();
        for v in &dict {
            buf.extend_from_slice(&(v.len() as u32).to_le_bytes());
            buf.extend_from_slice(v.as_bytes());
        }
        let mut chunk = TrackedWrite::new(Vec::new());
        let len = buf.len();
        let page = Page::DictionaryPage {
            buf: buf.into(),
            num_values: dict.len() as u32,
            encoding: Encoding::PLAIN,
            is_sorted: false,
        };
        SerializedPageWriter::new(&mut chunk).write_page(CompressedPage::new(page, len))?;
        Ok(FixedDictColumn {
            data_page_offset: chunk.bytes_written() as i64,
            pages: OffsetIndexBuilder::new(),
            offset_index: true,
            used: vec![false; dict.len()],
            descr,
            dict,
            width,
            chunk,
            rows: 0,
            nulls: 0,
            page: Vec::new(),
            present: Vec::new(),
        })
    }

    /// The chunk without an offset index (a file has one for every column chunk or none: see
    /// `parquet_keep`, whose input may have none).
    pub fn without_offset_index(mut self) -> Self {
        self.offset_index = false;
        self
    }

    /// Writes one data page: `keys[row]` is the row's index into the dictionary, or [`NULL`]
    /// (in a nullable column).
    pub fn write(&mut self, keys: &[u8]) -> Result<(), ParquetError> {
        if keys.is_empty() {
            return Ok(());
        }
        let nullable = self.descr.max_def_level() > 0;
        self.page.clear();
        self.present.clear();
        let nulls = if nullable {
            keys.iter().filter(|&&k| k == NULL).count()
        } else {
            0
        };
        if nullable {
            // Definition levels: 1 present, 0 null; a 4-byte length, then the runs.
            let mut levels = Vec::with_capacity(keys.len() / 8 + 8);
            if nulls == 0 {
                encode_run(keys.len(), 1, &mut levels);
            } else {
                let defined: Vec<u8> = keys.iter().map(|&k| u8::from(k != NULL)).collect();
                encode_hybrid(&defined, 1, &mut levels);
            }
            self.page
                .extend_from_slice(&(levels.len() as u32).to_le_bytes());
            self.page.extend_from_slice(&levels);
        }
        let present = if nulls > 0 {
            self.present
                .extend(keys.iter().copied().filter(|&k| k != NULL));
            &self.present[..]
        } else {
            keys
        };
        let n = self.dict.len();
        let mut seen = [false; 256];
        for &k in present {
            seen[k as usize] = true;
        }
        if let Some(k) = (n..256).find(|&k| seen[k]) {
            return Err(ParquetError::General(format!(
                "index {k} outside a dictionary of {n} values"
            )));
        }
        for (u, s) in self.used.iter_mut().zip(seen) {
            *u |= s;
        }
        self.nulls += nulls as u64;
        self.rows += keys.len() as u64;
        self.page.push(self.width);
        encode_hybrid(present, self.width, &mut self.page);
        let len = self.page.len();
        let page = Page::DataPage {
            buf: Bytes::copy_from_slice(&self.page),
            num_values: keys.len() as u32,
            encoding: Encoding::RLE_DICTIONARY,
            def_level_encoding: Encoding::RLE,
            rep_level_encoding: Encoding::RLE,
            statistics: None,
        };
        let spec = SerializedPageWriter::new(&mut self.chunk)
            .write_page(CompressedPage::new(page, len))?;
        self.pages
            .append_offset_and_size(spec.offset as i64, spec.compressed_size as i32);
        self.pages.append_row_count(keys.len() as i64);
        Ok(())
    }

    /// Appends the chunk to `group` (its next column must be this one).
    pub fn close_into<W: Write + Send>(
        mut self,
        group: &mut SerializedRowGroupWriter<'_, W>,
    ) -> Result<(), ParquetError> {
        self.chunk.flush()?;
        let size = self.chunk.bytes_written() as i64;
        let used = self
            .dict
            .iter()
            .zip(&self.used)
            .filter(|(_, u)| **u)
            .map(|(v, _)| v.as_bytes());
        let min = used.clone().min().map(ByteArray::from);
        let max = used.max().map(ByteArray::from);
        let stats = Statistics::new(min, max, None, Some(self.nulls), false);
        let metadata = ColumnChunkMetaData::builder(self.descr.clone())
            .set_compression(Compression::UNCOMPRESSED)
            .set_encodings(vec![
                Encoding::PLAIN,
                Encoding::RLE,
                Encoding::RLE_DICTIONARY,
            ])
            .set_num_values(self.rows as i64)
            .set_total_compressed_size(size)
            .set_total_uncompressed_size(size)
            .set_dictionary_page_offset(Some(0))
            .set_data_page_offset(self.data_page_offset)
            .set_statistics(stats)
            .build()?;
        let close = ColumnCloseResult {
            bytes_written: size as u64,
            rows_written: self.rows,
            metadata,
            bloom_filter: None,
            column_index: None,
            offset_index: self.offset_index.then(|| self.pages.build()),
        };
        group.append_column(&Bytes::from(self.chunk.into_inner()?), close)
    }
}

/// A nullable string column that is mostly null (the `reject` column of `--keep-rejected`):
/// one data page per [`SparseStrings::write`], its definition levels run-length encoded and its
/// values `PLAIN`, uncompressed, no dictionary; chunk statistics (min, max, nulls).
///
/// ```ignore
/// let mut c = SparseStrings::new(descr, true);
/// c.write(&[None, Some("missing provider"), None])?;
/// c.close_into(&mut row_group)?;
/// ```
pub struct SparseStrings {
    descr: ColumnDescPtr,
    chunk: TrackedWrite<Vec<u8>>,
    pages: Option<OffsetIndexBuilder>,
    min: Option<Vec<u8>>,
    max: Option<Vec<u8>>,
    rows: u64,
    nulls: u64,
    page: Vec<u8>,
    defined: Vec<u8>,
}

impl SparseStrings {
    /// A chunk of the nullable `BYTE_ARRAY` leaf `descr`, with an offset index when
    /// `offset_index`.
    pub fn new(descr: ColumnDescPtr, offset_index: bool) -> Self {
        SparseStrings {
            descr,
            chunk: TrackedWrite::new(Vec::new()),
            pages: offset_index.then(OffsetIndexBuilder::new),
            min: None,
            max: None,
            rows: 0,
            nulls: 0,
            page: Vec::new(),
            defined: Vec::new(),
        }
    }

    /// Writes one data page of `values` (one per row, `None` for null).
    pub fn write<'v>(
        &mut self,
        values: impl ExactSizeIterator<Item = Option<&'v [u8]>> + Clone,
    ) -> Result<(), ParquetError> {
        let n = values.len();
        if n == 0 {
            return Ok(());
        }
        self.page.clear();
        self.defined.clear();
        self.defined
            .extend(values.clone().map(|v| u8::from(v.is_some())));
        let mut levels = Vec::with_capacity(n / 8 + 8);
        encode_hybrid(&self.defined, 1, &mut levels);
        self.page
            .extend_from_slice(&(levels.len() as u32).to_le_bytes());
        self.page.extend_from_slice(&levels);
        let mut present = 0u64;
        for v in values.flatten() {
            present += 1;
            self.page.extend_from_slice(&(v.len() as u32).to_le_bytes());
            self.page.extend_from_slice(v);
            if self.min.as_deref().is_none_or(|m| v < m) {
                self.min = Some(v.to_vec());
            }
            if self.max.as_deref().is_none_or(|m| v > m) {
                self.max = Some(v.to_vec());
            }
        }
        self.nulls += n as u64 - present;
        self.rows += n as u64;
        let len = self.page.len();
        let page = Page::DataPage {
            buf: Bytes::copy_from_slice(&self.page),
            num_values: n as u32,
            encoding: Encoding::PLAIN,
            def_level_encoding: Encoding::RLE,
            rep_level_encoding: Encoding::RLE,
            statistics: None,
        };
        let spec = SerializedPageWriter::new(&mut self.chunk)
            .write_page(CompressedPage::new(page, len))?;
        if let Some(pages) = &mut self.pages {
            pages.append_offset_and_size(spec.offset as i64, spec.compressed_size as i32);
            pages.append_row_count(n as i64);
        }
        Ok(())
    }

    /// Appends the chunk to `group` (its next column must be this one).
    pub fn close_into<W: Write + Send>(
        mut self,
        group: &mut SerializedRowGroupWriter<'_, W>,
    ) -> Result<(), ParquetError> {
        self.chunk.flush()?;
        let size = self.chunk.bytes_written() as i64;
        let stats = Statistics::new(
            self.min.map(ByteArray::from),
            self.max.map(ByteArray::from),
            None,
            Some(self.nulls),
            false,
        );
        let metadata = ColumnChunkMetaData::builder(self.descr.clone())
            .set_compression(Compression::UNCOMPRESSED)
            .set_encodings(vec![Encoding::PLAIN, Encoding::RLE])
            .set_num_values(self.rows as i64)
            .set_total_compressed_size(size)
            .set_total_uncompressed_size(size)
            .set_data_page_offset(0)
            .set_statistics(stats)
            .build()?;
        let close = ColumnCloseResult {
            bytes_written: size as u64,
            rows_written: self.rows,
            metadata,
            bloom_filter: None,
            column_index: None,
            offset_index: self.pages.map(|p| p.build()),
        };
        group.append_column(&Bytes::from(self.chunk.into_inner()?), close)
    }
}

/// Appends `values` (each below `1 << width`) in Parquet's RLE / bit-packing hybrid encoding:
/// one RLE run when every value is the same, else bit-packed runs of at most 504 values (a
/// one-byte header each, as most writers emit), the last padded with zeros.
fn encode_hybrid(values: &[u8], width: u8, out: &mut Vec<u8>) {
    let Some(&first) = values.first() else {
        return;
    };
    if values.iter().all(|&v| v == first) {
        encode_run(values.len(), first, out);
        return;
    }
    let width = width as usize;
    for run in values.chunks(63 * 8) {
        let groups = run.len().div_ceil(8);
        out.reserve(1 + groups * width);
        out.push(((groups << 1) | 1) as u8);
        // Eight values (at most 64 bits at a width of 8 or less) make `width` bytes.
        let mut groups = run.chunks_exact(8);
        for group in &mut groups {
            let mut word = 0u64;
            for (i, &v) in group.iter().enumerate() {
                word |= u64::from(v) << (i * width);
            }
            out.extend_from_slice(&word.to_le_bytes()[..width]);
        }
        let rest = groups.remainder();
        if !rest.is_empty() {
            let mut word = 0u64;
            for (i, &v) in rest.iter().enumerate() {
                word |= u64::from(v) << (i * width);
            }
            out.extend_from_slice(&word.to_le_bytes()[..width]);
        }
    }
}

/// Appends one RLE run: `count` times `value` (one byte: widths up to 8 bits).
fn encode_run(count: usize, value: u8, out: &mut Vec<u8>) {
    let mut header = (count as u64) << 1;
    while header >= 0x80 {
        out.push(header as u8 | 0x80);
        header >>= 7;
    }
    out.push(header as u8);
    out.push(value);
}

#[cfg(test)]
mod tests {
    use super::encode_hybrid;

    #[test]
    fn hybrid_runs_match_the_spec() {
        // One RLE run: header (count << 1), the value in one byte.
        let mut out = Vec::new();
        encode_hybrid(&[3; 300], 2, &mut out);
        assert_eq!(out, [0xd8, 0x04, 3]);
        // Bit-packed, width 3: the spec's example (0..8 → 0x88 0xC6 0xFA).
        let mut out = Vec::new();
        encode_hybrid(&[0, 1, 2, 3, 4, 5, 6, 7], 3, &mut out);
        assert_eq!(out, [0x03, 0x88, 0xc6, 0xfa]);
        // 505 values: a run of 63 groups and one of 1 group (padded).
        let values: Vec<u8> = (0..505).map(|i| (i % 2) as u8).collect();
        let mut out = Vec::new();
        encode_hybrid(&values, 1, &mut out);
        assert_eq!(out.len(), 1 + 63 + 1 + 1);
        assert_eq!((out[0], out[64], out[65]), ((63 << 1) | 1, 0x03, 0x00));
        assert_eq!(out[1], 0b1010_1010);
    }
}
