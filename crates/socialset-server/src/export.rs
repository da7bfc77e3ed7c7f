//! Every table the API answers, as a file to download: `format=csv`, `format=xlsx` or
//! `format=parquet` on a route that lists rows gives those rows (all of them unless a page is asked for) as the
//! JSON gives them, one row per JSON entry, one column per field. Nested fields become
//! `parent.child` columns, lists of values one cell joined by "; ", lists of accounts their
//! handles (their ids where no handle is known). Parquet keeps the JSON's types (integers,
//! floats, booleans, lists of texts), as `socialset export` and `--out` write it.

use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::IntoParams;

use crate::ApiError;

/// How a table is wanted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Xlsx,
    Parquet,
}

/// The query fields every table route takes.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// json (default), csv, xlsx (an Excel workbook) or parquet. csv, xlsx and parquet hold
    /// every row of the table unless `limit` is given; csv and xlsx with handles beside ids.
    format: Option<String>,
    /// Which of the answer's tables a csv or xlsx holds, where it has several (the route says
    /// which; the first is the default).
    table: Option<String>,
}

impl ExportQuery {
    /// The format asked for, and which of `tables` (the first by default) a file holds.
    pub fn parse(&self, tables: &[&'static str]) -> Result<(Format, &'static str), ApiError> {
        let format = match self.format.as_deref().map(str::trim) {
            None | Some("") | Some("json") => Format::Json,
            Some("csv") => Format::Csv,
            Some("xlsx") => Format::Xlsx,
            Some("parquet") => Format::Parquet,
            Some(other) => {
                return Err(ApiError::bad(
                    "format",
                    format!("format is json, csv, xlsx or parquet, not {other:?}"),
                ))
            }
        };
        let table = match self.table.as_deref().map(str::trim) {
            None | Some("") => tables.first().copied().unwrap_or("rows"),
            Some(t) => tables.iter().copied().find(|x| *x == t).ok_or_else(|| {
                ApiError::bad(
                    "table",
                    format!("table is one of {}, not {t:?}", tables.join(", ")),
                )
            })?,
        };
        Ok((format, table))
    }
}

impl Format {
    /// Whether the answer is a file (every row unless a page is asked for).
    pub fn is_file(self) -> bool {
        self != Format::Json
    }

    /// The rows' limit: a file holds them all unless `limit` was given.
    pub fn limit(self, asked: Option<&str>, page_limit: usize) -> usize {
        if self.is_file() && asked.is_none() {
            usize::MAX
        } else {
            page_limit
        }
    }
}

/// `rows` as a file `name`.csv or `name`.xlsx to download. Two passes, a row at a time: the
/// columns first (every field any row has), then the cells, so that a list of 300,000 rows
/// never stands in memory as JSON values.
pub fn download<T: Serialize>(
    format: Format,
    name: &str,
    rows: &[T],
) -> Result<Response, ApiError> {
    if format == Format::Parquet {
        return parquet(name, rows);
    }
    let value = |row: &T| serde_json::to_value(row).map_err(ApiError::internal);
    let (header, index) = columns(rows.iter().map(value))?;
    let mut failed = None;
    let cells = rows.iter().map_while(|row| match value(row) {
        Ok(v) => Some(in_columns(&v, &index)),
        Err(e) => {
            failed = Some(e);
            None
        }
    });
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let response = match format {
        Format::Xlsx => {
            let text: Vec<&str> = header
                .iter()
                .copied()
                .filter(|h| is_text_column(h))
                .collect();
            let out = crate::api::write_xlsx(&header, &text, cells).map_err(ApiError::internal)?;
            crate::routes::xlsx_download(&format!("{name}.xlsx"), out)
        }
        Format::Csv | Format::Json | Format::Parquet => {
            let out =
                crate::api::write_csv(Vec::new(), &header, cells).map_err(ApiError::internal)?;
            crate::routes::csv_download(&format!("{name}.csv"), out)
        }
    };
    match failed {
        Some(e) => Err(e),
        None => Ok(response),
    }
}

/// `rows` as `name`.parquet: written by the engine's table writer to a temporary file, a
/// batch at a time, and sent.
fn parquet<T: Serialize>(name: &str, rows: &[T]) -> Result<Response, ApiError> {
    let file = tempfile::Builder::new()
        .prefix("socialset-download-")
        .suffix(".parquet")
        .tempfile()
        .map_err(ApiError::internal)?;
    socialset_engine::export_rows_by(
        rows.len(),
        &mut |i| {
            serde_json::to_value(&rows[i])
                .map_err(|e| socialset_engine::Error::Internal(e.to_string()))
        },
        name,
        socialset_engine::ExportFormat::Parquet,
        file.path(),
    )
    .map_err(ApiError::internal)?;
    let body = std::fs::read(file.path()).map_err(ApiError::internal)?;
    Ok(crate::routes::parquet_download(
        &format!("{name}.parquet"),
        body,
    ))
}

/// A row's cells under the columns `index` numbers.
fn in_columns(row: &Value, index: &std::collections::HashMap<String, usize>) -> Vec<String> {
    let mut cells = Vec::new();
    cells_of("", row, &mut cells);
    let mut out = vec![String::new(); index.len()];
    for (k, v) in cells {
        if let Some(&i) = index.get(&k) {
            out[i] = v;
        }
    }
    out
}

/// Either the JSON answer `build` gives or its table `rows` as a file `name`. A file holds
/// the whole table (300,000 rows on a large workspace: seconds of work and hundreds of MB), so
/// it is built and written off the async runtime, in the reads' bounded turns (`read_work`),
/// never on a worker that other requests need.
pub async fn answer<J, T>(
    state: &crate::AppState,
    format: Format,
    name: String,
    build: impl FnOnce() -> J + Send + 'static,
    rows: impl FnOnce(&J) -> &[T] + Send + 'static,
) -> Result<Response, ApiError>
where
    J: Serialize + Send + 'static,
    T: Serialize + 'static,
{
    if format.is_file() {
        crate::routes::read_work(state.clone(), move |_| {
            let json = build();
            download(format, &name, rows(&json))
        })
        .await
    } else {
        Ok(axum::Json(build()).into_response())
    }
}

/// How a paged table is sorted: `sort` names any column of its CSV (`handle`,
/// `bot_probability`, `real_audience.share`, …) and `order` is asc or desc. The whole table is
/// sorted before the page is cut, so the first page holds the table's extremes.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SortQuery {
    /// A column of the table's CSV; numbers sort as numbers, text without regard to case,
    /// empty cells last. Default: the table's own order.
    sort: Option<String>,
    /// asc or desc (default: desc for a column of numbers, asc for text).
    order: Option<String>,
}

/// One row's sort key.
enum Key {
    Number(f64),
    Text(String),
}

impl SortQuery {
    /// The column asked for, if any.
    pub fn column(&self) -> Option<&str> {
        self.sort
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
    }

    /// Sorts `rows` whole by the column asked for (nothing when none is): stable, so ties
    /// keep the table's own order. A column no row has is refused, naming the columns.
    pub fn apply<T: Serialize>(&self, rows: &mut Vec<T>) -> Result<(), ApiError> {
        let Some(column) = self.column() else {
            return Ok(());
        };
        let descending = match self.order.as_deref().map(str::trim) {
            None | Some("") => None,
            Some("asc") => Some(false),
            Some("desc") => Some(true),
            Some(other) => {
                return Err(ApiError::bad(
                    "order",
                    format!("order is asc or desc, not {other:?}"),
                ))
            }
        };
        let mut seen = false;
        let mut keys = Vec::with_capacity(rows.len());
        for row in rows.iter() {
            let value = serde_json::to_value(row).map_err(ApiError::internal)?;
            let mut cells = Vec::new();
            cells_of("", &value, &mut cells);
            let text = cells.into_iter().find(|(k, _)| k == column).map(|(_, v)| v);
            seen |= text.is_some();
            keys.push(
                text.filter(|t| !t.is_empty())
                    .map(|t| match t.parse::<f64>() {
                        Ok(x) if x.is_finite() => Key::Number(x),
                        _ => Key::Text(t.to_lowercase()),
                    }),
            );
        }
        if !seen && !rows.is_empty() {
            let value = serde_json::to_value(&rows[0]).map_err(ApiError::internal)?;
            let mut cells = Vec::new();
            cells_of("", &value, &mut cells);
            let names: Vec<String> = cells.into_iter().map(|(k, _)| k).collect();
            return Err(ApiError::bad(
                "sort",
                format!(
                    "sort is a column of this table ({}), not {column:?}",
                    names.join(", ")
                ),
            ));
        }
        let descending = descending
            .unwrap_or_else(|| keys.iter().flatten().all(|k| matches!(k, Key::Number(_))));
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by(|&a, &b| match (&keys[a], &keys[b]) {
            (Some(x), Some(y)) => {
                // Numbers before text where a column mixes them.
                let o = match (x, y) {
                    (Key::Number(p), Key::Number(q)) => p.total_cmp(q),
                    (Key::Text(p), Key::Text(q)) => p.cmp(q),
                    (Key::Number(_), Key::Text(_)) => std::cmp::Ordering::Less,
                    (Key::Text(_), Key::Number(_)) => std::cmp::Ordering::Greater,
                };
                if descending {
                    o.reverse()
                } else {
                    o
                }
            }
            // Empty cells last, whichever the order.
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        let mut slots: Vec<Option<T>> = std::mem::take(rows).into_iter().map(Some).collect();
        rows.extend(order.into_iter().filter_map(|i| slots[i].take()));
        Ok(())
    }
}

/// A paged answer: `build(offset, limit)` when no sort is asked; else the whole table
/// (`build(0, usize::MAX)`), its rows (the first of `parts`) sorted and cut to the page, and
/// its offset (the second) set. Heavy on a large table: call it off the async runtime.
pub fn page_of<J, T: Serialize>(
    sort: &SortQuery,
    offset: usize,
    limit: usize,
    build: impl FnOnce(usize, usize) -> J,
    parts: impl FnOnce(&mut J) -> (&mut Vec<T>, &mut usize),
) -> Result<J, ApiError> {
    if sort.column().is_none() {
        return Ok(build(offset, limit));
    }
    let mut json = build(0, usize::MAX);
    let (rows, at) = parts(&mut json);
    sorted_page(rows, sort, offset, limit)?;
    *at = offset;
    Ok(json)
}

/// `rows` sorted as `sort` asks, then the page from `offset` of at most `limit` rows.
pub fn sorted_page<T: Serialize>(
    rows: &mut Vec<T>,
    sort: &SortQuery,
    offset: usize,
    limit: usize,
) -> Result<(), ApiError> {
    sort.apply(rows)?;
    rows.drain(..offset.min(rows.len()));
    rows.truncate(limit);
    Ok(())
}

/// Columns a workbook keeps as text even when they look like numbers: ids, handles, names
/// and texts.
fn is_text_column(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    matches!(
        last,
        "id" | "handle" | "post" | "author" | "text" | "link" | "name" | "members" | "description"
    )
}

/// The columns of `rows` (every field any row has, in the order first met) and each row's
/// cells under them.
#[cfg(test)]
fn flatten(rows: &[Value]) -> (Vec<String>, Vec<Vec<String>>) {
    let (header, index) = columns(rows.iter().map(|r| Ok(r.clone()))).expect("columns");
    let cells = rows.iter().map(|r| in_columns(r, &index)).collect();
    (header, cells)
}

/// A table's column names, and each one's place.
type Columns = (Vec<String>, std::collections::HashMap<String, usize>);

/// The columns of the rows `values` gives, a row at a time: every field any row has, in the
/// order first met, and each column's place.
fn columns(values: impl Iterator<Item = Result<Value, ApiError>>) -> Result<Columns, ApiError> {
    let mut header: Vec<String> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for value in values {
        let mut cells = Vec::new();
        cells_of("", &value?, &mut cells);
        for (k, _) in cells {
            if !index.contains_key(&k) {
                index.insert(k.clone(), header.len());
                header.push(k);
            }
        }
    }
    Ok((header, index))
}

fn cells_of(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                match v {
                    Value::Object(_) => cells_of(&key, v, out),
                    other => out.push((key, cell(other))),
                }
            }
        }
        other => out.push((
            if prefix.is_empty() {
                "value".into()
            } else {
                prefix.into()
            },
            cell(other),
        )),
    }
}

/// One cell: text as it is, numbers and true/false as JSON writes them, nothing for null, a
/// list joined by "; " (an account in it by its handle, else its id).
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Object(map) => ["handle", "id", "about", "name"]
                    .iter()
                    .find_map(|k| map.get(*k).filter(|v| !v.is_null()))
                    .map_or_else(|| item.to_string(), cell),
                other => cell(other),
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sort(column: &str, order: Option<&str>) -> SortQuery {
        SortQuery {
            sort: Some(column.into()),
            order: order.map(Into::into),
        }
    }

    #[test]
    fn a_table_sorts_whole_by_any_column_before_its_page_is_cut() {
        let rows = || {
            vec![
                json!({"handle": "bea", "followers": 20, "audience": {"share": 0.5}}),
                json!({"handle": "Ann", "followers": 300, "audience": null}),
                json!({"handle": null, "followers": 4, "audience": {"share": 0.9}}),
                json!({"handle": "carl", "followers": 20, "audience": {"share": 0.1}}),
            ]
        };
        let handles =
            |r: &[Value]| -> Vec<Value> { r.iter().map(|x| x["handle"].clone()).collect() };
        // Numbers as numbers, descending by default; ties keep the table's order.
        let mut r = rows();
        sort("followers", None).apply(&mut r).expect("sorted");
        assert_eq!(
            handles(&r),
            [json!("Ann"), json!("bea"), json!("carl"), Value::Null]
        );
        // Text without regard to case, ascending by default; empty cells last either way.
        let mut r = rows();
        sort("handle", None).apply(&mut r).expect("sorted");
        assert_eq!(
            handles(&r),
            [json!("Ann"), json!("bea"), json!("carl"), Value::Null]
        );
        let mut r = rows();
        sort("handle", Some("desc")).apply(&mut r).expect("sorted");
        assert_eq!(
            handles(&r),
            [json!("carl"), json!("bea"), json!("Ann"), Value::Null]
        );
        // A nested column by its CSV name; the page is cut after the sort.
        let mut r = rows();
        sorted_page(&mut r, &sort("audience.share", Some("asc")), 1, 2).expect("a page");
        assert_eq!(handles(&r), [json!("bea"), Value::Null]);
        // Unknown columns and orders are refused, naming what is allowed.
        let err = sort("score", None).apply(&mut rows()).expect_err("refused");
        assert!(
            format!("{err:?}").contains("handle, followers, audience.share"),
            "{err:?}"
        );
        assert!(sort("handle", Some("up")).apply(&mut rows()).is_err());
        // No sort: the table's own order.
        let mut r = rows();
        sorted_page(&mut r, &SortQuery::default(), 0, 10).expect("a page");
        assert_eq!(r, rows());
    }

    #[test]
    fn rows_flatten_to_one_column_per_field() {
        let rows = [
            json!({"id": "tw:1", "handle": "ann", "score": 0.5, "given": {"reply": 2, "like": 0},
                   "flags": ["verified", "brand"], "members": [{"id": "tw:2", "handle": null},
                   {"id": "tw:3", "handle": "cy"}]}),
            json!({"id": "tw:4", "handle": null, "score": 1, "given": {"reply": 0, "like": 7},
                   "flags": [], "members": [], "extra": true}),
        ];
        let (header, cells) = flatten(&rows);
        assert_eq!(
            header,
            [
                "id",
                "handle",
                "score",
                "given.reply",
                "given.like",
                "flags",
                "members",
                "extra"
            ]
        );
        assert_eq!(
            cells[0],
            [
                "tw:1",
                "ann",
                "0.5",
                "2",
                "0",
                "verified; brand",
                "tw:2; cy",
                ""
            ]
        );
        assert_eq!(cells[1], ["tw:4", "", "1", "0", "7", "", "", "true"]);
    }

    #[test]
    fn formats_and_tables_are_checked() {
        let q = |f: &str, t: &str| ExportQuery {
            format: Some(f.into()),
            table: Some(t.into()),
        };
        assert_eq!(
            q("csv", "").parse(&["posts", "accounts"]).ok(),
            Some((Format::Csv, "posts"))
        );
        assert_eq!(
            q("xlsx", "accounts").parse(&["posts", "accounts"]).ok(),
            Some((Format::Xlsx, "accounts"))
        );
        assert!(q("pdf", "").parse(&["posts"]).is_err());
        assert!(q("csv", "people").parse(&["posts"]).is_err());
        assert_eq!(Format::Csv.limit(None, 50), usize::MAX);
        assert_eq!(Format::Csv.limit(Some("2"), 2), 2);
        assert_eq!(Format::Json.limit(None, 50), 50);
    }
}
