//! Parquet and Arrow tables: what `export` writes reads back as the same records, a table
//! from another tool (other integer and time types, no metadata) is read by its columns, and
//! bad values are refused with their row and column.

use std::path::Path;
use std::sync::Arc;

use arrow_array::{
    ArrayRef, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray, TimestampSecondArray,
};
use arrow_schema::{DataType, Field, Schema};
use socialset_ingest::{detect_format, Batcher, Format, ReadOptions, RecordReader, Table};
use socialset_model::{Account, AccountId, InteractionKind, Post, PostId, Record, Timestamp};

use crate::drain;

/// Writes `batch` as `socialset export` does: the schema's metadata (the table's name) in the
/// file's key-value metadata.
fn write_parquet(path: &Path, batch: &RecordBatch) {
    let file = std::fs::File::create(path).expect("create");
    let named: Vec<parquet::file::metadata::KeyValue> = batch
        .schema()
        .metadata()
        .iter()
        .map(|(k, v)| parquet::file::metadata::KeyValue::new(k.clone(), v.clone()))
        .collect();
    let props = parquet::file::properties::WriterProperties::builder()
        .set_key_value_metadata(Some(named))
        .build();
    let mut w =
        parquet::arrow::ArrowWriter::try_new(file, batch.schema(), Some(props)).expect("writer");
    w.write(batch).expect("write");
    w.close().expect("close");
}

fn read(path: &Path, format: Format) -> (Vec<Record>, Vec<socialset_ingest::RecordError>) {
    match RecordReader::open(path, "t.parquet", &ReadOptions::new(format)) {
        Ok((reader, _)) => drain(reader),
        // A file refused whole is refused on opening.
        Err(e) => (Vec::new(), vec![e]),
    }
}

#[test]
fn what_the_batcher_writes_reads_back_as_the_same_records_in_parquet_and_arrow() {
    let mut account = Account::bare(AccountId::new("tw:ann"));
    account.handle = Some("ann_cooks".into());
    account.followers = Some(1840);
    account.created_at = Timestamp::from_epoch_ms(1_289_241_911_728);
    account.verified = Some(false);
    let mut post = Post::bare(PostId::new("tw:p1"), AccountId::new("tw:ann"));
    post.text = Some("Risotto night #adv @brand — è buono".into());
    post.hashtags = vec!["adv".into()];
    post.mentions = vec![AccountId::new("tw:brand")];
    post.urls = vec!["https://example.com/r".into()];
    post.replies = Some(5);
    post.views = Some(1000);
    post.lang = Some("it".into());
    post.at = Timestamp::from_epoch_ms(1_341_388_800_000);

    let dir = tempfile::tempdir().expect("tempdir");
    for (table, record) in [
        (Table::Accounts, Record::Account(account.clone())),
        (Table::Posts, Record::Post(post.clone())),
    ] {
        let mut b = Batcher::new(table);
        match &record {
            Record::Account(a) => b.account(a),
            Record::Post(p) => b.post(p),
            _ => unreachable!(),
        }
        let batch = b.finish().expect("batch");
        let parquet = dir.path().join(format!("{}.parquet", table.as_str()));
        write_parquet(&parquet, &batch);
        assert_eq!(
            detect_format(&parquet, "t").expect("detected").format,
            Format::Parquet
        );
        let (records, errors) = read(&parquet, Format::Parquet);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(records, vec![record.clone()]);

        let arrow = dir.path().join(format!("{}.arrow", table.as_str()));
        let file = std::fs::File::create(&arrow).expect("create");
        let mut w = arrow_ipc::writer::FileWriter::try_new(file, &batch.schema()).expect("ipc");
        w.write(&batch).expect("write");
        w.finish().expect("finish");
        assert_eq!(
            detect_format(&arrow, "t").expect("detected").format,
            Format::Arrow
        );
        let (records, errors) = read(&arrow, Format::Arrow);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(records, vec![record]);
    }
}

#[test]
fn a_table_from_another_tool_is_read_by_its_columns_and_bad_rows_are_named() {
    // As pandas would write interactions: 64-bit counts, times in seconds, bare ids, no
    // socialset metadata; row 2 has an unknown kind, row 3 a negative weight.
    let schema = Arc::new(Schema::new(vec![
        Field::new("src", DataType::Int64, false),
        Field::new("dst", DataType::Utf8, false),
        Field::new("kind", DataType::Utf8, false),
        Field::new(
            "at",
            DataType::Timestamp(arrow_schema::TimeUnit::Second, None),
            true,
        ),
        Field::new("weight", DataType::Float64, true),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(vec![1, 2, 3, 4])),
        Arc::new(StringArray::from(vec!["9", "9", "9", "tw:7"])),
        Arc::new(StringArray::from(vec!["reply", "retweet", "share", "like"])),
        Arc::new(TimestampSecondArray::from(vec![
            Some(1_341_388_800),
            None,
            None,
            None,
        ])),
        Arc::new(Float64Array::from(vec![Some(1.0), None, Some(-2.0), None])),
    ];
    let batch = RecordBatch::try_new(schema, columns).expect("batch");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("i.parquet");
    write_parquet(&path, &batch);
    let mut options = ReadOptions::new(Format::Parquet);
    options.platform = Some("x".into());
    let (reader, _) = RecordReader::open(&path, "i.parquet", &options).expect("open");
    let (records, errors) = drain(reader);
    assert_eq!(records.len(), 2, "{records:?}");
    let Record::Interaction(first) = &records[0] else {
        panic!("{records:?}")
    };
    assert_eq!(first.src.as_str(), "x:1");
    assert_eq!(first.dst.as_str(), "x:9");
    assert_eq!(first.kind, InteractionKind::Reply);
    assert_eq!(first.at.map(Timestamp::epoch_ms), Some(1_341_388_800_000));
    assert_eq!(first.weight, 1.0);
    let Record::Interaction(last) = &records[1] else {
        panic!("{records:?}")
    };
    assert_eq!(last.dst.as_str(), "tw:7");
    assert_eq!(last.weight, 1.0, "a missing weight is one engagement");
    let said: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "{said:?}");
    assert_eq!(
        (errors[0].line, errors[0].field.as_deref()),
        (2, Some("kind"))
    );
    assert!(said[0].contains("retweet"), "{said:?}");
    assert_eq!(
        (errors[1].line, errors[1].field.as_deref()),
        (3, Some("weight"))
    );
    assert!(said[1].contains("negative"), "{said:?}");
}

#[test]
fn a_file_whose_columns_are_wrong_is_refused_whole_naming_the_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    type Case = (&'static str, Vec<(Field, ArrayRef)>, &'static str);
    let cases: [Case; 4] = [
        (
            "unknown column",
            vec![
                (
                    Field::new("id", DataType::Utf8, false),
                    Arc::new(StringArray::from(vec!["a"])),
                ),
                (
                    Field::new("folowers", DataType::Int32, true),
                    Arc::new(Int32Array::from(vec![3])),
                ),
            ],
            "\"folowers\"",
        ),
        (
            "wrong type",
            vec![
                (
                    Field::new("id", DataType::Utf8, false),
                    Arc::new(StringArray::from(vec!["a"])),
                ),
                (
                    Field::new("followers", DataType::Utf8, true),
                    Arc::new(StringArray::from(vec!["many"])),
                ),
            ],
            "column \"followers\" is of type Utf8",
        ),
        (
            "no table",
            vec![(
                Field::new("colour", DataType::Utf8, false),
                Arc::new(StringArray::from(vec!["red"])),
            )],
            "holds none of socialset's tables",
        ),
        (
            "posts without an author",
            vec![(
                Field::new("id", DataType::Utf8, false),
                Arc::new(StringArray::from(vec!["p"])),
            )],
            "has no column \"author\"",
        ),
    ];
    for (name, columns, says) in cases {
        let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = columns.into_iter().unzip();
        let mut schema = Schema::new(fields);
        if name.starts_with("posts") {
            // Named a posts table in its metadata, as an export would be.
            schema = schema.with_metadata(
                [(socialset_ingest::TABLE_KEY.to_owned(), "posts".to_owned())]
                    .into_iter()
                    .collect::<std::collections::HashMap<_, _>>(),
            );
        }
        let batch = RecordBatch::try_new(Arc::new(schema), arrays).expect("batch");
        let path = dir
            .path()
            .join(format!("{}.parquet", name.replace(' ', "-")));
        write_parquet(&path, &batch);
        let (records, errors) = read(&path, Format::Parquet);
        assert!(records.is_empty(), "{name}");
        assert_eq!(errors.len(), 1, "{name}: {errors:?}");
        assert!(errors[0].fatal, "{name}");
        assert!(
            errors[0].to_string().contains(says),
            "{name}: {}",
            errors[0]
        );
    }
    // Not a Parquet file at all, though it says so.
    let path = dir.path().join("fake.parquet");
    std::fs::write(&path, b"PAR1 and then nothing").expect("write");
    let (records, errors) = read(&path, Format::Parquet);
    assert!(records.is_empty());
    assert!(
        errors[0].fatal && errors[0].to_string().contains("Parquet"),
        "{errors:?}"
    );
}

#[test]
fn a_parquet_file_that_would_unpack_past_the_limit_is_refused_before_it_is_read() {
    // 10,000 rows of one repeated value: a few hundred bytes of Parquet.
    let mut b = Batcher::new(Table::Follows);
    for _ in 0..10_000 {
        b.follow("tw:a", "tw:b", None);
    }
    let batch = b.finish().expect("batch");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("f.parquet");
    write_parquet(&path, &batch);
    let mut options = ReadOptions::new(Format::Parquet);
    options.limits.max_decompressed_bytes = 10_000;
    let Err(e) = RecordReader::open(&path, "f.parquet", &options) else {
        panic!("a file past the limit was opened");
    };
    assert!(
        e.fatal && e.to_string().contains("more than the 10000 bytes"),
        "{e}"
    );
    let bytes = std::fs::read(&path).expect("read");
    assert!(bytes.len() < 2_000, "{} bytes", bytes.len());
    let (records, errors) = drain(RecordReader::from_bytes(bytes, "f.parquet", &options));
    assert!(
        records.is_empty() && errors.len() == 1 && errors[0].fatal,
        "{errors:?}"
    );
    options.limits.max_decompressed_bytes = u64::MAX;
    let (reader, _) = RecordReader::open(&path, "f.parquet", &options).expect("open");
    assert_eq!(reader.count(), 10_000);
}
