//! Parquet and Arrow IPC tables: the schema of each table socialset writes (docs/FORMAT.md,
//! "Parquet and Arrow tables"), records to Arrow batches (`Batcher`, for `socialset export`)
//! and batches back to records (`read`, for `socialset import`). One schema serves both ways,
//! so an export imports back unchanged.

pub(crate) mod read;

pub use read::inside_contained_decoder;

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Float64Builder, ListBuilder, StringBuilder, TimestampMillisecondBuilder,
    UInt64Builder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef, TimeUnit};
use socialset_model::{
    Account, ClaimRecord, ClaimWhat, InteractionKind, Post, Timestamp, VerdictRecord,
};

/// The key in a table's schema metadata that names the table, so `import` knows what a file
/// holds without guessing from its columns.
pub const TABLE_KEY: &str = "socialset.table";

/// The tables of records socialset writes and reads back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    Accounts,
    Follows,
    Posts,
    Interactions,
    Ratings,
    Claims,
    Verdicts,
}

/// The type of a column, as the schema gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// UTF-8 text.
    Text,
    /// A count: unsigned 64-bit.
    Count,
    /// A finite number.
    Number,
    Flag,
    /// A time: milliseconds since the epoch, UTC.
    Time,
    /// A list of texts.
    Texts,
}

impl Kind {
    fn data_type(self) -> DataType {
        match self {
            Self::Text => DataType::Utf8,
            Self::Count => DataType::UInt64,
            Self::Number => DataType::Float64,
            Self::Flag => DataType::Boolean,
            Self::Time => DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
            Self::Texts => DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true))),
        }
    }
}

/// Whether a column has a value in every row, and whether a file may leave it out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Need {
    /// A value in every row; a file without the column is refused.
    Required,
    /// A value in every row of what socialset writes; a file may leave the column out and
    /// each row gets its default (no mentions, hashtags or links; a weight of 1).
    Defaulted,
    /// Unknown where a row has no value.
    Optional,
}

/// A column: its name, type and need.
pub(crate) type Column = (&'static str, Kind, Need);

const ACCOUNTS: [Column; 14] = [
    ("id", Kind::Text, Need::Required),
    ("platform", Kind::Text, Need::Optional),
    ("handle", Kind::Text, Need::Optional),
    ("name", Kind::Text, Need::Optional),
    ("followers", Kind::Count, Need::Optional),
    ("following", Kind::Count, Need::Optional),
    ("posts_count", Kind::Count, Need::Optional),
    ("created_at", Kind::Time, Need::Optional),
    ("bio", Kind::Text, Need::Optional),
    ("verified", Kind::Flag, Need::Optional),
    ("lang", Kind::Text, Need::Optional),
    ("is_brand", Kind::Flag, Need::Optional),
    ("listed", Kind::Count, Need::Optional),
    ("likes_given", Kind::Count, Need::Optional),
];

const FOLLOWS: [Column; 3] = [
    ("src", Kind::Text, Need::Required),
    ("dst", Kind::Text, Need::Required),
    ("at", Kind::Time, Need::Optional),
];

const POSTS: [Column; 17] = [
    ("id", Kind::Text, Need::Required),
    ("author", Kind::Text, Need::Required),
    ("at", Kind::Time, Need::Optional),
    ("text", Kind::Text, Need::Optional),
    ("lang", Kind::Text, Need::Optional),
    ("reply_to", Kind::Text, Need::Optional),
    ("share_of", Kind::Text, Need::Optional),
    ("quote_of", Kind::Text, Need::Optional),
    ("mentions", Kind::Texts, Need::Defaulted),
    ("hashtags", Kind::Texts, Need::Defaulted),
    ("urls", Kind::Texts, Need::Defaulted),
    ("likes", Kind::Count, Need::Optional),
    ("shares", Kind::Count, Need::Optional),
    ("replies", Kind::Count, Need::Optional),
    ("views", Kind::Count, Need::Optional),
    ("source", Kind::Text, Need::Optional),
    ("group", Kind::Text, Need::Optional),
];

const INTERACTIONS: [Column; 6] = [
    ("src", Kind::Text, Need::Required),
    ("dst", Kind::Text, Need::Required),
    ("kind", Kind::Text, Need::Required),
    ("at", Kind::Time, Need::Optional),
    ("post", Kind::Text, Need::Optional),
    ("weight", Kind::Number, Need::Defaulted),
];

const RATINGS: [Column; 4] = [
    ("src", Kind::Text, Need::Required),
    ("dst", Kind::Text, Need::Required),
    ("value", Kind::Number, Need::Required),
    ("at", Kind::Time, Need::Optional),
];

const CLAIMS: [Column; 6] = [
    ("id", Kind::Text, Need::Required),
    ("link", Kind::Text, Need::Optional),
    ("hashtag", Kind::Text, Need::Optional),
    ("text", Kind::Text, Need::Optional),
    ("post", Kind::Text, Need::Optional),
    ("title", Kind::Text, Need::Optional),
];

const VERDICTS: [Column; 5] = [
    ("claim", Kind::Text, Need::Required),
    ("verdict", Kind::Text, Need::Required),
    ("source", Kind::Text, Need::Optional),
    ("url", Kind::Text, Need::Optional),
    ("at", Kind::Time, Need::Optional),
];

impl Table {
    pub const ALL: [Self; 7] = [
        Self::Accounts,
        Self::Follows,
        Self::Posts,
        Self::Interactions,
        Self::Ratings,
        Self::Claims,
        Self::Verdicts,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accounts => "accounts",
            Self::Follows => "follows",
            Self::Posts => "posts",
            Self::Interactions => "interactions",
            Self::Ratings => "ratings",
            Self::Claims => "claims",
            Self::Verdicts => "verdicts",
        }
    }

    /// The table's columns in order.
    pub(crate) fn columns(self) -> &'static [Column] {
        match self {
            Self::Accounts => &ACCOUNTS,
            Self::Follows => &FOLLOWS,
            Self::Posts => &POSTS,
            Self::Interactions => &INTERACTIONS,
            Self::Ratings => &RATINGS,
            Self::Claims => &CLAIMS,
            Self::Verdicts => &VERDICTS,
        }
    }

    /// The names of its columns, for messages and docs.
    pub fn column_names(self) -> Vec<&'static str> {
        self.columns().iter().map(|c| c.0).collect()
    }

    /// The Arrow schema of the table, naming it in its metadata.
    pub fn schema(self) -> SchemaRef {
        let fields: Vec<Field> = self
            .columns()
            .iter()
            .map(|&(name, kind, need)| Field::new(name, kind.data_type(), need == Need::Optional))
            .collect();
        Arc::new(
            Schema::new(fields).with_metadata(
                [(TABLE_KEY.to_owned(), self.as_str().to_owned())]
                    .into_iter()
                    .collect::<std::collections::HashMap<_, _>>(),
            ),
        )
    }

    /// The table a schema holds: the one its metadata names, or else the one its columns
    /// say (an interaction has a kind, a rating a value, a post an author, a verdict its
    /// claim, a claim a link, hashtag or post; two accounts alone are a follow; an id alone
    /// an account).
    pub fn of_schema(schema: &Schema) -> Option<Self> {
        if let Some(named) = schema.metadata().get(TABLE_KEY) {
            return named.parse().ok();
        }
        let has = |name: &str| schema.field_with_name(name).is_ok();
        if has("src") && has("dst") {
            Some(if has("kind") {
                Self::Interactions
            } else if has("value") {
                Self::Ratings
            } else {
                Self::Follows
            })
        } else if has("author") {
            Some(Self::Posts)
        } else if has("claim") && has("verdict") {
            Some(Self::Verdicts)
        } else if has("id") && (has("link") || has("hashtag") || has("post")) {
            Some(Self::Claims)
        } else if has("id") {
            Some(Self::Accounts)
        } else {
            None
        }
    }
}

impl std::str::FromStr for Table {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                format!("{s:?} is not a table: expected accounts, follows, posts, interactions, ratings, claims or verdicts")
            })
    }
}

/// One column being filled.
enum Builder {
    Text(StringBuilder),
    Count(UInt64Builder),
    Number(Float64Builder),
    Flag(BooleanBuilder),
    Time(TimestampMillisecondBuilder),
    Texts(ListBuilder<StringBuilder>),
}

impl Builder {
    fn new(kind: Kind) -> Self {
        match kind {
            Kind::Text => Self::Text(StringBuilder::new()),
            Kind::Count => Self::Count(UInt64Builder::new()),
            Kind::Number => Self::Number(Float64Builder::new()),
            Kind::Flag => Self::Flag(BooleanBuilder::new()),
            Kind::Time => Self::Time(TimestampMillisecondBuilder::new().with_timezone("UTC")),
            Kind::Texts => Self::Texts(ListBuilder::new(StringBuilder::new())),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Self::Text(b) => Arc::new(b.finish()),
            Self::Count(b) => Arc::new(b.finish()),
            Self::Number(b) => Arc::new(b.finish()),
            Self::Flag(b) => Arc::new(b.finish()),
            Self::Time(b) => Arc::new(b.finish()),
            Self::Texts(b) => Arc::new(b.finish()),
        }
    }
}

/// Fills one table's columns a row at a time and hands them out as record batches.
pub struct Batcher {
    table: Table,
    schema: SchemaRef,
    columns: Vec<Builder>,
    rows: usize,
}

impl std::fmt::Debug for Batcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batcher")
            .field("table", &self.table)
            .field("rows", &self.rows)
            .finish()
    }
}

impl Batcher {
    pub fn new(table: Table) -> Self {
        Self {
            table,
            schema: table.schema(),
            columns: table.columns().iter().map(|c| Builder::new(c.1)).collect(),
            rows: 0,
        }
    }

    pub fn table(&self) -> Table {
        self.table
    }

    pub fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    /// Rows filled since the last batch.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The rows filled so far as one batch; the builders start again empty.
    pub fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
        let arrays = self.columns.iter_mut().map(Builder::finish).collect();
        self.rows = 0;
        RecordBatch::try_new(Arc::clone(&self.schema), arrays)
    }

    fn text(&mut self, i: usize, v: Option<&str>) {
        if let Builder::Text(b) = &mut self.columns[i] {
            b.append_option(v);
        }
    }

    fn count(&mut self, i: usize, v: Option<u64>) {
        if let Builder::Count(b) = &mut self.columns[i] {
            b.append_option(v);
        }
    }

    fn number(&mut self, i: usize, v: f64) {
        if let Builder::Number(b) = &mut self.columns[i] {
            b.append_value(v);
        }
    }

    fn flag(&mut self, i: usize, v: Option<bool>) {
        if let Builder::Flag(b) = &mut self.columns[i] {
            b.append_option(v);
        }
    }

    fn time(&mut self, i: usize, v: Option<Timestamp>) {
        if let Builder::Time(b) = &mut self.columns[i] {
            b.append_option(v.map(Timestamp::epoch_ms));
        }
    }

    fn texts<S: AsRef<str>>(&mut self, i: usize, v: &[S]) {
        if let Builder::Texts(b) = &mut self.columns[i] {
            for s in v {
                b.values().append_value(s.as_ref());
            }
            b.append(true);
        }
    }

    /// Adds an account (the accounts table).
    pub fn account(&mut self, a: &Account) {
        debug_assert_eq!(self.table, Table::Accounts);
        self.text(0, Some(a.id.as_str()));
        self.text(1, a.platform.as_deref());
        self.text(2, a.handle.as_deref());
        self.text(3, a.name.as_deref());
        self.count(4, a.followers);
        self.count(5, a.following);
        self.count(6, a.posts_count);
        self.time(7, a.created_at);
        self.text(8, a.bio.as_deref());
        self.flag(9, a.verified);
        self.text(10, a.lang.as_deref());
        self.flag(11, a.is_brand);
        self.count(12, a.listed);
        self.count(13, a.likes_given);
        self.rows += 1;
    }

    /// Adds a follow: `src` follows `dst`.
    pub fn follow(&mut self, src: &str, dst: &str, at: Option<Timestamp>) {
        debug_assert_eq!(self.table, Table::Follows);
        self.text(0, Some(src));
        self.text(1, Some(dst));
        self.time(2, at);
        self.rows += 1;
    }

    /// Adds a post.
    pub fn post(&mut self, p: &Post) {
        debug_assert_eq!(self.table, Table::Posts);
        self.text(0, Some(p.id.as_str()));
        self.text(1, Some(p.author.as_str()));
        self.time(2, p.at);
        self.text(3, p.text.as_deref());
        self.text(4, p.lang.as_deref());
        self.text(5, p.reply_to.as_ref().map(|x| x.as_str()));
        self.text(6, p.share_of.as_ref().map(|x| x.as_str()));
        self.text(7, p.quote_of.as_ref().map(|x| x.as_str()));
        let mentions: Vec<&str> = p.mentions.iter().map(|m| m.as_str()).collect();
        self.texts(8, &mentions);
        self.texts(9, &p.hashtags);
        self.texts(10, &p.urls);
        self.count(11, p.likes);
        self.count(12, p.shares);
        self.count(13, p.replies);
        self.count(14, p.views);
        self.text(15, p.source.as_deref());
        self.text(16, p.group.as_ref().map(|g| g.as_str()));
        self.rows += 1;
    }

    /// Adds an interaction: `src` engaged with `dst`.
    pub fn interaction(
        &mut self,
        src: &str,
        dst: &str,
        kind: InteractionKind,
        at: Option<Timestamp>,
        post: Option<&str>,
        weight: f64,
    ) {
        debug_assert_eq!(self.table, Table::Interactions);
        self.text(0, Some(src));
        self.text(1, Some(dst));
        self.text(2, Some(kind.as_str()));
        self.time(3, at);
        self.text(4, post);
        self.number(5, weight);
        self.rows += 1;
    }

    /// Adds a rating of `dst` by `src`.
    pub fn rating(&mut self, src: &str, dst: &str, value: f64, at: Option<Timestamp>) {
        debug_assert_eq!(self.table, Table::Ratings);
        self.text(0, Some(src));
        self.text(1, Some(dst));
        self.number(2, value);
        self.time(3, at);
        self.rows += 1;
    }

    /// Adds a named claim: its id, what it is (one of link, hashtag, text, post) and title.
    pub fn claim(&mut self, c: &ClaimRecord) {
        debug_assert_eq!(self.table, Table::Claims);
        self.text(0, Some(&c.id));
        let at = match c.what {
            ClaimWhat::Link(_) => 1,
            ClaimWhat::Hashtag(_) => 2,
            ClaimWhat::Text(_) => 3,
            ClaimWhat::Post(_) => 4,
        };
        for i in 1..=4 {
            self.text(i, (i == at).then(|| c.what.value()));
        }
        self.text(5, c.title.as_deref());
        self.rows += 1;
    }

    /// Adds a fact-checker's verdict on a claim.
    pub fn verdict(&mut self, v: &VerdictRecord) {
        debug_assert_eq!(self.table, Table::Verdicts);
        self.text(0, Some(&v.claim));
        self.text(1, Some(v.verdict.as_str()));
        self.text(2, v.source.as_deref());
        self.text(3, v.url.as_deref());
        self.time(4, v.at);
        self.rows += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_is_named_in_its_schema_and_found_again_from_its_columns_alone() {
        for table in Table::ALL {
            let schema = table.schema();
            assert_eq!(Table::of_schema(&schema), Some(table));
            let bare = Schema::new(schema.fields().clone());
            assert_eq!(Table::of_schema(&bare), Some(table), "{table:?}");
            assert_eq!(table.as_str().parse::<Table>(), Ok(table));
        }
    }
}
