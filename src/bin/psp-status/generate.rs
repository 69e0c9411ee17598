//! `generate --rows N --seed S [-o FILE]`: deterministic synthetic transactions for samples and
//! benchmarks (CSV: id, created_at, amount, currency, provider, surface, raw).
//!
//! Values come from the tables themselves (`psp_status::entries()`: every exact value, and
//! values inside every prefix and range rule), so the data stays valid as the tables grow; about
//! 1.5% are values no table knows (classified as unmapped) and 0.5% are malformed rows (a
//! missing or extra field, an unknown provider, a surface the provider does not have, a
//! formula in a cell) that `reclassify` must reject. The same rows and seed give the same bytes.
//!
//! A messy history (`--unknown-surface-rate 0.17 --unknown-value-rate 0.02`): that share of the
//! rows names a surface its provider does not have (another provider's, or one no provider
//! has; `reclassify` rejects those rows), and that share carries a value the tables do not
//! know (a legacy name, a trailing space, a case the surface does not fold: classified by the
//! surface's default or as unmapped). Without these options the mix is the sample's above.

use crate::reclassify::write_plain;
use crate::CliError;
use psp_status::{classify_bytes, Field, Matched, Matcher, Provider, Surface};
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
    /// Share of rows (0 to 1) naming a surface their provider does not have, e.g. 0.17.
    #[arg(long, value_name = "RATE", value_parser = rate)]
    pub unknown_surface_rate: Option<f64>,
    /// Share of rows (0 to 1) whose value no table knows, e.g. 0.02 (default: the sample's
    /// 1.5% drifted values, some of which a rule or case folding still matches).
    #[arg(long, value_name = "RATE", value_parser = rate)]
    pub unknown_value_rate: Option<f64>,
}

/// A rate option: a number from 0 to 1.
fn rate(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!("`{s}` is not a rate from 0 to 1 (e.g. 0.17)")),
    }
}

/// The mix of a generated history.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mix {
    /// Share of rows naming a surface their provider does not have.
    pub unknown_surface: Option<f64>,
    /// Share of rows whose value no table knows (`None`: the sample's drift).
    pub unknown_value: Option<f64>,
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
    /// True with probability `p` (0 to 1).
    fn chance(&mut self, p: f64) -> bool {
        // 53 random bits against p: exact for every rate a user types.
        ((self.next() >> 11) as f64) < p * (1u64 << 53) as f64
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

/// A value the tables know on `v`'s surface: the exact value, or one inside the rule.
fn known_value(v: &Value, rng: &mut Rng) -> Vec<u8> {
    match v.matcher {
        Matcher::Exact(r) => r.as_bytes().to_vec(),
        Matcher::Prefix(p) => format!("{p}{}", rng.below(100)).into_bytes(),
        Matcher::Range(a, b) => (a + rng.below(b - a + 1)).to_string().into_bytes(),
        Matcher::Default => Vec::new(),
    }
}

/// Whether the tables know `raw` on `v`'s surface (an exact entry or a rule matches).
fn known(v: &Value, raw: &[u8]) -> bool {
    let field = Field::new(v.provider, v.surface).expect("pool values are of real fields");
    matches!(
        classify_bytes(field, raw).matched,
        Matched::Exact | Matched::Rule
    )
}

/// A value no table knows on `v`'s surface: a drifted one when the tables do not know it,
/// else the value with `_v2` appended (a later API version's name), else a made-up word.
fn unknown(v: &Value, rng: &mut Rng) -> Vec<u8> {
    let d = drifted(v, rng);
    if !known(v, &d) {
        return d;
    }
    let mut d = d.trim_ascii_end().to_vec();
    d.extend_from_slice(b"_v2");
    if !known(v, &d) {
        return d;
    }
    b"status_not_in_any_table".to_vec()
}

/// Surface names a history may hold that are no provider's (`charge.status` from an older
/// integration, a typo), besides the other providers' surfaces.
const STRAY_SURFACES: [&str; 3] = [
    "charge.status",
    "payment_intent.state",
    "transaction.status",
];

/// For each provider (by its index), the surface names it does not have: the other
/// providers' surfaces, then the stray names.
fn foreign_surfaces() -> Vec<Vec<&'static str>> {
    use strum::IntoEnumIterator;
    let mut all: Vec<&'static str> = Provider::iter()
        .flat_map(|p| p.fields().iter().map(|f| f.name()))
        .collect();
    all.sort_unstable();
    all.dedup();
    all.extend(STRAY_SURFACES);
    Provider::iter()
        .map(|p| {
            all.iter()
                .copied()
                .filter(|name| p.field(name).is_err())
                .collect()
        })
        .collect()
}

/// Writes `rows` rows from `seed` to `out`, with `mix`'s rates of unknown surfaces and values.
pub fn write_mix(out: &mut dyn Write, rows: u64, seed: u64, mix: Mix) -> std::io::Result<()> {
    let pool = pool();
    let foreign = foreign_surfaces();
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
        let raw: Vec<u8> = if let Some(p) = mix.unknown_value {
            if rng.chance(p) {
                unknown(v, &mut rng)
            } else {
                known_value(v, &mut rng)
            }
        } else if roll < 15 {
            drifted(v, &mut rng)
        } else {
            known_value(v, &mut rng)
        };
        let mut provider: Vec<u8> = <&str>::from(v.provider).as_bytes().to_vec();
        let mut surface: Vec<u8> = <&str>::from(v.surface).as_bytes().to_vec();
        if let Some(p) = mix.unknown_surface {
            if rng.chance(p) {
                let names = &foreign[v.provider as usize];
                surface = names[rng.below(names.len() as u64) as usize]
                    .as_bytes()
                    .to_vec();
            }
        }
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
    let mix = Mix {
        unknown_surface: args.unknown_surface_rate,
        unknown_value: args.unknown_value_rate,
    };
    let fail = |e: std::io::Error| {
        if args.output.as_os_str() == "-" && e.kind() == std::io::ErrorKind::BrokenPipe {
            CliError::ClosedPipe
        } else {
            CliError::Failed(format!("{}: {e}", args.output.display()))
        }
    };
    if args.output.as_os_str() == "-" {
        let mut out = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
        write_mix(&mut out, args.rows, args.seed, mix).map_err(fail)?;
        out.flush().map_err(fail)?;
    } else {
        let file = std::fs::File::create(&args.output).map_err(fail)?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        write_mix(&mut out, args.rows, args.seed, mix).map_err(fail)?;
        out.flush().map_err(fail)?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample's mix.
    fn write_rows(out: &mut dyn Write, rows: u64, seed: u64) -> std::io::Result<()> {
        write_mix(out, rows, seed, Mix::default())
    }

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

    const MESSY: Mix = Mix {
        unknown_surface: Some(0.17),
        unknown_value: Some(0.02),
    };

    #[test]
    fn a_messy_history_is_deterministic_and_differs_from_the_sample() {
        let mut runs = [(); 3].map(|_| Vec::new());
        write_mix(&mut runs[0], 2000, 7, MESSY).unwrap();
        write_mix(&mut runs[1], 2000, 7, MESSY).unwrap();
        write_mix(&mut runs[2], 2000, 8, MESSY).unwrap();
        assert_eq!(runs[0], runs[1]);
        assert_ne!(runs[0], runs[2]);
        let mut sample = Vec::new();
        write_rows(&mut sample, 2000, 7).unwrap();
        assert_ne!(sample, runs[0]);
    }

    /// Shares of (rows naming a surface their provider lacks, rows of a real field whose
    /// value no table knows), among the rows with a known provider and all seven fields.
    fn shares(csv: &[u8]) -> (f64, f64) {
        let mut reader = ::csv::ReaderBuilder::new().flexible(true).from_reader(csv);
        let (mut rows, mut foreign, mut fields, mut unknown) = (0u64, 0u64, 0u64, 0u64);
        for rec in reader.records() {
            let rec = rec.unwrap();
            if rec.len() != 7 {
                continue;
            }
            let Ok(p) = rec[4].parse::<Provider>() else {
                continue;
            };
            rows += 1;
            let Ok(field) = p.field(&rec[5]) else {
                foreign += 1;
                continue;
            };
            fields += 1;
            let matched = classify_bytes(field, rec[6].as_bytes()).matched;
            if !matches!(matched, Matched::Exact | Matched::Rule) {
                unknown += 1;
            }
        }
        (foreign as f64 / rows as f64, unknown as f64 / fields as f64)
    }

    #[test]
    fn a_messy_history_has_the_rates_asked_for() {
        for (mix, surface, value) in [
            (MESSY, 0.17, 0.02),
            (
                Mix {
                    unknown_surface: Some(0.5),
                    unknown_value: Some(0.0),
                },
                0.5,
                0.0,
            ),
            (
                Mix {
                    unknown_surface: Some(0.0),
                    unknown_value: Some(0.3),
                },
                0.0,
                0.3,
            ),
        ] {
            let mut out = Vec::new();
            write_mix(&mut out, 40_000, 3, mix).unwrap();
            let (s, v) = shares(&out);
            // Malformed rows (0.5%) add 0.1% of surfaces no provider has; 40k rows give a
            // standard deviation under 0.0025 for these rates.
            assert!((s - surface).abs() < 0.01, "{mix:?}: surface share {s}");
            assert!((v - value).abs() < 0.01, "{mix:?}: value share {v}");
        }
        // Without the options, the sample's mix: 1.5% drifted values (a few of which a rule or
        // case folding still matches) and only the malformed rows' surfaces.
        let mut out = Vec::new();
        write_rows(&mut out, 40_000, 3).unwrap();
        let (s, v) = shares(&out);
        assert!(s < 0.005 && (0.005..0.02).contains(&v), "sample: {s} {v}");
    }

    #[test]
    fn rates_outside_0_to_1_are_refused() {
        assert_eq!(rate("0.17"), Ok(0.17));
        assert_eq!(rate("1"), Ok(1.0));
        for bad in ["-0.1", "1.5", "17%", "", "NaN"] {
            assert!(rate(bad).is_err(), "{bad}");
        }
    }
}
