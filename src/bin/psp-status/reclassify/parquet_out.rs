//! CSV and JSON Lines to Parquet: the rows the CSV path writes (input cells, then the appended
//! columns) are read back as they stream out of the pipeline, in order, and written as
//! Parquet, every column a string (`operation` null when the tables do not know it, as the
//! Parquet path writes it). Batches and row groups stay within a share of `--memory-limit`.

use super::parquet_rows::{output_schema, writer_properties, Sink};
use crate::outputs::Staged;
use arrow_array::builder::StringBuilder;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use csv_core::{ReadRecordResult, Reader, ReaderBuilder};
use parquet::arrow::ArrowWriter;
use std::io;
use std::sync::Arc;

/// Rows per record batch, at most.
const BATCH_ROWS: usize = 64 << 10;

/// Turns the CSV rows of the pipeline into a Parquet file.
pub struct CsvToParquet {
    reader: Reader,
    /// The record being read: its decoded fields and their ends.
    fields: Vec<u8>,
    ends: Vec<usize>,
    fields_len: usize,
    ends_len: usize,
    /// Until the header has been read: where the file goes.
    sink: Option<Sink>,
    appended: [String; 5],
    /// `--keep-rejected`: the `reject` column's name (after the five); the appended cells of
    /// a row are then null when empty.
    reject: Option<String>,
    writer: Option<(ArrowWriter<Sink>, SchemaRef)>,
    builders: Vec<StringBuilder>,
    rows: usize,
    /// Rows written, for error messages.
    done: u64,
    /// Bytes in the builders, and the most they may hold.
    bytes: usize,
    budget: usize,
}

fn err(e: impl ToString) -> io::Error {
    io::Error::other(e.to_string())
}

impl CsvToParquet {
    /// A converter writing to `sink`; `appended` are the result columns' names (the last five
    /// of each row), `budget` the memory it may use.
    pub fn new(
        sink: Sink,
        delimiter: u8,
        appended: [String; 5],
        reject: Option<String>,
        budget: usize,
    ) -> CsvToParquet {
        CsvToParquet {
            reader: ReaderBuilder::new().delimiter(delimiter).build(),
            fields: vec![0; 4096],
            ends: vec![0; 64],
            fields_len: 0,
            ends_len: 0,
            sink: Some(sink),
            appended,
            reject,
            writer: None,
            builders: Vec::new(),
            rows: 0,
            done: 0,
            bytes: 0,
            budget: budget.max(1 << 20),
        }
    }

    /// Reads `input` (whole CSV records, or the start of one).
    pub fn push(&mut self, mut input: &[u8]) -> io::Result<()> {
        loop {
            let (res, nin, nout, nend) = self.reader.read_record(
                input,
                &mut self.fields[self.fields_len..],
                &mut self.ends[self.ends_len..],
            );
            input = &input[nin..];
            self.fields_len += nout;
            self.ends_len += nend;
            match res {
                ReadRecordResult::InputEmpty | ReadRecordResult::End => return Ok(()),
                ReadRecordResult::OutputFull => {
                    let n = self.fields.len() * 2;
                    self.fields.resize(n, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                ReadRecordResult::Record => {
                    self.record()?;
                    self.fields_len = 0;
                    self.ends_len = 0;
                }
            }
        }
    }

    fn record(&mut self) -> io::Result<()> {
        let fields = &self.fields[..self.fields_len];
        let ends = &self.ends[..self.ends_len];
        let cell = |i: usize| &fields[if i == 0 { 0 } else { ends[i - 1] }..ends[i]];
        let Some((writer, schema)) = &self.writer else {
            // The header.
            let names = (0..ends.len())
                .map(|i| String::from_utf8_lossy(cell(i)).into_owned())
                .collect::<Vec<_>>();
            let inputs = names
                .len()
                .saturating_sub(5 + usize::from(self.reject.is_some()));
            let input = Schema::new(
                names[..inputs]
                    .iter()
                    .map(|n| Field::new(n, DataType::Utf8, true))
                    .collect::<Vec<_>>(),
            );
            let schema = output_schema(&input, &self.appended, self.reject.as_deref());
            let group_rows = (self.budget / 2 / 64).max(BATCH_ROWS);
            let sink = self.sink.take().expect("the header comes first");
            let w = ArrowWriter::try_new(
                sink,
                schema.clone(),
                Some(writer_properties(group_rows, &[], &[])),
            )
            .map_err(err)?;
            self.builders = (0..schema.fields().len())
                .map(|_| StringBuilder::new())
                .collect();
            self.writer = Some((w, schema));
            return Ok(());
        };
        let _ = writer;
        if ends.len() != schema.fields().len() {
            return Err(err(format!(
                "row {} has {} fields, the header {}",
                self.done + self.rows as u64 + 1,
                ends.len(),
                schema.fields().len()
            )));
        }
        // Appended cells that may be empty, written as nulls: `operation`, or with
        // --keep-rejected every one of them.
        let nullable = if self.reject.is_some() {
            ends.len() - 6..ends.len()
        } else {
            ends.len() - 3..ends.len() - 2
        };
        for (i, b) in self.builders.iter_mut().enumerate() {
            let v = cell(i);
            if nullable.contains(&i) && v.is_empty() {
                b.append_null();
                continue;
            }
            let s = std::str::from_utf8(v).map_err(|_| {
                err(format!(
                    "row {}, column `{}` is not valid UTF-8 (Parquet strings must be): \
                     convert the input's encoding first",
                    self.done + self.rows as u64 + 1,
                    schema.field(i).name()
                ))
            })?;
            b.append_value(s);
        }
        self.bytes += fields.len() + 4 * ends.len();
        self.rows += 1;
        if self.rows >= BATCH_ROWS || self.bytes >= self.budget / 4 {
            self.write_batch()?;
        }
        Ok(())
    }

    fn write_batch(&mut self) -> io::Result<()> {
        let Some((writer, schema)) = &mut self.writer else {
            return Ok(());
        };
        if self.rows == 0 {
            return Ok(());
        }
        let columns: Vec<ArrayRef> = self
            .builders
            .iter_mut()
            .map(|b| Arc::new(b.finish()) as ArrayRef)
            .collect();
        let batch = RecordBatch::try_new(schema.clone(), columns).map_err(err)?;
        writer.write(&batch).map_err(err)?;
        if writer.in_progress_size() > self.budget / 2 {
            writer.flush().map_err(err)?;
        }
        self.done += self.rows as u64;
        self.rows = 0;
        self.bytes = 0;
        Ok(())
    }

    /// Writes what is left and the file's footer; the staged file to commit, if any.
    pub fn finish(mut self) -> io::Result<Option<Staged>> {
        // A last record without a line terminator.
        self.push(&[])?;
        self.write_batch()?;
        let sink = match self.writer {
            Some((w, _)) => w.into_inner().map_err(err)?,
            None => return Err(err("no header row reached the Parquet writer")),
        };
        sink.finish()
    }
}
