//! A YAML document as a tree of nodes, each with the place it was written.
//!
//! The YAML itself is parsed by granit-parser, the parser inside serde-saphyr (re-exported as
//! `serde_saphyr::granit_parser`); this module only assembles its spanned events into a tree.
//! serde-saphyr has no node type of its own, and a typed `Deserialize` stops at the first
//! unknown key; with the tree, [`crate::read`] checks the shape itself and reports every
//! problem. Unlike a map-based node type (saphyr's `MarkedYaml`), a mapping here keeps every
//! key in file order, duplicates included, so they can be reported with both places.
//!
//! A syntax error ends the parse, but not the check: the nodes read before it are kept, and the
//! mappings and lists still open at the error are marked [`Node::cut`], so that the reader
//! reports what is wrong in them without claiming that the keys after the error are missing.

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span, StructureStyle};
use std::collections::HashMap;

/// A place in a file: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
}

impl Pos {
    /// The first character of a file.
    pub const START: Pos = Pos { line: 1, column: 1 };

    fn of(span: &Span) -> Pos {
        Pos {
            line: span.start.line().max(1) as u64,
            column: span.start.col() as u64 + 1,
        }
    }
}

/// One node of a document.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// Where it starts: a scalar's first character, a mapping's first key, a list's first `-`.
    pub at: Pos,
    /// What it holds.
    pub kind: Kind,
    /// A mapping or list that a syntax error cut short: its later items were never read.
    pub cut: bool,
}

/// The three kinds of YAML node.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    /// A scalar, as written (after escapes); `plain` when unquoted.
    Scalar { text: String, plain: bool },
    /// A list, items in order.
    Seq(Vec<Node>),
    /// A mapping, `(key, value)` in file order, duplicates kept.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// Whether this is an unquoted null (`~`, `null`, or nothing at all after a key).
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { text, plain: true }
            if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// The scalar's text, unless it is a null or not a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { text, .. } if !self.is_null() => Some(text),
            _ => None,
        }
    }

    /// What kind of node this is, for messages (`a list`, `a mapping`, `text`, `nothing`).
    pub fn what(&self) -> &'static str {
        match &self.kind {
            _ if self.is_null() => "nothing",
            Kind::Scalar { .. } => "text",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }

    fn count(&self) -> usize {
        1 + match &self.kind {
            Kind::Scalar { .. } => 0,
            Kind::Seq(items) => items.iter().map(Node::count).sum(),
            Kind::Map(pairs) => pairs.iter().map(|(k, v)| k.count() + v.count()).sum(),
        }
    }
}

/// A parsed file: its root node (absent when the file holds no document) and the syntax
/// problems found, at most one from the parser plus those of this module.
#[derive(Debug)]
pub(crate) struct Document {
    /// The first document's root.
    pub root: Option<Node>,
    /// `(place, message)` of each syntax problem.
    pub errors: Vec<(Pos, String)>,
}

/// At most this many nodes per file once aliases are expanded (a guard against alias bombs;
/// the largest table has about 6,000).
const MAX_NODES: usize = 1 << 20;

/// A collection being read.
struct Open {
    node: Node,
    /// Anchor id to record the node under once complete (0: none).
    anchor: usize,
    /// In a mapping: the key read, waiting for its value.
    key: Option<Node>,
    /// Written in flow style (`[…]`, `{…}`).
    flow: bool,
}

/// Parses `text` into a tree. Never panics; every problem is in [`Document::errors`].
pub(crate) fn parse(text: &str) -> Document {
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, (Node, usize)> = HashMap::new();
    let mut root: Option<Node> = None;
    let mut errors = Vec::new();
    let mut documents = 0usize;
    let mut nodes = 0usize;

    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(e) => e,
            Err(e) => {
                let at = Pos {
                    line: e.marker().line().max(1) as u64,
                    column: e.marker().col() as u64 + 1,
                };
                let mut message = format!("invalid YAML: {}", e.info());
                // A flow collection left open is the usual cause, and its start the place to look.
                let open = stack.iter().rev().find(|o| o.flow && o.node.at != at);
                if let Some(open) = open {
                    let (sign, close) = match open.node.kind {
                        Kind::Seq(_) => ('[', ']'),
                        _ => ('{', '}'),
                    };
                    message.push_str(&format!(
                        " (inside the `{sign}` opened at line {}, column {}: is a `{close}` missing?)",
                        open.node.at.line, open.node.at.column
                    ));
                }
                errors.push((at, message));
                break;
            }
        };
        let at = Pos::of(&span);
        // Every node read counts once; an alias counts the nodes it copies.
        if matches!(
            event,
            Event::Scalar(..) | Event::SequenceStart(..) | Event::MappingStart(..)
        ) {
            nodes += 1;
            if nodes > MAX_NODES {
                errors.push((at, format!("more than {MAX_NODES} nodes")));
                break;
            }
        }
        let (complete, anchor) = match event {
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    errors.push((
                        at,
                        "a second YAML document (`---`): a table file holds one".to_string(),
                    ));
                    break;
                }
                continue;
            }
            Event::Scalar(text, style, anchor, _tag) => (
                Node {
                    at,
                    kind: Kind::Scalar {
                        text: text.into_owned(),
                        plain: style == ScalarStyle::Plain,
                    },
                    cut: false,
                },
                anchor,
            ),
            Event::SequenceStart(style, anchor, _) | Event::MappingStart(style, anchor, _) => {
                let kind = if matches!(event, Event::SequenceStart(..)) {
                    Kind::Seq(Vec::new())
                } else {
                    Kind::Map(Vec::new())
                };
                stack.push(Open {
                    node: Node {
                        at,
                        kind,
                        cut: false,
                    },
                    anchor,
                    key: None,
                    flow: style == StructureStyle::Flow,
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(open) => (open.node, open.anchor),
                None => continue,
            },
            Event::Alias(id) => match anchors.get(&id) {
                // Checked before the copy is made: an alias bomb never gets built.
                Some((_, size)) if nodes + size > MAX_NODES => {
                    errors.push((
                        at,
                        format!("more than {MAX_NODES} nodes once aliases are expanded"),
                    ));
                    break;
                }
                Some((node, size)) => {
                    nodes += size;
                    let mut node = node.clone();
                    node.at = at;
                    (node, 0)
                }
                None => {
                    errors.push((at, "alias to an unknown anchor".to_string()));
                    break;
                }
            },
            _ => continue,
        };
        if anchor != 0 {
            anchors.insert(anchor, (complete.clone(), complete.count()));
        }
        attach(&mut stack, &mut root, complete);
    }

    // A syntax error left collections open: keep what they hold, marked as cut short.
    while let Some(mut open) = stack.pop() {
        open.node.cut = true;
        if let (Kind::Map(pairs), Some(key)) = (&mut open.node.kind, open.key.take()) {
            // The key's value was never read: keep the key so it is not reported missing.
            let value = Node {
                at: key.at,
                kind: Kind::Scalar {
                    text: String::new(),
                    plain: true,
                },
                cut: true,
            };
            pairs.push((key, value));
        }
        attach(&mut stack, &mut root, open.node);
    }
    Document { root, errors }
}

/// Puts a complete node into the collection being read, or makes it the root.
fn attach(stack: &mut [Open], root: &mut Option<Node>, node: Node) {
    match stack.last_mut() {
        None => {
            if root.is_none() {
                *root = Some(node);
            }
        }
        Some(open) => match &mut open.node.kind {
            Kind::Seq(items) => items.push(node),
            Kind::Map(pairs) => match open.key.take() {
                None => open.key = Some(node),
                Some(key) => pairs.push((key, node)),
            },
            Kind::Scalar { .. } => unreachable!("only collections are open"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(n: &Node) -> Vec<(&str, Pos)> {
        match &n.kind {
            Kind::Map(p) => p.iter().map(|(k, _)| (k.as_str().unwrap(), k.at)).collect(),
            _ => panic!("not a map"),
        }
    }

    #[test]
    fn nodes_carry_their_place_and_duplicates_stay() {
        let d = parse("a: 1\nb:\n  - x\n  - {c: 007}\na: 2\n");
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        let root = d.root.unwrap();
        assert_eq!(
            keys(&root),
            [
                ("a", Pos { line: 1, column: 1 }),
                ("b", Pos { line: 2, column: 1 }),
                ("a", Pos { line: 5, column: 1 })
            ]
        );
        let Kind::Map(pairs) = &root.kind else {
            unreachable!()
        };
        let Kind::Seq(items) = &pairs[1].1.kind else {
            panic!()
        };
        assert_eq!(items[0].at, Pos { line: 3, column: 5 });
        let Kind::Map(inner) = &items[1].kind else {
            panic!()
        };
        assert_eq!(inner[0].1.as_str(), Some("007"), "scalars keep their text");
        assert_eq!(inner[0].1.at, Pos { line: 4, column: 9 });
    }

    #[test]
    fn a_syntax_error_keeps_what_came_before() {
        let d = parse("a: 1\nb:\n  - x\n  - [y\nc: 3\n");
        assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
        let root = d.root.unwrap();
        assert!(root.cut);
        assert_eq!(keys(&root)[0].0, "a");
    }

    #[test]
    fn nulls_and_quoted_nulls() {
        let d = parse("a:\nb: ~\nc: 'null'\n");
        let Kind::Map(p) = &d.root.unwrap().kind else {
            panic!()
        };
        assert!(p[0].1.is_null() && p[1].1.is_null());
        assert_eq!(p[2].1.as_str(), Some("null"));
    }

    #[test]
    fn aliases_expand_and_bombs_stop() {
        let d = parse("a: &x {k: v}\nb: *x\n");
        assert!(d.errors.is_empty());
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let d = parse(&bomb);
        assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
        assert!(d.errors[0].1.contains("aliases"), "{:?}", d.errors);
    }

    #[test]
    fn one_document_per_file() {
        let d = parse("a: 1\n---\nb: 2\n");
        assert_eq!(
            d.errors,
            [(
                Pos { line: 2, column: 1 },
                "a second YAML document (`---`): a table file holds one".to_string()
            )]
        );
    }
}
