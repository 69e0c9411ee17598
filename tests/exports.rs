//! Real exports (issue 11): provider names as people write them, mixed providers in one run,
//! nested JSON keys, the empty-cell rule, near misses, reject limits, file placement.

use psp_status::{Field, Provider};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_psp-status");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn ok(args: &[&str]) -> Output {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap()
}

#[test]
fn provider_names_as_people_write_them_parse_in_the_library() {
    for name in [
        "checkout",
        "Checkout",
        "CHECKOUT",
        "Checkout.com",
        "checkout.com",
        "CHECKOUT.COM",
    ] {
        assert_eq!(name.parse::<Provider>(), Ok(Provider::Checkout), "{name}");
    }
    for p in <Provider as strum::IntoEnumIterator>::iter() {
        for n in p.spellings() {
            assert_eq!(n.parse::<Provider>(), Ok(p));
            assert_eq!(n.to_ascii_uppercase().parse::<Provider>(), Ok(p));
        }
        assert_eq!(
            p.name().parse::<Provider>(),
            Ok(p),
            "the displayed name is read back"
        );
    }
    assert!("checkout.co".parse::<Provider>().is_err());
    assert!("checkout com".parse::<Provider>().is_err());
    let f: Field = "Checkout.com/Response_Code".parse().unwrap();
    assert_eq!(f, psp_status::checkout::RESPONSE_CODE);
    assert_eq!(
        Provider::Stripe.field("PAYMENT_INTENT.STATUS"),
        Ok(psp_status::stripe::PAYMENT_INTENT_STATUS.into())
    );
}

#[test]
fn checkout_com_as_an_argument() {
    let out = ok(&[
        "classify",
        "Checkout.com",
        "Response_Code",
        "20051",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["provider"], "checkout");
    assert_eq!(v["code"], "INSUFFICIENT_FUNDS");
    let out = ok(&["explain", "checkout.com", "response_code", "20051"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Checkout.com"));
    let out = run(&["classify", "checkout.co", "response_code", "20051"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn checkout_com_in_a_cell_and_as_the_provider_option() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "in.csv",
        "id,provider,surface,raw\n1,Checkout.com,response_code,20051\n2,CHECKOUT.COM,Payment.Status,Declined\n3,checkout,response_code,10000\n",
    );
    let out = dir.path().join("out.csv");
    ok(&["reclassify", s(&input), "-o", s(&out), "-q"]);
    let (h, rows) = read_csv(&out);
    let code = col(&h, "code");
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][code], "INSUFFICIENT_FUNDS");
    let c = psp_status::classify(psp_status::checkout::PAYMENT_STATUS, "Declined");
    assert_eq!(rows[1][code], c.code.to_string());
    assert_eq!(rows[2][col(&h, "matched")], "exact");

    let input = write(dir.path(), "one.csv", "id,rc\n1,20051\n");
    let out = dir.path().join("one.out.csv");
    ok(&[
        "reclassify",
        s(&input),
        "-o",
        s(&out),
        "-q",
        "--provider",
        "Checkout.com",
        "--surface",
        "RESPONSE_CODE",
        "--raw-column",
        "rc",
    ]);
    let (h, rows) = read_csv(&out);
    assert_eq!(rows[0][col(&h, "code")], "INSUFFICIENT_FUNDS");
}

#[test]
fn the_reference_lists_the_accepted_spellings() {
    let md =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/reference.md")).unwrap();
    assert!(md.contains("Named `checkout` or `Checkout.com` (any case)"));
    assert!(md.contains("Named `stripe` (any case)"));
}
