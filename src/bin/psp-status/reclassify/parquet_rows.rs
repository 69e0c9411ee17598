//! Parquet input: row groups streamed as Arrow record batches (bounded by `--memory-limit`,
//! never the whole file), classified by the batch kernel over the Arrow columns in place
//! (`arrow_cols`), written as Parquet (every input column kept with its Arrow type, nested ones
//! too, the result columns appended, the table version and digest in the file's key-value
//! metadata), CSV or JSON Lines. Rejected rows go to the rejects file with their row number;
//! the output, rejects and report are committed as one set, as for CSV.

use super::arrow_cols::{self, ArrowColumn, FieldPath};
use super::chunk::{Plan, APPENDED};
use super::fixed_dict::{self, FixedDictColumn};
use super::rejects::{self, RejectsWriter};
use super::tally::Tally;
use super::{report, shown, write_error, Args, Format, MaxRejects, Setup};
use crate::outputs::Staged;
use crate::tables::tables;
use crate::CliError;
use arrow_array::{ArrayRef, BooleanArray, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::arrow_writer::{
    compute_leaves, ArrowColumnWriter, ArrowLeafColumn, ArrowRowGroupWriterFactory,
};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::{KeyValue, PageIndexPolicy};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::ColumnPath;
use psp_status::batch::{classify_columns_in, ByteColumn, Names, Outcome, Reason, Verdict};
use psp_status::{Code, Matched, Operation, State};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// The key-value metadata keys of a Parquet output.
pub const META_VERSION: &str = "psp_status.table_version";
pub const META_DIGEST: &str = "psp_status.table_digest";

/// Rows per record batch, at most.
const MAX_BATCH_ROWS: usize = 64 << 10;
/// Rows per output row group, at most.
pub const MAX_GROUP_ROWS: usize = 1 << 20;

/// Where the output bytes go.
pub enum Sink {
    File(Staged),
    Stdout(std::io::BufWriter<std::io::Stdout>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::File(f) => f.write(buf),
            Sink::Stdout(w) => w.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::File(f) => f.write_all(buf),
            Sink::Stdout(w) => w.write_all(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::File(f) => f.flush(),
            Sink::Stdout(w) => w.flush(),
        }
    }
}

impl Sink {
    pub fn open(output: &str) -> Result<Sink, CliError> {
        Ok(if output == "-" {
            Sink::Stdout(std::io::BufWriter::with_capacity(
                1 << 20,
                std::io::stdout(),
            ))
        } else {
            Sink::File(Staged::create(Path::new(output)).map_err(CliError::Failed)?)
        })
    }

    /// Flushes; the staged file to commit, if any.
    pub fn finish(mut self) -> std::io::Result<Option<Staged>> {
        self.flush()?;
        Ok(match self {
            Sink::File(f) => Some(f),
            Sink::Stdout(_) => None,
        })
    }
}

/// The writer properties of a Parquet output: snappy (what Spark, DuckDB and pyarrow write by
/// default) unless `input` names a column's codec (the input's, kept), row groups of at most
/// `group_rows`, the table version and digest in the metadata; `plain` columns are written
/// without a dictionary (the input's writer chose so: ids, timestamps, amounts, whose
/// dictionary would only be built to be dropped).
pub fn writer_properties(
    group_rows: usize,
    plain: &[ColumnPath],
    input: &[(ColumnPath, Compression)],
) -> WriterProperties {
    let mut b = WriterProperties::builder().set_compression(Compression::SNAPPY);
    for c in plain {
        b = b.set_column_dictionary_enabled(c.clone(), false);
    }
    for (c, codec) in input {
        b = b.set_column_compression(c.clone(), *codec);
    }
    b.set_max_row_group_row_count(Some(group_rows.clamp(1, MAX_GROUP_ROWS)))
        .set_key_value_metadata(Some(vec![
            KeyValue::new(META_VERSION.to_string(), tables().version().to_string()),
            KeyValue::new(META_DIGEST.to_string(), tables().digest().to_string()),
        ]))
        .build()
}

/// The output schema: the input's fields, then the appended columns (strings; `operation` is
/// null when the tables do not know it), then the `reject` column when given (with it every
/// appended column is nullable: a kept rejected row has no classification).
pub fn output_schema(input: &Schema, appended: &[String; 5], reject: Option<&str>) -> SchemaRef {
    let mut fields: Vec<Arc<Field>> = input.fields().iter().cloned().collect();
    for (i, name) in appended.iter().enumerate() {
        fields.push(Arc::new(Field::new(
            name,
            DataType::Utf8,
            i == 2 || reject.is_some(),
        )));
    }
    if let Some(name) = reject {
        fields.push(Arc::new(Field::new(name, DataType::Utf8, true)));
    }
    Arc::new(Schema::new_with_metadata(fields, input.metadata().clone()))
}

/// The values each appended column can take, in the order of the keys `run` computes (an
/// enum's discriminant; the table version is key 0).
pub fn result_dictionaries() -> [Vec<&'static str>; 5] {
    use strum::IntoEnumIterator;
    [
        State::iter().map(<&str>::from).collect(),
        Code::iter().map(<&str>::from).collect(),
        Operation::iter().map(<&str>::from).collect(),
        Matched::iter().map(<&str>::from).collect(),
        vec![tables().version()],
    ]
}

/// The appended columns of a batch's kept rows: per column, each row's index into
/// [`result_dictionaries`] ([`fixed_dict::NULL`] for a null operation).
#[derive(Default)]
pub struct ResultKeys([Vec<u8>; 5]);

impl ResultKeys {
    fn clear(&mut self) {
        self.0.iter_mut().for_each(Vec::clear);
    }

    fn push(&mut self, v: &Verdict) {
        let [state, code, operation, matched, version] = &mut self.0;
        state.push(v.state as u8);
        code.push(v.code as u8);
        operation.push(v.operation.map_or(fixed_dict::NULL, |o| o as u8));
        matched.push(v.matched as u8);
        version.push(0);
    }

    /// A row kept with a reject reason: every column null.
    fn push_rejected(&mut self) {
        self.0.iter_mut().for_each(|k| k.push(fixed_dict::NULL));
    }

    /// The columns as Arrow string arrays (for CSV and JSON Lines output).
    fn arrays(&self, dicts: &[Vec<&'static str>; 5]) -> Vec<ArrayRef> {
        self.0
            .iter()
            .zip(dicts)
            .map(|(keys, dict)| {
                let values = keys.iter().map(|&k| dict.get(k as usize).copied());
                Arc::new(StringArray::from_iter(values)) as ArrayRef
            })
            .collect()
    }
}

/// A Parquet file written a row group at a time: the input's columns encoded by the Arrow
/// writer on two threads, the appended ones by [`FixedDictColumn`] from their keys.
pub struct ParallelParquet {
    file: SerializedFileWriter<Sink>,
    factory: ArrowRowGroupWriterFactory,
    schema: SchemaRef,
    /// Leaf columns of the input (the appended ones follow).
    input_leaves: usize,
    dicts: [Vec<&'static str>; 5],
    /// The column writers of the row group being written, and its rows.
    columns: Option<(Vec<ArrowColumnWriter>, Vec<FixedDictColumn>)>,
    rows: usize,
    groups: usize,
    group_rows: usize,
}

impl ParallelParquet {
    /// A writer of `schema` (an input's schema and then the five appended string columns, as
    /// [`output_schema`] makes it).
    pub fn new(sink: Sink, schema: SchemaRef, props: WriterProperties) -> Result<Self, String> {
        let group_rows = props.max_row_group_row_count().unwrap_or(MAX_GROUP_ROWS);
        let (file, factory) = ArrowWriter::try_new(sink, schema.clone(), Some(props))
            .and_then(|w| w.into_serialized_writer())
            .map_err(|e| e.to_string())?;
        let input_leaves = file.schema_descr().num_columns() - APPENDED.len();
        Ok(ParallelParquet {
            file,
            factory,
            schema,
            input_leaves,
            dicts: result_dictionaries(),
            columns: None,
            rows: 0,
            groups: 0,
            group_rows,
        })
    }

    /// Encodes `batch` (the input's columns) and `keys` (the appended ones); the row group is
    /// written once it holds `group_rows` rows or `budget` bytes.
    pub fn write(
        &mut self,
        batch: &RecordBatch,
        keys: &ResultKeys,
        budget: usize,
    ) -> Result<(), String> {
        let e = |e: parquet::errors::ParquetError| e.to_string();
        let (mut columns, mut fixed) = match self.columns.take() {
            Some(c) => c,
            None => {
                let mut columns = self.factory.create_column_writers(self.groups).map_err(e)?;
                columns.truncate(self.input_leaves);
                let fixed = self
                    .dicts
                    .iter()
                    .enumerate()
                    .map(|(i, d)| {
                        let descr = self.file.schema_descr().column(self.input_leaves + i);
                        FixedDictColumn::new(descr, d.clone())
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(e)?;
                (columns, fixed)
            }
        };
        let mut leaves = Vec::with_capacity(columns.len());
        for (field, array) in self.schema.fields().iter().zip(batch.columns()) {
            leaves.extend(compute_leaves(field, array).map_err(e)?);
        }
        // Two halves, by alternating leaves, encoded at once; the appended columns (a few bits
        // a row) on this thread.
        let (mut even, mut odd): (Vec<_>, Vec<_>) = columns
            .iter_mut()
            .zip(&leaves)
            .enumerate()
            .partition(|(i, _)| i % 2 == 0);
        let encode = |part: &mut Vec<(usize, (&mut ArrowColumnWriter, &ArrowLeafColumn))>| {
            part.iter_mut()
                .try_for_each(|(_, (w, leaf))| w.write(leaf))
                .map_err(|e| e.to_string())
        };
        std::thread::scope(|scope| {
            let other = scope.spawn(|| encode(&mut odd));
            let mine = encode(&mut even).and_then(|()| {
                fixed
                    .iter_mut()
                    .zip(&keys.0)
                    .try_for_each(|(c, k)| c.write(k))
                    .map_err(e)
            });
            let theirs = other
                .join()
                .unwrap_or_else(|_| Err("an encoder panicked".to_string()));
            mine.and(theirs)
        })?;
        self.rows += batch.num_rows();
        let size: usize = columns.iter().map(|c| c.memory_size()).sum();
        self.columns = Some((columns, fixed));
        if self.rows >= self.group_rows || size > budget {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), String> {
        let e = |e: parquet::errors::ParquetError| e.to_string();
        let Some((columns, fixed)) = self.columns.take() else {
            return Ok(());
        };
        let mut group = self.file.next_row_group().map_err(e)?;
        for c in columns {
            c.close()
                .map_err(e)?
                .append_to_row_group(&mut group)
                .map_err(e)?;
        }
        for c in fixed {
            c.close_into(&mut group).map_err(e)?;
        }
        group.close().map_err(e)?;
        self.groups += 1;
        self.rows = 0;
        Ok(())
    }

    pub fn finish(mut self) -> Result<Sink, String> {
        self.flush()?;
        self.file.into_inner().map_err(|e| e.to_string())
    }
}

/// How the rows are written.
enum Writer {
    Parquet(Box<ParallelParquet>),
    /// CSV and JSON Lines get the appended columns as strings.
    Csv {
        sink: Sink,
        delimiter: u8,
        neutralize: bool,
        buf: Vec<u8>,
    },
    Jsonl(arrow_json::LineDelimitedWriter<Sink>),
}

impl Writer {
    /// Writes the kept rows of a batch: `kept` the input's columns, `keys` the appended ones.
    fn write(
        &mut self,
        kept: &RecordBatch,
        keys: &ResultKeys,
        reasons: Option<&StringArray>,
        schema: &SchemaRef,
        budget: usize,
    ) -> Result<(), String> {
        if let Writer::Parquet(w) = self {
            // A row group is buffered until written: kept within the memory bound.
            return w.write(kept, keys, budget);
        }
        let mut cols = kept.columns().to_vec();
        cols.extend(keys.arrays(&result_dictionaries()));
        cols.extend(reasons.map(|r| Arc::new(r.clone()) as ArrayRef));
        let batch = &RecordBatch::try_new(schema.clone(), cols).map_err(|e| e.to_string())?;
        match self {
            Writer::Parquet(_) => unreachable!("written above"),
            Writer::Csv {
                sink,
                delimiter,
                neutralize,
                buf,
            } => {
                let options = arrow_cast::display::FormatOptions::default().with_null("");
                let formatters = batch
                    .columns()
                    .iter()
                    .map(|c| arrow_cast::display::ArrayFormatter::try_new(c.as_ref(), &options))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| e.to_string())?;
                let mut cell = String::new();
                buf.clear();
                for row in 0..batch.num_rows() {
                    for (i, f) in formatters.iter().enumerate() {
                        if i > 0 {
                            buf.push(*delimiter);
                        }
                        cell.clear();
                        use std::fmt::Write as _;
                        write!(cell, "{}", f.value(row)).map_err(|e| e.to_string())?;
                        if *neutralize {
                            rejects::write_cell(buf, cell.as_bytes(), *delimiter);
                        } else {
                            rejects::write_plain(buf, cell.as_bytes(), *delimiter);
                        }
                    }
                    buf.push(b'\n');
                    if buf.len() > 1 << 20 {
                        sink.write_all(buf).map_err(|e| e.to_string())?;
                        buf.clear();
                    }
                }
                sink.write_all(buf).map_err(|e| e.to_string())
            }
            Writer::Jsonl(w) => w.write(batch).map_err(|e| e.to_string()),
        }
    }

    fn finish(self) -> Result<Option<Staged>, String> {
        let sink = match self {
            Writer::Parquet(w) => w.finish()?,
            Writer::Csv { sink, .. } => sink,
            Writer::Jsonl(mut w) => {
                w.finish().map_err(|e| e.to_string())?;
                w.into_inner()
            }
        };
        sink.finish().map_err(|e| e.to_string())
    }
}

/// A row as the rejects file shows it: a JSON object of its columns.
fn row_json(batch: &RecordBatch, row: usize) -> Vec<u8> {
    let mut w = arrow_json::LineDelimitedWriter::new(Vec::new());
    let ok = w.write(&batch.slice(row, 1)).and_then(|_| w.finish());
    let mut v = if ok.is_ok() {
        w.into_inner()
    } else {
        Vec::new()
    };
    while v.last() == Some(&b'\n') {
        v.pop();
    }
    v
}

/// Runs `reclassify` on a Parquet input.
pub fn run(args: &Args, setup: &Setup, plan: Plan, started: Instant) -> Result<ExitCode, CliError> {
    let input = &args.input;
    let path = Path::new(input);
    if path.is_dir() {
        return Err(CliError::Failed(format!("{input}: is a directory")));
    }
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::Failed(format!("cannot open {input}: {e}")))?;
    let input_bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    let not_parquet = |e: &dyn std::fmt::Display| {
        CliError::Failed(format!("{input}: not a readable Parquet file: {e}"))
    };
    // The fast path of --keep-rejected carries the page index over.
    let fast = setup.reject.is_some() && setup.output_format == Format::Parquet;
    let options = if fast {
        ArrowReaderOptions::new().with_page_index_policy(PageIndexPolicy::Optional)
    } else {
        ArrowReaderOptions::default()
    };
    let reader_meta = ArrowReaderMetadata::load(&file, options).map_err(|e| not_parquet(&e))?;
    let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(
        file.try_clone().map_err(|e| not_parquet(&e))?,
        reader_meta.clone(),
    );
    let schema = builder.schema().clone();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    for a in setup.appended.iter().chain(&setup.reject) {
        if names.contains(&a.as_str()) {
            return Err(CliError::Usage(format!(
                "the input already has a `{a}` column, which reclassify adds; use --column-prefix"
            )));
        }
    }
    let paths: Vec<FieldPath> = plan
        .wanted
        .iter()
        .map(|w| match arrow_cols::find(&schema, w) {
            Some((p, t)) if arrow_cols::readable(&t) => Ok(p),
            Some((_, t)) => Err(CliError::Usage(format!(
                "{input}: column `{w}` is of type {t}: reclassify reads strings, binary, \
                 dictionaries of those, or numbers"
            ))),
            None => Err(CliError::Usage(format!(
                "{input}: no column `{w}` (columns: {}; a nested field is a dotted path)",
                names.join(", ")
            ))),
        })
        .collect::<Result<_, _>>()?;

    // The memory bound: the widest row group's bytes per row sizes the batches and the output
    // row groups (decoded batch, its filtered copy, the output columns, the row group buffered
    // by the writer).
    let meta = builder.metadata().clone();
    // Leaf columns the input's writer did not dictionary-encode (in its first row group).
    let plain: Vec<ColumnPath> = meta
        .row_groups()
        .first()
        .map(|g| {
            g.columns()
                .iter()
                .filter(|c| c.dictionary_page_offset().is_none())
                .map(|c| c.column_path().clone())
                .collect()
        })
        .unwrap_or_default();
    // Each leaf column's codec (in the first row group), kept in the output.
    let codecs: Vec<(ColumnPath, Compression)> = meta
        .row_groups()
        .first()
        .map(|g| {
            g.columns()
                .iter()
                .map(|c| (c.column_path().clone(), c.compression()))
                .collect()
        })
        .unwrap_or_default();
    // Codecs this build cannot decompress: said before any work, naming the codec.
    for (g, group) in meta.row_groups().iter().enumerate() {
        for c in group.columns() {
            if !matches!(
                c.compression(),
                Compression::UNCOMPRESSED | Compression::SNAPPY | Compression::ZSTD(_)
            ) {
                return Err(CliError::Failed(format!(
                    "{input}: column `{}` (row group {g}) is compressed with {}: reclassify reads \
                     snappy, zstd and uncompressed Parquet (rewrite the file with one of those)",
                    c.column_path(),
                    c.compression()
                )));
            }
        }
    }
    let groups: Vec<(i64, i64)> = meta
        .row_groups()
        .iter()
        .map(|g| (g.num_rows(), g.total_byte_size()))
        .collect();
    let row_bytes = groups
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, b)| (*b as usize).div_ceil(*n as usize))
        .max()
        .unwrap_or(64)
        .max(16);
    let budget = setup.limits.memory_bytes;
    let batch_rows = (budget / 8 / row_bytes).clamp(1, MAX_BATCH_ROWS);
    let group_budget = budget / 4;
    let group_rows = (group_budget / row_bytes).clamp(batch_rows, MAX_GROUP_ROWS);
    drop(builder);
    if fast {
        let input = super::parquet_keep::Input {
            path: input,
            file: &file,
            meta: &reader_meta,
            paths: &paths,
            batch_rows,
            bytes: input_bytes,
        };
        return super::parquet_keep::run(args, setup, &plan, &input, started);
    }

    let out_schema = output_schema(&schema, &setup.appended, setup.reject.as_deref());
    let sink = Sink::open(&args.output)?;
    let rejects_file = Staged::create(&setup.rejects).map_err(CliError::Failed)?;
    let report_file = match &args.report {
        Some(path) => Some((path, Staged::create(path).map_err(CliError::Failed)?)),
        None => None,
    };
    let mut rejects = RejectsWriter::new(rejects_file)
        .map_err(|e| CliError::Failed(format!("{}: {e}", setup.rejects.display())))?;
    let mut writer = match setup.output_format {
        Format::Parquet => Writer::Parquet(Box::new(
            ParallelParquet::new(
                sink,
                out_schema.clone(),
                writer_properties(group_rows, &plain, &codecs),
            )
            .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", args.output)))?,
        )),
        Format::Csv => {
            let mut sink = sink;
            let mut line = Vec::new();
            for (i, f) in out_schema.fields().iter().enumerate() {
                if i > 0 {
                    line.push(setup.delimiter);
                }
                if args.neutralize_formulas {
                    rejects::write_cell(&mut line, f.name().as_bytes(), setup.delimiter);
                } else {
                    rejects::write_plain(&mut line, f.name().as_bytes(), setup.delimiter);
                }
            }
            line.push(b'\n');
            sink.write_all(&line).map_err(write_error(&args.output))?;
            Writer::Csv {
                sink,
                delimiter: setup.delimiter,
                neutralize: args.neutralize_formulas,
                buf: Vec::new(),
            }
        }
        Format::Jsonl => Writer::Jsonl(
            arrow_json::WriterBuilder::new()
                .with_explicit_nulls(true)
                .build(sink),
        ),
    };

    let mut names_cache = Names::default();
    let mut outcomes = Vec::new();
    let mut keys = ResultKeys::default();
    let mut reasons: Vec<Option<String>> = Vec::new();
    let mut tally = Tally::default();
    let (mut rows_in, mut rows_rejected) = (0u64, 0u64);
    let unreadable = |g: usize, row: u64, e: &dyn std::fmt::Display| {
        CliError::Failed(format!(
            "{input}: row group {g} (of {}, from row {row}): cannot read it: {e}",
            groups.len()
        ))
    };
    let fail = |e: String, output: &str| -> CliError {
        if output == "-" && e.contains("Broken pipe") {
            CliError::ClosedPipe
        } else {
            CliError::Failed(format!("cannot write {}: {e}", shown(output, "<stdout>")))
        }
    };
    // A reader thread decodes the next batch while this one classifies and writes: one reader
    // per row group (so that damage is reported with its row group), at most one batch
    // waiting (the memory bound).
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<RecordBatch, CliError>>(1);
    let decode = |tx: std::sync::mpsc::SyncSender<Result<RecordBatch, CliError>>| {
        let mut row = 1u64;
        for (g, (n, _)) in groups.iter().enumerate() {
            let reader = file
                .try_clone()
                .map_err(|e| unreadable(g, row, &e))
                .and_then(|handle| {
                    ParquetRecordBatchReaderBuilder::new_with_metadata(handle, reader_meta.clone())
                        .with_row_groups(vec![g])
                        .with_batch_size(batch_rows)
                        .build()
                        .map_err(|e| unreadable(g, row, &e))
                });
            let reader = match reader {
                Ok(r) => r,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            };
            for batch in reader {
                let batch = batch.map_err(|e| unreadable(g, row, &e));
                let failed = batch.is_err();
                if tx.send(batch).is_err() || failed {
                    return;
                }
            }
            row += *n as u64;
        }
    };
    std::thread::scope(|scope| -> Result<(), CliError> {
        scope.spawn(move || decode(tx));
        for batch in rx {
            let batch = batch?;
            let arrays = paths
                .iter()
                .map(|p| arrow_cols::column_at(&batch, p))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| CliError::Failed(format!("{input}: {e}")))?;
            let columns = arrays
                .iter()
                .map(|a| ArrowColumn::new(a.as_ref(), plan.trim))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| CliError::Failed(format!("{input}: {e}")))?;
            let kernel = plan.batch(&columns);
            classify_columns_in(tables(), &kernel, &mut names_cache, &mut outcomes);

            let n = batch.num_rows();
            let mut keep = Vec::with_capacity(n);
            keys.clear();
            reasons.clear();
            for (i, outcome) in outcomes.iter().enumerate() {
                match outcome {
                    Outcome::Classified(v) => {
                        let raw = v.signal.map_or(&b""[..], |s| {
                            columns[plan.raw_slot(s)].value(i).unwrap_or_default()
                        });
                        tally.add(v, raw);
                        keep.push(true);
                        keys.push(v);
                        if setup.reject.is_some() {
                            reasons.push(None);
                        }
                    }
                    Outcome::Rejected(reason) => {
                        if matches!(reason, Reason::NoSignal | Reason::NoSignalFor(_)) {
                            tally.no_signal += 1;
                        }
                        if setup.reject.is_some() {
                            // --keep-rejected: the row stays, its reason in `reject`.
                            tally.kept_rejected += 1;
                            keep.push(true);
                            keys.push_rejected();
                            reasons.push(Some(kernel.explain(i, *reason)));
                            continue;
                        }
                        keep.push(false);
                        rows_rejected += 1;
                        rejects
                            .write_row(
                                rows_in + i as u64 + 1,
                                &kernel.explain(i, *reason),
                                &row_json(&batch, i),
                            )
                            .map_err(|e| {
                                CliError::Failed(format!(
                                    "cannot write {}: {e}",
                                    setup.rejects.display()
                                ))
                            })?;
                    }
                }
            }
            drop(columns);
            drop(arrays);
            rows_in += n as u64;
            let kept = if keys.0[0].len() == n {
                batch
            } else {
                arrow_select::filter::filter_record_batch(&batch, &BooleanArray::from(keep))
                    .map_err(|e| CliError::Failed(format!("{input}: {e}")))?
            };
            let reject = setup
                .reject
                .is_some()
                .then(|| StringArray::from(std::mem::take(&mut reasons)));
            writer
                .write(&kept, &keys, reject.as_ref(), &out_schema, group_budget)
                .map_err(|e| fail(e, &args.output))?;
        }
        Ok(())
    })?;
    let rows_out = tally.rows_out();
    debug_assert_eq!(rows_in, rows_out + rows_rejected);
    let expected: i64 = groups.iter().map(|(n, _)| n).sum();
    if rows_in != expected as u64 {
        return Err(CliError::Failed(format!(
            "{input}: read {rows_in} rows, the file's metadata says {expected}: truncated?"
        )));
    }
    if let Some(limit) = setup.max_rejects {
        check_max_rejects(limit, rows_rejected + tally.kept_rejected, rows_in, args)?;
    }
    let totals = report::Totals {
        missing_keys: Vec::new(),
        input: input.clone(),
        output: shown(&args.output, "<stdout>"),
        rejects: setup.rejects.display().to_string(),
        format: setup.format.name(),
        output_format: setup.output_format.name(),
        rows_in,
        rows_out,
        rows_rejected,
        input_bytes,
        elapsed: started.elapsed(),
        threads: 2,
    };
    let out_file = writer.finish().map_err(|e| fail(e, &args.output))?;
    super::commit_run(args, setup, rejects, report_file, out_file, &totals, &tally)
}

pub(super) fn check_max_rejects(
    limit: MaxRejects,
    rejected: u64,
    rows: u64,
    args: &Args,
) -> Result<(), CliError> {
    if limit.exceeded(rejected, rows) {
        return Err(CliError::Failed(format!(
            "{rejected} of {rows} rows rejected, more than --max-rejects {}: \
             nothing was written (run without it to see the rejects)",
            args.max_rejects.as_deref().unwrap_or_default()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn result_keys_index_the_dictionaries() {
        let dicts = result_dictionaries();
        for s in State::iter() {
            assert_eq!(dicts[0][s as usize], <&str>::from(s));
        }
        for c in Code::iter() {
            assert_eq!(dicts[1][c as usize], <&str>::from(c));
        }
        for o in Operation::iter() {
            assert_eq!(dicts[2][o as usize], <&str>::from(o));
        }
        for m in Matched::iter() {
            assert_eq!(dicts[3][m as usize], <&str>::from(m));
        }
        assert_eq!(dicts[4], [tables().version()]);
        assert!(dicts.iter().all(|d| d.len() < fixed_dict::NULL as usize));
    }
}
