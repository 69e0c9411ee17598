//! Broken tables fed to the validator: every error names its file and line, all errors are
//! reported at once, and `psp-status validate` exits 1 with them on stderr.

use std::path::Path;
use std::process::Command;

const TAXONOMY: &str = include_str!("../mappings/taxonomy.yaml");

/// A valid provider file; line numbers below refer to it.
const GOOD: &str = "\
provider: acme
name: Acme
precedence:
  - error_code
  - status
surfaces:
  - name: status
    description: Status of an Acme payment.
    operation: PAYMENT
    entries:
      - raw: paid
        state: SUCCESS
        code: SUCCEEDED
        description: Collected.
        source: https://example.com/acme/status
      - raw: declined
        state: ERROR
        code: REJECTED_BANK
        description: The bank said no.
        source: https://example.com/acme/status
  - name: error_code
    description: Error codes.
    operation: PAYMENT
    entries:
      - raw: bad
        state: ERROR
        code: BAD_REQUEST
        description: Invalid request.
        source: https://example.com/acme/errors
    rules:
      - prefix: val_
        state: ERROR
        code: BAD_REQUEST
        description: Validation family.
        source: https://example.com/acme/errors
";

/// Writes taxonomy.yaml and acme.yaml into a fresh directory and validates it.
fn validate(acme: &str) -> Result<psp_status_build::Tables, Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("taxonomy.yaml"), TAXONOMY).unwrap();
    std::fs::write(dir.path().join("acme.yaml"), acme).unwrap();
    let prefix = format!("{}/", dir.path().display());
    psp_status_build::load_dir(dir.path()).map_err(|diags| {
        diags
            .iter()
            .map(|d| d.to_string().trim_start_matches(&prefix).to_string())
            .collect()
    })
}

fn errors(acme: &str) -> Vec<String> {
    validate(acme).expect_err("the table is broken")
}

#[test]
fn the_good_table_is_valid() {
    let t = validate(GOOD).expect("valid");
    assert_eq!(t.providers[0].surfaces.len(), 2);
    assert_eq!(t.providers[0].surfaces[0].entries.len(), 2);
}

#[test]
fn duplicate_raw_value_names_both_lines() {
    let broken = GOOD.replace("- raw: declined", "- raw: paid");
    assert_eq!(
        errors(&broken),
        ["acme.yaml:16:14: duplicate raw value \"paid\" in surface status (first at line 11)"]
    );
}

#[test]
fn duplicate_ignoring_case_on_insensitive_surface() {
    let broken = GOOD
        .replace(
            "    operation: PAYMENT\n    entries:\n      - raw: paid",
            "    operation: PAYMENT\n    case: ascii_insensitive\n    entries:\n      - raw: paid",
        )
        .replace("- raw: declined", "- raw: PAID");
    assert_eq!(
        errors(&broken),
        ["acme.yaml:17:14: duplicate raw value \"PAID\" in surface status (ignoring ASCII case) (first at line 12)"]
    );
}

#[test]
fn unknown_code_is_reported_with_its_line() {
    let broken = GOOD.replace("code: SUCCEEDED", "code: SUCCEDED");
    assert_eq!(
        errors(&broken),
        ["acme.yaml:13:15: unknown code `SUCCEDED` (see mappings/taxonomy.yaml)"]
    );
}

#[test]
fn unknown_state_lists_the_valid_ones() {
    let broken = GOOD.replace("state: SUCCESS", "state: DONE");
    let e = errors(&broken);
    assert_eq!(e.len(), 1);
    assert!(
        e[0].starts_with("acme.yaml:12:16: unknown state `DONE` (expected one of SUCCESS, WAITING"),
        "{e:?}"
    );
}

#[test]
fn disallowed_state_code_pair() {
    let broken = GOOD.replace("state: SUCCESS", "state: WAITING");
    assert_eq!(
        errors(&broken),
        ["acme.yaml:13:15: code SUCCEEDED is not allowed with state WAITING (allowed: SUCCESS)"]
    );
}

#[test]
fn missing_source() {
    let broken = GOOD.replace(
        "        source: https://example.com/acme/status\n      - raw: declined",
        "      - raw: declined",
    );
    assert_eq!(
        errors(&broken),
        ["acme.yaml:11:9: missing source: every entry needs the public URL it rests on"]
    );
}

#[test]
fn source_must_be_a_url() {
    let broken = GOOD.replacen(
        "source: https://example.com/acme/status",
        "source: the docs",
        1,
    );
    assert_eq!(
        errors(&broken),
        ["acme.yaml:15:17: source `the docs` is not an http(s) URL"]
    );
}

#[test]
fn unknown_key_is_an_error_with_its_place() {
    let broken = GOOD.replace(
        "        description: Collected.",
        "        descripton: Collected.",
    );
    let e = errors(&broken);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("acme.yaml:14:9: unknown field `descripton`"),
        "{e:?}"
    );
}

#[test]
fn shadowed_prefix_rule() {
    let broken = format!(
        "{GOOD}      - prefix: val_x
        state: ERROR
        code: BAD_REQUEST
        description: Never reached.
        source: https://example.com/acme/errors
"
    );
    assert_eq!(
        errors(&broken),
        ["acme.yaml:36:9: rule prefix \"val_x\" is shadowed by the rule at line 31 (prefix \"val_\")"]
    );
}

#[test]
fn overlapping_ranges() {
    let broken = format!(
        "{GOOD}      - range: {{ from: 100, to: 199 }}
        state: ERROR
        code: BAD_REQUEST
        description: One family.
        source: https://example.com/acme/errors
      - range: {{ from: 150, to: 250 }}
        state: ERROR
        code: FAILED
        description: Overlaps the first.
        source: https://example.com/acme/errors
"
    );
    assert_eq!(
        errors(&broken),
        ["acme.yaml:41:9: rule range 150..=250 is overlapping the rule at line 36 (range 100..=199)"]
    );
}

#[test]
fn precedence_must_list_every_surface_once() {
    let broken = GOOD.replace(
        "  - error_code\n  - status\n",
        "  - status\n  - status\n  - nope\n",
    );
    assert_eq!(
        errors(&broken),
        [
            "acme.yaml:5:5: surface `status` is listed twice in precedence (first at line 4)",
            "acme.yaml:6:5: precedence names unknown surface `nope`",
            "acme.yaml:22:11: surface `error_code` is missing from precedence",
        ]
    );
}

#[test]
fn every_error_is_reported_at_once() {
    let broken = GOOD
        .replace("code: SUCCEEDED", "code: SUCCEDED")
        .replace("- raw: declined", "- raw: paid")
        .replace(
            "        source: https://example.com/acme/errors\n    rules:",
            "    rules:",
        );
    let e = errors(&broken);
    assert_eq!(e.len(), 3, "{e:?}");
    assert!(e
        .iter()
        .any(|m| m.starts_with("acme.yaml:13:15: unknown code")));
    assert!(e
        .iter()
        .any(|m| m.starts_with("acme.yaml:16:14: duplicate raw value")));
    assert!(e
        .iter()
        .any(|m| m.starts_with("acme.yaml:25:9: missing source")));
}

#[test]
fn yaml_syntax_error_has_file_and_line() {
    let broken = GOOD.replace(
        "        description: Collected.",
        "        description: [Collected.",
    );
    let e = errors(&broken);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].starts_with("acme.yaml:14:"), "{e:?}");
}

#[test]
fn duplicate_yaml_keys_are_rejected() {
    let broken = GOOD.replace(
        "        state: SUCCESS\n",
        "        state: SUCCESS\n        state: ERROR\n",
    );
    let e = errors(&broken);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("acme.yaml:13:9: duplicate mapping key: state"),
        "{e:?}"
    );
}

#[test]
fn provider_must_match_file_name() {
    let broken = GOOD.replace("provider: acme", "provider: acne");
    assert_eq!(
        errors(&broken),
        ["acme.yaml:1:11: provider `acne` must equal the file name `acme`"]
    );
}

#[test]
fn validate_command_exits_1_and_prints_every_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("taxonomy.yaml"), TAXONOMY).unwrap();
    let broken = GOOD
        .replace("code: SUCCEEDED", "code: SUCCEDED")
        .replace("- raw: declined", "- raw: paid");
    std::fs::write(dir.path().join("acme.yaml"), broken).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_psp-status"))
        .arg("validate")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let acme = dir.path().join("acme.yaml");
    assert!(
        stderr.contains(&format!(
            "{}:13:15: unknown code `SUCCEDED`",
            acme.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "{}:16:14: duplicate raw value \"paid\"",
            acme.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("2 problem(s)"), "{stderr}");
}

#[test]
fn validate_command_accepts_the_shipped_tables() {
    let out = Command::new(env!("CARGO_BIN_EXE_psp-status"))
        .args(["validate", "--json"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("mappings"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], psp_status::TABLE_VERSION);
    assert_eq!(
        v["digest"],
        psp_status::TABLE_DIGEST,
        "the binary was built from these files"
    );
    let compiled = psp_status::entries().count() as u64;
    let counted: u64 = v["providers"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p["total"].as_u64().unwrap())
        .sum();
    assert_eq!(
        counted, compiled,
        "validator and compiled tables count the same entries"
    );
}

/// GOOD with `checked_against:` on the `status` surface (lines 9–11).
fn with_checked_against(items: &str) -> String {
    GOOD.replace(
        "    description: Status of an Acme payment.\n",
        &format!("    description: Status of an Acme payment.\n    checked_against:\n{items}"),
    )
}

#[test]
fn checked_against_is_carried_in_file_order() {
    let t = validate(&with_checked_against(
        "      - https://github.com/acme/acme-sdk/blob/0123abc/src/status.rs\n      - https://docs.example.com/acme/status\n",
    ))
    .expect("valid");
    let s = &t.providers[0].surfaces;
    assert_eq!(
        s[0].checked_against,
        [
            "https://github.com/acme/acme-sdk/blob/0123abc/src/status.rs",
            "https://docs.example.com/acme/status"
        ]
    );
    assert!(s[1].checked_against.is_empty(), "the key is optional");
}

#[test]
fn checked_against_items_must_be_http_urls() {
    let e = errors(&with_checked_against(
        "      - the SDK\n      - \"\"\n      - https://docs.example.com/a\n      - https://docs.example.com/a\n      - https://\n",
    ));
    assert_eq!(
        e,
        [
            "acme.yaml:10:9: checked_against `the SDK` is not an http(s) URL",
            "acme.yaml:11:9: `checked_against` item is empty",
            "acme.yaml:13:9: `https://docs.example.com/a` is listed twice in checked_against (first at line 12)",
            "acme.yaml:14:9: checked_against `https://` has no host",
        ]
    );
}

#[test]
fn checked_against_may_not_be_an_empty_list() {
    let broken = GOOD.replace(
        "    description: Status of an Acme payment.\n",
        "    description: Status of an Acme payment.\n    checked_against: []\n",
    );
    let e = errors(&broken);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("acme.yaml:9:22: `checked_against` is empty"),
        "{e:?}"
    );
}

#[test]
fn validate_json_prints_checked_against_per_surface() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("taxonomy.yaml"), TAXONOMY).unwrap();
    std::fs::write(
        dir.path().join("acme.yaml"),
        with_checked_against("      - https://docs.example.com/acme/status\n"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_psp-status"))
        .args(["validate", "--json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["providers"]["acme"]["checked_against"],
        serde_json::json!({
            "status": ["https://docs.example.com/acme/status"],
            "error_code": [],
        })
    );
    assert_eq!(v["providers"]["acme"]["surfaces"]["status"], 2);
}

#[test]
fn an_entry_may_carry_its_own_support_text() {
    let with = GOOD.replace(
        "        description: The bank said no.\n",
        "        description: The bank said no.\n        agent: Ask the customer to call their bank.\n        shopper:\n          en: Your bank said no.\n          fr: Votre banque a refusé.\n",
    );
    let t = validate(&with).unwrap();
    let e = &t.providers[0].surfaces[0].entries[1];
    assert_eq!(
        t.support_of(e),
        (
            "Your bank said no.",
            "Votre banque a refusé.",
            "Ask the customer to call their bank."
        )
    );
    // The other entry keeps its code's text.
    let paid = &t.providers[0].surfaces[0].entries[0];
    let succeeded = t.codes.iter().find(|c| c.name == "SUCCEEDED").unwrap();
    assert_eq!(t.support_of(paid).2, succeeded.agent);
}

#[test]
fn an_entry_shopper_override_needs_both_languages() {
    let with = GOOD.replace(
        "        description: The bank said no.\n",
        "        description: The bank said no.\n        shopper:\n          en: Your bank said no.\n",
    );
    let e = errors(&with);
    assert!(
        e.iter()
            .any(|m| m.starts_with("acme.yaml:") && m.contains("missing shopper message in `fr`")),
        "{e:?}"
    );
}

#[test]
fn code_support_must_name_one_of_its_states() {
    let dir = tempfile::tempdir().unwrap();
    let taxonomy = TAXONOMY.replace(
        "    agent: Nothing to do. Confirm the order to the customer if they ask.\n",
        "    agent: Nothing to do. Confirm the order to the customer if they ask.\n    support:\n      ERROR:\n        agent: Never used.\n",
    );
    assert_ne!(taxonomy, TAXONOMY);
    std::fs::write(dir.path().join("taxonomy.yaml"), taxonomy).unwrap();
    std::fs::write(dir.path().join("acme.yaml"), GOOD).unwrap();
    let diags = psp_status_build::load_dir(dir.path()).unwrap_err();
    assert!(
        diags
            .iter()
            .any(|d| d.to_string().contains("`support` for state `ERROR`")),
        "{diags:?}"
    );
}
