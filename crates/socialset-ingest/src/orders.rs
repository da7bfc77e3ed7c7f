//! Orders (conversions) a shop reports for a campaign, in three layouts:
//!
//! - socialset's CSV: a header naming `order_id`, `at`, `value`, `currency` and, when known,
//!   `code` (the promo code) and `click` (the `ss_click` the redirect added to the URL);
//! - the same fields as JSON Lines, one object per line (or, for a webhook's body, one object
//!   or an array of them);
//! - Shopify's order export (CSV): `Name`, `Created at`, `Total`, `Currency`, `Discount Code`;
//!   an order of many items repeats its name on one row per item, its totals on the first.
//!
//! Every value is checked; a bad one is an error naming the file, line and field (or the JSON
//! field of a webhook's body).

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

use socialset_model::Timestamp;

use crate::formats::parse_time_text;
use crate::{source, RecordError};

/// The largest order value accepted: beyond a trillion it is a broken number, not a sale.
pub const MAX_ORDER_VALUE: f64 = 1e12;

/// One order as the file gives it, before any currency rate.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderLine {
    /// Where it was: the line of a file, or the index in a webhook's array.
    pub line: u64,
    pub order_id: String,
    pub at: Timestamp,
    pub value: f64,
    /// ISO 4217, upper case.
    pub currency: String,
    /// Upper case.
    pub code: Option<String>,
    pub click: Option<i64>,
}

/// The layout a file was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderLayout {
    Csv,
    JsonLines,
    Shopify,
}

impl OrderLayout {
    pub fn name(self) -> &'static str {
        match self {
            OrderLayout::Csv => "socialset CSV",
            OrderLayout::JsonLines => "JSON Lines",
            OrderLayout::Shopify => "Shopify order export",
        }
    }
}

/// What a file held: its layout, its orders, and how many rows repeated an order already read
/// (Shopify's item rows, or the same order id twice).
#[derive(Clone, Debug, PartialEq)]
pub struct OrderFile {
    pub layout: OrderLayout,
    pub orders: Vec<OrderLine>,
    pub repeated_rows: usize,
}

/// The raw fields of one order, as text, wherever they came from.
struct Fields<'a> {
    order_id: Option<&'a str>,
    at: Option<&'a str>,
    value: Option<&'a str>,
    currency: Option<&'a str>,
    code: Option<&'a str>,
    click: Option<&'a str>,
}

/// The field names of each layout, in `Fields` order.
const OURS: [&str; 6] = ["order_id", "at", "value", "currency", "code", "click"];
const SHOPIFY: [&str; 6] = [
    "Name",
    "Created at",
    "Total",
    "Currency",
    "Discount Code",
    "",
];

fn check(
    f: &Fields<'_>,
    names: &[&str; 6],
    err: &dyn Fn(&str) -> RecordError,
    line: u64,
) -> Result<OrderLine, RecordError> {
    let required = |v: Option<&str>, i: usize| -> Result<String, RecordError> {
        match v.map(str::trim) {
            Some(s) if !s.is_empty() => Ok(s.to_owned()),
            _ => Err(err("is missing").field(names[i])),
        }
    };
    let order_id = required(f.order_id, 0)?;
    if order_id.chars().count() > 200 {
        return Err(err("is longer than 200 characters")
            .field(names[0])
            .value(&order_id));
    }
    let at_text = required(f.at, 1)?;
    let at = parse_time_text(&at_text)
        .or_else(|e| {
            // Shopify writes "2024-05-14 10:23:45 +0200".
            chrono::DateTime::parse_from_str(&at_text, "%Y-%m-%d %H:%M:%S %z")
                .ok()
                .and_then(|t| Timestamp::from_epoch_ms(t.timestamp_millis()))
                .ok_or(e)
        })
        .map_err(|e| err(e).field(names[1]).value(&at_text))?;
    let value_text = required(f.value, 2)?;
    let value = value_text
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| err("is not a number").field(names[2]).value(&value_text))?;
    if !(0.0..=MAX_ORDER_VALUE).contains(&value) {
        return Err(err("is not between 0 and a trillion")
            .field(names[2])
            .value(&value_text));
    }
    let currency_text = required(f.currency, 3)?;
    let currency = currency_text.to_ascii_uppercase();
    if !socialset_model::is_currency_code(&currency) {
        return Err(
            err("is not an active ISO 4217 currency code (e.g. EUR, USD, GBP)")
                .field(names[3])
                .value(&currency_text),
        );
    }
    let code = f
        .code
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_ascii_uppercase);
    if code.as_ref().is_some_and(|c| c.chars().count() > 64) {
        return Err(err("is longer than 64 characters")
            .field(names[4])
            .value(f.code.unwrap_or("")));
    }
    let click = match f.click.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(c.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
            err("is not a click id (a positive whole number)")
                .field(names[5])
                .value(c)
        })?),
    };
    Ok(OrderLine {
        line,
        order_id,
        at,
        value,
        currency,
        code,
        click,
    })
}

/// Reads a conversions file (gzip or not) in any of the three layouts.
pub fn read_orders(path: &Path) -> Result<OrderFile, RecordError> {
    let shown = path.display().to_string();
    let (mut src, _) = source::open(path, &shown, source::ReadLimits::default())?;
    let mut bytes = Vec::new();
    src.reader
        .read_to_end(&mut bytes)
        .map_err(|e| RecordError::fatal(&shown, 0, format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        RecordError::new(&shown, line, "is not UTF-8 text")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut file = if text.trim_start().starts_with('{') {
        read_json_lines(&shown, text)?
    } else {
        read_csv(&shown, text)?
    };
    if file.orders.is_empty() {
        return Err(RecordError::new(&shown, 0, "holds no orders"));
    }
    file.repeated_rows += dedup(&mut file.orders);
    Ok(file)
}

/// Keeps the first of each order id.
fn dedup(orders: &mut Vec<OrderLine>) -> usize {
    let before = orders.len();
    let mut seen = HashSet::new();
    orders.retain(|o| seen.insert(o.order_id.clone()));
    before - orders.len()
}

fn read_json_lines(shown: &str, text: &str) -> Result<OrderFile, RecordError> {
    let mut orders = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i as u64 + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(raw)
            .map_err(|e| RecordError::new(shown, line, format!("is not JSON ({e})")))?;
        orders.push(order_from_json(
            &value,
            &|p| RecordError::new(shown, line, p),
            line,
        )?);
    }
    Ok(OrderFile {
        layout: OrderLayout::JsonLines,
        orders,
        repeated_rows: 0,
    })
}

/// One JSON object's order; numbers may be given as numbers or text.
fn order_from_json(
    v: &serde_json::Value,
    err: &dyn Fn(&str) -> RecordError,
    line: u64,
) -> Result<OrderLine, RecordError> {
    let obj = v.as_object().ok_or_else(|| err("is not a JSON object"))?;
    if let Some(unknown) = obj.keys().find(|k| !OURS.contains(&k.as_str())) {
        return Err(err(&format!(
            "is not a field of an order (fields: {})",
            OURS.join(", ")
        ))
        .field(unknown.as_str()));
    }
    let texts: Vec<Option<String>> = OURS
        .iter()
        .map(|k| match obj.get(*k) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(serde_json::Value::Number(n)) => Ok(Some(n.to_string())),
            Some(other) => Err(err("is not text or a number")
                .field(*k)
                .value(&other.to_string())),
        })
        .collect::<Result<_, _>>()?;
    let get = |i: usize| texts[i].as_deref();
    check(
        &Fields {
            order_id: get(0),
            at: get(1),
            value: get(2),
            currency: get(3),
            code: get(4),
            click: get(5),
        },
        &OURS,
        err,
        line,
    )
}

/// A webhook's body: one order object, or an array of them. Errors name the JSON field
/// (`[2].value`).
pub fn orders_from_json(body: &[u8]) -> Result<Vec<OrderLine>, RecordError> {
    let v: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| RecordError::new("body", 0, format!("is not JSON ({e})")))?;
    let items: Vec<&serde_json::Value> = match &v {
        serde_json::Value::Array(a) => a.iter().collect(),
        one => vec![one],
    };
    let many = v.is_array();
    let mut orders = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let err = |p: &str| RecordError::new("body", 0, p);
        let o = order_from_json(item, &err, i as u64).map_err(|e| {
            if many {
                e.within(&format!("[{i}]"))
            } else {
                e
            }
        })?;
        orders.push(o);
    }
    if orders.is_empty() {
        return Err(RecordError::new("body", 0, "holds no orders"));
    }
    dedup(&mut orders);
    Ok(orders)
}

fn read_csv(shown: &str, text: &str) -> Result<OrderFile, RecordError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| RecordError::new(shown, 1, format!("is not a CSV header ({e})")))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let find = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let shopify = find("Name").is_some() && find("Created at").is_some() && find("Total").is_some();
    let (layout, names) = if shopify {
        (OrderLayout::Shopify, &SHOPIFY)
    } else {
        if let Some(unknown) = header.iter().find(|h| !OURS.contains(&h.as_str())) {
            return Err(RecordError::new(
                shown,
                1,
                format!(
                    "is not a column of socialset's conversions CSV (columns: {}; or a Shopify order export: Name, Created at, Total, Currency, Discount Code)",
                    OURS.join(", ")
                ),
            )
            .field(unknown.as_str()));
        }
        (OrderLayout::Csv, &OURS)
    };
    let columns: Vec<Option<usize>> = names
        .iter()
        .map(|n| if n.is_empty() { None } else { find(n) })
        .collect();
    for (i, c) in columns.iter().enumerate().take(4) {
        if c.is_none() {
            return Err(
                RecordError::new(shown, 1, "is a required column the header lacks").field(names[i]),
            );
        }
    }
    let mut orders = Vec::new();
    let mut repeated_rows = 0;
    let mut seen = HashSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            RecordError::new(shown, line, format!("is not a CSV record ({e})"))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let get = |i: usize| columns[i].and_then(|c| record.get(c));
        if layout == OrderLayout::Shopify {
            // An item row of an order already read repeats its name with empty totals.
            let name = get(0).unwrap_or("").trim();
            if !seen.insert(name.to_owned()) {
                repeated_rows += 1;
                continue;
            }
        }
        let err = |p: &str| RecordError::new(shown, line, p);
        orders.push(check(
            &Fields {
                order_id: get(0),
                at: get(1),
                value: get(2),
                currency: get(3),
                code: get(4),
                click: get(5),
            },
            names,
            &err,
            line,
        )?);
    }
    Ok(OrderFile {
        layout,
        orders,
        repeated_rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        (dir, p)
    }

    #[test]
    fn our_csv_with_codes_clicks_and_a_repeated_order() {
        let (_d, p) = write(
            "c.csv",
            "order_id,at,value,currency,code,click\n\
             1001,2026-07-10T18:30:00Z,19.90,EUR,ann10,\n\
             1002,2026-07-11T09:00:00Z,5,usd,,42\n\
             1001,2026-07-10T18:30:00Z,19.90,EUR,ann10,\n",
        );
        let f = read_orders(&p).expect("read");
        assert_eq!(f.layout, OrderLayout::Csv);
        assert_eq!(f.orders.len(), 2);
        assert_eq!(f.repeated_rows, 1);
        assert_eq!(f.orders[0].code.as_deref(), Some("ANN10"));
        assert_eq!(f.orders[1].currency, "USD");
        assert_eq!(f.orders[1].click, Some(42));
    }

    #[test]
    fn shopify_exports_are_read_one_row_per_order() {
        let (_d, p) = write(
            "orders_export.csv",
            "Name,Email,Financial Status,Created at,Currency,Total,Discount Code,Lineitem name\n\
             #1001,a@example.com,paid,2024-05-14 10:23:45 +0200,EUR,42.50,ANNA10,Mug\n\
             #1001,,,,,,,Spoon\n\
             #1002,b@example.com,paid,2024-05-15 11:00:00 +0200,EUR,10.00,,Mug\n",
        );
        let f = read_orders(&p).expect("read");
        assert_eq!(f.layout, OrderLayout::Shopify);
        assert_eq!(f.orders.len(), 2);
        assert_eq!(f.repeated_rows, 1);
        assert_eq!(f.orders[0].order_id, "#1001");
        assert_eq!(f.orders[0].at.epoch_ms(), 1_715_675_025_000);
        assert_eq!(f.orders[1].code, None);
    }

    #[test]
    fn bad_values_are_named_by_file_line_and_field() {
        for (text, expect) in [
            (
                "order_id,at,value,currency\n1,2026-07-10,abc,EUR\n",
                "c.csv:2: field \"value\": is not a number (abc)",
            ),
            (
                "order_id,at,value,currency\n1,2026-07-10,-5,EUR\n",
                "field \"value\": is not between 0",
            ),
            (
                "order_id,at,value,currency\n1,2026-07-10,1e300,EUR\n",
                "field \"value\": is not between 0",
            ),
            (
                "order_id,at,value,currency\n1,2026-07-10,5,euro\n",
                "field \"currency\": is not an active ISO 4217",
            ),
            (
                "order_id,at,value,currency\n1,yesterday,5,EUR\n",
                "c.csv:2: field \"at\"",
            ),
            (
                "order_id,at,value,currency\n,2026-07-10,5,EUR\n",
                "field \"order_id\": is missing",
            ),
            (
                "order_id,at,value\n1,2026-07-10,5\n",
                "c.csv:1: field \"currency\": is a required column",
            ),
            (
                "order,at,value,currency\n",
                "c.csv:1: field \"order\": is not a column",
            ),
            (
                "order_id,at,value,currency,click\n1,2026-07-10,5,EUR,-3\n",
                "field \"click\": is not a click id",
            ),
            ("order_id,at,value,currency\n", "c.csv: holds no orders"),
        ] {
            let (_d, p) = write("c.csv", text);
            let e = read_orders(&p).expect_err(text).to_string();
            assert!(e.contains(expect), "{text:?}: {e}");
        }
        let (_d, p) = write("c.jsonl", "{\"order_id\":\"1\",\"at\":\"2026-07-10\",\"value\":5,\"currency\":\"EUR\"}\n{\"order_id\":\"2\",\"at\":\"2026-07-10\",\"value\":true,\"currency\":\"EUR\"}\n");
        let e = read_orders(&p).expect_err("bool").to_string();
        assert!(
            e.contains("c.jsonl:2: field \"value\": is not text or a number"),
            "{e}"
        );
        let (_d, p) = write("c.csv", "order_id,at,value,currency\n1,2026-07-10,5,EUR\n");
        let mut bytes = std::fs::read(&p).expect("read");
        bytes.extend_from_slice(b"2,2026-07-10,\xff,EUR\n");
        std::fs::write(&p, bytes).expect("write");
        let e = read_orders(&p).expect_err("utf8").to_string();
        assert!(e.contains("c.csv:3: is not UTF-8"), "{e}");
    }

    #[test]
    fn webhook_bodies_name_the_json_field() {
        let one = br#"{"order_id":"A1","at":"2026-07-10T10:00:00Z","value":"12.5","currency":"EUR","code":"ann10"}"#;
        let o = orders_from_json(one).expect("one");
        assert_eq!((o[0].value, o[0].code.as_deref()), (12.5, Some("ANN10")));
        let many = br#"[{"order_id":"A1","at":"2026-07-10","value":1,"currency":"EUR"},{"order_id":"A2","at":"2026-07-10","value":"x","currency":"EUR"}]"#;
        let e = orders_from_json(many).expect_err("bad").to_string();
        assert!(e.contains("field \"[1].value\": is not a number"), "{e}");
        let e = orders_from_json(br#"{"order_id":"A1","amount":3}"#)
            .expect_err("unknown")
            .to_string();
        assert!(e.contains("field \"amount\""), "{e}");
    }
}
