//! The reference as JSON, for other tools (a helpdesk macro, a BI tool): every entry with its
//! anchor, state, code, retry advice, shopper messages and agent action, then the taxonomy.

use super::Reference;

/// Renders `reference` as pretty-printed JSON (the shape of [`Reference`]'s `Serialize`).
///
/// ```
/// use psp_status::reference::{json, Reference};
/// let r = Reference::current();
/// let v: serde_json::Value = serde_json::from_str(&json::render(&r)).unwrap();
/// assert_eq!(v["table_version"], psp_status::TABLE_VERSION);
/// assert!(v["providers"][0]["surfaces"][0]["entries"][0]["anchor"].is_string());
/// ```
pub fn render(reference: &Reference) -> String {
    let mut s = serde_json::to_string_pretty(reference).expect("the reference serializes");
    s.push('\n');
    s
}
