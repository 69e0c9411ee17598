//! `--keep-rejected`, Parquet to Parquet: every row stays, so every input column chunk is copied
//! into the output as it is (its compressed bytes, statistics, page and column indexes, bloom
//! filter), never decoded. Only the columns the classification reads are decoded (a projection),
//! and the appended columns are written from each row's enum discriminants by `fixed_dict`
//! (null on rows kept with a reject reason), with the `reject` column (the reason, null on
//! classified rows) after them. One output row group per input row group (empty ones dropped);
//! the row groups are classified on up to two threads while this one copies, in order, at most
//! one finished row group waiting per thread (their encoded result columns: a few bits a row).
//!
//! A file has an offset index for every column chunk or for none (the Parquet footer writer
//! requires it): the input's are carried, page offsets moved to where the chunk lands, and the
//! appended columns get one, when every chunk of the input has one; otherwise none has.

use super::arrow_cols::{self, ArrowColumn, FieldPath, Gather};
use super::chunk::Plan;
use super::fixed_dict::{FixedDictColumn, SparseStrings, NULL};
use super::parquet_rows::{result_dictionaries, writer_properties, Sink, MAX_GROUP_ROWS};
use super::rejects::RejectsWriter;
use super::tally::Tally;
use super::{report, shown, Args, Setup};
use crate::outputs::Staged;
use crate::tables::tables;
use crate::CliError;
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ParquetRecordBatchReaderBuilder};
use parquet::arrow::{add_encoded_arrow_schema_to_metadata, ProjectionMask};
use parquet::basic::{LogicalType, Repetition, Type as PhysicalType};
use parquet::bloom_filter::Sbbf;
use parquet::column::writer::ColumnCloseResult;
use parquet::file::page_index::column_index::ColumnIndexMetaData;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::{ColumnDescPtr, SchemaDescriptor, Type};
use psp_status::batch::{classify_columns_in, ByteColumn, Names, Outcome, Reason};
use std::fs::File;
use std::process::ExitCode;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::time::Instant;

/// What `parquet_rows::run` found out about the input before choosing this path.
///
/// ```ignore
/// let input = Input { path: "h.parquet", file: &file, meta: &meta, paths: &paths, batch_rows: 65536, bytes };
/// parquet_keep::run(&args, &setup, &plan, &input, Instant::now())?;
/// ```
pub struct Input<'a> {
    /// The input's path, as given.
    pub path: &'a str,
    pub file: &'a File,
    /// Loaded with the page index when the file has one.
    pub meta: &'a ArrowReaderMetadata,
    /// Per wanted column of the plan, its path in the input's Arrow schema.
    pub paths: &'a [FieldPath],
    pub batch_rows: usize,
    pub bytes: u64,
}

/// One row group's appended columns, encoded.
struct GroupOut {
    rows: u64,
    fixed: Vec<FixedDictColumn>,
    reject: SparseStrings,
}

/// What the workers share.
struct Work<'a> {
    input: &'a Input<'a>,
    /// The input's metadata, its Arrow schema reading the dictionary-encoded string columns
    /// read as Arrow dictionaries (not expanded, and classified once per distinct keys).
    reader: ArrowReaderMetadata,
    plan: &'a Plan,
    mask: ProjectionMask,
    /// `paths` with their first step renumbered into the projected batch.
    paths: Vec<FieldPath>,
    /// The appended leaves of the output schema: five result columns, then `reject`.
    appended: Vec<ColumnDescPtr>,
    offset_index: bool,
    /// The first row (1-based) of each row group.
    first_rows: Vec<u64>,
}

impl Work<'_> {
    fn unreadable(&self, g: usize, e: &dyn std::fmt::Display) -> CliError {
        CliError::Failed(format!(
            "{}: row group {g} (of {}, from row {}): cannot read it: {e}",
            self.input.path,
            self.first_rows.len(),
            self.first_rows[g]
        ))
    }

    /// Reads the wanted columns of row group `g`, classifies its rows and encodes the appended
    /// columns; counts into `tally`. `file` is the thread's own handle on the input (handles
    /// cloned from one another share their offset: two threads seeking one would race).
    fn group(
        &self,
        g: usize,
        file: &File,
        names: &mut Names,
        tally: &mut Tally,
    ) -> Result<GroupOut, CliError> {
        let e = |e: &dyn std::fmt::Display| self.unreadable(g, e);
        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(
            file.try_clone().map_err(|x| e(&x))?,
            self.reader.clone(),
        )
        .with_row_groups(vec![g])
        .with_projection(self.mask.clone())
        .with_batch_size(self.input.batch_rows)
        .build()
        .map_err(|x| e(&x))?;
        let dicts = result_dictionaries();
        let mut fixed = self.appended[..5]
            .iter()
            .zip(dicts)
            .map(|(d, values)| {
                FixedDictColumn::new(d.clone(), values).map(|c| {
                    if self.offset_index {
                        c
                    } else {
                        c.without_offset_index()
                    }
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|x| e(&x))?;
        let mut reject = SparseStrings::new(self.appended[5].clone(), self.offset_index);
        let mut outcomes = Vec::new();
        let (mut memo, mut firsts, mut which) = (Memo::default(), Vec::new(), Vec::new());
        let mut keys: [Vec<u8>; 5] = Default::default();
        // The reasons of a batch's kept rejected rows, back to back, and each row's range.
        let (mut text, mut spans) = (Vec::<u8>::new(), Vec::<Option<(usize, usize)>>::new());
        let mut rows = 0u64;
        for batch in reader {
            let batch = batch.map_err(|x| e(&x))?;
            let arrays = self
                .paths
                .iter()
                .map(|p| arrow_cols::column_at(&batch, p))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|x| e(&x))?;
            let columns = arrays
                .iter()
                .map(|a| ArrowColumn::new(a.as_ref(), self.plan.trim))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|x| e(&x))?;
            // Rows with the same dictionary keys in every column read get the same answer: the
            // kernel classifies the first of each (a batch holds a few thousand such rows).
            distinct_rows(
                &columns,
                batch.num_rows(),
                &mut memo,
                &mut firsts,
                &mut which,
            );
            let gathered: Vec<Gather<'_, ArrowColumn<'_>>> = columns
                .iter()
                .map(|column| Gather {
                    column,
                    rows: &firsts,
                })
                .collect();
            let kernel = self.plan.batch(&gathered);
            classify_columns_in(tables(), &kernel, names, &mut outcomes);
            text.clear();
            spans.clear();
            // Per distinct row: the five keys, the reason's place in `text`, how many rows.
            let (mut answers, mut counts) =
                (Vec::with_capacity(firsts.len()), vec![0u64; firsts.len()]);
            for (j, outcome) in outcomes.iter().enumerate() {
                answers.push(match outcome {
                    Outcome::Classified(v) => {
                        let ks = [
                            v.state as u8,
                            v.code as u8,
                            v.operation.map_or(NULL, |o| o as u8),
                            v.matched as u8,
                            0,
                        ];
                        (ks, None)
                    }
                    Outcome::Rejected(reason) => {
                        let start = text.len();
                        for p in &kernel.explanation(j, *reason).parts {
                            text.extend_from_slice(p.as_bytes());
                        }
                        ([NULL; 5], Some((start, text.len())))
                    }
                });
            }
            for &j in &which {
                counts[j as usize] += 1;
            }
            let any_rejected = answers.iter().any(|(_, r)| r.is_some());
            for (c, k) in keys.iter_mut().enumerate() {
                k.clear();
                k.extend(which.iter().map(|&j| answers[j as usize].0[c]));
            }
            if any_rejected {
                spans.extend(which.iter().map(|&j| answers[j as usize].1));
            }
            // The counts, once per distinct row (its raw value is every one of its rows').
            for ((outcome, &n), &first) in outcomes.iter().zip(&counts).zip(&firsts) {
                match outcome {
                    Outcome::Classified(v) => {
                        let raw = v.signal.map_or(&b""[..], |s| {
                            columns[self.plan.raw_slot(s)]
                                .value(first)
                                .unwrap_or_default()
                        });
                        tally.add_n(v, raw, n);
                    }
                    Outcome::Rejected(reason) => {
                        if matches!(reason, Reason::NoSignal | Reason::NoSignalFor(_)) {
                            tally.no_signal += n;
                        }
                        tally.kept_rejected += n;
                    }
                }
            }
            for (c, k) in fixed.iter_mut().zip(&keys) {
                c.write(k).map_err(|x| e(&x))?;
            }
            if any_rejected {
                reject
                    .write(spans.iter().map(|s| s.map(|(a, b)| &text[a..b])))
                    .map_err(|x| e(&x))?;
            } else {
                reject
                    .write(std::iter::repeat_n(None, batch.num_rows()))
                    .map_err(|x| e(&x))?;
            }
            rows += batch.num_rows() as u64;
        }
        Ok(GroupOut {
            rows,
            fixed,
            reject,
        })
    }
}

/// The input as the copy reads it: in blocks of a megabyte (parquet's `File` reader reads 8 KiB
/// at a time, a system call each).
struct Copied<'a>(&'a File);

/// How many bytes the copy reads at once.
const COPY_BLOCK: usize = 1 << 20;

impl parquet::file::reader::Length for Copied<'_> {
    fn len(&self) -> u64 {
        self.0.metadata().map_or(0, |m| m.len())
    }
}

impl parquet::file::reader::ChunkReader for Copied<'_> {
    type T = std::io::BufReader<File>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        use std::io::Seek;
        let mut f = self.0.try_clone()?;
        f.seek(std::io::SeekFrom::Start(start))?;
        Ok(std::io::BufReader::with_capacity(COPY_BLOCK, f))
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<bytes::Bytes> {
        self.0.get_bytes(start, length)
    }
}

/// A hasher for one `u64` (a row's dictionary keys): one folded multiply.
#[derive(Default)]
struct KeyHash(u64);

impl std::hash::Hasher for KeyHash {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = x;
    }
    fn finish(&self) -> u64 {
        let m = u128::from(self.0) * 0x9e37_79b9_7f4a_7c15;
        (m as u64) ^ (m >> 64) as u64
    }
}

/// The index of each distinct combination of keys seen in a batch.
type Memo = std::collections::HashMap<u64, u32, std::hash::BuildHasherDefault<KeyHash>>;

/// A dictionary column's keys and its radix (values + 1: key 0 is a null).
type DictKeys<'a> = (&'a [u32], u64);

/// Groups the `n` rows of `columns` by their dictionary keys: `firsts` gets the first row of
/// each group, `which` each row's group. When a column is not a dictionary (or the keys do not
/// fit one `u64`), every row is its own group.
fn distinct_rows(
    columns: &[ArrowColumn<'_>],
    n: usize,
    memo: &mut Memo,
    firsts: &mut Vec<usize>,
    which: &mut Vec<u32>,
) {
    memo.clear();
    firsts.clear();
    which.clear();
    let dicts: Option<Vec<DictKeys<'_>>> = columns
        .iter()
        .map(|c| c.dictionary().map(|(k, len)| (k, len as u64 + 1)))
        .collect();
    let fits = dicts.as_ref().is_some_and(|d| {
        d.iter()
            .try_fold(1u64, |acc, (_, radix)| acc.checked_mul(*radix))
            .is_some()
    });
    match dicts {
        Some(dicts) if fits && n <= u32::MAX as usize => {
            for row in 0..n {
                let key = dicts.iter().fold(0u64, |key, (keys, radix)| {
                    // A null key (u32::MAX) wraps to 0; key k is k + 1.
                    key * radix + u64::from(keys[row].wrapping_add(1))
                });
                let next = firsts.len() as u32;
                let j = *memo.entry(key).or_insert_with(|| {
                    firsts.push(row);
                    next
                });
                which.push(j);
            }
        }
        _ => {
            firsts.extend(0..n);
            which.extend(0..n as u32);
        }
    }
}

/// The input's reader metadata with its dictionary-encoded string and binary columns among
/// `roots` (in the first row group) read as Arrow dictionaries; the metadata as it is when the
/// reader refuses the hint.
fn dictionary_hint(meta: &ArrowReaderMetadata, roots: &[usize]) -> ArrowReaderMetadata {
    let parquet = meta.metadata();
    let descr = parquet.file_metadata().schema_descr();
    let first = parquet.row_groups().first();
    let schema = meta.schema();
    let fields: Vec<Arc<Field>> = schema
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let bytes = matches!(
                f.data_type(),
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Binary | DataType::LargeBinary
            );
            let encoded = first.is_some_and(|g| {
                descr
                    .columns()
                    .iter()
                    .position(|c| c.path().parts() == [f.name().clone()])
                    .is_some_and(|leaf| g.column(leaf).dictionary_page_offset().is_some())
            });
            if roots.contains(&i) && bytes && encoded {
                let t = DataType::Dictionary(
                    Box::new(DataType::Int32),
                    Box::new(f.data_type().clone()),
                );
                Arc::new(f.as_ref().clone().with_data_type(t))
            } else {
                f.clone()
            }
        })
        .collect();
    let hint = Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()));
    ArrowReaderMetadata::try_new(
        parquet.clone(),
        parquet::arrow::arrow_reader::ArrowReaderOptions::new().with_schema(hint),
    )
    .unwrap_or_else(|_| meta.clone())
}

/// Runs `reclassify --keep-rejected` from a Parquet file to a Parquet file.
pub fn run(
    args: &Args,
    setup: &Setup,
    plan: &Plan,
    input: &Input<'_>,
    started: Instant,
) -> Result<ExitCode, CliError> {
    let name = input.path.to_string();
    let meta = input.meta.metadata().clone();
    let descr = meta.file_metadata().schema_descr_ptr();
    let leaves = descr.num_columns();
    let groups = meta.row_groups();
    let reject_name = setup
        .reject
        .clone()
        .expect("the fast path runs with --keep-rejected");

    // The output schema: the input's, then the appended leaves (nullable strings).
    let string = |name: &str| -> Result<Arc<Type>, CliError> {
        Type::primitive_type_builder(name, PhysicalType::BYTE_ARRAY)
            .with_repetition(Repetition::OPTIONAL)
            .with_logical_type(Some(LogicalType::String))
            .build()
            .map(Arc::new)
            .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", args.output)))
    };
    let root = descr.root_schema();
    let mut fields: Vec<Arc<Type>> = root.get_fields().to_vec();
    for a in setup.appended.iter().chain([&reject_name]) {
        fields.push(string(a)?);
    }
    let out_root = Type::group_type_builder(root.name())
        .with_fields(fields)
        .build()
        .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", args.output)))?;
    let out_descr = SchemaDescriptor::new(Arc::new(out_root.clone()));
    let appended: Vec<ColumnDescPtr> = (leaves..leaves + 6).map(|i| out_descr.column(i)).collect();

    // The Arrow schema stored in the file: the input's fields as the input describes them.
    let in_arrow = input.meta.schema();
    let mut arrow_fields: Vec<Arc<Field>> = in_arrow.fields().iter().cloned().collect();
    for a in setup.appended.iter().chain([&reject_name]) {
        arrow_fields.push(Arc::new(Field::new(a, DataType::Utf8, true)));
    }
    let out_arrow = Schema::new_with_metadata(arrow_fields, in_arrow.metadata().clone());
    let mut props = writer_properties(MAX_GROUP_ROWS, &[], &[]);
    add_encoded_arrow_schema_to_metadata(&out_arrow, &mut props);

    // Offset indexes: carried when every chunk has one, else none is written.
    let offset_index = meta.offset_index().is_some_and(|oi| {
        oi.len() == groups.len()
            && oi
                .iter()
                .all(|g| g.len() == leaves && g.iter().all(|c| !c.page_locations().is_empty()))
    });

    // Decode only the top-level columns holding the wanted ones.
    let mut roots: Vec<usize> = input.paths.iter().map(|p| p[0]).collect();
    roots.sort_unstable();
    roots.dedup();
    let mask = ProjectionMask::roots(&descr, roots.iter().copied());
    let paths = input
        .paths
        .iter()
        .map(|p| {
            let mut q = p.clone();
            q[0] = roots.binary_search(&p[0]).expect("a root of the mask");
            q
        })
        .collect();
    let mut first_rows = Vec::with_capacity(groups.len());
    let mut row = 1u64;
    for g in groups {
        first_rows.push(row);
        row += g.num_rows() as u64;
    }
    let work = Work {
        reader: dictionary_hint(input.meta, &roots),
        input,
        plan,
        mask,
        paths,
        appended,
        offset_index,
        first_rows,
    };

    let sink = Sink::open(&args.output)?;
    let rejects_file = Staged::create(&setup.rejects).map_err(CliError::Failed)?;
    let report_file = match &args.report {
        Some(path) => Some((path, Staged::create(path).map_err(CliError::Failed)?)),
        None => None,
    };
    // Every row can be read (a Parquet row either decodes or fails the run): the rejects file
    // keeps its header only.
    let rejects = RejectsWriter::new(rejects_file)
        .map_err(|e| CliError::Failed(format!("{}: {e}", setup.rejects.display())))?;
    let write_err = |e: &dyn std::fmt::Display| {
        if args.output == "-" && e.to_string().contains("Broken pipe") {
            CliError::ClosedPipe
        } else {
            CliError::Failed(format!(
                "cannot write {}: {e}",
                shown(&args.output, "<stdout>")
            ))
        }
    };
    let mut file = SerializedFileWriter::new(sink, Arc::new(out_root), Arc::new(props))
        .map_err(|e| write_err(&e))?;

    let nonempty: Vec<usize> = (0..groups.len())
        .filter(|&g| groups[g].num_rows() > 0)
        .collect();
    let workers = setup.threads.clamp(1, 2).min(nonempty.len().max(1));
    let mut tally = Tally::default();
    let mut rows_in = 0u64;
    std::thread::scope(|scope| -> Result<(), CliError> {
        let mut receivers: Vec<Receiver<Result<GroupOut, CliError>>> = Vec::new();
        let mut handles = Vec::new();
        for k in 0..workers {
            let (tx, rx): (SyncSender<Result<GroupOut, CliError>>, _) = sync_channel(1);
            receivers.push(rx);
            let (work, mine) = (&work, nonempty.iter().copied().skip(k).step_by(workers));
            let mine: Vec<usize> = mine.collect();
            handles.push(scope.spawn(move || {
                let (mut names, mut tally) = (Names::default(), Tally::default());
                let file = File::open(work.input.path);
                for g in mine {
                    let out = match &file {
                        Ok(f) => work.group(g, f, &mut names, &mut tally),
                        Err(e) => Err(work.unreadable(g, e)),
                    };
                    let failed = out.is_err();
                    if tx.send(out).is_err() || failed {
                        break;
                    }
                }
                tally
            }));
        }
        for (i, &g) in nonempty.iter().enumerate() {
            let out = match receivers[i % workers].recv() {
                Ok(out) => out?,
                Err(_) => return Err(CliError::Failed("a classifying thread stopped".to_string())),
            };
            let rg = &groups[g];
            if out.rows != rg.num_rows() as u64 {
                return Err(work.unreadable(
                    g,
                    &format!(
                        "read {} rows, its metadata says {}",
                        out.rows,
                        rg.num_rows()
                    ),
                ));
            }
            let mut w = file.next_row_group().map_err(|e| write_err(&e))?;
            for (c, column) in rg.columns().iter().enumerate() {
                let (column_index, offset) = if offset_index {
                    let ci = meta
                        .column_index()
                        .and_then(|ci| ci.get(g))
                        .and_then(|g| g.get(c))
                        .filter(|ci| !matches!(ci, ColumnIndexMetaData::NONE))
                        .cloned();
                    let oi = meta.offset_index().map(|oi| oi[g][c].clone());
                    (ci, oi)
                } else {
                    (None, None)
                };
                let bloom_filter = Sbbf::read_from_column_chunk(column, input.file)
                    .map_err(|e| work.unreadable(g, &e))?;
                // The chunk starts at its dictionary page, else its first data page: a
                // dictionary offset that cannot be one (0, or after the data, as some old
                // writers put) would make the copy start elsewhere.
                let metadata = match column.dictionary_page_offset() {
                    Some(d) if d < 4 || d >= column.data_page_offset() => column
                        .clone()
                        .into_builder()
                        .set_dictionary_page_offset(None)
                        .build()
                        .map_err(|e| work.unreadable(g, &e))?,
                    _ => column.clone(),
                };
                let (start, size) = (
                    metadata
                        .dictionary_page_offset()
                        .unwrap_or(metadata.data_page_offset()),
                    metadata.compressed_size(),
                );
                if start < 4 || size < 0 || (start + size) as u64 > input.bytes {
                    return Err(work.unreadable(
                        g,
                        &format!(
                            "column `{}` lies at bytes {start}..{}, outside the file",
                            column.column_path(),
                            start + size
                        ),
                    ));
                }
                let close = ColumnCloseResult {
                    bytes_written: column.compressed_size() as u64,
                    rows_written: rg.num_rows() as u64,
                    metadata,
                    bloom_filter,
                    column_index,
                    offset_index: offset,
                };
                w.append_column(&Copied(input.file), close)
                    .map_err(|e| write_err(&e))?;
            }
            for c in out.fixed {
                c.close_into(&mut w).map_err(|e| write_err(&e))?;
            }
            out.reject.close_into(&mut w).map_err(|e| write_err(&e))?;
            w.close().map_err(|e| write_err(&e))?;
            rows_in += out.rows;
        }
        drop(receivers);
        for h in handles {
            let t = h
                .join()
                .map_err(|_| CliError::Failed("a classifying thread panicked".to_string()))?;
            tally.merge(t);
        }
        Ok(())
    })?;
    let expected: i64 = groups.iter().map(|g| g.num_rows()).sum();
    if rows_in != expected as u64 {
        return Err(CliError::Failed(format!(
            "{name}: read {rows_in} rows, the file's metadata says {expected}: truncated?"
        )));
    }
    let rows_out = tally.rows_out();
    debug_assert_eq!(rows_in, rows_out);
    if let Some(limit) = setup.max_rejects {
        super::parquet_rows::check_max_rejects(limit, tally.kept_rejected, rows_in, args)?;
    }
    let totals = report::Totals {
        missing_keys: Vec::new(),
        input: name.clone(),
        output: shown(&args.output, "<stdout>"),
        rejects: setup.rejects.display().to_string(),
        format: setup.format.name(),
        output_format: setup.output_format.name(),
        rows_in,
        rows_out,
        rows_rejected: 0,
        input_bytes: input.bytes,
        elapsed: started.elapsed(),
        threads: workers + 1,
    };
    let sink = file.into_inner().map_err(|e| write_err(&e))?;
    let out_file = sink.finish().map_err(|e| write_err(&e))?;
    super::commit_run(args, setup, rejects, report_file, out_file, &totals, &tally)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::types::Int32Type;
    use arrow_array::{DictionaryArray, StringArray};

    #[test]
    fn rows_are_grouped_by_every_key_and_null_is_a_key_of_its_own() {
        let p: DictionaryArray<Int32Type> = vec![Some("a"), Some("a"), None, Some("b"), Some("a")]
            .into_iter()
            .collect();
        let r: DictionaryArray<Int32Type> =
            vec![Some("x"), Some("y"), Some("x"), Some("x"), Some("x")]
                .into_iter()
                .collect();
        let columns = [
            ArrowColumn::new(&p, false).unwrap(),
            ArrowColumn::new(&r, false).unwrap(),
        ];
        let (mut memo, mut firsts, mut which) = (Memo::default(), Vec::new(), Vec::new());
        distinct_rows(&columns, 5, &mut memo, &mut firsts, &mut which);
        assert_eq!(firsts, [0, 1, 2, 3]);
        assert_eq!(which, [0, 1, 2, 3, 0]);
        // A column that is not a dictionary: every row on its own.
        let plain = StringArray::from(vec!["x"; 5]);
        let columns = [
            ArrowColumn::new(&p, false).unwrap(),
            ArrowColumn::new(&plain, false).unwrap(),
        ];
        distinct_rows(&columns, 5, &mut memo, &mut firsts, &mut which);
        assert_eq!((firsts, which), (vec![0, 1, 2, 3, 4], vec![0, 1, 2, 3, 4]));
    }
}
