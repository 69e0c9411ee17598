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

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )
    }
}
