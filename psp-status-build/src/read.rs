//! The shape check: turns a file's node tree ([`crate::yaml`]) into the model
//! ([`crate::model`]), reporting every unknown or duplicate key and every value of the wrong
//! kind at its place, and going on after each: one problem hides no other.
//!
//! What a value means (a known state, a URL, a unique raw value) is the validator's business;
//! here only the shape is checked, as mappings/README.md describes it.

use crate::diag::Diagnostic;
use crate::model::*;
use crate::yaml::{Kind, Node};

/// The keys of each mapping, in the order mappings/README.md lists them.
pub(crate) const TAXONOMY_KEYS: &[&str] = &["version", "states", "operations", "codes"];
const NAMED_KEYS: &[&str] = &["name", "description"];
const CODE_KEYS: &[&str] = &[
    "name",
    "description",
    "states",
    "shopper",
    "agent",
    "support",
];
const SUPPORT_KEYS: &[&str] = &["shopper", "agent"];
pub(crate) const PROVIDER_KEYS: &[&str] = &["provider", "name", "precedence", "surfaces"];
const SURFACE_KEYS: &[&str] = &[
    "name",
    "description",
    "operation",
    "case",
    "checked_against",
    "entries",
    "rules",
    "default",
];
const OUTCOME_KEYS: &[&str] = &[
    "raw",
    "prefix",
    "range",
    "state",
    "code",
    "operation",
    "description",
    "source",
    "shopper",
    "agent",
];
const RANGE_KEYS: &[&str] = &["from", "to"];

/// Collects the diagnostics of one file.
pub(crate) struct Reader<'a> {
    pub path: &'a str,
    pub diags: &'a mut Vec<Diagnostic>,
}

/// The known keys of a mapping, each with its key node and value node (first occurrence).
struct Fields<'n> {
    pairs: Vec<(&'static str, &'n Node, &'n Node)>,
}

impl<'n> Fields<'n> {
    fn get(&self, key: &str) -> Option<(&'n Node, &'n Node)> {
        self.pairs
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, k, v)| (*k, *v))
    }
}

impl Reader<'_> {
    fn err(&mut self, at: Pos, message: impl Into<String>) {
        self.diags
            .push(Diagnostic::new(self.path, at.line, at.column, message));
    }

    /// The known keys of the mapping `node` (a `what`), reporting unknown and repeated keys.
    /// `None`, reported, when `node` is not a mapping.
    fn fields<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        known: &[&'static str],
    ) -> Option<Fields<'n>> {
        let Kind::Map(pairs) = &node.kind else {
            if node.cut {
                // A syntax error inside it is already reported.
                return None;
            }
            self.err(
                node.at,
                format!(
                    "{what} must be a mapping of keys ({}), not {}",
                    known.join(", "),
                    node.what()
                ),
            );
            return None;
        };
        let mut fields = Fields { pairs: Vec::new() };
        for (key, value) in pairs {
            let Some(name) = key.as_str() else {
                self.err(
                    key.at,
                    format!("a key of {what} must be a name, not {}", key.what()),
                );
                continue;
            };
            let Some(&known_key) = known.iter().find(|k| **k == name) else {
                let hint = match closest(name, known) {
                    Some(k) => format!("did you mean `{k}`? "),
                    None => String::new(),
                };
                self.err(
                    key.at,
                    format!(
                        "unknown key `{name}` in {what} ({hint}expected {})",
                        known.join(", ")
                    ),
                );
                continue;
            };
            if let Some((first, _)) = fields.get(known_key) {
                self.err(
                    key.at,
                    format!("duplicate key `{name}` (first at line {})", first.at.line),
                );
                continue;
            }
            fields.pairs.push((known_key, key, value));
        }
        Some(fields)
    }

    /// A text value. A null becomes empty text (the validator says whether that may be).
    fn text(&mut self, key: &str, value: &Node) -> Sp<String> {
        match &value.kind {
            Kind::Scalar { text, .. } => {
                let text = if value.is_null() { "" } else { text.as_str() };
                Sp {
                    value: text.to_string(),
                    at: value.at,
                    quiet: value.cut,
                }
            }
            _ => {
                if !value.cut {
                    self.err(
                        value.at,
                        format!("`{key}` must be text, not {}", value.what()),
                    );
                }
                Sp {
                    value: String::new(),
                    at: value.at,
                    quiet: true,
                }
            }
        }
    }

    fn text_field(&mut self, f: &Fields<'_>, key: &str) -> Option<Sp<String>> {
        f.get(key).map(|(_, v)| self.text(key, v))
    }

    /// A list under `key`, each item read by `item`. Items of the wrong kind are reported and
    /// left out; the list is then quiet.
    fn list<T: Default>(
        &mut self,
        f: &Fields<'_>,
        key: &str,
        mut item: impl FnMut(&mut Self, &Node) -> Option<Sp<T>>,
    ) -> List<T> {
        let (k, v) = f.get(key)?;
        let Kind::Seq(nodes) = &v.kind else {
            if v.cut {
                // A syntax error inside it is already reported.
            } else if v.is_null() {
                self.err(
                    v.at,
                    format!("`{key}` has no items: list them, or remove the key"),
                );
            } else {
                self.err(v.at, format!("`{key}` must be a list, not {}", v.what()));
            }
            return Some(Sp {
                value: Vec::new(),
                at: k.at,
                quiet: true,
            });
        };
        let mut quiet = v.cut;
        let mut out = Vec::new();
        for n in nodes {
            match item(self, n) {
                Some(x) => out.push(x),
                None => quiet = true,
            }
        }
        // At the list itself: `[` of a flow list, the first `-` of a block list.
        Some(Sp {
            value: out,
            at: v.at,
            quiet,
        })
    }

    /// A mapping read by `read` into a `T`, quiet when it was cut short.
    fn object<T: Default>(
        &mut self,
        node: &Node,
        what: &str,
        known: &[&'static str],
        read: impl FnOnce(&mut Self, &Fields<'_>) -> T,
    ) -> Option<Sp<T>> {
        let f = self.fields(node, what, known)?;
        Some(Sp {
            value: read(self, &f),
            at: node.at,
            quiet: node.cut,
        })
    }

    /// `name: text` pairs (a code's `states` and `shopper`), duplicates reported.
    fn pairs(&mut self, f: &Fields<'_>, key: &str) -> Pairs {
        let (k, v) = f.get(key)?;
        let Kind::Map(pairs) = &v.kind else {
            if v.cut {
                return Some(Sp {
                    value: Vec::new(),
                    at: k.at,
                    quiet: true,
                });
            }
            self.err(
                v.at,
                format!(
                    "`{key}` must be a mapping of names to text, not {}",
                    v.what()
                ),
            );
            return Some(Sp {
                value: Vec::new(),
                at: k.at,
                quiet: true,
            });
        };
        let mut out: Vec<(Sp<String>, Sp<String>)> = Vec::new();
        let mut quiet = v.cut;
        for (name, value) in pairs {
            let Some(n) = name.as_str() else {
                self.err(
                    name.at,
                    format!("a key of `{key}` must be a name, not {}", name.what()),
                );
                quiet = true;
                continue;
            };
            if let Some((first, _)) = out.iter().find(|(f, _)| f.value == n) {
                let line = first.at.line;
                self.err(
                    name.at,
                    format!("duplicate key `{n}` (first at line {line})"),
                );
                continue;
            }
            let text = self.text(n, value);
            out.push((Sp::new(n.to_string(), name.at), text));
        }
        // Missing-entry messages point at the key that holds the mapping.
        Some(Sp {
            value: out,
            at: k.at,
            quiet,
        })
    }

    /// A non-negative integer written in decimal digits.
    fn integer(&mut self, key: &str, value: &Node) -> Option<Sp<u64>> {
        // Always `Some`: a bad number is reported here and returned quiet.
        let text = value.as_str().unwrap_or_default();
        let parsed = if text.bytes().all(|b| b.is_ascii_digit()) {
            text.parse::<u64>().ok()
        } else {
            None
        };
        match parsed {
            Some(n) => Some(Sp::new(n, value.at)),
            // Reported here: quiet, so that the validator does not call it missing.
            None if value.cut => Some(Sp {
                value: 0,
                at: value.at,
                quiet: true,
            }),
            None => {
                self.err(
                    value.at,
                    format!(
                        "`{key}` must be a whole number from 0 to {}, not {}",
                        u64::MAX,
                        if value.as_str().is_some() {
                            format!("`{text}`")
                        } else {
                            value.what().to_string()
                        }
                    ),
                );
                Some(Sp {
                    value: 0,
                    at: value.at,
                    quiet: true,
                })
            }
        }
    }

    /// taxonomy.yaml. `None` (reported) when the file holds no mapping.
    pub fn taxonomy(&mut self, root: Option<&Node>) -> Option<Sp<TaxonomyFile>> {
        let root = self.root(root, TAXONOMY_KEYS)?;
        self.object(root, "taxonomy.yaml", TAXONOMY_KEYS, |r, f| TaxonomyFile {
            version: r.text_field(f, "version"),
            states: r.list(f, "states", |r, n| r.named(n, "a state")),
            operations: r.list(f, "operations", |r, n| r.named(n, "an operation")),
            codes: r.list(f, "codes", |r, n| r.code(n)),
        })
    }

    fn named(&mut self, node: &Node, what: &str) -> Option<Sp<NamedDef>> {
        self.object(node, what, NAMED_KEYS, |r, f| NamedDef {
            name: r.text_field(f, "name"),
            description: r.text_field(f, "description"),
        })
    }

    fn code(&mut self, node: &Node) -> Option<Sp<CodeDef>> {
        self.object(node, "a code", CODE_KEYS, |r, f| CodeDef {
            name: r.text_field(f, "name"),
            description: r.text_field(f, "description"),
            states: r.pairs(f, "states"),
            shopper: r.pairs(f, "shopper"),
            agent: r.text_field(f, "agent"),
            support: r.support(f),
        })
    }

    /// A code's `support`: state name → `{shopper, agent}`.
    fn support(&mut self, f: &Fields<'_>) -> Support {
        let (k, v) = f.get("support")?;
        let Kind::Map(pairs) = &v.kind else {
            if !v.cut {
                self.err(
                    v.at,
                    format!("`support` must be a mapping of states, not {}", v.what()),
                );
            }
            return Some(Sp {
                value: Vec::new(),
                at: k.at,
                quiet: true,
            });
        };
        let mut out: Vec<(Sp<String>, Sp<SupportDef>)> = Vec::new();
        for (name, value) in pairs {
            let Some(n) = name.as_str() else {
                self.err(
                    name.at,
                    format!("a key of `support` must be a state, not {}", name.what()),
                );
                continue;
            };
            if let Some((first, _)) = out.iter().find(|(f, _)| f.value == n) {
                let line = first.at.line;
                self.err(
                    name.at,
                    format!("duplicate key `{n}` (first at line {line})"),
                );
                continue;
            }
            let def = self.object(value, "a code's support", SUPPORT_KEYS, |r, f| SupportDef {
                shopper: r.pairs(f, "shopper"),
                agent: r.text_field(f, "agent"),
            });
            if let Some(def) = def {
                out.push((Sp::new(n.to_string(), name.at), def));
            }
        }
        Some(Sp {
            value: out,
            at: k.at,
            quiet: v.cut,
        })
    }

    /// A provider file. `None` (reported) when the file holds no mapping.
    pub fn provider(&mut self, root: Option<&Node>) -> Option<Sp<ProviderFile>> {
        let root = self.root(root, PROVIDER_KEYS)?;
        self.object(root, "a provider file", PROVIDER_KEYS, |r, f| {
            ProviderFile {
                provider: r.text_field(f, "provider"),
                name: r.text_field(f, "name"),
                precedence: r.list(f, "precedence", |r, n| Some(r.text("precedence", n))),
                surfaces: r.list(f, "surfaces", |r, n| r.surface(n)),
            }
        })
    }

    fn surface(&mut self, node: &Node) -> Option<Sp<SurfaceDef>> {
        self.object(node, "a surface", SURFACE_KEYS, |r, f| SurfaceDef {
            name: r.text_field(f, "name"),
            description: r.text_field(f, "description"),
            operation: r.text_field(f, "operation"),
            case: r.text_field(f, "case"),
            checked_against: r.list(f, "checked_against", |r, n| {
                Some(r.text("checked_against", n))
            }),
            entries: r.list(f, "entries", |r, n| r.outcome(n, "an entry")),
            rules: r.list(f, "rules", |r, n| r.outcome(n, "a rule")),
            default: f
                .get("default")
                .and_then(|(_, v)| r.outcome(v, "a default")),
        })
    }

    fn outcome(&mut self, node: &Node, what: &str) -> Option<Sp<OutcomeDef>> {
        self.object(node, what, OUTCOME_KEYS, |r, f| OutcomeDef {
            raw: r.text_field(f, "raw"),
            prefix: r.text_field(f, "prefix"),
            range: f.get("range").and_then(|(_, v)| {
                r.object(v, "a range", RANGE_KEYS, |r, f| RangeDef {
                    from: f.get("from").and_then(|(_, v)| r.integer("from", v)),
                    to: f.get("to").and_then(|(_, v)| r.integer("to", v)),
                })
            }),
            state: r.text_field(f, "state"),
            code: r.text_field(f, "code"),
            operation: r.text_field(f, "operation"),
            description: r.text_field(f, "description"),
            source: r.text_field(f, "source"),
            shopper: r.pairs(f, "shopper"),
            agent: r.text_field(f, "agent"),
        })
    }

    /// The document's root, reported when the file is empty.
    fn root<'n>(&mut self, root: Option<&'n Node>, keys: &[&str]) -> Option<&'n Node> {
        if root.is_none() {
            self.err(
                Pos::START,
                format!(
                    "the file holds no table (expected the keys {})",
                    keys.join(", ")
                ),
            );
        }
        root
    }
}

/// The known key closest to `name` (a typo of one or two characters, or another case).
fn closest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = name.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (edit_distance(&lower, k), *k))
        .filter(|(d, k)| *d <= 2.min(k.len() / 3).max(1))
        .min()
        .map(|(_, k)| k)
}

/// Levenshtein distance over bytes.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, &x) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &y) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(x != y))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys of every mapping at `path` (a list of keys and `*` for "every item").
    fn keys_at<'n>(node: &'n Node, path: &[&str], out: &mut Vec<&'n str>) {
        match (path.split_first(), &node.kind) {
            (None, Kind::Map(pairs)) => out.extend(pairs.iter().filter_map(|(k, _)| k.as_str())),
            (Some((&"*", rest)), Kind::Seq(items)) => {
                items.iter().for_each(|i| keys_at(i, rest, out))
            }
            (Some((key, rest)), Kind::Map(pairs)) => pairs
                .iter()
                .filter(|(k, _)| k.as_str() == Some(key))
                .for_each(|(_, v)| keys_at(v, rest, out)),
            _ => {}
        }
    }

    /// mappings/README.md's example provider file uses exactly the keys the reader knows, so
    /// that "keys not listed here are errors" stays true both ways.
    #[test]
    fn the_documented_format_lists_every_key_the_reader_knows() {
        let readme = include_str!("../../mappings/README.md");
        let block = readme
            .split("## Format of a provider file\n\n```yaml\n")
            .nth(1)
            .and_then(|rest| rest.split("\n```").next())
            .expect("mappings/README.md has the format block");
        let doc = crate::yaml::parse(block);
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        let root = doc.root.expect("a mapping");
        let mut diags = Vec::new();
        let file = Reader {
            path: "README",
            diags: &mut diags,
        }
        .provider(Some(&root));
        assert!(file.is_some() && diags.is_empty(), "{diags:?}");

        fn sorted(mut v: Vec<&str>) -> Vec<&str> {
            v.sort_unstable();
            v.dedup();
            v
        }
        let used = |paths: &[&[&str]]| {
            let mut out = Vec::new();
            for p in paths {
                keys_at(&root, p, &mut out);
            }
            sorted(out)
        };
        assert_eq!(used(&[&[]]), sorted(PROVIDER_KEYS.to_vec()));
        assert_eq!(used(&[&["surfaces", "*"]]), sorted(SURFACE_KEYS.to_vec()));
        assert_eq!(
            used(&[
                &["surfaces", "*", "entries", "*"],
                &["surfaces", "*", "rules", "*"],
                &["surfaces", "*", "default"],
            ]),
            sorted(OUTCOME_KEYS.to_vec())
        );
        assert_eq!(
            used(&[&["surfaces", "*", "rules", "*", "range"]]),
            sorted(RANGE_KEYS.to_vec())
        );
    }

    #[test]
    fn typos_get_a_suggestion_and_strangers_do_not() {
        assert_eq!(closest("descripton", OUTCOME_KEYS), Some("description"));
        assert_eq!(closest("Source", OUTCOME_KEYS), Some("source"));
        assert_eq!(closest("stat", OUTCOME_KEYS), Some("state"));
        assert_eq!(closest("colour", OUTCOME_KEYS), None);
    }
}
