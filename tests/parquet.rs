//! `psp-status reclassify` on Parquet: Parquet → Parquet keeps every column with its type and
//! agrees row by row with the CSV path; CSV ↔ Parquet and Parquet → JSON Lines conversions;
//! corrupt, truncated and mislabelled files fail naming the file and commit nothing; an output
//! may not overwrite the input.

use arrow_array::builder::{Int32Builder, ListBuilder};
use arrow_array::types::Int32Type;
use arrow_array::{
    Array, ArrayRef, DictionaryArray, Int32Array, Int64Array, LargeStringArray, RecordBatch,
    StringArray, StringViewArray, StructArray,
};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use std::path::Path;
use std::sync::Arc;

mod support;
use support::{ok, read_csv, run, s};

/// Generated rows, without the ones with a wrong number of fields (a Parquet file cannot hold
/// those): the CSV both paths read.
fn history(dir: &Path, rows: u64) -> (Vec<String>, Vec<Vec<String>>) {
    let raw = dir.join("generated.csv");
    ok(&[
        "generate",
        "--rows",
        &rows.to_string(),
        "--seed",
        "7",
        "-o",
        s(&raw),
    ]);
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&raw)
        .unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect::<Vec<_>>())
        .filter(|r| r.len() == header.len())
        .collect();
    let mut w = csv::Writer::from_path(dir.join("history.csv")).unwrap();
    w.write_record(&header).unwrap();
    for row in &rows {
        w.write_record(row).unwrap();
    }
    w.flush().unwrap();
    (header, rows)
}

fn col<'a>(header: &[String], rows: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let i = header.iter().position(|h| h == name).unwrap();
    rows.iter().map(|r| r[i].as_str()).collect()
}

/// The history as Parquet, with the types a demanding user's files have: the provider
/// dictionary-encoded, the surface a string view, the raw value a large string (null where the
/// CSV cell is empty), the others plain strings; and columns the CSV has not: an integer, a
/// struct with nulls and a list. Small row groups, so that a run crosses several.
fn write_parquet(path: &Path, header: &[String], rows: &[Vec<String>]) -> Arc<Schema> {
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for name in header {
        let values = col(header, rows, name);
        let array: ArrayRef = match name.as_str() {
            "provider" => Arc::new(
                values
                    .iter()
                    .copied()
                    .collect::<DictionaryArray<Int32Type>>(),
            ),
            "surface" => Arc::new(StringViewArray::from(values.clone())),
            "raw" => Arc::new(LargeStringArray::from(
                values
                    .iter()
                    .map(|v| (!v.is_empty()).then_some(*v))
                    .collect::<Vec<_>>(),
            )),
            _ => Arc::new(StringArray::from(values.clone())),
        };
        fields.push(Field::new(name, array.data_type().clone(), true));
        columns.push(array);
    }
    let n = rows.len();
    let seq = Int64Array::from_iter_values(0..n as i64);
    let inner_a = StringArray::from_iter((0..n).map(|i| (i % 5 != 0).then(|| format!("a{i}"))));
    let inner_k = Int32Array::from_iter_values((0..n).map(|i| i as i32 * 3));
    let meta = StructArray::try_new(
        vec![
            Field::new("a", DataType::Utf8, true),
            Field::new("k", DataType::Int32, false),
        ]
        .into(),
        vec![Arc::new(inner_a) as ArrayRef, Arc::new(inner_k)],
        Some((0..n).map(|i| i % 7 != 3).collect::<Vec<_>>().into()),
    )
    .unwrap();
    let mut tags = ListBuilder::new(Int32Builder::new());
    for i in 0..n {
        if i % 11 == 0 {
            tags.append_null();
        } else {
            for j in 0..(i % 3) {
                tags.values().append_value(j as i32);
            }
            tags.append(true);
        }
    }
    let tags = tags.finish();
    for (name, a) in [
        ("seq", Arc::new(seq) as ArrayRef),
        ("meta", Arc::new(meta)),
        ("tags", Arc::new(tags)),
    ] {
        fields.push(Field::new(name, a.data_type().clone(), true));
        columns.push(a);
    }
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(700))
        .build();
    let mut w = ArrowWriter::try_new(
        std::fs::File::create(path).unwrap(),
        schema.clone(),
        Some(props),
    )
    .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    schema
}

/// Every batch of a Parquet file, concatenated, and the file's key-value metadata.
fn read_parquet(path: &Path) -> (RecordBatch, Vec<(String, String)>) {
    let b = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap()).unwrap();
    let meta = b
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .map(|kv| {
            kv.iter()
                .map(|k| (k.key.clone(), k.value.clone().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    let schema = b.schema().clone();
    let batches: Vec<RecordBatch> = b.build().unwrap().map(|b| b.unwrap()).collect();
    (
        arrow_select::concat::concat_batches(&schema, &batches).unwrap(),
        meta,
    )
}

/// A column's cells as strings (null as `None`), whatever its type.
fn cells(batch: &RecordBatch, name: &str) -> Vec<Option<String>> {
    let a = batch
        .column_by_name(name)
        .unwrap_or_else(|| panic!("no column {name}"));
    let a = arrow_cast::cast(a, &DataType::Utf8).unwrap();
    let a = a.as_any().downcast_ref::<StringArray>().unwrap();
    (0..a.len())
        .map(|i| a.is_valid(i).then(|| a.value(i).to_string()))
        .collect()
}

fn report(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

const APPENDED: [&str; 5] = ["state", "code", "operation", "matched", "table_version"];

#[test]
fn parquet_to_parquet_keeps_every_column_and_agrees_with_the_csv_path() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (header, rows) = history(d, 3000);
    let input = d.join("history.parquet");
    write_parquet(&input, &header, &rows);
    let out = d.join("out.parquet");
    let rep = d.join("report.json");
    ok(&[
        "reclassify",
        s(&input),
        "-o",
        s(&out),
        "--report",
        s(&rep),
        "-q",
    ]);
    ok(&[
        "reclassify",
        s(&d.join("history.csv")),
        "-o",
        s(&d.join("out.csv")),
        "-q",
    ]);

    let (input_batch, _) = read_parquet(&input);
    let (got, meta) = read_parquet(&out);
    // Every input column with its type, then the appended ones.
    let in_fields = input_batch.schema().fields().clone();
    let out_fields = got.schema().fields().clone();
    assert_eq!(out_fields.len(), in_fields.len() + 5);
    for (a, b) in in_fields.iter().zip(out_fields.iter()) {
        assert_eq!((a.name(), a.data_type()), (b.name(), b.data_type()));
    }
    assert!(matches!(
        in_fields[in_fields.len() - 1].data_type(),
        DataType::List(_)
    ));
    for (f, name) in out_fields[in_fields.len()..].iter().zip(APPENDED) {
        assert_eq!((f.name().as_str(), f.data_type()), (name, &DataType::Utf8));
    }
    assert!(meta.contains(&(
        "psp_status.table_version".to_string(),
        psp_status::TABLE_VERSION.to_string()
    )));
    assert!(meta.contains(&(
        "psp_status.table_digest".to_string(),
        psp_status::TABLE_DIGEST.to_string()
    )));

    // Row by row: the same rows kept, the same classification, as the CSV path.
    let (csv_header, csv_rows) = read_csv(&d.join("out.csv"));
    assert_eq!(got.num_rows(), csv_rows.len());
    assert!(got.num_rows() > 2500, "{}", got.num_rows());
    for name in header.iter().map(String::as_str).chain(APPENDED) {
        let want: Vec<Option<String>> = col(&csv_header, &csv_rows, name)
            .into_iter()
            .map(|v| {
                // The Parquet raw column is null where the CSV is empty; operation is null
                // where the CSV writes nothing.
                (!(v.is_empty() && (name == "raw" || name == "operation"))).then(|| v.to_string())
            })
            .collect();
        assert_eq!(cells(&got, name), want, "column {name}");
    }
    // The columns the CSV has not: kept cell for cell on the rows kept (`seq` says which).
    let kept: Vec<usize> = cells(&got, "seq")
        .iter()
        .map(|v| v.as_ref().unwrap().parse().unwrap())
        .collect();
    for name in ["meta", "tags"] {
        let a = input_batch.column_by_name(name).unwrap();
        let b = got.column_by_name(name).unwrap();
        for (i, &k) in kept.iter().enumerate() {
            assert_eq!(
                a.slice(k, 1).to_data(),
                b.slice(i, 1).to_data(),
                "{name} row {k}"
            );
        }
    }
    // Rejects: the same rows, the same reasons, as the CSV path; the counts add up.
    let (_, pq_rejects) = read_csv(&d.join("out.parquet.rejects.csv"));
    let (_, csv_rejects) = read_csv(&d.join("out.csv.rejects.csv"));
    let key = |r: &Vec<String>| (r[0].clone(), r[2].clone());
    assert_eq!(
        pq_rejects.iter().map(key).collect::<Vec<_>>(),
        csv_rejects.iter().map(key).collect::<Vec<_>>()
    );
    assert!(!pq_rejects.is_empty());
    // The rejects file shows the row as a JSON object.
    let first: serde_json::Value = serde_json::from_str(&pq_rejects[0][3]).unwrap();
    assert!(first.get("seq").is_some(), "{first}");
    let r = report(&rep);
    assert_eq!(r["rows_in"], rows.len());
    assert_eq!(r["rows_out"], got.num_rows());
    assert_eq!(r["rows_rejected"], pq_rejects.len());
    assert_eq!(r["format"], "parquet");
    appended_columns_are_dictionary_encoded_with_true_statistics(&out, 0);
}

/// The appended columns of a Parquet output (written page by page from their keys, not by the
/// Arrow writer): dictionary-encoded, with an offset index, and statistics that match their
/// values in every row group; `trailing` leaves follow them (the `reject` column).
fn appended_columns_are_dictionary_encoded_with_true_statistics(path: &Path, trailing: usize) {
    use parquet::arrow::arrow_reader::ArrowReaderOptions;
    use parquet::basic::Encoding;
    use parquet::file::statistics::Statistics;
    let file = std::fs::File::open(path).unwrap();
    let options = ArrowReaderOptions::new()
        .with_page_index_policy(parquet::file::metadata::PageIndexPolicy::Required);
    let b = ParquetRecordBatchReaderBuilder::try_new_with_options(file, options).unwrap();
    let meta = b.metadata().clone();
    let offsets = meta.offset_index().expect("an offset index");
    let leaves = meta.file_metadata().schema_descr().num_columns();
    let mut start = 0;
    for (g, group) in meta.row_groups().iter().enumerate() {
        let rows = group.num_rows() as usize;
        let (batch, _) = {
            let f = std::fs::File::open(path).unwrap();
            let r = ParquetRecordBatchReaderBuilder::try_new(f)
                .unwrap()
                .with_row_groups(vec![g])
                .with_batch_size(rows.max(1))
                .build()
                .unwrap();
            (r.map(|b| b.unwrap()).collect::<Vec<_>>(), ())
        };
        assert_eq!(batch.iter().map(|b| b.num_rows()).sum::<usize>(), rows);
        for (i, name) in APPENDED.iter().enumerate() {
            let leaf = leaves - 5 - trailing + i;
            let c = group.column(leaf);
            assert_eq!(c.column_path().string(), *name);
            assert!(c.dictionary_page_offset().is_some(), "{name}");
            assert!(
                c.encodings().any(|e| e == Encoding::RLE_DICTIONARY),
                "{name}"
            );
            let values: Vec<Option<String>> = batch.iter().flat_map(|b| cells(b, name)).collect();
            let present: Vec<&String> = values.iter().flatten().collect();
            let Some(Statistics::ByteArray(st)) = c.statistics() else {
                panic!("{name}: no string statistics");
            };
            assert_eq!(
                st.min_opt().map(|v| v.as_utf8().unwrap()),
                present.iter().min().map(|s| s.as_str()),
                "{name} min, row group {g}"
            );
            assert_eq!(
                st.max_opt().map(|v| v.as_utf8().unwrap()),
                present.iter().max().map(|s| s.as_str()),
                "{name} max, row group {g}"
            );
            assert_eq!(
                st.null_count_opt(),
                Some((values.len() - present.len()) as u64),
                "{name} nulls"
            );
            // The offset index covers every row of the chunk, page by page, in order.
            let pages = &offsets[g][leaf].page_locations;
            assert!(!pages.is_empty() && pages[0].first_row_index == 0, "{name}");
            assert!(pages
                .windows(2)
                .all(|w| w[0].first_row_index < w[1].first_row_index));
            assert!(pages.iter().all(|p| (p.first_row_index as usize) < rows));
        }
        start += rows;
    }
    assert_eq!(start as i64, meta.file_metadata().num_rows());
}

#[test]
fn csv_to_parquet_to_csv_and_jsonl_agree_with_the_csv_path() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (header, _) = history(d, 1500);
    let csv_in = d.join("history.csv");
    ok(&["reclassify", s(&csv_in), "-o", s(&d.join("out.csv")), "-q"]);
    // CSV → Parquet: the CSV path's rows, every column a string.
    ok(&[
        "reclassify",
        s(&csv_in),
        "-o",
        s(&d.join("out.parquet")),
        "-q",
    ]);
    let (csv_header, csv_rows) = read_csv(&d.join("out.csv"));
    let (got, meta) = read_parquet(&d.join("out.parquet"));
    assert!(meta.iter().any(|(k, _)| k == "psp_status.table_digest"));
    let names: Vec<String> = got
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(names, csv_header);
    for name in &csv_header {
        let want: Vec<Option<String>> = col(&csv_header, &csv_rows, name)
            .into_iter()
            .map(|v| (!(v.is_empty() && name == "operation")).then(|| v.to_string()))
            .collect();
        assert_eq!(cells(&got, name), want, "column {name}");
    }
    let (_, a) = read_csv(&d.join("out.csv.rejects.csv"));
    let (_, b) = read_csv(&d.join("out.parquet.rejects.csv"));
    assert_eq!(a, b);

    // Parquet → CSV and → JSON Lines, from a Parquet of the CSV's columns (prefixed output
    // columns: the file already has the result columns).
    let plain = d.join("plain.parquet");
    let (h, r) = read_csv(&csv_in);
    write_parquet(&plain, &h, &r);
    let back = d.join("back.csv");
    ok(&["reclassify", s(&plain), "-o", s(&back), "-q"]);
    let (back_header, back_rows) = read_csv(&back);
    assert_eq!(back_rows.len(), csv_rows.len());
    for name in header.iter().chain(
        APPENDED
            .iter()
            .map(|a| &**a)
            .map(String::from)
            .collect::<Vec<_>>()
            .iter(),
    ) {
        assert_eq!(
            col(&back_header, &back_rows, name),
            col(&csv_header, &csv_rows, name),
            "column {name}"
        );
    }
    let jsonl = d.join("back.jsonl");
    ok(&["reclassify", s(&plain), "-o", s(&jsonl), "-q"]);
    let text = std::fs::read_to_string(&jsonl).unwrap();
    let objects: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), csv_rows.len());
    for (o, row) in objects.iter().zip(&csv_rows) {
        for (i, name) in csv_header.iter().enumerate() {
            let want = if row[i].is_empty() && (name == "operation" || name == "raw") {
                serde_json::Value::Null
            } else {
                serde_json::Value::from(row[i].as_str())
            };
            assert_eq!(o[name], want, "{name} in {o}");
        }
    }
}

/// Runs `reclassify` on `input` into outputs that exist already, expecting a failure naming
/// `expect`, and checks that the previous outputs are byte-identical.
fn fails_and_commits_nothing(dir: &Path, input: &Path, expect: &str) -> String {
    fails_and_commits_nothing_with(dir, input, expect, &[])
}

/// [`fails_and_commits_nothing`] with more flags.
fn fails_and_commits_nothing_with(
    dir: &Path,
    input: &Path,
    expect: &str,
    flags: &[&str],
) -> String {
    let out = dir.join("out.parquet");
    let rejects = dir.join("out.parquet.rejects.csv");
    let rep = dir.join("report.json");
    for (p, text) in [
        (&out, "previous output"),
        (&rejects, "previous rejects"),
        (&rep, "{}"),
    ] {
        std::fs::write(p, text).unwrap();
    }
    let mut args = vec![
        "reclassify",
        s(input),
        "-o",
        s(&out),
        "--report",
        s(&rep),
        "-q",
    ];
    args.extend(flags);
    let o = run(&args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(s(input)), "{stderr}");
    assert!(stderr.contains(expect), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous output");
    assert_eq!(
        std::fs::read_to_string(&rejects).unwrap(),
        "previous rejects"
    );
    assert_eq!(std::fs::read_to_string(&rep).unwrap(), "{}");
    // No temporary left behind.
    let names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(names.is_empty(), "{names:?}");
    stderr
}

#[test]
fn corrupt_truncated_and_mislabelled_files_fail_and_commit_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (header, rows) = history(d, 3000);
    let good = d.join("good.parquet");
    write_parquet(&good, &header, &rows);
    let bytes = std::fs::read(&good).unwrap();
    let work = d.join("work");
    std::fs::create_dir(&work).unwrap();

    // A CSV file named .parquet.
    let csv = work.join("not.parquet");
    std::fs::copy(d.join("history.csv"), &csv).unwrap();
    fails_and_commits_nothing(&work, &csv, "not a readable Parquet file");

    // Truncated: the footer is gone.
    let cut = work.join("cut.parquet");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    fails_and_commits_nothing(&work, &cut, "not a readable Parquet file");

    // A damaged page header in the second row group: found while streaming, after rows were
    // already written to the temporary output.
    let meta = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&good).unwrap())
        .unwrap()
        .metadata()
        .clone();
    assert!(meta.num_row_groups() > 2);
    let at = meta.row_group(1).column(0).data_page_offset() as usize;
    let mut damaged = bytes.clone();
    damaged[at..at + 24].fill(0xff);
    let bad = work.join("damaged.parquet");
    std::fs::write(&bad, &damaged).unwrap();
    let err = fails_and_commits_nothing(&work, &bad, "row group 1");
    assert!(err.contains("from row 701"), "{err}");

    // Empty.
    let empty = work.join("empty.parquet");
    std::fs::write(&empty, b"").unwrap();
    fails_and_commits_nothing(&work, &empty, "not a readable Parquet file");
}

#[test]
fn a_parquet_output_may_not_overwrite_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (header, rows) = history(d, 200);
    let input = d.join("in.parquet");
    write_parquet(&input, &header, &rows);
    let before = std::fs::read(&input).unwrap();
    for args in [
        vec!["reclassify", s(&input), "-o", s(&input)],
        vec![
            "reclassify",
            s(&input),
            "-o",
            "x.parquet",
            "--rejects",
            s(&input),
        ],
        vec![
            "reclassify",
            s(&input),
            "-o",
            "x.parquet",
            "--report",
            s(&input),
        ],
    ] {
        let o = run(&args);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(std::fs::read(&input).unwrap(), before);
    }
    // Stdin cannot be Parquet.
    let o = run(&[
        "reclassify",
        "-",
        "--format",
        "parquet",
        "-o",
        s(&d.join("o.parquet")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("stdin"));
}

#[test]
fn signals_nested_paths_and_missing_columns() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A Stripe history: status in a column, the decline code inside a struct, nulls around.
    let status = StringArray::from(vec![
        Some("requires_payment_method"),
        Some("succeeded"),
        None,
        None,
    ]);
    let decline = StringArray::from(vec![
        Some("insufficient_funds"),
        None,
        Some("do_not_honor"),
        None,
    ]);
    let err = StructArray::try_new(
        vec![Field::new("decline_code", DataType::Utf8, true)].into(),
        vec![Arc::new(decline) as ArrayRef],
        Some(vec![true, true, true, false].into()),
    )
    .unwrap();
    let schema = Arc::new(Schema::new(vec![
        Field::new("status", DataType::Utf8, true),
        Field::new("err", err.data_type().clone(), true),
    ]));
    let batch =
        RecordBatch::try_new(schema.clone(), vec![Arc::new(status), Arc::new(err)]).unwrap();
    let input = d.join("stripe.parquet");
    let mut w = ArrowWriter::try_new(std::fs::File::create(&input).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let out = d.join("out.parquet");
    ok(&[
        "reclassify",
        s(&input),
        "-o",
        s(&out),
        "-q",
        "--provider",
        "stripe",
        "--signal",
        "payment_intent.status=status",
        "--signal",
        "decline_code=err.decline_code",
    ]);
    // The same rows as JSON Lines through the JSON path: the same answers.
    let jsonl = d.join("stripe.jsonl");
    std::fs::write(
        &jsonl,
        "{\"status\":\"requires_payment_method\",\"err\":{\"decline_code\":\"insufficient_funds\"}}\n\
         {\"status\":\"succeeded\",\"err\":{\"decline_code\":null}}\n\
         {\"status\":null,\"err\":{\"decline_code\":\"do_not_honor\"}}\n\
         {\"status\":null,\"err\":null}\n",
    )
    .unwrap();
    let out_json = d.join("out.jsonl");
    ok(&[
        "reclassify",
        s(&jsonl),
        "-o",
        s(&out_json),
        "-q",
        "--provider",
        "stripe",
        "--signal",
        "payment_intent.status=status",
        "--signal",
        "decline_code=err.decline_code",
    ]);
    let (got, _) = read_parquet(&out);
    let text = std::fs::read_to_string(&out_json).unwrap();
    let objects: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), got.num_rows());
    for name in ["state", "code", "matched"] {
        let want: Vec<Option<String>> = objects
            .iter()
            .map(|o| o[name].as_str().map(String::from))
            .collect();
        assert_eq!(cells(&got, name), want, "{name}");
    }
    assert_eq!(
        cells(&got, "code")[0].as_deref(),
        Some("INSUFFICIENT_FUNDS")
    );
    // Row 3 has only a decline code; row 4 has no signal at all (rejected).
    assert_eq!(got.num_rows(), 3);
    let (_, rej) = read_csv(&d.join("out.parquet.rejects.csv"));
    assert_eq!(rej.len(), 1);
    assert_eq!(rej[0][0], "4");
    assert!(rej[0][2].starts_with("no signal"), "{:?}", rej[0]);
    // A column that is not there is named, with the columns that are.
    let o = run(&[
        "reclassify",
        s(&input),
        "-o",
        s(&out),
        "--provider",
        "stripe",
        "--signal",
        "decline_code=err.nope",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("no column `err.nope`") && e.contains("status, err"),
        "{e}"
    );
}

/// docs/reclassify.md's Parquet commands run as shown (in a folder holding `examples/`, `/tmp/`
/// being that folder), and what they write reads back.
#[test]
fn the_docs_parquet_commands_run() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/reclassify.md"))
        .unwrap();
    let section = &doc[doc.find("## Parquet").unwrap()..];
    let block = section
        .split("```sh\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("examples")).unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/transactions.csv"),
        d.join("examples/transactions.csv"),
    )
    .unwrap();
    let mut ran = 0;
    for line in block.lines().filter(|l| !l.trim().is_empty()) {
        let tmp = format!("{}/", s(d));
        let line = line.replace("/tmp/", &tmp);
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], "psp-status", "{line}");
        let o = std::process::Command::new(support::BIN)
            .args(&words[1..])
            .current_dir(d)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{line}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        ran += 1;
    }
    assert!(ran >= 3);
    let (first, _) = read_parquet(&d.join("transactions.parquet"));
    let (again, _) = read_parquet(&d.join("again.parquet"));
    assert_eq!(first.num_rows(), again.num_rows());
    // Reclassifying the output again gives the same answers under the prefixed names.
    assert_eq!(cells(&again, "state"), cells(&again, "again_state"));
    let (h, rows) = read_csv(&d.join("again.csv"));
    assert_eq!(rows.len(), first.num_rows());
    assert_eq!(h.last().unwrap(), "again_table_version");
    // --keep-rejected: every row, the reason where there is no answer.
    let (kept, _) = read_parquet(&d.join("kept.parquet"));
    assert_eq!(kept.num_rows(), first.num_rows());
    assert_eq!(
        cells(&kept, "again_state")
            .iter()
            .filter(|c| c.is_some())
            .count(),
        cells(&kept, "again_reject")
            .iter()
            .filter(|c| c.is_none())
            .count()
    );
}

/// Peak resident memory of a child, from its own rusage (wait4).
#[cfg(unix)]
#[allow(clippy::zombie_processes)]
fn peak_rss(cmd: &mut std::process::Command) -> (i32, u64) {
    let child = cmd.spawn().unwrap();
    let mut status = 0;
    // SAFETY: a zeroed rusage is valid; wait4 on our own child's pid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32);
    assert!(libc::WIFEXITED(status));
    (libc::WEXITSTATUS(status), usage.ru_maxrss as u64 * 1024)
}

/// One 100 MB row group (4 KB of notes per row) read and written under `--memory-limit 64`:
/// the file is streamed, never loaded whole. (The file is made by the binary from a CSV written
/// line by line: the test process stays small, since a child's peak RSS counts what it shared
/// with its parent before exec.)
#[cfg(unix)]
#[test]
fn a_big_row_group_stays_under_the_memory_bound() {
    use std::io::Write;
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    let d = dir.path();
    let rows = 25_000usize;
    let csv_path = d.join("big.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&csv_path).unwrap());
    f.write_all(b"provider,surface,raw,notes\n").unwrap();
    let mut x = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..rows {
        f.write_all(b"stripe,decline_code,do_not_honor,").unwrap();
        for _ in 0..512 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            write!(f, "{:08x}", x as u32).unwrap();
        }
        f.write_all(b"\n").unwrap();
    }
    drop(f);
    // A generous limit for the conversion: one row group of every row.
    let input = d.join("big.parquet");
    ok(&[
        "reclassify",
        s(&csv_path),
        "-o",
        s(&input),
        "-q",
        "--memory-limit",
        "2048",
    ]);
    std::fs::remove_file(&csv_path).unwrap();
    let meta = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&input).unwrap())
        .unwrap()
        .metadata()
        .clone();
    assert_eq!(meta.num_row_groups(), 1);
    assert!(std::fs::metadata(&input).unwrap().len() > 90 << 20);
    let out = d.join("out.parquet");
    let (code, peak) = peak_rss(
        std::process::Command::new(support::BIN)
            .args([
                "reclassify",
                s(&input),
                "-o",
                s(&out),
                "-q",
                "--memory-limit",
                "64",
            ])
            .args(["--column-prefix", "again_"])
            .stderr(std::process::Stdio::inherit()),
    );
    assert_eq!(code, 0);
    assert!(peak < 64 << 20, "peak RSS {} MiB", peak >> 20);
    let b = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&out).unwrap()).unwrap();
    assert_eq!(b.metadata().file_metadata().num_rows(), rows as i64);
    assert_eq!(b.schema().fields().len(), 14);
    // --keep-rejected copies the 100 MB notes chunk through a small buffer and decodes the
    // three columns it reads a batch at a time: the same bound holds.
    let kept = d.join("kept.parquet");
    let (code, peak) = peak_rss(
        std::process::Command::new(support::BIN)
            .args(["reclassify", s(&input), "-o", s(&kept), "-q"])
            .args([
                "--memory-limit",
                "64",
                "--keep-rejected",
                "--column-prefix",
                "again_",
            ])
            .stderr(std::process::Stdio::inherit()),
    );
    assert_eq!(code, 0);
    assert!(
        peak < 64 << 20,
        "--keep-rejected: peak RSS {} MiB",
        peak >> 20
    );
    let b = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&kept).unwrap()).unwrap();
    assert_eq!(b.metadata().file_metadata().num_rows(), rows as i64);
    assert_eq!(b.schema().fields().len(), 15);
    assert_eq!(
        b.metadata().row_group(0).column(3).compressed_size(),
        meta.row_group(0).column(3).compressed_size()
    );
}

/// `--trim`, `--provider` and provider-limited signals read Parquet columns as they read CSV
/// cells: the same rows kept, the same answers, the same rejects.
#[test]
fn column_flags_agree_with_the_csv_path() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (header, rows) = history(d, 1500);
    let pq = d.join("history.parquet");
    write_parquet(&pq, &header, &rows);
    let csv_in = d.join("history.csv");
    for (i, flags) in [
        vec!["--trim"],
        vec![
            "--provider",
            "stripe",
            "--signal",
            "decline_code=raw",
            "--signal",
            "payment_intent.status=surface",
        ],
        vec![
            "--signal",
            "stripe:decline_code=raw",
            "--signal",
            "checkout:response_code=raw",
        ],
    ]
    .iter()
    .enumerate()
    {
        let a = d.join(format!("a{i}.csv"));
        let b = d.join(format!("b{i}.csv"));
        let mut args = vec!["reclassify", s(&csv_in), "-o", s(&a), "-q"];
        args.extend(flags);
        ok(&args);
        let mut args = vec!["reclassify", s(&pq), "-o", s(&b), "-q"];
        args.extend(flags);
        ok(&args);
        let (ha, ra) = read_csv(&a);
        let (hb, rb) = read_csv(&b);
        assert_eq!(ra.len(), rb.len(), "{flags:?}");
        for name in APPENDED.iter().chain(["id"].iter()) {
            assert_eq!(col(&ha, &ra, name), col(&hb, &rb, name), "{flags:?} {name}");
        }
        let (_, ja) = read_csv(&d.join(format!("a{i}.csv.rejects.csv")));
        let (_, jb) = read_csv(&d.join(format!("b{i}.csv.rejects.csv")));
        let key = |r: &Vec<String>| (r[0].clone(), r[2].clone());
        assert_eq!(
            ja.iter().map(key).collect::<Vec<_>>(),
            jb.iter().map(key).collect::<Vec<_>>(),
            "{flags:?}"
        );
    }
}

/// Each input column's codec is kept (zstd, snappy, none); the appended ones are snappy or, for
/// the key pages, uncompressed.
#[test]
fn the_input_columns_keep_their_codecs() {
    use parquet::basic::{Compression, ZstdLevel};
    use parquet::schema::types::ColumnPath;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (header, rows) = history(d, 500);
    let columns: Vec<ArrayRef> = header
        .iter()
        .map(|h| Arc::new(StringArray::from(col(&header, &rows, h))) as ArrayRef)
        .collect();
    let schema = Arc::new(Schema::new(
        header
            .iter()
            .map(|h| Field::new(h, DataType::Utf8, true))
            .collect::<Vec<_>>(),
    ));
    let codec = |name: &str| match name {
        "raw" => Compression::ZSTD(ZstdLevel::default()),
        "provider" => Compression::UNCOMPRESSED,
        _ => Compression::SNAPPY,
    };
    let mut props = WriterProperties::builder().set_compression(Compression::SNAPPY);
    for h in &header {
        props = props.set_column_compression(ColumnPath::from(h.as_str()), codec(h));
    }
    let input = d.join("in.parquet");
    let mut w = ArrowWriter::try_new(
        std::fs::File::create(&input).unwrap(),
        schema.clone(),
        Some(props.build()),
    )
    .unwrap();
    w.write(&RecordBatch::try_new(schema, columns).unwrap())
        .unwrap();
    w.close().unwrap();
    let out = d.join("out.parquet");
    ok(&["reclassify", s(&input), "-o", s(&out), "-q"]);
    let b = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&out).unwrap()).unwrap();
    let group = &b.metadata().row_groups()[0];
    let got: Vec<(String, Compression)> = group
        .columns()
        .iter()
        .map(|c| (c.column_path().string(), c.compression()))
        .collect();
    for h in &header {
        assert!(got.contains(&(h.clone(), codec(h))), "{h}: {got:?}");
    }
    assert!(got
        .iter()
        .any(|(n, c)| n == "raw" && matches!(c, Compression::ZSTD(_))));
    let (read, _) = read_parquet(&out);
    assert_eq!(cells(&read, "raw").len(), read.num_rows());
}

/// `--keep-rejected` against the default run on the same input: `kept` has every input row in
/// order, each input column equal to the input's (type and values); a row the default run
/// classified has the same result columns and a null `reject`; a row it rejected has null
/// result columns and the reason its rejects file gives. Returns the number of such rows.
/// `prefix` is the appended columns' (`--column-prefix`).
fn kept_agrees_with_the_default_run(
    prefix: &str,
    input: &RecordBatch,
    default_out: &RecordBatch,
    default_rejects: &[Vec<String>],
    kept: &RecordBatch,
) -> usize {
    assert_eq!(kept.num_rows(), input.num_rows());
    let in_fields = input.schema().fields().clone();
    let kept_fields = kept.schema().fields().clone();
    assert_eq!(kept_fields.len(), in_fields.len() + 6);
    for (i, f) in in_fields.iter().enumerate() {
        let k = &kept_fields[i];
        assert_eq!((f.name(), f.data_type()), (k.name(), k.data_type()));
        assert_eq!(
            input.column(i).to_data(),
            kept.column(i).to_data(),
            "column {}",
            f.name()
        );
    }
    let appended: Vec<String> = APPENDED.iter().map(|a| format!("{prefix}{a}")).collect();
    for (f, name) in kept_fields[in_fields.len()..]
        .iter()
        .zip(appended.iter().chain([&format!("{prefix}reject")]))
    {
        assert_eq!((f.name(), f.data_type()), (name, &DataType::Utf8));
        assert!(f.is_nullable(), "{name}");
    }
    let reasons: std::collections::HashMap<usize, &str> = default_rejects
        .iter()
        .map(|r| (r[0].parse::<usize>().unwrap() - 1, r[2].as_str()))
        .collect();
    assert_eq!(
        default_out.num_rows() + reasons.len(),
        input.num_rows(),
        "the default run: rows out + rejects"
    );
    let reject = cells(kept, &format!("{prefix}reject"));
    let mut next = 0;
    let mut rejected = 0;
    let want: Vec<Vec<Option<String>>> = appended.iter().map(|a| cells(default_out, a)).collect();
    let got: Vec<Vec<Option<String>>> = appended.iter().map(|a| cells(kept, a)).collect();
    for row in 0..kept.num_rows() {
        match reasons.get(&row) {
            Some(why) => {
                assert_eq!(reject[row].as_deref(), Some(*why), "row {}", row + 1);
                for (c, name) in got.iter().zip(APPENDED) {
                    assert_eq!(c[row], None, "{name} of kept rejected row {}", row + 1);
                }
                rejected += 1;
            }
            None => {
                assert_eq!(reject[row], None, "row {}", row + 1);
                for ((g, w), name) in got.iter().zip(&want).zip(APPENDED) {
                    assert_eq!(g[row], w[next], "{name} of row {}", row + 1);
                }
                next += 1;
            }
        }
    }
    assert_eq!(next, default_out.num_rows());
    rejected
}

/// Runs the default mode and `--keep-rejected` (extra `flags` on both) on `input`, checks them
/// against each other, and returns the kept output's path and its count of kept rejected rows.
fn keep_and_compare(
    d: &Path,
    input: &Path,
    tag: &str,
    flags: &[&str],
) -> (std::path::PathBuf, usize) {
    let default_out = d.join(format!("{tag}.default.parquet"));
    let kept = d.join(format!("{tag}.kept.parquet"));
    let rep = d.join(format!("{tag}.kept.json"));
    let mut a = vec!["reclassify", s(input), "-o", s(&default_out), "-q"];
    a.extend(flags);
    ok(&a);
    let mut a = vec![
        "reclassify",
        s(input),
        "-o",
        s(&kept),
        "--report",
        s(&rep),
        "--keep-rejected",
    ];
    a.extend(flags);
    let o = ok(&a);
    let (input_batch, _) = read_parquet(input);
    let (default_batch, _) = read_parquet(&default_out);
    let (kept_batch, meta) = read_parquet(&kept);
    let (_, default_rejects) = read_csv(&d.join(format!("{tag}.default.parquet.rejects.csv")));
    let prefix = flags
        .iter()
        .position(|f| *f == "--column-prefix")
        .map_or("", |i| flags[i + 1]);
    let n = kept_agrees_with_the_default_run(
        prefix,
        &input_batch,
        &default_batch,
        &default_rejects,
        &kept_batch,
    );
    // Nothing unreadable: the rejects file has its header only.
    let (h, r) = read_csv(&d.join(format!("{tag}.kept.parquet.rejects.csv")));
    assert_eq!((h.len(), r.len()), (4, 0));
    let r = report(&rep);
    assert_eq!(r["rows_in"], input_batch.num_rows());
    assert_eq!(r["rows_out"], input_batch.num_rows());
    assert_eq!(r["rows_rejected"], 0);
    assert_eq!(r["rows_kept_rejected"], n);
    let summary = String::from_utf8_lossy(&o.stderr);
    if n > 0 {
        assert!(
            summary.contains(&format!("{n} of the rows out kept with a reject reason")),
            "{summary}"
        );
    }
    for (k, v) in [
        ("psp_status.table_version", psp_status::TABLE_VERSION),
        ("psp_status.table_digest", psp_status::TABLE_DIGEST),
    ] {
        assert!(meta.contains(&(k.to_string(), v.to_string())), "{meta:?}");
    }
    // The input's column chunks are in the output as they were: same codec, encodings and
    // sizes, one output row group per (non-empty) input row group.
    let meta_of = |p: &Path| {
        ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(p).unwrap())
            .unwrap()
            .metadata()
            .clone()
    };
    let (mi, mo) = (meta_of(input), meta_of(&kept));
    let groups: Vec<_> = mi
        .row_groups()
        .iter()
        .filter(|g| g.num_rows() > 0)
        .collect();
    assert_eq!(groups.len(), mo.num_row_groups());
    for (gi, go) in groups.iter().zip(mo.row_groups()) {
        assert_eq!(gi.num_rows(), go.num_rows());
        assert_eq!(go.num_columns(), gi.num_columns() + 6);
        for (a, b) in gi.columns().iter().zip(go.columns()) {
            assert_eq!(a.column_path(), b.column_path());
            assert_eq!(
                (a.compression(), a.compressed_size(), a.num_values()),
                (b.compression(), b.compressed_size(), b.num_values())
            );
            assert_eq!(
                a.encodings().collect::<Vec<_>>(),
                b.encodings().collect::<Vec<_>>()
            );
            assert_eq!(a.statistics(), b.statistics(), "{}", a.column_path());
        }
    }
    (kept, n)
}

#[test]
fn keep_rejected_copies_the_input_and_agrees_with_the_default_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (header, rows) = history(d, 3000);
    let input = d.join("history.parquet");
    write_parquet(&input, &header, &rows);
    let (kept, n) = keep_and_compare(d, &input, "mixed", &[]);
    assert!(n > 0, "the history has rows to reject");
    // The appended columns: dictionary pages, true statistics, an offset index like the input's
    // columns (ArrowWriter wrote one for each).
    appended_columns_are_dictionary_encoded_with_true_statistics(&kept, 1);
    // And with a prefix, provider-limited signals and --trim.
    let (kept, _) = keep_and_compare(
        d,
        &input,
        "flags",
        &[
            "--column-prefix",
            "x_",
            "--trim",
            "--signal",
            "stripe:decline_code=raw",
            "--signal",
            "checkout:response_code=raw",
        ],
    );
    let (b, _) = read_parquet(&kept);
    assert!(b.column_by_name("x_reject").is_some());
    // An input that has a `reject` column already is refused (it may without the flag).
    let has = d.join("has_reject.csv");
    std::fs::write(
        &has,
        "provider,surface,raw,reject\nstripe,decline_code,x,y\n",
    )
    .unwrap();
    for input in [has.clone(), d.join("has_reject.parquet")] {
        if input.extension().unwrap() == "parquet" {
            ok(&[
                "reclassify",
                s(&has),
                "-o",
                s(&input),
                "-q",
                "--column-prefix",
                "c_",
            ]);
            let (b, _) = read_parquet(&input);
            assert!(b.column_by_name("reject").is_some());
        }
        let o = run(&[
            "reclassify",
            s(&input),
            "-o",
            s(&d.join("again.parquet")),
            "--keep-rejected",
        ]);
        assert_eq!(o.status.code(), Some(2), "{input:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("`reject`"));
    }
    // --max-rejects counts the kept rejected rows: the run fails and commits nothing.
    let out = d.join("limited.parquet");
    let o = run(&[
        "reclassify",
        s(&input),
        "-o",
        s(&out),
        "--keep-rejected",
        "--max-rejects",
        &(n - 1).to_string(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists());
    ok(&[
        "reclassify",
        s(&input),
        "-o",
        s(&out),
        "-q",
        "--keep-rejected",
        "--max-rejects",
        &n.to_string(),
    ]);
}

/// Input files as other writers make them: each codec, with and without statistics and page
/// index, dictionary or plain, one row group or many, and an empty file.
#[test]
fn keep_rejected_reads_every_kind_of_input_file() {
    use parquet::basic::{Compression, ZstdLevel};
    use parquet::file::properties::EnabledStatistics;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (header, rows) = history(d, 3000);
    let columns: Vec<ArrayRef> = header
        .iter()
        .map(|h| {
            let v = col(&header, &rows, h);
            // Empty cells as nulls.
            Arc::new(StringArray::from_iter(
                v.iter().map(|x| (!x.is_empty()).then_some(*x)),
            )) as ArrayRef
        })
        .collect();
    let schema = Arc::new(Schema::new(
        header
            .iter()
            .map(|h| Field::new(h, DataType::Utf8, true))
            .collect::<Vec<_>>(),
    ));
    let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    let variants = [
        (
            "snappy",
            Compression::SNAPPY,
            EnabledStatistics::Page,
            true,
            1_000_000,
        ),
        (
            "none",
            Compression::UNCOMPRESSED,
            EnabledStatistics::Chunk,
            false,
            250,
        ),
        (
            "zstd",
            Compression::ZSTD(ZstdLevel::default()),
            EnabledStatistics::None,
            true,
            333,
        ),
        (
            "plain",
            Compression::SNAPPY,
            EnabledStatistics::Page,
            false,
            1_000_000,
        ),
    ];
    for (tag, codec, stats, dictionary, group) in variants {
        let props = WriterProperties::builder()
            .set_compression(codec)
            .set_statistics_enabled(stats)
            .set_offset_index_disabled(stats != EnabledStatistics::Page)
            .set_dictionary_enabled(dictionary)
            .set_max_row_group_row_count(Some(group))
            .build();
        let input = d.join(format!("{tag}.parquet"));
        let mut w = ArrowWriter::try_new(
            std::fs::File::create(&input).unwrap(),
            schema.clone(),
            Some(props),
        )
        .unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        let (kept, n) = keep_and_compare(d, &input, tag, &[]);
        assert!(n > 0, "{tag}");
        // A page index in the output exactly when the input had one (the footer writer wants
        // one for every column chunk or none).
        let options = parquet::arrow::arrow_reader::ArrowReaderOptions::new()
            .with_page_index_policy(parquet::file::metadata::PageIndexPolicy::Optional);
        let b = ParquetRecordBatchReaderBuilder::try_new_with_options(
            std::fs::File::open(&kept).unwrap(),
            options,
        )
        .unwrap();
        let has_index = b
            .metadata()
            .offset_index()
            .is_some_and(|oi| oi.iter().flatten().all(|c| !c.page_locations().is_empty()));
        assert_eq!(has_index, stats == EnabledStatistics::Page, "{tag}");
        if has_index {
            appended_columns_are_dictionary_encoded_with_true_statistics(&kept, 1);
        }
        let groups = b.metadata().num_row_groups();
        assert_eq!(groups, rows.len().div_ceil(group), "{tag}");
    }
    // An empty file: the schema, no row.
    let empty = d.join("empty.parquet");
    let w = ArrowWriter::try_new(std::fs::File::create(&empty).unwrap(), schema, None).unwrap();
    w.close().unwrap();
    let out = d.join("empty.out.parquet");
    ok(&[
        "reclassify",
        s(&empty),
        "-o",
        s(&out),
        "-q",
        "--keep-rejected",
    ]);
    let (b, _) = read_parquet(&out);
    assert_eq!(b.num_rows(), 0);
    assert_eq!(b.num_columns(), header.len() + 6);
}

#[test]
fn keep_rejected_on_a_corrupt_file_fails_and_commits_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (header, rows) = history(d, 3000);
    let good = d.join("good.parquet");
    write_parquet(&good, &header, &rows);
    let bytes = std::fs::read(&good).unwrap();
    let work = d.join("work");
    std::fs::create_dir(&work).unwrap();
    let cut = work.join("cut.parquet");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    fails_and_commits_nothing_with(
        &work,
        &cut,
        "not a readable Parquet file",
        &["--keep-rejected"],
    );
    // A damaged page of a column the classification reads, in the second row group: found
    // while streaming, after the first row group was copied.
    let meta = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&good).unwrap())
        .unwrap()
        .metadata()
        .clone();
    let raw = header.iter().position(|h| h == "raw").unwrap();
    let c = meta.row_group(1).column(raw);
    let at = c.dictionary_page_offset().unwrap_or(c.data_page_offset()) as usize;
    let mut damaged = bytes.clone();
    damaged[at..at + 24].fill(0xff);
    let bad = work.join("damaged.parquet");
    std::fs::write(&bad, &damaged).unwrap();
    let err = fails_and_commits_nothing_with(&work, &bad, "row group 1", &["--keep-rejected"]);
    assert!(err.contains("from row 701"), "{err}");
}

/// `--keep-rejected` from and to CSV and JSON Lines: every row the kernel rejects is written
/// with empty (null) result cells and its reason; rows that cannot be read still go to the
/// rejects file.
#[test]
fn keep_rejected_in_csv_and_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let raw = d.join("generated.csv");
    ok(&["generate", "--rows", "2000", "--seed", "7", "-o", s(&raw)]);
    // The default run: its rejects split into unreadable records and kernel rejects.
    let default_out = d.join("default.csv");
    ok(&["reclassify", s(&raw), "-o", s(&default_out), "-q"]);
    let (dh, drows) = read_csv(&default_out);
    let (_, drej) = read_csv(&d.join("default.csv.rejects.csv"));
    let unreadable = |why: &str| why.starts_with("wrong number of fields") || why.contains("quote");
    let readable_rejects: Vec<&Vec<String>> = drej.iter().filter(|r| !unreadable(&r[2])).collect();
    assert!(!readable_rejects.is_empty() && readable_rejects.len() < drej.len());
    for (tag, out) in [
        ("csv", "kept.csv"),
        ("jsonl", "kept.jsonl"),
        ("parquet", "kept.parquet"),
    ] {
        let out = d.join(out);
        let rep = d.join(format!("{tag}.json"));
        ok(&[
            "reclassify",
            s(&raw),
            "-o",
            s(&out),
            "--keep-rejected",
            "--report",
            s(&rep),
            "-q",
            "--output-format",
            tag,
        ]);
        // The output as rows of strings ("" for null), in the CSV's column order.
        let (kh, krows): (Vec<String>, Vec<Vec<String>>) = match tag {
            "csv" => read_csv(&out),
            "jsonl" => {
                let text = std::fs::read_to_string(&out).unwrap();
                let objects: Vec<serde_json::Map<String, serde_json::Value>> = text
                    .lines()
                    .map(|l| serde_json::from_str(l).unwrap())
                    .collect();
                let keys: Vec<String> = dh.iter().cloned().chain(["reject".to_string()]).collect();
                assert!(objects.iter().all(|o| o.len() == keys.len()));
                let rows = objects
                    .iter()
                    .map(|o| {
                        keys.iter()
                            .map(|k| o[k].as_str().unwrap_or_default().to_string())
                            .collect()
                    })
                    .collect();
                (keys, rows)
            }
            _ => {
                let (b, _) = read_parquet(&out);
                let names: Vec<String> = b
                    .schema()
                    .fields()
                    .iter()
                    .map(|f| f.name().clone())
                    .collect();
                let columns: Vec<Vec<Option<String>>> =
                    names.iter().map(|n| cells(&b, n)).collect();
                let rows = (0..b.num_rows())
                    .map(|i| {
                        columns
                            .iter()
                            .map(|c| c[i].clone().unwrap_or_default())
                            .collect()
                    })
                    .collect();
                (names, rows)
            }
        };
        assert_eq!(kh.last().unwrap(), "reject", "{tag}");
        assert_eq!(&kh[..kh.len() - 1], &dh[..], "{tag}");
        assert_eq!(krows.len(), drows.len() + readable_rejects.len(), "{tag}");
        let id = dh.iter().position(|h| h == "id").unwrap();
        let by_id: std::collections::HashMap<&str, &Vec<String>> =
            drows.iter().map(|r| (r[id].as_str(), r)).collect();
        let mut kept_rejected = 0;
        for r in &krows {
            let reject = r.last().unwrap();
            match by_id.get(r[id].as_str()) {
                Some(want) if reject.is_empty() => {
                    assert_eq!(&r[..r.len() - 1], &want[..], "{tag}")
                }
                _ => {
                    kept_rejected += 1;
                    assert!(
                        readable_rejects
                            .iter()
                            .any(|j| j[2] == *reject && j[3].contains(&r[id])),
                        "{tag}: {r:?}"
                    );
                    assert!(
                        r[r.len() - 6..r.len() - 1].iter().all(String::is_empty),
                        "{tag}: {r:?}"
                    );
                }
            }
        }
        assert_eq!(kept_rejected, readable_rejects.len(), "{tag}");
        // The unreadable records are in the rejects file, as in the default run.
        let (_, krej) = read_csv(&d.join(format!("{}.rejects.csv", s(&out))));
        let want: Vec<&Vec<String>> = drej.iter().filter(|r| unreadable(&r[2])).collect();
        assert_eq!(krej.iter().collect::<Vec<_>>(), want, "{tag}");
        let r = report(&rep);
        assert_eq!(r["rows_kept_rejected"], readable_rejects.len(), "{tag}");
        assert_eq!(r["rows_rejected"], want.len(), "{tag}");
    }
    // JSON Lines in, JSON Lines out, and Parquet to CSV: the same kept rows and reasons.
    let jsonl_in = d.join("kept.jsonl");
    let pq_in = d.join("plain.parquet");
    let (gh, grows) = history(d, 2000);
    write_parquet(&pq_in, &gh, &grows);
    let from_pq = d.join("from_pq.csv");
    ok(&[
        "reclassify",
        s(&pq_in),
        "-o",
        s(&from_pq),
        "-q",
        "--keep-rejected",
    ]);
    let (ph, prows) = read_csv(&from_pq);
    assert_eq!(prows.len(), grows.len());
    assert_eq!(ph.last().unwrap(), "reject");
    let dpq = d.join("default_pq.csv");
    ok(&["reclassify", s(&pq_in), "-o", s(&dpq), "-q"]);
    let (_, prej) = read_csv(&d.join("default_pq.csv.rejects.csv"));
    let pr = ph.len() - 1;
    let got: Vec<(usize, &str)> = prows
        .iter()
        .enumerate()
        .filter(|(_, r)| !r[pr].is_empty())
        .map(|(i, r)| (i + 1, r[pr].as_str()))
        .collect();
    let want: Vec<(usize, &str)> = prej
        .iter()
        .map(|r| (r[0].parse().unwrap(), r[2].as_str()))
        .collect();
    assert_eq!(got, want);
    // A JSON Lines input that went through --keep-rejected has a `reject` key: refused again
    // (the output would have it twice) unless prefixed.
    let again = d.join("again.jsonl");
    ok(&[
        "reclassify",
        s(&jsonl_in),
        "-o",
        s(&again),
        "-q",
        "--keep-rejected",
        "--column-prefix",
        "again_",
    ]);
    let text = std::fs::read_to_string(&again).unwrap();
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert!(first.get("again_reject").is_some(), "{first}");
}
