//! Data errors with their place: `path:line:column: message`.

use std::fmt;

/// One problem found in a mappings file, printed as `path:line:column: message`.
///
/// ```
/// use psp_status_build::Diagnostic;
/// let d = Diagnostic::new("mappings/stripe.yaml", 12, 7, "missing source");
/// assert_eq!(d.to_string(), "mappings/stripe.yaml:12:7: missing source");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file, as the directory was given plus the file name.
    pub path: String,
    /// 1-based line; a problem of the whole file (unreadable, missing key of the top-level
    /// mapping) is at the file's first key, or at 1:1.
    pub line: u64,
    /// 1-based column, in characters.
    pub column: u64,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic at `path:line:column`.
    ///
    /// ```
    /// let d = psp_status_build::Diagnostic::new("a.yaml", 1, 1, "oops");
    /// assert_eq!(d.line, 1);
    /// ```
    pub fn new(
        path: impl Into<String>,
        line: u64,
        column: u64,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: path.into(),
            line,
            column,
            message: message.into(),
        }
    }
}

/// Prints `path:line:column: message`. Control characters and bidirectional overrides (from
/// the file's values, or its name) are escaped as Rust escapes them (`\u{1b}`, `\n`,
/// `\u{202e}`), so that a table can never send terminal escape sequences to whoever reads the
/// errors, nor reorder what they see.
///
/// ```
/// let d = psp_status_build::Diagnostic::new("a.yaml", 3, 5, "unknown key `\u{1b}[2J\u{202e}x`");
/// assert_eq!(d.to_string(), "a.yaml:3:5: unknown key `\\u{1b}[2J\\u{202e}x`");
/// ```
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_escaped(f, &self.path)?;
        write!(f, ":{}:{}: ", self.line, self.column)?;
        write_escaped(f, &self.message)
    }
}

/// `text` with its control characters and bidirectional overrides escaped (the latter can make
/// a terminal show text in another order than it is written), as the CLI escapes them.
fn write_escaped(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    for c in text.chars() {
        if c.is_control() {
            write!(f, "{}", c.escape_debug())?;
        } else if matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
            write!(f, "\\u{{{:x}}}", c as u32)?;
        } else {
            write!(f, "{c}")?;
        }
    }
    Ok(())
}
