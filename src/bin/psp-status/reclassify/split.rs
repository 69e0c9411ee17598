//! Cutting a stream into chunks of whole records, so that chunks can be parsed in parallel.
//!
//! JSON Lines: a record ends at `\n`. CSV: a record ends at `\r` or `\n` outside a quoted
//! field, as csv-core reads it (a quote opens a quoted field only at the start of a field;
//! `""` inside one is an escaped quote, and after the closing quote the field goes on
//! unquoted). The scan jumps from quote to quote with memchr, so it runs at memory speed
//! whatever the quoting.

use memchr::{memchr, memrchr};

/// Which record syntax to cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// RFC 4180 CSV with this delimiter and `"` quotes.
    Csv(u8),
    /// One record per line.
    Lines,
}

/// The length of the longest prefix of `buf` made of whole records (ending with `\n`), given
/// that `buf` starts at a record boundary. 0 when no record ends in `buf`.
pub fn whole_records(buf: &[u8], syntax: Syntax) -> usize {
    let Some(last_nl) = memrchr(b'\n', buf) else {
        return 0;
    };
    let delim = match syntax {
        Syntax::Lines => return last_nl + 1,
        Syntax::Csv(d) => d,
    };
    if memchr(b'"', &buf[..last_nl]).is_none() {
        return last_nl + 1;
    }
    // Outside quotes, only a quote at the start of a field matters: jump from quote to quote
    // with memchr, and take the last line break of every stretch outside quotes.
    let mut cut = 0;
    let mut i = 0;
    let mut at_field_start = true;
    loop {
        let quote = memchr(b'"', &buf[i..]).map(|k| i + k);
        let stretch = &buf[i..quote.unwrap_or(buf.len())];
        if let Some(k) = memrchr(b'\n', stretch) {
            cut = i + k + 1;
        }
        let Some(q) = quote else {
            return cut;
        };
        let opens = if q == i {
            at_field_start
        } else {
            let before = buf[q - 1];
            before == delim || before == b'\n' || before == b'\r'
        };
        at_field_start = false;
        if !opens {
            // A quote inside an unquoted field is a plain byte.
            i = q + 1;
            continue;
        }
        // Inside a quoted field: find its closing quote (`""` is an escaped quote).
        let mut j = q + 1;
        loop {
            let Some(k) = memchr(b'"', &buf[j..]) else {
                return cut; // still inside quotes at the end of the buffer
            };
            let close = j + k;
            match buf.get(close + 1) {
                Some(b'"') => j = close + 2,
                None => return cut,
                Some(_) => {
                    i = close + 1;
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every cut the automaton makes must be a record boundary for csv-core, and no later
    /// boundary may be missed.
    fn boundaries_by_csv_core(data: &[u8]) -> Vec<usize> {
        let mut r = csv_core::Reader::new();
        let mut out = vec![0u8; data.len() + 16];
        let mut ends = vec![0usize; data.len() + 16];
        let mut pos = 0;
        let mut cuts = vec![];
        loop {
            let (res, nin, _, _) = r.read_record(&data[pos..], &mut out, &mut ends);
            pos += nin;
            match res {
                csv_core::ReadRecordResult::Record => {
                    // csv-core may stop after the `\r` of a `\r\n`.
                    let mut end = pos;
                    if end > 0 && data[end - 1] == b'\r' && data.get(end) == Some(&b'\n') {
                        end += 1;
                    }
                    if end > 0 && data[end - 1] == b'\n' {
                        cuts.push(end);
                    }
                }
                csv_core::ReadRecordResult::InputEmpty | csv_core::ReadRecordResult::End => break,
                other => panic!("{other:?}"),
            }
        }
        cuts
    }

    #[test]
    fn cuts_at_the_last_record_end_outside_quotes() {
        let cases: &[&[u8]] = &[
            b"a,b\nc,d\ne,f",
            b"a,\"b\nc\",d\ne,f\n",
            b"a,\"b\nc\",d\ne,\"f\n",
            b"a,b\"c\nd,e\n",
            b"a,\"x\"\"\ny\"\nz\n",
            b"\"a\"b,c\nd\n",
            b"a,b\r\nc,\"d\r\n\"\r\ne\r\n",
            b"no newline at all",
            b"\"open quote\n never closed\n",
        ];
        for data in cases {
            let got = whole_records(data, Syntax::Csv(b','));
            let want = boundaries_by_csv_core(data).last().copied().unwrap_or(0);
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(data));
        }
    }

    #[test]
    fn agrees_with_csv_core_on_random_inputs() {
        let mut x: u64 = 0x1234_5678;
        for _ in 0..3_000 {
            let len = 1 + (x % 24) as usize;
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    x = x
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    b"a,\"\n\r\"a,"[(x >> 33) as usize % 8]
                })
                .collect();
            let got = whole_records(&data, Syntax::Csv(b','));
            let want = boundaries_by_csv_core(&data).last().copied().unwrap_or(0);
            // Never miss the last record end; a later cut may only skip blank lines.
            assert!(got >= want, "{:?}", String::from_utf8_lossy(&data));
            let mut parts = records(&data[..got]);
            parts.extend(records(&data[got..]));
            assert_eq!(
                parts,
                records(&data),
                "{:?}",
                String::from_utf8_lossy(&data)
            );
        }
    }

    fn records(data: &[u8]) -> Vec<Vec<u8>> {
        let mut r = csv_core::Reader::new();
        let mut out = vec![0u8; data.len() + 16];
        let mut ends = vec![0usize; data.len() + 16];
        let mut pos = 0;
        let mut recs = vec![];
        loop {
            let (res, nin, nout, nend) = r.read_record(&data[pos..], &mut out, &mut ends);
            pos += nin;
            match res {
                csv_core::ReadRecordResult::Record => {
                    let mut rec = out[..nout].to_vec();
                    rec.extend(ends[..nend].iter().map(|e| *e as u8));
                    recs.push(rec);
                }
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::End => break,
                other => panic!("{other:?}"),
            }
        }
        recs
    }

    #[test]
    fn lines_cut_at_the_last_newline() {
        assert_eq!(whole_records(b"{}\n{\"a\":\n", Syntax::Lines), 9);
        assert_eq!(whole_records(b"{}", Syntax::Lines), 0);
    }
}
