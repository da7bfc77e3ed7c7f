//! Every table the API answers, as a file to download: `format=csv` or `format=xlsx` on a
//! route that lists rows gives those rows (all of them unless a page is asked for) as the
//! JSON gives them, one row per JSON entry, one column per field. Nested fields become
//! `parent.child` columns, lists of values one cell joined by "; ", lists of accounts their
//! handles (their ids where no handle is known).

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
}

/// The query fields every table route takes.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// json (default), csv or xlsx (an Excel workbook). csv and xlsx hold every row of the
    /// table unless `limit` is given, with handles beside ids.
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
            Some(other) => {
                return Err(ApiError::bad(
                    "format",
                    format!("format is json, csv or xlsx, not {other:?}"),
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
        Format::Csv | Format::Json => {
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

/// Either the JSON answer or its table `rows` as a file.
pub fn answer<J: Serialize, T: Serialize>(
    format: Format,
    name: &str,
    json: &J,
    rows: impl FnOnce(&J) -> &[T],
) -> Result<Response, ApiError> {
    if format.is_file() {
        download(format, name, rows(json))
    } else {
        Ok(axum::Json(json).into_response())
    }
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
