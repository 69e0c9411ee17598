//! JSON Lines: one value per line; a line ends at `\n`, `\r\n` or a lone `\r` (JSON text never
//! holds a raw line break inside a string). Blank lines are not rows.

use super::line_end;

/// One non-blank line of a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// Where it starts in the chunk.
    pub start: usize,
    /// Where its content ends (trailing whitespace and terminator excluded).
    pub content_end: usize,
    /// Its line number within the chunk (0-based).
    pub line: u64,
}

/// Calls `f` for every non-blank line of `chunk`; returns the line breaks seen.
///
/// ```
/// use psp_status::readers::jsonl::for_each_line;
///
/// let mut lines = Vec::new();
/// let breaks = for_each_line(b"{}\r\r\n {\"a\":1} \r{}", |l| lines.push((l.start, l.content_end, l.line)));
/// assert_eq!(lines, [(0, 2, 0), (5, 13, 2), (15, 17, 3)]);
/// assert_eq!(breaks, 3);
/// ```
pub fn for_each_line(chunk: &[u8], mut f: impl FnMut(Line)) -> u64 {
    let (mut pos, mut line) = (0usize, 0u64);
    while pos < chunk.len() {
        let (content_end, end) = line_end(chunk, pos);
        let text = &chunk[pos..content_end];
        if !text.trim_ascii().is_empty() {
            f(Line {
                start: pos,
                content_end: pos + text.trim_ascii_end().len(),
                line,
            });
        }
        line += u64::from(end > content_end);
        pos = end;
    }
    line
}

/// The length of the longest prefix of `buf` made of whole lines: up to its last line break,
/// except a `\r` that ends `buf` (its `\n` may follow) unless `eof`.
///
/// ```
/// use psp_status::readers::jsonl::whole_lines;
///
/// assert_eq!(whole_lines(b"{}\r{}\r", false), 3);
/// assert_eq!(whole_lines(b"{}\r{}\r", true), 6);
/// ```
pub fn whole_lines(buf: &[u8], eof: bool) -> usize {
    let end = if eof || buf.last() != Some(&b'\r') {
        buf.len()
    } else {
        buf.len() - 1
    };
    memchr::memrchr2(b'\n', b'\r', &buf[..end]).map_or(0, |i| i + 1)
}
