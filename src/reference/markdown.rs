//! The reference as GitHub-flavoured Markdown (`docs/reference.md`): one section per provider
//! and surface, one table row per entry with its anchor, then the taxonomy.

use super::{case_words, lang_label, Reference, SurfaceSection, MARKDOWN_COMMAND};
use crate::Lang;
use std::fmt::Write;

/// Renders `reference` as Markdown, with shopper messages in `lang`.
///
/// Each entry's row starts with `<a id="provider/surface/raw"></a>`, so
/// `docs/reference.md#alma/payment.state/paid` links to it.
///
/// ```
/// use psp_status::{reference::{markdown, Reference}, Lang};
/// let md = markdown::render(&Reference::current(), Lang::Fr);
/// assert!(md.contains(psp_status::Code::CardExpired.shopper_message(Lang::Fr)));
/// assert!(md.contains(psp_status::TABLE_VERSION));
/// ```
pub fn render(reference: &Reference, lang: Lang) -> String {
    let mut o = String::with_capacity(64 * 1024);
    header(&mut o, reference);
    for p in &reference.providers {
        let file = p.file;
        let precedence: Vec<String> = p
            .precedence
            .iter()
            .map(|s| format!("`{}`", <&str>::from(*s)))
            .collect();
        let _ = write!(
            o,
            "## <a id=\"{id}\"></a>{name}\n\nTable `{file}`. When a response carries several \
             fields, `resolve` trusts them in this order: {order}.\n\n",
            id = <&str>::from(p.provider),
            name = text(p.name),
            order = precedence.join(" > "),
        );
        for s in &p.surfaces {
            surface(&mut o, p.name, s);
        }
    }
    taxonomy(&mut o, reference, lang);
    o
}

fn header(o: &mut String, r: &Reference) {
    let _ = write!(
        o,
        "# psp-status support reference\n\n\
         Tables version **{version}** (digest `{digest}`). Generated from the tables psp-status \
         runs on; do not edit by hand, regenerate with `{MARKDOWN_COMMAND}`.\n\n\
         One value from a terminal: `psp-status explain PROVIDER SURFACE RAW [--lang fr]`. \
         Searchable page: [reference.html](reference.html).\n\n\
         A value that is not listed here is answered **UNCERTAIN / UNMAPPED**: verify the \
         payment with the provider before any retry.\n\n\
         ## Contents\n\n",
        version = r.table_version,
        digest = r.table_digest,
    );
    for p in &r.providers {
        let surfaces: Vec<String> = p
            .surfaces
            .iter()
            .map(|s| format!("[`{}`](#{})", <&str>::from(s.surface), s.anchor))
            .collect();
        let _ = writeln!(
            o,
            "- [{}](#{}): {}",
            text(p.name),
            <&str>::from(p.provider),
            surfaces.join(", ")
        );
    }
    o.push_str(
        "- [Taxonomy](#taxonomy): [states](#states), [retry advice](#retry-advice), \
         [codes](#codes), [operations](#operations)\n\n",
    );
}

fn surface(o: &mut String, provider_name: &str, s: &SurfaceSection) {
    let _ = write!(
        o,
        "### <a id=\"{anchor}\"></a>{name} · `{surface}`\n\n{desc} Matching: {case}. \
         {n} entr{plural}.\n\n{checked}\
         | Value | State | Code | Operation | Retry | Meaning | Source |\n\
         |---|---|---|---|---|---|---|\n",
        anchor = attr(&s.anchor),
        name = text(provider_name),
        surface = <&str>::from(s.surface),
        desc = text(s.description),
        case = case_words(s.case_insensitive),
        n = s.entries.len(),
        plural = if s.entries.len() == 1 { "y" } else { "ies" },
        checked = checked_against(s.checked_against),
    );
    for e in &s.entries {
        let value = match e.raw {
            Some(r) => code_span(r),
            None => format!("*{}* {}", e.kind, code_span(&e.pattern)),
        };
        let _ = writeln!(
            o,
            "| <a id=\"{anchor}\"></a>{value} | {state} | [{code}](#code/{code}) | {op} | {retry} | {desc} | [source]({src}) |",
            anchor = attr(&e.anchor),
            state = e.state,
            code = e.code,
            op = e.operation,
            retry = e.retry,
            desc = text(e.description),
            src = url(e.source),
        );
    }
    o.push('\n');
}

/// `Completeness checked against: [url](url), ….` and a blank line, or nothing.
fn checked_against(urls: &[&str]) -> String {
    if urls.is_empty() {
        return String::new();
    }
    let links: Vec<String> = urls
        .iter()
        .map(|u| format!("[{}]({})", text(u), url(u)))
        .collect();
    format!("Completeness checked against: {}.\n\n", links.join(", "))
}

fn taxonomy(o: &mut String, r: &Reference, lang: Lang) {
    let t = &r.taxonomy;
    o.push_str(
        "## <a id=\"taxonomy\"></a>Taxonomy\n\n\
         Every answer is a **state** (what a payment service does next), a **code** (why) and an \
         **operation** (what it reports on).\n\n\
         ### <a id=\"states\"></a>States\n\n\
         | State | Meaning | Retry by default |\n|---|---|---|\n",
    );
    for s in &t.states {
        let _ = writeln!(
            o,
            "| <a id=\"{}\"></a>**{}** | {} | {} |",
            attr(&s.anchor),
            s.state,
            text(s.description),
            s.default_retry
        );
    }
    o.push_str(
        "\n### <a id=\"retry-advice\"></a>Retry advice\n\n| Advice | What the payment service does |\n|---|---|\n",
    );
    for rv in &t.retries {
        let _ = writeln!(o, "| `{}` | {} |", rv.retry, text(rv.explain));
    }
    let _ = write!(
        o,
        "\n### <a id=\"codes\"></a>Codes\n\n\
         The shopper message ({label}) is safe to show a customer: it never says why a bank or a \
         risk engine refused. The agent action is for support staff only.\n\n",
        label = lang_label(lang)
    );
    for c in &t.codes {
        let states: Vec<String> = c
            .states
            .iter()
            .map(|sr| format!("{} (retry `{}`)", sr.state, sr.retry))
            .collect();
        let _ = write!(
            o,
            "#### <a id=\"{anchor}\"></a>{code}\n\n{desc}\n\n\
             - **States:** {states}\n\
             - **Tell the customer ({lang}):** {msg}\n\
             - **Agent action:** {agent}\n\n",
            anchor = attr(&c.anchor),
            code = c.code,
            desc = text(c.description),
            states = states.join(", "),
            msg = text(c.shopper.get(lang)),
            agent = text(c.agent_action),
        );
    }
    o.push_str(
        "### <a id=\"operations\"></a>Operations\n\n| Operation | What it is |\n|---|---|\n",
    );
    for op in &t.operations {
        let _ = writeln!(o, "| {} | {} |", op.operation, text(op.description));
    }
    let _ = write!(
        o,
        "\n---\nTables version {} · digest `{}`\n",
        r.table_version, r.table_digest
    );
}

/// Plain text in a Markdown table cell or paragraph: no line breaks, and the characters that
/// would start markup (`|`, `*`, `` ` ``, `[`, `]`, `<`, `>`, `\`, `_` at a word start) escaped.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_word = false;
    for ch in s.chars() {
        match ch {
            '\n' | '\r' => out.push(' '),
            '|' | '*' | '`' | '[' | ']' | '\\' => {
                out.push('\\');
                out.push(ch);
            }
            '_' if !prev_word => out.push_str("\\_"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            _ => out.push(ch),
        }
        prev_word = ch.is_alphanumeric() || ch == '_';
    }
    out
}

/// A code span holding `s` verbatim (a longer backtick fence when `s` holds backticks); `|`
/// escaped, as GitHub's tables require even inside code.
fn code_span(s: &str) -> String {
    let longest = s
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or_default();
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    let body = s.replace('|', "\\|").replace(['\n', '\r'], " ");
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// An HTML attribute value (the anchors).
fn attr(s: &str) -> String {
    super::escape_html(s)
}

/// A link destination: spaces and parentheses percent-encoded.
fn url(s: &str) -> String {
    s.replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
        .replace('|', "%7C")
}

#[cfg(test)]
mod tests {
    use super::{code_span, text};

    #[test]
    fn text_escapes_markup_but_keeps_words() {
        assert_eq!(
            text("a|b *c* [d](e) <f> purchase_amount _x"),
            "a\\|b \\*c\\* \\[d\\](e) &lt;f&gt; purchase_amount \\_x"
        );
        assert_eq!(text("two\nlines"), "two lines");
    }

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code_span("paid"), "`paid`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
        assert_eq!(code_span("a|b"), "`a\\|b`");
    }
}
