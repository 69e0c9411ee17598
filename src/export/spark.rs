//! The Spark SQL script: temporary views holding the tables and temporary SQL functions
//! (`CREATE TEMPORARY FUNCTION … RETURNS … RETURN`, Spark 4.x), for one session.

use super::{header, values, Dialect, Model, LOWER, UPPER};

/// A Spark SQL string literal: `'…'` with backslash escapes (Spark's default parser), control
/// and non-ASCII characters as `\uXXXX` (UTF-16 units), so the script is plain ASCII.
pub(crate) fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04X}"));
                }
            }
        }
    }
    out.push('\'');
    out
}

pub(crate) fn render(m: &Model, command: &str) -> String {
    let mut o = header(m, Dialect::Spark, command);
    o.push_str(
        "-- Statements end with ';' at the end of a line: run them in one SparkSession, one by one\n\
         -- (docs/sql.md shows how). Everything is temporary: it lives as long as the session.\n\n",
    );
    o.push_str(&format!(
        "CREATE OR REPLACE TEMPORARY VIEW psp_meta AS SELECT * FROM VALUES ({}, {}, {}) AS t(table_version, table_digest, generated_by);\n\n",
        lit(m.version),
        lit(m.digest),
        lit(&command.replace(['\n', '\r'], " "))
    ));
    let views: [(&str, &str, Vec<Vec<super::Cell>>); 6] = [
        ("psp_providers", "provider, name", m.provider_rows()),
        (
            "psp_provider_names",
            "name_key, provider",
            m.provider_name_rows(),
        ),
        (
            "psp_surfaces",
            "provider, surface, precedence, case_insensitive, operation, description",
            m.surface_rows(),
        ),
        (
            "psp_entries",
            "provider, surface, raw, match_key, state, code, operation, anchor, description, source",
            m.exact_rows(),
        ),
        (
            "psp_rules",
            "provider, surface, position, kind, prefix, match_prefix, range_from, range_to, state, code, operation, anchor, description, source",
            m.rule_rows(),
        ),
        (
            "psp_defaults",
            "provider, surface, state, code, operation, anchor, description, source",
            m.default_rows(),
        ),
    ];
    for (name, cols, rows) in views {
        // Typed columns: NULLs in a VALUES list need a type, and range bounds are DECIMAL(20,0).
        let select = match name {
            "psp_surfaces" => "SELECT provider, surface, CAST(precedence AS INT) AS precedence, case_insensitive, CAST(operation AS STRING) AS operation, description",
            "psp_rules" => "SELECT provider, surface, CAST(position AS INT) AS position, kind, CAST(prefix AS STRING) AS prefix, CAST(match_prefix AS STRING) AS match_prefix, CAST(range_from AS DECIMAL(20,0)) AS range_from, CAST(range_to AS DECIMAL(20,0)) AS range_to, state, code, operation, anchor, description, source",
            _ => "SELECT *",
        };
        if rows.is_empty() {
            // An empty view of the right shape.
            let nulls: Vec<String> = cols
                .split(", ")
                .map(|c| format!("CAST(NULL AS STRING) AS {c}"))
                .collect();
            o.push_str(&format!(
                "CREATE OR REPLACE TEMPORARY VIEW {name} AS SELECT {} WHERE FALSE;\n\n",
                nulls.join(", ")
            ));
        } else {
            o.push_str(&format!(
                "CREATE OR REPLACE TEMPORARY VIEW {name} AS {select} FROM VALUES\n{}\nAS t({cols});\n\n",
                values(&rows, &lit)
            ));
        }
    }
    o.push_str(&format!(
        "-- ASCII-only lower case, as the engine folds (lower() would also fold non-ASCII letters).\n\
         CREATE OR REPLACE TEMPORARY FUNCTION psp_ascii_lower(psp_x STRING) RETURNS STRING\n\
         RETURN translate(psp_x, '{UPPER}', '{LOWER}');\n\n\
         -- The number an all-digit value writes (leading zeros allowed, any length); NULL otherwise.\n\
         CREATE OR REPLACE TEMPORARY FUNCTION psp_number(psp_x STRING) RETURNS DECIMAL(38,0)\n\
         RETURN CASE WHEN psp_x RLIKE '^[0-9]+$' AND length(TRIM(LEADING '0' FROM psp_x)) <= 20\n\
         \x20 THEN CAST(concat('0', TRIM(LEADING '0' FROM psp_x)) AS DECIMAL(38,0)) END;\n\n\
         -- The provider id a name stands for: the id or the display name, in any ASCII case; NULL\n\
         -- for any other name.\n\
         CREATE OR REPLACE TEMPORARY FUNCTION psp_provider_id(psp_x STRING) RETURNS STRING\n\
         RETURN (SELECT first(n.provider) FROM psp_provider_names n WHERE n.name_key = psp_ascii_lower(psp_x));\n\n"
    ));
    o.push_str(CLASSIFY);
    o.push_str(RESOLVE);
    o
}

const CLASSIFY: &str = "\
-- psp_classify(provider, surface, raw) -> STRUCT<state, code, operation, matched, anchor>.
-- The provider is its id or display name (psp_provider_names), the provider and the surface in
-- any ASCII case. NULL when either is unknown, and when raw is NULL or
-- empty: an empty value is no signal, as in `psp-status reclassify`.
CREATE OR REPLACE TEMPORARY FUNCTION psp_classify(psp_provider STRING, psp_surface STRING, psp_raw STRING)
RETURNS STRUCT<state: STRING, code: STRING, operation: STRING, matched: STRING, anchor: STRING>
RETURN CASE WHEN coalesce(psp_raw, '') = '' THEN NULL
WHEN (SELECT count(*) FROM psp_surfaces s WHERE s.provider = psp_provider_id(psp_provider) AND s.surface = psp_ascii_lower(psp_surface)) = 0 THEN NULL
ELSE coalesce(
  (SELECT first(named_struct('state', e.state, 'code', e.code, 'operation', e.operation, 'matched', 'exact', 'anchor', e.anchor))
     FROM psp_entries e JOIN psp_surfaces s ON s.provider = e.provider AND s.surface = e.surface
    WHERE e.provider = psp_provider_id(psp_provider) AND e.surface = psp_ascii_lower(psp_surface)
      AND e.match_key = CASE WHEN s.case_insensitive THEN psp_ascii_lower(coalesce(psp_raw, '')) ELSE coalesce(psp_raw, '') END),
  (SELECT min_by(named_struct('state', r.state, 'code', r.code, 'operation', r.operation, 'matched', 'rule', 'anchor', r.anchor), r.position)
     FROM psp_rules r JOIN psp_surfaces s ON s.provider = r.provider AND s.surface = r.surface
    WHERE r.provider = psp_provider_id(psp_provider) AND r.surface = psp_ascii_lower(psp_surface)
      AND (startswith(CASE WHEN s.case_insensitive THEN psp_ascii_lower(coalesce(psp_raw, '')) ELSE coalesce(psp_raw, '') END, r.match_prefix)
           OR psp_number(coalesce(psp_raw, '')) BETWEEN r.range_from AND r.range_to)),
  (SELECT first(named_struct('state', d.state, 'code', d.code, 'operation', d.operation, 'matched', 'default', 'anchor', d.anchor))
     FROM psp_defaults d
    WHERE d.provider = psp_provider_id(psp_provider) AND d.surface = psp_ascii_lower(psp_surface) AND coalesce(psp_raw, '') <> ''),
  named_struct('state', 'UNCERTAIN', 'code', 'UNMAPPED',
    'operation', (SELECT first(s.operation) FROM psp_surfaces s WHERE s.provider = psp_provider_id(psp_provider) AND s.surface = psp_ascii_lower(psp_surface)),
    'matched', 'unmapped', 'anchor', CAST(NULL AS STRING)))
END;
";

const RESOLVE: &str = "\
-- The precedence of a surface of a provider (0 = most specific), NULL when either is unknown.
CREATE OR REPLACE TEMPORARY FUNCTION psp_surface_precedence(psp_provider STRING, psp_surface STRING) RETURNS INT
RETURN (SELECT first(s.precedence) FROM psp_surfaces s
         WHERE s.provider = psp_provider_id(psp_provider) AND s.surface = psp_ascii_lower(psp_surface));

-- psp_resolve(provider, array(surface, ...), array(raw, ...)) -> the same STRUCT as psp_classify,
-- for several signals of one response, as the engine's resolve: a signal that matched (exact,
-- rule or default) on a more specific surface (lower psp_surfaces.precedence) outranks every
-- signal on a less specific one; unmapped signals rank last; ties keep the earlier signal. A
-- NULL or empty raw (or a missing one: the arrays are read by position) is an absent signal;
-- with none present, NULL (reclassify rejects such a row: no signal). NULL too when the
-- provider or any surface is unknown.
CREATE OR REPLACE TEMPORARY FUNCTION psp_resolve(psp_provider STRING, psp_surfaces ARRAY<STRING>, psp_raws ARRAY<STRING>)
RETURNS STRUCT<state: STRING, code: STRING, operation: STRING, matched: STRING, anchor: STRING>
RETURN (SELECT CASE
    WHEN count_if(x.precedence IS NULL) > 0 THEN NULL
    WHEN count_if(x.present) = 0 THEN NULL
    ELSE min_by(x.c, CASE WHEN x.present
      THEN (CASE WHEN x.c.matched = 'unmapped' THEN 1000000 ELSE 0 END) + x.precedence * 1000 + x.i END)
    END
  FROM (SELECT z.i, coalesce(try_element_at(psp_raws, z.i + 1), '') <> '' AS present,
               psp_surface_precedence(psp_provider, z.surface) AS precedence,
               psp_classify(psp_provider, z.surface, try_element_at(psp_raws, z.i + 1)) AS c
          FROM (SELECT posexplode(psp_surfaces) AS (i, surface)) z) x);
";

#[cfg(test)]
mod tests {
    use super::lit;

    #[test]
    fn literals_escape_quotes_backslashes_and_non_ascii() {
        assert_eq!(lit("paid"), "'paid'");
        assert_eq!(lit("it's"), "'it\\'s'");
        assert_eq!(lit("a\\b"), "'a\\\\b'");
        assert_eq!(lit("caf\u{e9}\n"), "'caf\\u00E9\\u000A'");
        assert_eq!(lit("\u{1F600}"), "'\\uD83D\\uDE00'");
    }
}
