//! `psp-status`: the command line over the psp-status tables.
//!
//! Subcommands: `classify` and `resolve` (one answer), `explain` and `reference` (support),
//! `reclassify` and `generate` (batch), `validate` (check a mappings directory).
//! Exit codes: 0 success, 1 failure (data errors, I/O), 2 usage error.

mod generate;
mod lookup;
mod names;
mod reclassify;
mod support;
mod validate;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

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
    let matches = Cli::command().version(VERSION.as_str()).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let result = match cli.command {
        Command::Classify {
            provider,
            surface,
            raw,
            json,
        } => lookup::classify(&provider, &surface, &raw, json),
        Command::Resolve {
            provider,
            signals,
            json,
        } => lookup::resolve(&provider, &signals, json),
        Command::Validate { dir, json } => validate::run(&dir, json),
        Command::Explain(args) => support::explain(&args),
        Command::Reference(args) => support::reference(&args),
        Command::Reclassify(args) => reclassify::run(&args),
        Command::Generate(args) => generate::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("psp-status: {e}");
            e.exit_code()
        }
    }
}

/// Writes `text` to stdout. A reader that went away (`| head`) is a normal end, not a panic.
pub fn emit(text: &str) {
    use std::io::Write;
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
}

impl CliError {
    fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Usage(_) => ExitCode::from(2),
            CliError::Failed(_) => ExitCode::from(1),
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Usage(m) | CliError::Failed(m) => f.write_str(m),
        }
    }
}
