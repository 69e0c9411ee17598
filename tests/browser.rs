//! The generated HTML reference in a real browser: headless Chromium (Debian's `chromium`),
//! driven by playwright-core from npm through `tests/browser/check.mjs`.
//!
//! The expectations come from the library's tables, not from the page: typing `insufficient`
//! must leave exactly the entries whose searchable text (raw value, code, description, customer
//! messages in English and French, agent action, provider, surface) contains it; French text is
//! searchable, accents or not (`refusé`); the provider filter narrows the entries and the
//! surface filter's options to that provider's; a deep link to an entry that the filters hide
//! must show it, scroll to it, highlight it and name its provider and surface. The intro is
//! visible on a desktop screen, nothing scrolls sideways from 320 px up, and an agent reads no
//! developer words (`after_customer_action`, file paths, precedence). The page must make no
//! request.
//!
//! It fails when Chromium, Node.js or playwright-core is missing (`.ci/install-browser` installs
//! them), unless `PSP_STATUS_SKIP_BROWSER=1` says to skip it; a skip prints `SKIPPED`, never
//! `ok` (this test has its own `main`, `harness = false`, so that a skip cannot read as a pass).
//! A failure leaves screenshots in `target/tmp/browser-test/`.

use psp_status::reference::{html, EntryView, Reference};
use psp_status::{entries, Entry, Lang};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const TERM: &str = "insufficient";
/// A French word: the page must find the French customer messages.
const FRENCH: &str = "refusé";

const NAME: &str = "reference_page_searches_filters_and_deep_links_in_chromium";

/// Whether the user asked to skip this test (`PSP_STATUS_SKIP_BROWSER=1`).
fn skip_requested() -> bool {
    std::env::var("PSP_STATUS_SKIP_BROWSER").is_ok_and(|v| v == "1")
}

/// Skips (exit 0, `SKIPPED`) when asked to, else fails with `why`.
fn missing(why: &str) -> ! {
    if skip_requested() {
        println!("test {NAME} ... SKIPPED (PSP_STATUS_SKIP_BROWSER=1): {why}");
        std::process::exit(0);
    }
    eprintln!(
        "test {NAME} ... FAILED: {why}\n  run .ci/install-browser, or set PSP_STATUS_SKIP_BROWSER=1 to skip this test"
    );
    std::process::exit(1);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        println!("{NAME}: test");
        return;
    }
    // `cargo test SOME_FILTER`: run only when the filter names this test.
    if let Some(filter) = args.iter().find(|a| !a.starts_with('-')) {
        if !NAME.contains(filter.as_str()) && !"browser".contains(filter.as_str()) {
            return;
        }
    }
    if skip_requested() {
        println!("test {NAME} ... SKIPPED (PSP_STATUS_SKIP_BROWSER=1)");
        return;
    }
    reference_page_searches_filters_and_deep_links_in_chromium();
    println!("test {NAME} ... ok");
}

/// `$PSP_STATUS_CHROMIUM`, else the first of chromium / chromium-browser on PATH.
fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PSP_STATUS_CHROMIUM") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| ["chromium", "chromium-browser"].map(|n| d.join(n)))
        .find(|p| p.is_file())
}

/// The text the page's search box matches for an entry, computed here from the entry itself.
/// Lowercase without the accents French uses, as the page's search folds them.
fn fold(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            c => c,
        })
        .collect()
}

/// Whether the page's search for `term` must show `e` (its searchable text, accents folded).
fn matches(e: &'static Entry, term: &str) -> bool {
    fold(&EntryView::new(e).search_text()).contains(&fold(term))
}

fn reference_page_searches_filters_and_deep_links_in_chromium() {
    let Some(chromium) = find_chromium() else {
        missing("Chromium is not installed (apt-get install chromium)");
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let driver = root.join("tests/browser");
    if !driver
        .join("node_modules/playwright-core/package.json")
        .is_file()
    {
        missing("playwright-core is not installed in tests/browser");
    }

    // Expectations from the tables.
    let hits: Vec<&Entry> = entries().filter(|e| matches(e, TERM)).collect();
    assert!(!hits.is_empty(), "no entry mentions {TERM:?}");
    let mut by_provider: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for e in &hits {
        by_provider
            .entry(e.provider.into())
            .or_default()
            .push(e.anchor().to_string());
    }
    // The provider with the fewest hits, so that the filter visibly narrows when it can.
    let (provider, expect_provider) = by_provider
        .iter()
        .min_by_key(|(_, v)| v.len())
        .map(|(p, v)| (p.to_string(), v.clone()))
        .unwrap();
    if by_provider.len() > 1 {
        assert!(expect_provider.len() < hits.len());
    }
    // A deep link to an entry that the search and the provider filter both hide.
    let target = entries()
        .filter(|e| !matches(e, TERM) && <&str>::from(e.provider) != provider)
        .last()
        .or_else(|| entries().filter(|e| !matches(e, TERM)).last())
        .expect("an entry outside the search");

    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-test");
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("reference.html");
    std::fs::write(&page, html::render(&Reference::current(), Lang::En)).unwrap();
    // French: found through the French messages, some of them only there.
    let french: Vec<&Entry> = entries().filter(|e| matches(e, FRENCH)).collect();
    assert!(
        french.iter().any(|e| {
            let v = EntryView::new(e);
            !fold(&format!("{} {} {}", v.pattern, v.description, v.shopper.en))
                .contains(&fold(FRENCH))
        }),
        "some entry must be found only through its French text"
    );
    let provider_surfaces: Vec<String> = provider
        .parse::<psp_status::Provider>()
        .unwrap()
        .fields()
        .iter()
        .map(|f| f.name().to_string())
        .collect();
    let spec = serde_json::json!({
        "html": page,
        "chromium": chromium,
        "screenshots": dir,
        "term": TERM,
        "provider": provider,
        "expectSearch": hits.iter().map(|e| e.anchor()).collect::<Vec<_>>(),
        "expectProvider": expect_provider,
        "deepLink": target.anchor(),
        "deepLinkProvider": target.provider.name(),
        "deepLinkSurface": <&str>::from(target.surface),
        "frenchTerm": FRENCH,
        "expectFrench": french.iter().map(|e| e.anchor()).collect::<Vec<_>>(),
        "providerSurfaces": provider_surfaces,
        "developerWords": ["after_customer_action", "after_verifying", "mappings/", ".yaml", "trusts them in this order", "case-sensitive"],
        "fragment": html::fragment(target.anchor()),
    });
    let spec_path = dir.join("spec.json");
    std::fs::write(&spec_path, spec.to_string()).unwrap();

    let out = Command::new("node")
        .arg(driver.join("check.mjs"))
        .arg(&spec_path)
        .current_dir(&driver)
        .output()
        .expect("node runs (Node.js >= 20; .ci/install-browser installs it)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the browser check failed:\n{stderr}\nscreenshots in {}",
        dir.display()
    );
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("check.mjs prints a JSON report");
    assert_eq!(report["total"], entries().count());
    assert_eq!(report["afterSearch"], hits.len());
    assert_eq!(report["afterProvider"], expect_provider.len());
    assert!(report["checks"].as_array().unwrap().len() >= 20, "{report}");
    assert_eq!(report["afterFrench"], french.len());
    eprintln!(
        "browser: {} checks passed; {TERM:?} → {} entries, provider {provider} → {}, deep link {}",
        report["checks"].as_array().unwrap().len(),
        hits.len(),
        expect_provider.len(),
        target.anchor()
    );
}
