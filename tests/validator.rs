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
    // The unknown key stops nothing: the entry is still checked, and lacks its description.
    assert_eq!(
        errors(&broken),
        [
            "acme.yaml:11:9: missing `description`",
            "acme.yaml:14:9: unknown key `descripton` in an entry (did you mean `description`? \
             expected raw, prefix, range, state, code, operation, description, source, shopper, agent)",
        ]
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
    // The parser stops where the text stops making sense (the `:` of the next line); the
    // message points back at the bracket left open.
    assert_eq!(
        errors(&broken),
        [
            "acme.yaml:15:15: invalid YAML: illegal placement of ':' indicator (inside the `[` \
          opened at line 14, column 22: is a `]` missing?)"
        ]
    );
}

#[test]
fn duplicate_yaml_keys_are_rejected() {
    let broken = GOOD.replace(
        "        state: SUCCESS\n",
        "        state: SUCCESS\n        state: ERROR\n",
    );
    assert_eq!(
        errors(&broken),
        ["acme.yaml:13:9: duplicate key `state` (first at line 12)"]
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

// --- every error of every file, each at its place ------------------------------------------------

/// Writes `files` into a fresh directory and validates it; diagnostics without the directory.
fn errors_of(files: &[(&str, &str)]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let prefix = format!("{}/", dir.path().display());
    psp_status_build::load_dir(dir.path())
        .map(|_| ())
        .expect_err("the tables are broken")
        .iter()
        .map(|d| d.to_string().trim_start_matches(&prefix).to_string())
        .collect()
}

/// The 1-based line of the first line of `text` that starts with `start`.
fn line_of(text: &str, start: &str) -> usize {
    1 + text
        .lines()
        .position(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starts with {start:?}"))
}

/// The taxonomy with `extra` inserted as a line before `states:`, and its line number.
fn taxonomy_with_line_before_states(extra: &str) -> (String, usize) {
    let text = TAXONOMY.replacen("\nstates:\n", &format!("\n{extra}\nstates:\n"), 1);
    let line = line_of(&text, extra);
    (text, line)
}

#[test]
fn errors_of_several_files_come_together_each_at_its_place() {
    let (taxonomy, colour) = taxonomy_with_line_before_states("colour: blue");
    let taxonomy = taxonomy.replacen(
        "{ UNCERTAIN: after_verifying }",
        "{ UNCERTAIN: after_verfying }",
        1,
    );
    let retry_line = line_of(&taxonomy, "    states: { UNCERTAIN: after_verfying }");
    let acme = GOOD
        .replace("code: SUCCEEDED", "code: SUCCEDED")
        .replace(
            "        description: Collected.",
            "        descripton: Collected.",
        )
        .replace("- raw: declined", "- raw: paid");
    let zeta = GOOD
        .replace("provider: acme", "provider: zeta")
        .replace(
            "precedence:\n  - error_code\n  - status\n",
            "precedence: status\n",
        )
        .replace(
            "        source: https://example.com/acme/errors\n    rules:",
            "    rules:",
        );
    let e = errors_of(&[
        ("taxonomy.yaml", &taxonomy),
        ("acme.yaml", &acme),
        ("zeta.yaml", &zeta),
    ]);
    assert_eq!(
        e,
        [
            "acme.yaml:11:9: missing `description`".to_string(),
            "acme.yaml:13:15: unknown code `SUCCEDED` (see mappings/taxonomy.yaml)".into(),
            "acme.yaml:14:9: unknown key `descripton` in an entry (did you mean `description`? \
             expected raw, prefix, range, state, code, operation, description, source, shopper, agent)"
                .into(),
            "acme.yaml:16:14: duplicate raw value \"paid\" in surface status (first at line 11)".into(),
            format!("taxonomy.yaml:{colour}:1: unknown key `colour` in taxonomy.yaml (expected version, states, operations, codes)"),
            format!("taxonomy.yaml:{retry_line}:26: unknown retry advice `after_verfying` (expected one of never, wait, later, after_customer_action, after_verifying)"),
            "zeta.yaml:3:13: `precedence` must be a list, not text".into(),
            "zeta.yaml:23:9: missing source: every entry needs the public URL it rests on".into(),
        ]
    );
}

/// The taxonomy cut by a syntax error in the middle of its codes, and the line of the error.
fn taxonomy_cut_in_codes() -> (String, usize) {
    let text = TAXONOMY.replacen(
        "  - name: AUTHORIZATION_REVOKED\n",
        "  - name: AUTHORIZATION_REVOKED\n    states: { ERROR: never\n",
        1,
    );
    let line = line_of(&text, "    states: { ERROR: never");
    (text, line)
}

#[test]
fn a_broken_taxonomy_hides_no_provider_error() {
    let (taxonomy, _) = taxonomy_cut_in_codes();
    // SUCCEDED might be defined after the cut: not called unknown. DONE is not a state, and the
    // states were read in full: reported. The missing source needs no taxonomy: reported.
    let acme = GOOD
        .replace("code: SUCCEEDED", "code: SUCCEDED")
        .replace(
            "state: ERROR\n        code: REJECTED_BANK",
            "state: DONE\n        code: REJECTED_BANK",
        )
        .replace(
            "        source: https://example.com/acme/errors\n    rules:",
            "    rules:",
        );
    let e = errors_of(&[("taxonomy.yaml", &taxonomy), ("acme.yaml", &acme)]);
    assert_eq!(e.len(), 3, "{e:#?}");
    assert!(
        e[0].starts_with("acme.yaml:17:16: unknown state `DONE` (expected one of SUCCESS, "),
        "{e:#?}"
    );
    assert_eq!(
        e[1],
        "acme.yaml:25:9: missing source: every entry needs the public URL it rests on"
    );
    assert!(
        e[2].starts_with("taxonomy.yaml:") && e[2].contains(": invalid YAML: "),
        "{e:#?}"
    );
    assert!(e[2].contains("is a `}` missing?"), "{e:#?}");
}

#[test]
fn the_codes_read_before_a_taxonomy_syntax_error_still_check_the_providers() {
    let (taxonomy, _) = taxonomy_cut_in_codes();
    // SUCCEEDED is defined before the cut: its allowed states are known, WAITING is not one.
    let acme = GOOD.replace("state: SUCCESS", "state: WAITING");
    let e = errors_of(&[("taxonomy.yaml", &taxonomy), ("acme.yaml", &acme)]);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert_eq!(
        e[0],
        "acme.yaml:13:15: code SUCCEEDED is not allowed with state WAITING (allowed: SUCCESS)"
    );
}

#[test]
fn a_missing_taxonomy_hides_no_provider_error() {
    let acme = GOOD.replace(
        "        source: https://example.com/acme/errors\n    rules:",
        "    rules:",
    );
    assert_eq!(
        errors_of(&[("acme.yaml", &acme)]),
        [
            "acme.yaml:25:9: missing source: every entry needs the public URL it rests on",
            "taxonomy.yaml:1:1: taxonomy.yaml is missing: every table needs the states, codes and \
             operations it refers to",
        ]
    );
}

#[test]
fn errors_before_a_syntax_error_are_reported_and_nothing_after_it_is_called_missing() {
    // The file ends inside an entry: its `description` and `source` were never read.
    let cut = GOOD
        .split("        description: The bank said no.")
        .next()
        .unwrap()
        .to_string()
        + "        description: [The bank said no.\n";
    let acme = cut.replace("code: SUCCEEDED", "code: SUCCEDED");
    let e = errors_of(&[("taxonomy.yaml", TAXONOMY), ("acme.yaml", &acme)]);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert_eq!(
        e[0],
        "acme.yaml:13:15: unknown code `SUCCEDED` (see mappings/taxonomy.yaml)"
    );
    assert_eq!(e[1], "acme.yaml:19:22: invalid YAML: unclosed bracket '['");
}

#[test]
fn values_of_the_wrong_kind_are_reported_where_they_are() {
    let acme = format!(
        "{}      - just a string\n      - range: {{ from: 2e4, to: 99999999999999999999 }}\n        state: ERROR\n        code: BAD_REQUEST\n        description: Numbers.\n        source: https://example.com/acme/errors\n      - range: {{ from: 5 }}\n        state: ERROR\n        code: BAD_REQUEST\n        description: Half a range.\n        source: https://example.com/acme/errors\n",
        GOOD.replace("    description: Error codes.", "    description: [Error, codes]")
    );
    assert_eq!(
        errors_of(&[("taxonomy.yaml", TAXONOMY), ("acme.yaml", &acme)]),
        [
            "acme.yaml:22:18: `description` must be text, not a list",
            "acme.yaml:36:9: a rule must be a mapping of keys (raw, prefix, range, state, code, \
             operation, description, source, shopper, agent), not text",
            "acme.yaml:37:24: `from` must be a whole number from 0 to 18446744073709551615, not `2e4`",
            "acme.yaml:37:33: `to` must be a whole number from 0 to 18446744073709551615, not \
             `99999999999999999999`",
            "acme.yaml:42:16: missing `to` in the range",
        ]
    );
}

#[test]
fn an_empty_or_non_utf8_file_is_reported_with_a_place() {
    let mut bytes = GOOD.as_bytes().to_vec();
    let at = GOOD.find("Collected.").unwrap();
    bytes.splice(at..at + 1, [0xff, 0xfe]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("taxonomy.yaml"), TAXONOMY).unwrap();
    std::fs::write(dir.path().join("acme.yaml"), bytes).unwrap();
    std::fs::write(dir.path().join("empty.yaml"), "# nothing yet\n").unwrap();
    let prefix = format!("{}/", dir.path().display());
    let e: Vec<String> = psp_status_build::load_dir(dir.path())
        .map(|_| ())
        .unwrap_err()
        .iter()
        .map(|d| d.to_string().trim_start_matches(&prefix).to_string())
        .collect();
    assert_eq!(
        e,
        [
            "acme.yaml:14:22: not UTF-8: bytes ff fe (tables are UTF-8 text)",
            "empty.yaml:1:1: the file holds no table (expected the keys provider, name, \
             precedence, surfaces)",
        ]
    );
}

#[test]
fn clashes_between_files_are_placed_on_the_later_one() {
    let zeta = GOOD
        .replace("provider: acme", "provider: zeta")
        .replace(
            "  - error_code\n  - status\n",
            "  - error__code\n  - status\n",
        )
        .replace("  - name: error_code", "  - name: error__code");
    let e = errors_of(&[
        ("taxonomy.yaml", TAXONOMY),
        ("acme.yaml", GOOD),
        ("acme.yml", GOOD),
        ("zeta.yaml", &zeta),
    ]);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(
        e[0].starts_with("acme.yml:1:11: provider `acme` is already defined in "),
        "{e:#?}"
    );
    assert_eq!(
        e[1],
        "zeta.yaml:21:11: surface `error__code` and surface `error_code` both become the \
         identifier ErrorCode: rename one"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Whatever a file becomes (bytes cut out, YAML punctuation put in), the validator neither
    /// panics nor places a problem outside the file.
    #[test]
    fn every_problem_is_placed_inside_its_file(
        cut in 0usize..GOOD.len(), len in 0usize..40,
        put in 0usize..GOOD.len(), junk in "[-:\\[\\]{}#'\"&*!|> \n\ta-z]{0,8}",
    ) {
        let mut text = GOOD.to_string();
        let end = (cut + len).min(text.len());
        text.replace_range(cut..end, "");
        let put = put.min(text.len());
        text.insert_str(put, &junk);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("taxonomy.yaml"), TAXONOMY).unwrap();
        std::fs::write(dir.path().join("acme.yaml"), &text).unwrap();
        let lines = text.split('\n').map(|l| l.chars().count() as u64 + 1).collect::<Vec<_>>();
        if let Err(diags) = psp_status_build::load_dir(dir.path()) {
            for d in diags {
                proptest::prop_assert!(d.line >= 1 && d.column >= 1, "{d}");
                if d.path.ends_with("acme.yaml") {
                    let width = lines.get(d.line as usize - 1).copied();
                    proptest::prop_assert!(width.is_some_and(|w| d.column <= w), "{d} in {text:?}");
                }
            }
        }
    }
}

#[test]
fn control_characters_of_a_table_never_reach_the_terminal() {
    // A double-quoted YAML key may hold any character, ESC included.
    let broken = GOOD.replace(
        "        description: Collected.",
        "        description: Collected.\n        \"\\e[2J\\e]0;pwned\\a\": 1",
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("taxonomy.yaml"), TAXONOMY).unwrap();
    std::fs::write(dir.path().join("acme.yaml"), broken).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_psp-status"))
        .arg("validate")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        !stderr.chars().any(|c| c.is_control() && c != '\n'),
        "{stderr:?}"
    );
    assert!(
        stderr
            .contains("acme.yaml:15:9: unknown key `\\u{1b}[2J\\u{1b}]0;pwned\\u{7}` in an entry"),
        "{stderr}"
    );
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
