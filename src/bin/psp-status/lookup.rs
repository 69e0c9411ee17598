//! `classify` and `resolve`: one answer, as text for people or JSON for tools.

use crate::{names, CliError};
use psp_status::{Classification, Matched, TABLE_VERSION};
use std::process::ExitCode;

pub fn classify(
    provider: &str,
    surface: &str,
    raw: &str,
    json: bool,
) -> Result<ExitCode, CliError> {
    let provider = names::provider(provider)?;
    let surface = names::surface(provider, surface)?;
    let c = psp_status::classify(provider, surface, raw);
    if json {
        print_json(&serde_json::to_value(c).expect("a classification serializes"));
    } else {
        print_text(&c);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn resolve(provider: &str, signals: &[String], json: bool) -> Result<ExitCode, CliError> {
    let provider = names::provider(provider)?;
    let mut parsed = Vec::with_capacity(signals.len());
    for s in signals {
        let Some((surface, raw)) = s.split_once('=') else {
            return Err(CliError::Usage(format!(
                "signal `{s}` is not SURFACE=RAW (e.g. payment_intent.status=requires_payment_method)"
            )));
        };
        parsed.push((names::surface(provider, surface)?, raw));
    }
    let winner = psp_status::resolve(provider, &parsed);
    if json {
        let mut v = serde_json::to_value(winner).expect("a classification serializes");
        let each: Vec<_> = parsed
            .iter()
            .map(|(s, r)| {
                serde_json::to_value(psp_status::classify(provider, *s, r)).expect("serializes")
            })
            .collect();
        v["signals"] = serde_json::Value::Array(each);
        print_json(&v);
    } else {
        print_text(&winner);
        println!(
            "  decided by  {}={}",
            <&str>::from(winner.surface),
            winner.raw_lossy()
        );
        for (s, r) in &parsed {
            let c = psp_status::classify(provider, *s, r);
            println!(
                "  signal      {}={} -> {}/{} ({})",
                <&str>::from(*s),
                r,
                c.state,
                c.code,
                c.matched
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_json(v: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(v).expect("JSON values serialize")
    );
}

fn print_text(c: &Classification<'_>) {
    println!(
        "{} {} \"{}\"",
        <&str>::from(c.provider),
        <&str>::from(c.surface),
        c.raw_lossy()
    );
    println!("  state       {}", c.state);
    println!("  code        {}", c.code);
    match c.operation {
        Some(op) => println!("  operation   {op}"),
        None => println!("  operation   (unknown)"),
    }
    let how = match (c.matched, c.entry()) {
        (Matched::Rule, Some(e)) => format!("rule {}", e.pattern()),
        (m, _) => m.to_string(),
    };
    println!("  matched     {how}");
    println!("  retry       {} ({})", c.retry(), c.retry().explain());
    println!("  meaning     {}", c.description());
    if let Some(src) = c.source() {
        println!("  source      {src}");
    }
    println!("  tables      {TABLE_VERSION}");
}
