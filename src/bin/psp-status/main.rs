//! `psp-status`: the command line over the psp-status tables.
//!
//! Subcommands: `classify` and `resolve` (one answer), `explain` and `reference` (support),
//! `reclassify` and `generate` (batch), `validate` (check a mappings directory).
//! Exit codes: 0 success, 1 failure (data errors, I/O), 2 usage error.

mod diff;
mod export;
mod generate;
mod lookup;
mod names;
mod outputs;
mod reclassify;
mod support;
mod tables;
mod validate;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set at start when the process was given a closed stdout (`>&-`).
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Translate PSP statuses, error and decline codes into one state/code taxonomy.
#[derive(Debug, Parser)]
#[command(name = "psp-status", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Classify one value: PROVIDER SURFACE RAW (e.g. `alma payment.state scored_maybe`).
    Classify {
        /// alma, checkout, purse, stripe.
        provider: String,
        /// The field the value arrived in, as the provider names it (e.g. payment.state).
        surface: String,
        /// The value, exactly as received.
        raw: String,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// Use the tables in DIR instead of the compiled ones (see docs/tables.md).
        #[arg(long, value_name = "DIR")]
        mappings: Option<PathBuf>,
    },
    /// Resolve several signals of one response: PROVIDER SURFACE=RAW [SURFACE=RAW ...].
    Resolve {
        /// alma, checkout, purse, stripe.
        provider: String,
        /// Signals as SURFACE=RAW (split at the first `=`).
        #[arg(required = true)]
        signals: Vec<String>,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// Use the tables in DIR instead of the compiled ones (see docs/tables.md).
        #[arg(long, value_name = "DIR")]
        mappings: Option<PathBuf>,
    },
    /// Explain a value for a support agent: meaning, state and code, retry advice, what to
    /// tell the customer, what to do, source. `[PROVIDER [SURFACE]] RAW`.
    Explain(support::ExplainArgs),
    /// Generate the support reference from the compiled tables (Markdown, HTML or JSON).
    Reference(support::ReferenceArgs),
    /// Check a mappings directory and print every error as path:line:column: message.
    Validate {
        /// The directory holding taxonomy.yaml and the provider files.
        #[arg(default_value = "mappings")]
        dir: PathBuf,
        /// Print the counts per provider and surface as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Re-classify historic transactions (CSV or JSON Lines) with the current tables.
    Reclassify(Box<reclassify::Args>),
    /// Write deterministic synthetic transactions (CSV) for samples and benchmarks.
    Generate(generate::Args),
    /// Export the tables as CSV or as a SQL script (DuckDB, PostgreSQL, Spark SQL) with psp_classify.
    Export(export::Args),
    /// Compare two sets of tables: the entries added, removed and changed, and, given a
    /// history file, the rows whose answer changes, by transition.
    Diff(Box<diff::Args>),
}

/// What `--version` prints: the program's version, then the tables it was compiled from.
static VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "{} (tables {}, digest {})",
        env!("CARGO_PKG_VERSION"),
        psp_status::TABLE_VERSION,
        psp_status::TABLE_DIGEST
    )
});

fn main() -> ExitCode {
    STDOUT_CLOSED.store(outputs::guard_stdio(), Ordering::Relaxed);
    // clap's own errors echo the offending argument: escape them like ours. `--version` names
    // the tables too.
    let parsed = Cli::command()
        .version(VERSION.as_str())
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let text = escape_lines(&e.render().to_string());
            if e.use_stderr() {
                eprint!("{text}");
            } else {
                emit(&text);
            }
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    let result = match cli.command {
        Command::Classify {
            provider,
            surface,
            raw,
            json,
            mappings,
        } => tables::use_mappings(mappings.as_deref())
            .and_then(|()| lookup::classify(&provider, &surface, &raw, json)),
        Command::Resolve {
            provider,
            signals,
            json,
            mappings,
        } => tables::use_mappings(mappings.as_deref())
            .and_then(|()| lookup::resolve(&provider, &signals, json)),
        Command::Validate { dir, json } => validate::run(&dir, json),
        Command::Explain(args) => {
            tables::use_mappings(args.mappings.as_deref()).and_then(|()| support::explain(&args))
        }
        Command::Reference(args) => support::reference(&args),
        Command::Reclassify(args) => {
            tables::use_mappings(args.mappings.as_deref()).and_then(|()| reclassify::run(&args))
        }
        Command::Diff(args) => diff::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Export(args) => export::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(CliError::ClosedPipe) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("psp-status: {}", escape(&e.to_string()));
            e.exit_code()
        }
    }
}

/// Whether stdout was closed when the process started: output meant for it would be lost.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// `text` with every control character (C0, DEL, C1, and the bidirectional overrides that can
/// reorder a terminal line) written as an escape (`\u{1b}`, `\n`), so a value echoed to a
/// terminal can never move the cursor, recolour it or hide text. Other text is unchanged.
///
/// ```text
/// assert_eq!(escape("a\u{1b}[31mb"), "a\\u{1b}[31mb");
/// ```
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// [`escape`] line by line: line breaks stay, every other control character is escaped.
pub fn escape_lines(text: &str) -> String {
    text.split('\n')
        .map(|l| escape(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes `text` to stdout. A reader that went away (`| head`) is a normal end, not a panic.
pub fn emit(text: &str) {
    use std::io::Write;
    if stdout_closed() {
        eprintln!("psp-status: cannot write to stdout: it is closed");
        std::process::exit(1);
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            eprintln!("psp-status: cannot write to stdout: {e}");
            std::process::exit(1);
        }
    }
}

/// An error a subcommand ends with.
#[derive(Debug)]
pub enum CliError {
    /// Wrong arguments (exit 2).
    Usage(String),
    /// Anything else (exit 1).
    Failed(String),
    /// The reader of stdout went away (`| head`): a normal end, quiet, exit 0.
    ClosedPipe,
}

impl CliError {
    fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Usage(_) => ExitCode::from(2),
            CliError::Failed(_) => ExitCode::from(1),
            CliError::ClosedPipe => ExitCode::SUCCESS,
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Usage(m) | CliError::Failed(m) => f.write_str(m),
            CliError::ClosedPipe => f.write_str("stdout closed by its reader"),
        }
    }
}
