//! `reclassify [INPUT] [-o OUTPUT]`: re-classifies historic transactions (CSV or JSON Lines)
//! with the current tables, streaming on all cores, order kept, every row accounted for.
//!
//! Layout: `split` cuts the input into chunks of whole records, `csv_rows` / `jsonl_rows`
//! read a chunk into columns and write its output rows, the library's `psp_status::batch`
//! kernel classifies the columns, `pipeline` runs chunks on a rayon pool and writes them in
//! order, `tally` counts, `rejects` writes the unreadable rows, `report` writes the JSON report
//! and the summary; `crate::outputs` checks the output paths and commits the files as one set.
//! Parquet input goes through `parquet_rows` (row groups as Arrow batches, read in place by
//! `arrow_cols`, the same kernel and plan; the result columns written by `fixed_dict`); CSV or
//! JSON Lines to Parquet writes the CSV rows through `parquet_out`.

mod arrow_cols;
mod chunk;
mod csv_rows;
mod fixed_dict;
mod jsonl_rows;
mod near;
mod parquet_keep;
mod parquet_out;
mod parquet_rows;
mod pipeline;
mod positional;
mod reasons;
mod rejects;

pub use rejects::write_plain;
mod report;
mod tally;

use crate::outputs::{self, Staged};
use crate::{names, CliError};
use chunk::{ChunkOut, Plan, Src, APPENDED};
use csv_rows::{CsvIn, CsvOut};
use jsonl_rows::{JsonlIn, JsonlOut};
use pipeline::Syntax;
use psp_status::batch::MAX_SIGNALS;
use psp_status::{Provider, Surface};
use rejects::RejectsWriter;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;
use tally::Tally;

/// A batch file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// CSV with a header row (delimiter: --delimiter).
    Csv,
    /// JSON Lines: one JSON object per line.
    Jsonl,
    /// Apache Parquet (a file, not stdin): streamed by row groups, every column kept with its
    /// type.
    Parquet,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Parquet => "parquet",
        }
    }
}

/// Options of `psp-status reclassify`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Input file (CSV, JSON Lines or Parquet), or `-` for stdin (not Parquet).
    #[arg(default_value = "-")]
    pub input: String,
    /// Output file, or `-` for stdout. Written under a temporary name and renamed at the end.
    #[arg(short, long, default_value = "-")]
    pub output: String,
    /// Input format (default: from the input's extension: .csv, .tsv, .jsonl, .ndjson,
    /// .parquet).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Output format (default: Parquet for an output named .parquet; for a Parquet input, CSV
    /// or JSON Lines by the output's extension; else the input's).
    #[arg(long, value_enum)]
    pub output_format: Option<Format>,
    /// CSV delimiter: one ASCII character, or `tab` (default: `,`, tab for .tsv).
    #[arg(long)]
    pub delimiter: Option<String>,
    /// The column holding the provider name (alma, purse, stripe, checkout).
    #[arg(long, default_value = "provider")]
    pub provider_column: String,
    /// The column holding the surface name (e.g. payment_intent.status).
    #[arg(long, default_value = "surface")]
    pub surface_column: String,
    /// The column holding the raw value.
    #[arg(long, default_value = "raw")]
    pub raw_column: String,
    /// One provider for every row, instead of a provider column.
    #[arg(long, conflicts_with = "provider_column")]
    pub provider: Option<String>,
    /// One surface for every row, instead of a surface column.
    #[arg(long, conflicts_with_all = ["signals", "surface_column"])]
    pub surface: Option<String>,
    /// A signal column: [PROVIDER:]SURFACE=COLUMN, repeatable. Unqualified, it applies to every
    /// provider that has the surface; `stripe:payment_intent.status=status` to Stripe rows
    /// only. Several signals per row are resolved by the provider's precedence, as `resolve`
    /// does; empty cells are absent signals.
    #[arg(
        long = "signal",
        value_name = "[PROVIDER:]SURFACE=COLUMN",
        conflicts_with_all = ["surface_column", "raw_column"]
    )]
    pub signals: Vec<String>,
    /// A file of signals, one `[PROVIDER:]SURFACE=COLUMN` per line (`#` starts a comment line):
    /// the column mapping of an export used every month. Adds to `--signal`.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["surface", "surface_column", "raw_column"])]
    pub columns: Option<PathBuf>,
    /// Strip ASCII whitespace (spaces, tabs, CR, LF, FF) around the provider, surface and signal
    /// values before classifying (`"pending "` reads as `pending`). Output rows keep their
    /// bytes.
    #[arg(long)]
    pub trim: bool,
    /// Fail the run (exit 1, nothing committed) when more rows than this are rejected: a count
    /// (`100`) or a share of the rows read (`0.5%`). With --keep-rejected the rows kept with a
    /// reject reason count too.
    #[arg(long, value_name = "N|P%")]
    pub max_rejects: Option<String>,
    /// Keep the rows that can be read but not classified (unknown provider, a surface the
    /// provider does not have, no signal, …) in the output: their result columns null (empty
    /// in CSV) and the reason, the text the rejects file would carry, in one more column,
    /// `reject` (after the --column-prefix). The rejects file then holds only the records that
    /// cannot be read at all. Parquet to Parquet copies every input column chunk as it is.
    #[arg(long)]
    pub keep_rejected: bool,
    /// Where unreadable rows go, with their row number and the reason
    /// (default: OUTPUT.rejects.csv; INPUT.rejects.csv when writing to stdout).
    #[arg(long)]
    pub rejects: Option<PathBuf>,
    /// Write a JSON report: totals, counts, unmapped values, table version, throughput.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Prefix of the appended column names (state, code, operation, matched, table_version).
    #[arg(long, default_value = "")]
    pub column_prefix: String,
    /// Classifying threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar and no summary.
    #[arg(short, long)]
    pub quiet: bool,
    /// Memory bound, in MiB: what the run buffers and works on at once stays under it,
    /// whatever the record sizes and the thread count. A record longer than a quarter of it
    /// is rejected (with its row and line), and the run goes on.
    #[arg(long, default_value_t = 256, value_name = "MIB")]
    pub memory_limit: usize,
    /// Neutralise spreadsheet formulas in the CSV output: a cell starting with `=`, `+`, `@`,
    /// tab, CR, or `-` (not a number) gets a leading `'` (see docs/reclassify.md). The rejects
    /// file is always neutralised.
    #[arg(long)]
    pub neutralize_formulas: bool,
    /// Bytes per chunk.
    #[arg(long, default_value_t = 2 << 20, hide = true)]
    pub chunk_bytes: usize,
    /// Longest record accepted, in bytes (default and most: a quarter of --memory-limit).
    #[arg(long, hide = true)]
    pub max_record_bytes: Option<usize>,
    /// Use the tables in DIR instead of the compiled ones (see docs/tables.md).
    #[arg(long, value_name = "DIR")]
    pub mappings: Option<PathBuf>,
}

/// Memory the budget leaves for what it does not count: the program, thread stacks, spare
/// buffers, counts.
const MEMORY_OVERHEAD: usize = 32 << 20;

/// The most `--threads` accepted: more threads than this only add memory and contention.
const MAX_THREADS: usize = 256;

/// The function a chunk goes through (read, classify, write).
type Work = Arc<dyn Fn(&[u8]) -> ChunkOut + Send + Sync>;

/// Everything the run decided before reading rows.
struct Setup {
    format: Format,
    output_format: Format,
    delimiter: u8,
    rejects: PathBuf,
    appended: [String; 5],
    /// `--keep-rejected`: the name of the `reject` column (prefixed), else `None`.
    reject: Option<String>,
    threads: usize,
    limits: pipeline::Limits,
    max_rejects: Option<MaxRejects>,
}

/// `--max-rejects`: the most rejected rows a run may have, as a count or a share of the rows.
#[derive(Debug, Clone, Copy, PartialEq)]
enum MaxRejects {
    Rows(u64),
    Percent(f64),
}

impl MaxRejects {
    fn parse(s: &str) -> Result<MaxRejects, CliError> {
        let bad = || {
            CliError::Usage(format!(
                "--max-rejects `{s}`: give a number of rows (100) or a percentage (0.5%)"
            ))
        };
        match s.trim().strip_suffix('%') {
            Some(p) => match p.trim().parse::<f64>() {
                Ok(p) if (0.0..=100.0).contains(&p) => Ok(MaxRejects::Percent(p)),
                _ => Err(bad()),
            },
            None => s.trim().parse().map(MaxRejects::Rows).map_err(|_| bad()),
        }
    }

    /// Whether `rejected` of `rows` rows is above the limit (`rejected` counts the rows kept
    /// with a reject reason too).
    fn exceeded(self, rejected: u64, rows: u64) -> bool {
        match self {
            MaxRejects::Rows(n) => rejected > n,
            MaxRejects::Percent(p) => rejected as f64 > p / 100.0 * rows as f64,
        }
    }
}

pub fn run(args: &Args) -> Result<ExitCode, CliError> {
    let started = Instant::now();
    let setup = setup(args)?;
    check_paths(args, &setup)?;
    if args.output == "-" && crate::stdout_closed() {
        return Err(CliError::Failed(
            "stdout is closed: the output would be lost (pass -o FILE)".to_string(),
        ));
    }
    outputs::remove_temporaries_on_signals();
    if setup.format == Format::Parquet {
        return parquet_rows::run(args, &setup, plan(args)?, started);
    }
    let input_size = if args.input == "-" {
        None
    } else {
        std::fs::metadata(&args.input).ok().map(|m| m.len())
    };
    let mut input: Box<dyn Read + Send> = if args.input == "-" {
        Box::new(std::io::stdin())
    } else {
        let path = Path::new(&args.input);
        if path.is_dir() {
            return Err(CliError::Failed(format!("{}: is a directory", args.input)));
        }
        Box::new(
            std::fs::File::open(path)
                .map_err(|e| CliError::Failed(format!("cannot open {}: {e}", args.input)))?,
        )
    };

    // Read the start of the input: the CSV header, or the first JSON objects.
    let limits = setup.limits;
    let (head, bom) = read_head(&mut input, setup.format, setup.delimiter, &limits)?;

    let mut out = if setup.output_format == Format::Parquet {
        Output::Parquet(Box::new(parquet_out::CsvToParquet::new(
            parquet_rows::Sink::open(&args.output)?,
            setup.delimiter,
            setup.appended.clone(),
            setup.reject.clone(),
            setup.limits.memory_bytes / 4,
        )))
    } else if args.output == "-" {
        Output::Stdout(std::io::BufWriter::with_capacity(
            1 << 20,
            std::io::stdout(),
        ))
    } else {
        Output::File(Staged::create(Path::new(&args.output)).map_err(CliError::Failed)?)
    };
    let rejects_file = Staged::create(&setup.rejects).map_err(CliError::Failed)?;
    // Created now, so that an unwritable report folder fails the run before any work.
    let report_file = match &args.report {
        Some(path) => Some((path, Staged::create(path).map_err(CliError::Failed)?)),
        None => None,
    };
    let mut rejects = RejectsWriter::new(rejects_file)
        .map_err(|e| CliError::Failed(format!("{}: {e}", setup.rejects.display())))?;

    let plan = plan(args)?;
    let wanted = plan.wanted.clone();
    let (carry, offset, header_lines, work, syntax): (Vec<u8>, u64, u64, Work, Syntax) = match setup
        .format
    {
        Format::Csv => {
            let (fields, nin) = csv_rows::read_header(&head, setup.delimiter)
                .map_err(|e| CliError::Failed(format!("{}: {e}", shown(&args.input, "<stdin>"))))?
                .ok_or_else(|| {
                    CliError::Failed(format!("{}: no header row", shown(&args.input, "<stdin>")))
                })?;
            let names: Vec<String> = fields
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            for (j, n) in names.iter().enumerate() {
                if let Some(i) = names[..j].iter().position(|m| m == n) {
                    return Err(CliError::Usage(format!(
                        "{}: the header names column `{n}` twice (columns {} and {}): rename one",
                        shown(&args.input, "<stdin>"),
                        i + 1,
                        j + 1
                    )));
                }
            }
            for a in setup.appended.iter().chain(&setup.reject) {
                if names.contains(a) {
                    return Err(CliError::Usage(format!(
                        "the input already has a `{a}` column, which reclassify adds; use --column-prefix"
                    )));
                }
            }
            let slot_cols = plan
                .wanted
                .iter()
                .map(|w| {
                    names.iter().position(|n| n == w).ok_or_else(|| {
                        CliError::Usage(format!(
                            "{}: no column `{w}` in the header ({})",
                            shown(&args.input, "<stdin>"),
                            names.join(", ")
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let header = &head[..nin];
            let content = trim_end_terminator(header);
            let mut line = Vec::new();
            let neutralize = args.neutralize_formulas && setup.output_format == Format::Csv;
            let csv_out = match setup.output_format {
                // Parquet is written from the CSV rows (parquet_out).
                Format::Csv | Format::Parquet => {
                    if neutralize && fields.iter().any(|f| rejects::is_formula(f)) {
                        for (i, f) in fields.iter().enumerate() {
                            if i > 0 {
                                line.push(setup.delimiter);
                            }
                            rejects::write_cell(&mut line, f, setup.delimiter);
                        }
                    } else {
                        line.extend_from_slice(&header[..content]);
                    }
                    for a in setup.appended.iter().chain(&setup.reject) {
                        line.push(setup.delimiter);
                        rejects::write_plain(&mut line, a.as_bytes(), setup.delimiter);
                    }
                    line.extend_from_slice(if content < header.len() {
                        &header[content..]
                    } else {
                        b"\n"
                    });
                    CsvOut::Csv
                }
                Format::Jsonl => CsvOut::Jsonl {
                    keys: names.iter().map(|n| json_key(n)).collect(),
                    appended: setup.appended.clone().map(|a| json_key(&a)),
                },
            };
            out.write_all(&line).map_err(write_error(&args.output))?;
            let header_lines = psp_status::readers::line_breaks(header);
            let cfg = CsvIn {
                delimiter: setup.delimiter,
                fields: names.len(),
                slot_cols,
                plan,
                out: csv_out,
                neutralize,
                keep_rejected: setup.reject.as_deref().map(json_key),
            };
            (
                head[nin..].to_vec(),
                nin as u64,
                header_lines,
                Arc::new(move |c: &[u8]| csv_rows::process(c, &cfg)),
                Syntax::Csv(setup.delimiter),
            )
        }
        Format::Jsonl => {
            let neutralize = args.neutralize_formulas && setup.output_format == Format::Csv;
            let out_kind = match setup.output_format {
                Format::Jsonl => JsonlOut::Jsonl {
                    appended: setup.appended.clone().map(|a| json_key(&a)),
                },
                // Parquet is written from the CSV rows (parquet_out).
                Format::Csv | Format::Parquet => {
                    let columns = jsonl_rows::first_keys(&head).ok_or_else(|| {
                        CliError::Failed(format!(
                            "{}: no JSON object in the first {} bytes to take the CSV columns from",
                            shown(&args.input, "<stdin>"),
                            head.len()
                        ))
                    })?;
                    let mut line = Vec::new();
                    let appended = setup.appended.iter().chain(&setup.reject);
                    for (i, c) in columns.iter().chain(appended).enumerate() {
                        if i > 0 {
                            line.push(setup.delimiter);
                        }
                        if neutralize {
                            rejects::write_cell(&mut line, c.as_bytes(), setup.delimiter);
                        } else {
                            rejects::write_plain(&mut line, c.as_bytes(), setup.delimiter);
                        }
                    }
                    line.push(b'\n');
                    out.write_all(&line).map_err(write_error(&args.output))?;
                    JsonlOut::Csv {
                        delimiter: setup.delimiter,
                        columns,
                        neutralize,
                    }
                }
            };
            // Provider and surface keys are required; signal values may be absent.
            let required = (0..plan.wanted.len())
                .map(|slot| {
                    matches!(plan.provider, Src::Slot(p) if p == slot)
                        || plan
                            .signals
                            .iter()
                            .any(|(s, _, _)| matches!(s, Src::Slot(p) if *p == slot))
                })
                .collect();
            let cfg = JsonlIn {
                targets: jsonl_rows::targets(&plan.wanted),
                plan,
                required,
                appended: setup
                    .appended
                    .iter()
                    .chain(&setup.reject)
                    .cloned()
                    .collect(),
                keep_rejected: setup.reject.as_deref().map(json_key),
                out: out_kind,
            };
            (
                head,
                0,
                0,
                Arc::new(move |c: &[u8]| jsonl_rows::process(c, &cfg)),
                Syntax::Lines,
            )
        }
        Format::Parquet => unreachable!("Parquet input goes through parquet_rows"),
    };

    // From here on, rows go to the output file from several threads at once.
    let mut out = out
        .parallel(setup.threads)
        .map_err(write_error(&args.output))?;
    let progress = progress_bar(args.quiet, input_size);
    let mut tally = Tally::default();
    let (mut rows_in, mut rows_rejected, mut lines) = (0u64, 0u64, 0u64);
    let offset = offset + bom;
    let mut bytes = offset;
    let mut pipe_closed = false;
    let result = pipeline::run(
        input,
        carry,
        offset,
        syntax,
        limits,
        work,
        |c: ChunkOut, lease| {
            out.put(c.out, lease).map_err(|e| {
                pipe_closed |= args.output == "-" && e.kind() == std::io::ErrorKind::BrokenPipe;
                format!("cannot write {}: {e}", shown(&args.output, "<stdout>"))
            })?;
            rejects
                .write_chunk(rows_in + 1, header_lines + lines + 1, &c.rejects)
                .map_err(|e| format!("cannot write {}: {e}", setup.rejects.display()))?;
            rows_in += c.rows;
            rows_rejected += c.rejects.len() as u64;
            c.rejects.recycle();
            lines += c.lines;
            bytes += c.bytes;
            tally.merge(c.tally);
            if let Some(p) = &progress {
                p.set_position(bytes);
                p.set_message(format!("{rows_in} rows"));
            }
            Ok(())
        },
    );
    if let Some(p) = &progress {
        p.finish_and_clear();
    }
    if result.is_err() && pipe_closed {
        return Err(CliError::ClosedPipe);
    }
    result.map_err(|e| CliError::Failed(format!("{}: {e}", shown(&args.input, "<stdin>"))))?;
    let rows_out = tally.rows_out();
    debug_assert_eq!(rows_in, rows_out + rows_rejected);
    let mut missing_keys = Vec::new();
    if setup.format == Format::Jsonl && tally.objects > 0 {
        for (slot, name) in wanted.iter().enumerate() {
            let present = tally.keys_present.get(slot).copied().unwrap_or(0);
            if present == 0 {
                return Err(CliError::Usage(format!(
                    "{}: no row has the key `{name}` (misspelt? a nested key is a dotted path, \
                     e.g. last_payment_error.decline_code): nothing was written",
                    shown(&args.input, "<stdin>")
                )));
            }
            if present < tally.objects {
                missing_keys.push((name.clone(), tally.objects - present));
            }
        }
    }
    if let Some(limit) = setup.max_rejects {
        if limit.exceeded(rows_rejected + tally.kept_rejected, rows_in) {
            return Err(CliError::Failed(format!(
                "{rows_rejected} of {rows_in} rows rejected, more than --max-rejects {}: \
                 nothing was written (run without it to see the rejects)",
                args.max_rejects.as_deref().unwrap_or_default()
            )));
        }
    }
    let elapsed = started.elapsed();

    let totals = report::Totals {
        missing_keys,
        input: shown(&args.input, "<stdin>"),
        output: shown(&args.output, "<stdout>"),
        rejects: setup.rejects.display().to_string(),
        format: setup.format.name(),
        output_format: setup.output_format.name(),
        rows_in,
        rows_out,
        rows_rejected,
        input_bytes: bytes,
        elapsed,
        threads: setup.threads,
    };
    // Everything is written to its temporary (and stdout flushed) before any file is renamed:
    // the output, rejects and report are committed together, or none of them.
    let out_file = match out {
        Output::Stdout(mut w) => {
            w.flush().map_err(write_error(&args.output))?;
            None
        }
        Output::File(f) => Some(f),
        Output::Parallel(f, w) => {
            w.finish().map_err(write_error(&args.output))?;
            Some(f)
        }
        Output::Parquet(p) => p.finish().map_err(write_error(&args.output))?,
    };
    commit_run(
        args,
        &setup,
        rejects,
        report_file,
        out_file,
        &totals,
        &tally,
    )
}

/// Ends a run that succeeded: writes the report from the totals, commits the rejects, the
/// report and the output as one set (all renamed into place, or none), then prints the summary
/// unless `--quiet`. Shared by the CSV/JSON Lines and both Parquet paths.
///
/// ```ignore
/// return commit_run(args, setup, rejects, report_file, out_file, &totals, &tally);
/// ```
fn commit_run(
    args: &Args,
    setup: &Setup,
    rejects: RejectsWriter<Staged>,
    report_file: Option<(&PathBuf, Staged)>,
    out_file: Option<Staged>,
    totals: &report::Totals,
    tally: &Tally,
) -> Result<ExitCode, CliError> {
    let mut set = vec![rejects
        .finish()
        .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", setup.rejects.display())))?];
    if let Some((path, mut f)) = report_file {
        let json = report::json(totals, tally);
        serde_json::to_writer_pretty(&mut f, &json)
            .and_then(|_| f.write_all(b"\n").map_err(serde_json::Error::io))
            .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", path.display())))?;
        set.push(f);
    }
    set.extend(out_file);
    outputs::commit_all(set).map_err(CliError::Failed)?;
    if !args.quiet {
        eprint!(
            "{}",
            crate::escape_lines(&report::summary(totals, tally, args.report.as_deref()))
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Where the output rows go.
enum Output {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File(Staged),
    /// A file written at offsets by several threads (after the header).
    Parallel(Staged, positional::PositionalWriter),
    /// Parquet, written from the CSV rows.
    Parquet(Box<parquet_out::CsvToParquet>),
}

impl Output {
    /// A file output switches to positional writes from `threads` threads; stdout, and any
    /// output of a one-thread run, stay sequential.
    fn parallel(self, threads: usize) -> std::io::Result<Output> {
        match self {
            Output::File(mut f) if threads > 1 => {
                let (file, end) = f.positional()?;
                let w = positional::PositionalWriter::new(file, end, threads)?;
                Ok(Output::Parallel(f, w))
            }
            other => Ok(other),
        }
    }

    /// Writes one chunk's rows after the previous ones; `lease` (the chunk's share of the
    /// memory bound) is released once they are written.
    fn put(&mut self, bytes: Vec<u8>, lease: pipeline::Lease) -> std::io::Result<()> {
        match self {
            Output::Parallel(_, w) => w.write(bytes, lease),
            Output::Parquet(p) => {
                p.push(&bytes)?;
                chunk::recycle(bytes);
                drop(lease);
                Ok(())
            }
            other => {
                other.write_all(&bytes)?;
                chunk::recycle(bytes);
                drop(lease);
                Ok(())
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::File(w) => w.write(buf),
            Output::Parquet(p) => p.push(buf).map(|()| buf.len()),
            Output::Parallel(..) => Err(std::io::Error::other(
                "rows go through Output::put once positional writes started",
            )),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Output::Stdout(w) => w.write_all(buf),
            Output::File(w) => w.write_all(buf),
            Output::Parquet(p) => p.push(buf),
            Output::Parallel(..) => Err(std::io::Error::other(
                "rows go through Output::put once positional writes started",
            )),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File(w) => w.flush(),
            Output::Parallel(..) | Output::Parquet(_) => Ok(()),
        }
    }
}

/// A write error on the output; a reader of stdout that went away (`| head`) ends the run
/// quietly, committing nothing.
fn write_error(output: &str) -> impl Fn(std::io::Error) -> CliError + '_ {
    move |e| {
        if output == "-" && e.kind() == std::io::ErrorKind::BrokenPipe {
            CliError::ClosedPipe
        } else {
            CliError::Failed(format!("cannot write {}: {e}", shown(output, "<stdout>")))
        }
    }
}

/// A path as the summary names it: `stdio` (`<stdin>`, `<stdout>`) for `-`.
fn shown(path: &str, stdio: &str) -> String {
    if path == "-" {
        stdio.to_string()
    } else {
        path.to_string()
    }
}

fn json_key(name: &str) -> Vec<u8> {
    let mut k = serde_json::to_vec(name).expect("a string serializes");
    k.push(b':');
    k
}

fn trim_end_terminator(rec: &[u8]) -> usize {
    let mut n = rec.len();
    if n > 0 && rec[n - 1] == b'\n' {
        n -= 1;
    }
    if n > 0 && rec[n - 1] == b'\r' {
        n -= 1;
    }
    n
}

/// Reads the first bytes of the input: at least one whole record (the CSV header) or a chunk.
/// A UTF-8 byte order mark at the start is dropped; returns the bytes and its length (0 or 3).
fn read_head<R: Read + ?Sized>(
    input: &mut R,
    format: Format,
    delimiter: u8,
    limits: &pipeline::Limits,
) -> Result<(Vec<u8>, u64), CliError> {
    let mut head = Vec::new();
    let mut block = vec![0u8; 64 << 10];
    let mut bom = 0;
    loop {
        let n = loop {
            match input.read(&mut block) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(CliError::Failed(format!("read error: {e}"))),
            }
        };
        head.extend_from_slice(&block[..n]);
        if bom == 0 && head.len() >= 3 && head.starts_with(psp_status::readers::BOM) {
            head.drain(..3);
            bom = 3;
        }
        let eof = n == 0;
        let whole = match format {
            Format::Csv => psp_status::readers::csv::whole_records(&head, delimiter, eof).len,
            Format::Jsonl => psp_status::readers::jsonl::whole_lines(&head, eof),
            Format::Parquet => unreachable!("Parquet input goes through parquet_rows"),
        };
        if eof || whole > 0 {
            // For JSON Lines keep a whole first chunk when there is one (CSV columns come
            // from its first object).
            if format == Format::Csv || eof || head.len() >= limits.chunk_bytes {
                return Ok((head, bom));
            }
            continue;
        }
        if head.len() >= limits.max_record_bytes {
            return Err(CliError::Failed(format!(
                "the first record is longer than {} bytes (a quote that never closes?)",
                limits.max_record_bytes
            )));
        }
    }
}

/// Every output path against the input and the others, before anything is read or written.
fn check_paths(args: &Args, setup: &Setup) -> Result<(), CliError> {
    let mut outs: Vec<(&str, &Path)> = Vec::new();
    if args.output != "-" {
        outs.push(("the output (-o)", Path::new(&args.output)));
    }
    outs.push(("the rejects file (--rejects)", &setup.rejects));
    if let Some(r) = &args.report {
        outs.push(("the report (--report)", r));
    }
    let input = (args.input != "-").then(|| Path::new(&args.input));
    outputs::check_distinct(input, &outs)
}

fn setup(args: &Args) -> Result<Setup, CliError> {
    let ext = |p: &str| {
        Path::new(p)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
    };
    let format = match args.format {
        Some(f) => f,
        None => match ext(&args.input).as_deref() {
            Some("csv" | "tsv" | "txt") => Format::Csv,
            Some("jsonl" | "ndjson" | "json") => Format::Jsonl,
            Some("parquet" | "parq" | "pq") => Format::Parquet,
            _ if args.input == "-" => {
                return Err(CliError::Usage(
                    "cannot tell the format of stdin: pass --format csv or --format jsonl"
                        .to_string(),
                ))
            }
            _ => {
                return Err(CliError::Usage(format!(
                    "cannot tell the format of {} from its extension: pass --format csv, jsonl or parquet",
                    args.input
                )))
            }
        },
    };
    let delimiter = match args.delimiter.as_deref() {
        None if ext(&args.input).as_deref() == Some("tsv") => b'\t',
        // Parquet to a .tsv file.
        None if args.format != Some(Format::Csv)
            && ext(&args.input).as_deref() != Some("csv")
            && ext(&args.output).as_deref() == Some("tsv") =>
        {
            b'\t'
        }
        None => b',',
        Some("tab" | "\\t" | "\t") => b'\t',
        Some(d) if d.len() == 1 && !b"\"\r\n".contains(&d.as_bytes()[0]) => {
            let b = d.as_bytes()[0];
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' {
                return Err(CliError::Usage(format!(
                    "delimiter `{d}` would clash with the values reclassify writes"
                )));
            }
            b
        }
        Some(d) => {
            return Err(CliError::Usage(format!(
                "delimiter `{d}` is not one ASCII character (or `tab`)"
            )))
        }
    };
    let rejects =
        match &args.rejects {
            Some(p) => p.clone(),
            None if args.output != "-" => PathBuf::from(format!("{}.rejects.csv", args.output)),
            None if args.input != "-" => PathBuf::from(format!("{}.rejects.csv", args.input)),
            None => return Err(CliError::Usage(
                "from stdin to stdout the rejects file has no place to go: pass --rejects FILE \
                 (or -o FILE: the rejects then go next to it)"
                    .to_string(),
            )),
        };
    let threads = match args.threads {
        Some(n) if !(1..=MAX_THREADS).contains(&n) => {
            return Err(CliError::Usage(format!(
                "--threads {n}: give between 1 and {MAX_THREADS} (this machine has {} cores)",
                std::thread::available_parallelism().map_or(1, |n| n.get())
            )))
        }
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let memory = args.memory_limit.saturating_mul(1 << 20);
    if args.memory_limit < 64 || memory > (1 << 40) {
        return Err(CliError::Usage(format!(
            "--memory-limit {}: give between 64 and 1048576 MiB",
            args.memory_limit
        )));
    }
    let chunk_bytes = args.chunk_bytes.clamp(1, 16 << 20);
    let max_record_bytes = match args.max_record_bytes {
        None => memory / 4,
        Some(n) if n <= memory / 4 => n.max(chunk_bytes),
        Some(n) => {
            return Err(CliError::Usage(format!(
                "--max-record-bytes {n}: at most a quarter of --memory-limit ({} bytes)",
                memory / 4
            )))
        }
    };
    if format == Format::Parquet && args.input == "-" {
        return Err(CliError::Usage(
            "Parquet cannot be read from stdin (its index is at the end of the file): \
             give the file's path"
                .to_string(),
        ));
    }
    let output_format = match (args.output_format, ext(&args.output).as_deref()) {
        (Some(f), _) => f,
        (None, Some("parquet" | "parq" | "pq")) => Format::Parquet,
        (None, Some("csv" | "tsv" | "txt")) if format == Format::Parquet => Format::Csv,
        (None, Some("jsonl" | "ndjson" | "json")) if format == Format::Parquet => Format::Jsonl,
        (None, _) => format,
    };
    let limits = pipeline::Limits {
        chunk_bytes,
        max_record_bytes,
        threads,
        memory_bytes: memory - MEMORY_OVERHEAD,
        // The chunk, its decoded cells and its output; JSON Lines to CSV also builds the
        // object's map.
        cost_factor: if (format, output_format) == (Format::Jsonl, Format::Csv) {
            4
        } else {
            3
        },
    };
    let max_rejects = args
        .max_rejects
        .as_deref()
        .map(MaxRejects::parse)
        .transpose()?;
    Ok(Setup {
        max_rejects,
        format,
        output_format,
        delimiter,
        rejects,
        appended: APPENDED.map(|a| format!("{}{a}", args.column_prefix)),
        reject: args
            .keep_rejected
            .then(|| format!("{}{}", args.column_prefix, chunk::REJECT)),
        threads,
        limits,
    })
}

/// Which columns the kernel reads: from --provider/--provider-column, --surface/
/// --surface-column/--raw-column or the --signal list.
fn plan(args: &Args) -> Result<Plan, CliError> {
    let mut wanted: Vec<String> = Vec::new();
    let mut slot = |name: &str| match wanted.iter().position(|w| w == name) {
        Some(i) => i,
        None => {
            wanted.push(name.to_string());
            wanted.len() - 1
        }
    };
    let fixed_provider = args.provider.as_deref().map(names::provider).transpose()?;
    let provider = match fixed_provider {
        Some(p) => Src::Fixed(p),
        None => Src::Slot(slot(&args.provider_column)),
    };
    let surface_named = |name: &str| -> Result<Surface, CliError> {
        match fixed_provider {
            Some(p) => names::field(p, name).map(|f| f.surface()),
            None => name.parse::<Surface>().map_err(|_| {
                CliError::Usage(format!(
                    "unknown surface `{name}` (no provider has it; `psp-status validate --json` lists them)"
                ))
            }),
        }
    };
    let mut signals: Vec<(Src<Surface>, usize, Option<Provider>)> = Vec::new();
    let mut given = args.signals.clone();
    if let Some(path) = &args.columns {
        given.splice(0..0, column_file(path)?);
    }
    if given.is_empty() {
        let surface = match &args.surface {
            Some(s) => Src::Fixed(surface_named(s)?),
            None => Src::Slot(slot(&args.surface_column)),
        };
        signals.push((surface, slot(&args.raw_column), None));
    } else {
        if given.len() > MAX_SIGNALS {
            return Err(CliError::Usage(format!(
                "at most {MAX_SIGNALS} --signal columns"
            )));
        }
        for s in &given {
            let (surface, only, column) = parse_signal(s, fixed_provider)?;
            // Two signals of one surface that could apply to the same row: which one counts?
            let twice = signals.iter().any(|(t, _, o)| {
                matches!(t, Src::Fixed(x) if *x == surface)
                    && (o.is_none() || only.is_none() || *o == only)
            });
            if twice {
                return Err(CliError::Usage(format!(
                    "--signal `{s}`: surface `{surface}` already has a column for {}",
                    only.map_or("some of these rows".to_string(), |p| format!("{p} rows"))
                )));
            }
            signals.push((Src::Fixed(surface), slot(column), only));
        }
    }
    Ok(Plan {
        wanted,
        provider,
        signals,
        trim: args.trim,
    })
}

/// The signals of a `--columns` file: one `[PROVIDER:]SURFACE=COLUMN` per line, spaces around
/// the `=` allowed; blank lines and lines starting with `#` are skipped.
fn column_file(path: &Path) -> Result<Vec<String>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::Usage(format!("--columns {}: cannot read it: {e}", path.display()))
    })?;
    let signals: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once('=') {
            Some((a, b)) => format!("{}={}", a.trim(), b.trim()),
            None => l.to_string(),
        })
        .collect();
    if signals.is_empty() {
        return Err(CliError::Usage(format!(
            "--columns {}: no signal in it (one [PROVIDER:]SURFACE=COLUMN per line)",
            path.display()
        )));
    }
    Ok(signals)
}

/// Reads `[PROVIDER:]SURFACE=COLUMN`: the surface, the provider it is limited to, the column.
fn parse_signal(
    s: &str,
    fixed_provider: Option<Provider>,
) -> Result<(Surface, Option<Provider>, &str), CliError> {
    let Some((name, column)) = s.split_once('=') else {
        return Err(CliError::Usage(format!(
            "--signal `{s}` is not [PROVIDER:]SURFACE=COLUMN (e.g. decline_code=last_decline, \
             stripe:payment_intent.status=status)"
        )));
    };
    match name.split_once(':') {
        Some((provider, surface)) => {
            let p = names::provider(provider)?;
            if fixed_provider.is_some_and(|f| f != p) {
                return Err(CliError::Usage(format!(
                    "--signal `{s}` is for {p}, but --provider says every row is {}",
                    fixed_provider.expect("checked")
                )));
            }
            Ok((names::field(p, surface)?.surface(), Some(p), column))
        }
        None => {
            let surface = match fixed_provider {
                Some(p) => names::field(p, name)?.surface(),
                None => name.parse::<Surface>().map_err(|_| {
                    CliError::Usage(format!(
                        "unknown surface `{name}` in --signal `{s}` (no provider has it; \
                         `psp-status validate --json` lists them)"
                    ))
                })?,
            };
            Ok((surface, None, column))
        }
    }
}

fn progress_bar(quiet: bool, size: Option<u64>) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = match size {
        Some(n) => indicatif::ProgressBar::new(n).with_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        ),
        None => indicatif::ProgressBar::new_spinner().with_style(
            indicatif::ProgressStyle::with_template("{spinner} {bytes} {bytes_per_sec} {msg}")
                .expect("a valid template"),
        ),
    };
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
    Some(bar)
}

#[cfg(test)]
mod tests {
    use super::MaxRejects;

    #[test]
    fn max_rejects_is_a_count_or_a_percentage() {
        assert_eq!(MaxRejects::parse("10").unwrap(), MaxRejects::Rows(10));
        assert_eq!(MaxRejects::parse("0.5%").unwrap(), MaxRejects::Percent(0.5));
        for bad in ["", "x", "-1", "101%", "%", "1.5"] {
            assert!(MaxRejects::parse(bad).is_err(), "{bad}");
        }
        assert!(!MaxRejects::Rows(1).exceeded(1, 10));
        assert!(MaxRejects::Rows(1).exceeded(2, 10));
        assert!(!MaxRejects::Percent(10.0).exceeded(1, 10));
        assert!(MaxRejects::Percent(10.0).exceeded(2, 10));
        assert!(MaxRejects::Rows(0).exceeded(1, 1));
    }
}
