//! Tables for people, JSON for programs, CSV for spreadsheets.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};

/// A table with a header row, right-aligning the columns listed in `numeric`.
pub fn table(header: &[&str], numeric: &[usize], rows: Vec<Vec<String>>) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    // In a terminal, long cells wrap so the table fits its width; piped, nothing wraps.
    t.set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header(header.iter().map(Cell::new));
    for row in rows {
        t.add_row(row.into_iter().enumerate().map(|(i, v)| {
            let cell = Cell::new(v);
            if numeric.contains(&i) {
                cell.set_alignment(CellAlignment::Right)
            } else {
                cell
            }
        }));
    }
    t
}

/// Writes rows as CSV to stdout, with a header.
/// Text cells that a spreadsheet would run as formulas are quoted (`api::spreadsheet_safe`).
pub fn csv(header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<()> {
    let mut out =
        socialset_server::api::write_csv(std::io::stdout().lock(), header, rows.iter().cloned())?;
    std::io::Write::flush(&mut out)?;
    Ok(())
}

pub use socialset_model::thousands;

/// The word for a count: `one` for 1, `many` otherwise.
pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// A count with its word: "1 engagement pod", "1,204 engagement pods".
pub fn count_of(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n as u64), plural(n, one, many))
}

/// A count that may be fractional (summed edge weights), shown as an integer when it is one.
pub fn amount(x: f64) -> String {
    if x.fract() == 0.0 && (0.0..1e15).contains(&x) {
        thousands(x as u64)
    } else {
        format!("{x:.1}")
    }
}

/// A share as a percentage with one decimal.
pub fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A percentile (0–100, the share scoring lower) as the share at or above it: "top 0.0025%",
/// "top 4.2%", "top 45%" — two significant figures, so that the first accounts of a large
/// ranking, all at 100.0 to one decimal, read apart.
pub fn top_share(percentile: f64) -> String {
    let top = (100.0 - percentile).max(0.0);
    let decimals = if top >= 10.0 || top <= 0.0 {
        0
    } else {
        (1.0 - top.log10().floor()).max(1.0) as usize
    };
    format!("top {top:.decimals$}%")
}

/// An audience size as a table shows it: in-graph audiences (follower count unknown) marked.
pub fn audience_text(a: socialset_engine::Audience) -> String {
    match a {
        socialset_engine::Audience::Followers(n) => thousands(n),
        socialset_engine::Audience::InGraph(n) => format!("{} (in-graph)", thousands(n)),
    }
}

/// An account as people know it: its handle when there is one, else its id.
pub fn who(id: &str, handle: Option<&str>) -> String {
    handle.map_or_else(|| id.to_owned(), str::to_owned)
}

/// An audit reason in a few characters: the feature and the way it pushed (↑ toward bot).
pub fn reason_arrow(r: &socialset_engine::ReasonLine) -> String {
    format!(
        "{} {}",
        r.feature,
        if r.contribution > 0.0 { "↑" } else { "↓" }
    )
}

/// Prints a command's `--format json` document (pretty), or hands it to the caller of
/// `capture::run_captured`.
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    emit_json(value, true)
}

/// `print_json` on one line (the report of `export --json`).
pub fn print_json_line<T: serde::Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    emit_json(value, false)
}

fn emit_json<T: serde::Serialize + ?Sized>(value: &T, pretty: bool) -> anyhow::Result<()> {
    if crate::capture::active() {
        crate::capture::keep_document(serde_json::to_value(value)?);
    } else if pretty {
        println!("{}", serde_json::to_string_pretty(value)?);
    } else {
        println!("{}", serde_json::to_string(value)?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(948_464), "948,464");
        assert_eq!(thousands(12), "12");
        assert_eq!(amount(3.0), "3");
        assert_eq!(amount(2.5), "2.5");
        assert_eq!(percent(0.1234), "12.3%");
        // Rank 2 of 59,075 and others: two significant figures of the share at or above.
        assert_eq!(
            top_share(100.0 * (59_075.0 - 1.5) / 59_075.0),
            "top 0.0025%"
        );
        assert_eq!(top_share(95.8), "top 4.2%");
        assert_eq!(top_share(55.0), "top 45%");
        assert_eq!(top_share(100.0), "top 0%");
    }
}
