//! The JSON Lines reader on any bytes: no panic; lines in order, non-blank, inside the input,
//! with the line numbers of their starts; `whole_lines` cuts at a line end; each line parses
//! or fails cleanly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use psp_status::readers::jsonl::{for_each_line, whole_lines};
use psp_status::readers::{line_breaks, strip_bom};

fuzz_target!(|data: &[u8]| {
    let input = strip_bom(data);
    let mut prev = 0;
    let breaks = for_each_line(input, |l| {
        assert!(prev <= l.start && l.start < l.content_end && l.content_end <= input.len());
        assert_eq!(l.line, line_breaks(&input[..l.start]));
        let text = &input[l.start..l.content_end];
        assert!(!text.trim_ascii().is_empty());
        assert!(!text.contains(&b'\n') && !text.contains(&b'\r'));
        let _ = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(text);
        prev = l.content_end;
    });
    assert_eq!(breaks, line_breaks(input));
    let cut = whole_lines(input, false);
    assert!(cut == 0 || matches!(input[cut - 1], b'\n' | b'\r'));
});
