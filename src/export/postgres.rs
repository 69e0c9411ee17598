//! The PostgreSQL script: one transaction that creates the tables, a composite type and the
//! `psp_classify` SQL function, and `psp_resolve` for several signals.

use super::{header, values, Dialect, Model, LOWER, UPPER};

/// A PostgreSQL escape-string literal `E'…'`: backslashes and quotes escaped, control and
/// non-ASCII characters as `\uXXXX`/`\UXXXXXXXX`, so the script is plain ASCII and reads the
/// same whatever `standard_conforming_strings` or the client encoding says.
pub(crate) fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 3);
    out.push_str("E'");
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push_str(&format!("\\U{:08X}", c as u32)),
        }
    }
    out.push('\'');
    out
}

pub(crate) fn render(m: &Model, command: &str) -> String {
    let mut o = header(m, Dialect::Postgres, command);
    o.push_str(
        "-- Run with psql -v ON_ERROR_STOP=1 -f FILE (any schema on the search_path). One\n\
         -- transaction: re-running replaces everything or nothing.\n\
         BEGIN;\n\
         DROP FUNCTION IF EXISTS psp_resolve(text, text[], text[]);\n\
         DROP FUNCTION IF EXISTS psp_classify_cached(text, text, text);\n\
         DROP FUNCTION IF EXISTS psp_classify(text, text, text);\n\
         DROP FUNCTION IF EXISTS psp_number(text);\n\
         DROP FUNCTION IF EXISTS psp_ascii_lower(text);\n\
         DROP TYPE IF EXISTS psp_classification;\n\
         DROP TABLE IF EXISTS psp_meta, psp_providers, psp_provider_names, psp_surfaces, psp_entries, psp_rules, psp_defaults;\n\n\
         CREATE TABLE psp_meta (table_version text NOT NULL, table_digest text NOT NULL, generated_by text NOT NULL);\n",
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
            "provider text PRIMARY KEY, name text NOT NULL",
            m.provider_rows(),
        ),
        (
            "psp_provider_names",
            "name_key text PRIMARY KEY, provider text NOT NULL",
            m.provider_name_rows(),
        ),
        (
            "psp_surfaces",
            "provider text NOT NULL, surface text NOT NULL, precedence integer NOT NULL, \
             case_insensitive boolean NOT NULL, operation text, description text NOT NULL, \
             PRIMARY KEY (provider, surface)",
            m.surface_rows(),
        ),
        (
            "psp_entries",
            "provider text NOT NULL, surface text NOT NULL, raw text NOT NULL, match_key text NOT NULL, \
             state text NOT NULL, code text NOT NULL, operation text NOT NULL, anchor text NOT NULL, \
             description text NOT NULL, source text NOT NULL, PRIMARY KEY (provider, surface, match_key)",
            m.exact_rows(),
        ),
        (
            "psp_rules",
            "provider text NOT NULL, surface text NOT NULL, position integer NOT NULL, kind text NOT NULL, \
             prefix text, match_prefix text, range_from numeric(20,0), range_to numeric(20,0), \
             state text NOT NULL, code text NOT NULL, operation text NOT NULL, anchor text NOT NULL, \
             description text NOT NULL, source text NOT NULL, PRIMARY KEY (provider, surface, position)",
            m.rule_rows(),
        ),
        (
            "psp_defaults",
            "provider text NOT NULL, surface text NOT NULL, state text NOT NULL, code text NOT NULL, \
             operation text NOT NULL, anchor text NOT NULL, description text NOT NULL, \
             source text NOT NULL, PRIMARY KEY (provider, surface)",
            m.default_rows(),
        ),
    ];
    for (name, cols, rows) in tables {
        o.push_str(&format!("CREATE TABLE {name} ({cols});\n"));
        if !rows.is_empty() {
            o.push_str(&format!(
                "INSERT INTO {name} VALUES\n{};\n",
                values(&rows, &lit)
            ));
        }
        o.push('\n');
    }
    o.push_str(&format!(
        "CREATE TYPE psp_classification AS (state text, code text, operation text, matched text, anchor text);\n\n\
         -- ASCII-only lower case, as the engine folds (lower() would also fold non-ASCII letters).\n\
         CREATE FUNCTION psp_ascii_lower(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE\n\
         \x20 RETURN translate($1, '{UPPER}', '{LOWER}');\n\n\
         -- The number an all-digit value writes (leading zeros allowed, any length); NULL otherwise.\n\
         CREATE FUNCTION psp_number(text) RETURNS numeric LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE\n\
         \x20 RETURN CASE WHEN $1 ~ '^[0-9]+$' AND length(ltrim($1, '0')) <= 20 THEN ('0' || ltrim($1, '0'))::numeric END;\n\n"
    ));
    o.push_str(CLASSIFY);
    o.push_str(RESOLVE);
    o.push_str("COMMIT;\n");
    o
}

const CLASSIFY: &str = "\
-- psp_classify(provider, surface, raw) -> psp_classification (state, code, operation, matched,
-- anchor). The provider is its id or display name (psp_provider_names), the provider and the
-- surface in any ASCII case. NULL when either is unknown, and when raw is NULL or empty: an empty value is no signal, as in `psp-status reclassify`.
CREATE FUNCTION psp_classify(text, text, text) RETURNS psp_classification
LANGUAGE sql STABLE PARALLEL SAFE AS $psp$
  SELECT coalesce(
    (SELECT ROW(e.state, e.code, e.operation, 'exact', e.anchor)::psp_classification
       FROM psp_entries e
      WHERE e.provider = v.provider AND e.surface = v.surface AND e.match_key = v.match_key),
    (SELECT ROW(r.state, r.code, r.operation, 'rule', r.anchor)::psp_classification
       FROM psp_rules r
      WHERE r.provider = v.provider AND r.surface = v.surface
        AND (starts_with(v.match_key, r.match_prefix) OR psp_number(v.raw) BETWEEN r.range_from AND r.range_to)
      ORDER BY r.position LIMIT 1),
    (SELECT ROW(d.state, d.code, d.operation, 'default', d.anchor)::psp_classification
       FROM psp_defaults d
      WHERE d.provider = v.provider AND d.surface = v.surface AND v.raw <> ''),
    ROW('UNCERTAIN', 'UNMAPPED', v.operation, 'unmapped', NULL)::psp_classification)
  FROM (SELECT s.provider, s.surface, s.operation, coalesce($3, '') AS raw,
               CASE WHEN s.case_insensitive THEN psp_ascii_lower(coalesce($3, '')) ELSE coalesce($3, '') END AS match_key
          FROM psp_provider_names n JOIN psp_surfaces s ON s.provider = n.provider
         WHERE n.name_key = psp_ascii_lower($1) AND s.surface = psp_ascii_lower($2)
           AND coalesce($3, '') <> '') v
$psp$;

";

const RESOLVE: &str = "\
-- psp_classify through PL/pgSQL, for psp_resolve. PostgreSQL (before 18) plans a SQL
-- function's body again every time the query that calls it starts, and psp_resolve's query
-- starts once per row: calling psp_classify directly there cost 1.36 ms per row on PostgreSQL
-- 15, this wrapper (which keeps psp_classify's plan for the session) about 0.19 ms.
CREATE FUNCTION psp_classify_cached(text, text, text) RETURNS psp_classification
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $psp$
BEGIN
  RETURN psp_classify($1, $2, $3);
END
$psp$;

-- psp_resolve(provider, surfaces text[], raws text[]) -> psp_classification, for several
-- signals of one response, as the engine's resolve: a signal that matched (exact, rule or
-- default) on a more specific surface (lower psp_surfaces.precedence) outranks every signal on
-- a less specific one; unmapped signals rank last; ties keep the earlier signal. A NULL or
-- empty raw is an absent signal; with none present, NULL (reclassify rejects such a row: no
-- signal). NULL too when the provider or any surface is unknown.
CREATE FUNCTION psp_resolve(text, text[], text[]) RETURNS psp_classification
LANGUAGE sql STABLE PARALLEL SAFE AS $psp$
  SELECT CASE
    WHEN count(*) FILTER (WHERE x.known IS NULL) > 0 THEN NULL
    WHEN count(*) FILTER (WHERE x.present) = 0 THEN NULL
    ELSE (array_agg(x.c ORDER BY ((x.c).matched = 'unmapped'), x.precedence, x.i) FILTER (WHERE x.present))[1]
    END
  FROM (SELECT t.i, s.provider AS known, s.precedence,
               coalesce(t.raw, '') <> '' AS present,
               psp_classify_cached($1, t.surface, t.raw) AS c
          FROM unnest($2, $3) WITH ORDINALITY AS t(surface, raw, i)
          LEFT JOIN (psp_provider_names n JOIN psp_surfaces s ON s.provider = n.provider)
            ON n.name_key = psp_ascii_lower($1) AND s.surface = psp_ascii_lower(t.surface)) x
$psp$;

";

#[cfg(test)]
mod tests {
    use super::lit;

    #[test]
    fn literals_escape_everything_that_could_break_out() {
        assert_eq!(lit("paid"), "E'paid'");
        assert_eq!(lit("it's"), "E'it\\'s'");
        assert_eq!(lit("a\\b"), "E'a\\\\b'");
        assert_eq!(lit("caf\u{e9}\n"), "E'caf\\u00E9\\u000A'");
        assert_eq!(lit("\u{1F600}"), "E'\\U0001F600'");
    }
}
