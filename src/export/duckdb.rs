//! The DuckDB script: tables, then the `psp_classify` macro.

use super::{header, values, Dialect, Model, LOWER, UPPER};

/// A DuckDB string literal: `'…'` with `'` doubled; control and non-ASCII characters written
/// as `chr(n)` so the script is plain ASCII whatever the values hold (backslashes are
/// ordinary characters in DuckDB strings).
///
/// ```ignore
/// assert_eq!(lit("it's"), "'it''s'");
/// assert_eq!(lit("é"), "('' || chr(233) || '')");
/// ```
pub(crate) fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    let mut plain = true;
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("''"),
            ' '..='~' => out.push(c),
            _ => {
                plain = false;
                out.push_str(&format!("' || chr({}) || '", c as u32));
            }
        }
    }
    out.push('\'');
    if plain {
        out
    } else {
        format!("({out})")
    }
}

pub(crate) fn render(m: &Model, command: &str) -> String {
    let mut o = header(m, Dialect::Duckdb, command);
    o.push_str(
        "-- Tables. Re-running the script replaces them.\n\
         CREATE OR REPLACE TABLE psp_meta (table_version VARCHAR NOT NULL, table_digest VARCHAR NOT NULL, generated_by VARCHAR NOT NULL);\n",
    );
    o.push_str(&format!(
        "INSERT INTO psp_meta VALUES ({}, {}, {});\n\n",
        lit(m.version),
        lit(m.digest),
        lit(&command.replace(['\n', '\r'], " "))
    ));
    let tables: [(&str, &str, Vec<Vec<super::Cell>>); 6] = [
        (
            "psp_providers",
            "provider VARCHAR NOT NULL, name VARCHAR NOT NULL, PRIMARY KEY (provider)",
            m.provider_rows(),
        ),
        (
            "psp_provider_names",
            "name_key VARCHAR NOT NULL, provider VARCHAR NOT NULL, PRIMARY KEY (name_key)",
            m.provider_name_rows(),
        ),
        (
            "psp_surfaces",
            "provider VARCHAR NOT NULL, surface VARCHAR NOT NULL, precedence INTEGER NOT NULL, \
             case_insensitive BOOLEAN NOT NULL, operation VARCHAR, description VARCHAR NOT NULL, \
             PRIMARY KEY (provider, surface)",
            m.surface_rows(),
        ),
        (
            "psp_entries",
            "provider VARCHAR NOT NULL, surface VARCHAR NOT NULL, raw VARCHAR NOT NULL, \
             match_key VARCHAR NOT NULL, state VARCHAR NOT NULL, code VARCHAR NOT NULL, \
             operation VARCHAR NOT NULL, anchor VARCHAR NOT NULL, description VARCHAR NOT NULL, \
             source VARCHAR NOT NULL, PRIMARY KEY (provider, surface, match_key)",
            m.exact_rows(),
        ),
        (
            "psp_rules",
            "provider VARCHAR NOT NULL, surface VARCHAR NOT NULL, position INTEGER NOT NULL, \
             kind VARCHAR NOT NULL, prefix VARCHAR, match_prefix VARCHAR, range_from DECIMAL(20,0), \
             range_to DECIMAL(20,0), state VARCHAR NOT NULL, code VARCHAR NOT NULL, \
             operation VARCHAR NOT NULL, anchor VARCHAR NOT NULL, description VARCHAR NOT NULL, \
             source VARCHAR NOT NULL, PRIMARY KEY (provider, surface, position)",
            m.rule_rows(),
        ),
        (
            "psp_defaults",
            "provider VARCHAR NOT NULL, surface VARCHAR NOT NULL, state VARCHAR NOT NULL, \
             code VARCHAR NOT NULL, operation VARCHAR NOT NULL, anchor VARCHAR NOT NULL, \
             description VARCHAR NOT NULL, source VARCHAR NOT NULL, PRIMARY KEY (provider, surface)",
            m.default_rows(),
        ),
    ];
    for (name, cols, rows) in tables {
        o.push_str(&format!("CREATE OR REPLACE TABLE {name} ({cols});\n"));
        if !rows.is_empty() {
            o.push_str(&format!(
                "INSERT INTO {name} VALUES\n{};\n",
                values(&rows, &lit)
            ));
        }
        o.push('\n');
    }
    o.push_str(&format!(
        "-- ASCII-only lower case, as the engine folds provider names and case-insensitive values.\n\
         -- lower() on ASCII-only text (where it folds A-Z only, and runs ~25x faster than translate()\n\
         -- in DuckDB), translate() on anything else.\n\
         CREATE OR REPLACE MACRO psp_ascii_lower(psp_x) AS CASE WHEN strlen(psp_x) = length(psp_x) THEN lower(psp_x)\n\
         \x20 ELSE translate(psp_x, '{UPPER}', '{LOWER}') END;\n\n\
         -- The number an all-digit value writes (leading zeros allowed, any length); NULL for\n\
         -- anything else and for numbers no range can hold (more than 20 significant digits).\n\
         CREATE OR REPLACE MACRO psp_number(psp_x) AS CASE\n\
         \x20 WHEN regexp_full_match(psp_x, '[0-9]+') AND length(ltrim(psp_x, '0')) <= 20\n\
         \x20 THEN ('0' || ltrim(psp_x, '0'))::DECIMAL(38,0) END;\n\n"
    ));
    o.push_str(CLASSIFY);
    o.push_str(RESOLVE);
    o.push_str(CLASSIFY_TABLE);
    o
}

const CLASSIFY: &str = "\
-- psp_classify(provider, surface, raw) -> STRUCT(state, code, operation, matched, anchor).
-- The provider is its id or display name (psp_provider_names), the provider and the surface in
-- any ASCII case. NULL when either is unknown, and when raw is NULL or
-- empty: an empty value is no signal, as in `psp-status reclassify`.
CREATE OR REPLACE MACRO psp_classify(psp_provider, psp_surface, psp_raw) AS (
  SELECT coalesce(
    (SELECT {'state': psp_e.state, 'code': psp_e.code, 'operation': psp_e.operation, 'matched': 'exact', 'anchor': psp_e.anchor}
       FROM psp_entries psp_e
      WHERE psp_e.provider = psp_v.provider AND psp_e.surface = psp_v.surface AND psp_e.match_key = psp_v.match_key),
    (SELECT arg_min({'state': psp_r.state, 'code': psp_r.code, 'operation': psp_r.operation, 'matched': 'rule', 'anchor': psp_r.anchor}, psp_r.position)
       FROM psp_rules psp_r
      WHERE psp_r.provider = psp_v.provider AND psp_r.surface = psp_v.surface
        AND (starts_with(psp_v.match_key, psp_r.match_prefix) OR psp_number(psp_v.raw) BETWEEN psp_r.range_from AND psp_r.range_to)),
    (SELECT {'state': psp_d.state, 'code': psp_d.code, 'operation': psp_d.operation, 'matched': 'default', 'anchor': psp_d.anchor}
       FROM psp_defaults psp_d
      WHERE psp_d.provider = psp_v.provider AND psp_d.surface = psp_v.surface AND psp_v.raw <> ''),
    {'state': 'UNCERTAIN', 'code': 'UNMAPPED', 'operation': psp_v.operation, 'matched': 'unmapped', 'anchor': NULL::VARCHAR})
  FROM (SELECT psp_s.provider, psp_s.surface, psp_s.operation, coalesce(psp_raw, '') AS raw,
               CASE WHEN psp_s.case_insensitive THEN psp_ascii_lower(coalesce(psp_raw, '')) ELSE coalesce(psp_raw, '') END AS match_key
          FROM psp_provider_names psp_n JOIN psp_surfaces psp_s ON psp_s.provider = psp_n.provider
         WHERE psp_n.name_key = psp_ascii_lower(psp_provider) AND psp_s.surface = psp_ascii_lower(psp_surface)
           AND coalesce(psp_raw, '') <> '') psp_v
);
";

const RESOLVE: &str = "\
-- psp_resolve(provider, [surface, ...], [raw, ...]) -> the same STRUCT as psp_classify, for
-- several signals of one response, as the engine's resolve: a signal that matched (exact, rule
-- or default) on a more specific surface (lower psp_surfaces.precedence) outranks every signal
-- on a less specific one; unmapped signals rank last; ties keep the earlier signal. A NULL or
-- empty raw is an absent signal; with none present, NULL (reclassify rejects such a row: no
-- signal). NULL too when the provider or any surface is unknown.
CREATE OR REPLACE MACRO psp_resolve(psp_provider, psp_surfaces, psp_raws) AS (
  SELECT CASE
    WHEN count(*) FILTER (WHERE psp_x.known IS NULL) > 0 THEN NULL
    WHEN count(*) FILTER (WHERE psp_x.present) = 0 THEN NULL
    ELSE arg_min(psp_x.c, (psp_x.c.matched = 'unmapped')::INTEGER * 1000000 + psp_x.precedence * 1000 + psp_x.i) FILTER (WHERE psp_x.present)
    END
  FROM (SELECT psp_t.i, psp_s.provider AS known, psp_s.precedence,
               coalesce(psp_raws[psp_t.i], '') <> '' AS present,
               psp_classify(psp_provider, psp_surfaces[psp_t.i], psp_raws[psp_t.i]) AS c
          FROM range(1, len(psp_surfaces) + 1) psp_t(i)
          LEFT JOIN (psp_provider_names psp_n JOIN psp_surfaces psp_s ON psp_s.provider = psp_n.provider)
            ON psp_n.name_key = psp_ascii_lower(psp_provider) AND psp_s.surface = psp_ascii_lower(psp_surfaces[psp_t.i])) psp_x
);
";

const CLASSIFY_TABLE: &str = "\
-- psp_lookup: every value a plain join can answer, already classified by psp_classify when the
-- script runs: each exact entry's raw value and its match key, and every value of a range rule
-- up to 100,000 wide written without leading zeros, under the provider's id and display name
-- as written in psp_providers, on each surface as written in psp_surfaces.
CREATE OR REPLACE TABLE psp_lookup AS
WITH psp_n AS (SELECT provider, provider AS spelling FROM psp_providers UNION SELECT provider, name FROM psp_providers),
psp_v AS (SELECT provider, surface, raw FROM psp_entries
  UNION SELECT provider, surface, match_key FROM psp_entries
  UNION SELECT provider, surface, CAST(unnest(range(range_from::BIGINT, range_to::BIGINT + 1)) AS VARCHAR)
          FROM psp_rules WHERE kind = 'range' AND range_to < 1000000000000000000 AND range_to - range_from < 100000)
SELECT provider, surface, raw, psp_c.state AS psp_state, psp_c.code AS psp_code,
       psp_c.operation AS psp_operation, psp_c.matched AS psp_matched, psp_c.anchor AS psp_anchor
FROM (SELECT psp_n.spelling AS provider, psp_v.surface, psp_v.raw,
             psp_classify(psp_n.spelling, psp_v.surface, psp_v.raw) AS psp_c
        FROM psp_n JOIN psp_v ON psp_v.provider = psp_n.provider) psp_x
WHERE psp_c IS NOT NULL;

-- psp_classify_table('history'): every row of the named table or view (which has columns
-- provider, surface and raw, and none named classification or starting with psp_), with a
-- column classification = psp_classify(provider, surface, raw). Row order is not kept. The same
-- result as calling psp_classify per row, faster on large tables: one join with psp_lookup on
-- the columns as written answers most rows; psp_classify runs once per distinct
-- (provider, surface, raw) of the rest (case variants, prefix rules, defaults, unmapped).
CREATE OR REPLACE MACRO psp_classify_table(psp_history) AS TABLE
WITH psp_j AS MATERIALIZED (
  SELECT psp_h.*, psp_f.psp_state, psp_f.psp_code, psp_f.psp_operation, psp_f.psp_matched, psp_f.psp_anchor
    FROM query_table(psp_history) psp_h LEFT JOIN psp_lookup psp_f
      ON psp_f.provider = psp_h.provider AND psp_f.surface = psp_h.surface AND psp_f.raw = psp_h.raw)
SELECT * EXCLUDE (psp_state, psp_code, psp_operation, psp_matched, psp_anchor),
       {'state': psp_state, 'code': psp_code, 'operation': psp_operation, 'matched': psp_matched, 'anchor': psp_anchor} AS classification
  FROM psp_j WHERE psp_matched IS NOT NULL
UNION ALL BY NAME
-- The rest, grouped (a grouping consumes the shared join result as it streams; a second scan of
-- it would make DuckDB buffer every row), classified once per group, then expanded again.
SELECT * EXCLUDE (psp_state, psp_code, psp_operation, psp_matched, psp_anchor) FROM (
  SELECT unnest(psp_m.psp_row), psp_classify(psp_m.psp_row.provider, psp_m.psp_row.surface, psp_m.psp_row.raw) AS classification
    FROM (SELECT unnest(psp_g.psp_rows) AS psp_row
            FROM (SELECT list(psp_j) AS psp_rows FROM psp_j WHERE psp_matched IS NULL
                   GROUP BY psp_j.provider, psp_j.surface, psp_j.raw) psp_g) psp_m);
";

#[cfg(test)]
mod tests {
    use super::lit;

    #[test]
    fn literals_are_plain_ascii_and_quoted() {
        assert_eq!(lit("paid"), "'paid'");
        assert_eq!(lit("it's"), "'it''s'");
        assert_eq!(lit("a\\b"), "'a\\b'");
        assert_eq!(lit("caf\u{e9}"), "('caf' || chr(233) || '')");
        assert_eq!(lit("a\nb"), "('a' || chr(10) || 'b')");
        assert!(lit("\u{1F600}'\r").is_ascii());
    }
}
