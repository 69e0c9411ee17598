//! `generate --rows N --seed S [-o FILE]`: deterministic synthetic transactions for samples and
//! benchmarks (CSV: id, created_at, amount, currency, provider, surface, raw).
//!
//! Values come from the tables themselves (`psp_status::entries()`: every exact value, and
//! values inside every prefix and range rule), so the data stays valid as the tables grow; about
//! 1.5% are values no table knows (classified as unmapped) and 0.5% are malformed rows (a
//! missing or extra field, an unknown provider, a surface the provider does not have, a
//! formula in a cell) that `reclassify` must reject. The same rows and seed give the same bytes.

use crate::reclassify::write_plain;
use crate::CliError;
use psp_status::{Matcher, Provider, Surface};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `psp-status generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rows to write (the header not counted).
    #[arg(long)]
    pub rows: u64,
    /// Seed of the pseudo-random sequence.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output file, or `-` for stdout.
    #[arg(short, long, default_value = "-")]
    pub output: PathBuf,
}

/// SplitMix64: tiny, fast, and fixed forever (a library generator may change its stream
/// between versions, which would silently change the bundled sample).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
}

/// One value the generator can emit.
struct Value {
    provider: Provider,
    surface: Surface,
    matcher: Matcher,
}

fn pool() -> Vec<Value> {
    psp_status::entries()
        .filter(|e| e.matcher != Matcher::Default)
        .map(|e| Value {
            provider: e.provider,
            surface: e.surface,
            matcher: e.matcher,
        })
        .collect()
}

/// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Values that real histories hold and no table lists, by the field they arrive in: names from
/// older API versions (Stripe's pre-2019 `requires_source`), undocumented ones (Checkout.com's
/// `Authorization Pending`), and typos from hand-edited exports.
const LEGACY: [(&str, &str); 7] = [
    ("payment_intent.status", "requires_source"),
    ("payment_intent.status", "requires_source_action"),
    ("payment.status", "Authorization Pending"),
    ("payment.state", "scored_mayb"),
    ("decline_code", "soft_decline"),
    ("response_code", "20010"),
    ("event.type", "charge.pending_review"),
];

/// A value as it drifts in real exports: a legacy name of its field, upper-cased by some
/// system on the way, or with a trailing space (psp-status never trims).
fn drifted(v: &Value, rng: &mut Rng) -> Vec<u8> {
    let field: &str = v.surface.into();
    let legacy: Vec<&str> = LEGACY
        .iter()
        .filter(|(f, _)| *f == field)
        .map(|(_, r)| *r)
        .collect();
    match (rng.below(3), v.matcher) {
        (0, _) if !legacy.is_empty() => legacy[rng.below(legacy.len() as u64) as usize]
            .as_bytes()
            .to_vec(),
        (1, Matcher::Exact(r)) if r.to_ascii_uppercase() != r => {
            r.to_ascii_uppercase().into_bytes()
        }
        (_, Matcher::Exact(r)) => format!("{r} ").into_bytes(),
        (_, Matcher::Prefix(p)) => format!("{p}{} ", rng.below(100)).into_bytes(),
        (_, Matcher::Range(a, _)) => format!("{a} ").into_bytes(),
        (_, Matcher::Default) => b" ".to_vec(),
    }
}

/// Writes `rows` rows from `seed` to `out`.
pub fn write_rows(out: &mut dyn Write, rows: u64, seed: u64) -> std::io::Result<()> {
    let pool = pool();
    let mut rng = Rng(seed);
    let mut line = Vec::with_capacity(256);
    out.write_all(b"id,created_at,amount,currency,provider,surface,raw\n")?;
    // 2019-01-01T00:00:00Z and six years after.
    const START: i64 = 1_546_300_800;
    const SPAN: u64 = 6 * 365 * 86_400;
    for i in 0..rows {
        line.clear();
        let v = &pool[rng.below(pool.len() as u64) as usize];
        let t = START + rng.below(SPAN) as i64;
        let (y, mo, d) = civil(t.div_euclid(86_400));
        let s = t.rem_euclid(86_400);
        let cents = 100 + rng.below(500_000);
        let negative = rng.below(20) == 0;
        let currency = ["EUR", "EUR", "EUR", "USD", "GBP"][rng.below(5) as usize];
        let roll = rng.below(1000);
        let raw: Vec<u8> = if roll < 15 {
            drifted(v, &mut rng)
        } else {
            match v.matcher {
                Matcher::Exact(r) => r.as_bytes().to_vec(),
                Matcher::Prefix(p) => format!("{p}{}", rng.below(100)).into_bytes(),
                Matcher::Range(a, b) => (a + rng.below(b - a + 1)).to_string().into_bytes(),
                Matcher::Default => Vec::new(),
            }
        };
        let mut provider: Vec<u8> = <&str>::from(v.provider).as_bytes().to_vec();
        let mut surface: Vec<u8> = <&str>::from(v.surface).as_bytes().to_vec();
        // Malformed rows: 5 in 1000.
        let malformed = if roll >= 995 { rng.below(5) } else { 5 };
        match malformed {
            2 => provider = b"acme_pay".to_vec(),
            3 => surface = b"no_such.surface".to_vec(),
            4 => provider = b"=HYPERLINK(\"http://example.com\",\"x\")".to_vec(),
            _ => {}
        }
        line.extend_from_slice(format!("tx_{:09}", i + 1).as_bytes());
        line.extend_from_slice(
            format!(
                ",{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z,{}{}.{:02},{currency},",
                s / 3600,
                s / 60 % 60,
                s % 60,
                if negative { "-" } else { "" },
                cents / 100,
                cents % 100
            )
            .as_bytes(),
        );
        write_plain(&mut line, &provider, b',');
        line.push(b',');
        write_plain(&mut line, &surface, b',');
        match malformed {
            0 => {} // the raw field is missing
            1 => {
                line.push(b',');
                write_plain(&mut line, &raw, b',');
                line.extend_from_slice(b",extra");
            }
            _ => {
                line.push(b',');
                write_plain(&mut line, &raw, b',');
            }
        }
        line.push(b'\n');
        out.write_all(&line)?;
    }
    Ok(())
}

pub fn run(args: &Args) -> Result<ExitCode, CliError> {
    let fail = |e: std::io::Error| {
        if args.output.as_os_str() == "-" && e.kind() == std::io::ErrorKind::BrokenPipe {
            CliError::ClosedPipe
        } else {
            CliError::Failed(format!("{}: {e}", args.output.display()))
        }
    };
    if args.output.as_os_str() == "-" {
        let mut out = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
        write_rows(&mut out, args.rows, args.seed).map_err(fail)?;
        out.flush().map_err(fail)?;
    } else {
        let file = std::fs::File::create(&args.output).map_err(fail)?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        write_rows(&mut out, args.rows, args.seed).map_err(fail)?;
        out.flush().map_err(fail)?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_determinism() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(17_897), (2019, 1, 1));
        assert_eq!(civil(19_782), (2024, 2, 29));
        let (mut a, mut b) = (Vec::new(), Vec::new());
        write_rows(&mut a, 500, 7).unwrap();
        write_rows(&mut b, 500, 7).unwrap();
        assert_eq!(a, b);
        let mut c = Vec::new();
        write_rows(&mut c, 500, 8).unwrap();
        assert_ne!(a, c);
    }
}
