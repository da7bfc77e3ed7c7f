//! A campaign's report as one self-contained HTML file — its styles and charts (inline SVG)
//! inside, nothing fetched — for a brand's inbox. `socialset campaign report --format html`
//! writes it and the API serves it.

use std::fmt::Write;

use crate::api::{CampaignReportJson, FiguresJson, IntervalJson};

/// Escapes text for HTML element content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn money(v: f64, currency: &str) -> String {
    format!("{v:.2} {currency}")
}

/// A value with its interval, as text: "12.30 (8.10–19.00)"; "—" when there is none.
pub fn shown(i: Option<&IntervalJson>, percent: bool) -> String {
    let Some(i) = i else { return "—".into() };
    let f = |v: f64| {
        if percent {
            format!("{:.1}%", v * 100.0)
        } else {
            format!("{v:.2}")
        }
    };
    let value = i.value.map_or_else(|| "none".into(), f);
    let high = i.high.map_or_else(|| "∞".into(), f);
    format!("{value} ({}–{high})", f(i.low))
}

/// Horizontal bars of the funnel: reach → engagements → clicks → conversions.
fn funnel(t: &FiguresJson) -> String {
    let steps = [
        ("Reach (engaged accounts)", t.reach),
        ("Engagements", t.engagements),
        ("Visits", t.clicks),
        ("Conversions", t.conversions),
    ];
    let max = steps.iter().map(|s| s.1).max().unwrap_or(0).max(1) as f64;
    let mut svg = String::from(
        "<svg viewBox=\"0 0 640 150\" role=\"img\" aria-label=\"Funnel\" class=\"chart\">",
    );
    for (i, (label, n)) in steps.iter().enumerate() {
        let y = 8 + i * 35;
        let w = (*n as f64 / max * 400.0).max(1.0);
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" class=\"lbl\">{}</text><rect x=\"200\" y=\"{y}\" width=\"{w:.1}\" height=\"24\" class=\"bar\"/><text x=\"{:.1}\" y=\"{}\" class=\"num\">{n}</text>",
            y + 17,
            esc(label),
            206.0 + w,
            y + 17
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Visits and conversions per day.
fn timeline(r: &CampaignReportJson) -> String {
    if r.timeline.is_empty() {
        return "<p class=\"muted\">No clicks or conversions yet.</p>".into();
    }
    let n = r.timeline.len();
    // Visits and conversions each on their own scale (a few conversions per hundred visits).
    let top = |f: fn(&crate::api::DayJson) -> u64| {
        r.timeline.iter().map(f).max().unwrap_or(0).max(1) as f64
    };
    let (max_visits, max_conversions) = (top(|d| d.visits), top(|d| d.conversions));
    let (w, h) = (640.0, 160.0);
    let step = w / n as f64;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {}\" role=\"img\" aria-label=\"Timeline\" class=\"chart\">",
        h + 20.0
    );
    for (i, d) in r.timeline.iter().enumerate() {
        let x = i as f64 * step;
        let vh = d.visits as f64 / max_visits * h;
        let ch = d.conversions as f64 / max_conversions * h;
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{vh:.1}\" class=\"bar\"><title>{}: {} visits</title></rect><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{ch:.1}\" class=\"bar2\"><title>{}: {} conversions</title></rect>",
            h - vh,
            (step * 0.45).max(0.5),
            esc(&d.day),
            d.visits,
            x + step * 0.45,
            h - ch,
            (step * 0.45).max(0.5),
            esc(&d.day),
            d.conversions
        );
    }
    let _ = write!(
        svg,
        "<text x=\"0\" y=\"{}\" class=\"lbl\">{}</text><text x=\"{w}\" y=\"{}\" class=\"lbl\" text-anchor=\"end\">{}</text></svg>",
        h + 16.0,
        esc(&r.timeline[0].day),
        h + 16.0,
        esc(&r.timeline[n - 1].day)
    );
    svg
}

/// Each role's cost per acquisition with its interval bar, on one axis.
fn interval_bars(rows: &[(&str, Option<&IntervalJson>)], unit: &str, mark_one: bool) -> String {
    let known: Vec<(&str, &IntervalJson)> = rows
        .iter()
        .filter_map(|(l, i)| i.map(|i| (*l, i)))
        .filter(|(_, i)| i.value.is_some())
        .collect();
    if known.is_empty() {
        return "<p class=\"muted\">Not enough data yet.</p>".into();
    }
    let top = known
        .iter()
        .map(|(_, i)| i.high.unwrap_or(i.value.unwrap_or(0.0) * 3.0))
        .fold(if mark_one { 1.5 } else { 0.0 }, f64::max)
        .max(1e-9);
    let x = |v: f64| 200.0 + (v / top).min(1.0) * 400.0;
    let mut svg = format!(
        "<svg viewBox=\"0 0 640 {}\" role=\"img\" aria-label=\"Intervals\" class=\"chart\">",
        known.len() * 34 + 10
    );
    if mark_one {
        let _ = write!(
            svg,
            "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"0\" y2=\"{1}\" class=\"one\"/>",
            x(1.0),
            known.len() * 34 + 10
        );
    }
    for (k, (label, i)) in known.iter().enumerate() {
        let y = 18 + k * 34;
        let hi = i.high.map_or(600.0, x);
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" class=\"lbl\">{}</text><line x1=\"{:.1}\" x2=\"{hi:.1}\" y1=\"{y}\" y2=\"{y}\" class=\"ci\"/><circle cx=\"{:.1}\" cy=\"{y}\" r=\"5\" class=\"pt\"/><text x=\"{:.1}\" y=\"{}\" class=\"num\">{}</text>",
            y + 4,
            esc(label),
            x(i.low),
            x(i.value.unwrap_or(0.0)),
            x(i.value.unwrap_or(0.0)) + 8.0,
            y - 8,
            esc(&format!("{} {unit}", shown(Some(i), false)))
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The whole report as one HTML page.
pub fn campaign_html(r: &CampaignReportJson) -> String {
    let c = &r.campaign;
    let cur = c.currency.as_str();
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{} — campaign report</title><style>{}</style></head><body><main>",
        esc(&c.name),
        STYLE
    );
    let _ = write!(
        h,
        "<h1>{}</h1><p class=\"muted\">{} · {} to {} · objective {} · budget {} · attribution window {} days</p>",
        esc(&c.name),
        esc(&c.brand),
        esc(&c.start[..10.min(c.start.len())]),
        esc(&c.end[..10.min(c.end.len())]),
        esc(&c.objective),
        money(c.budget, cur),
        r.window_days
    );
    if let Some(what) = &r.simulated {
        let _ = write!(
            h,
            "<p class=\"warn\">Simulated: the {} of this campaign were made up for a demonstration ({} simulated orders). They are not real results.</p>",
            esc(what),
            r.simulated_orders
        );
    }
    let _ = write!(
        h,
        "<h2>Natives against professionals</h2><p class=\"verdict\">{}</p>",
        esc(&r.comparison.sentence)
    );
    h.push_str(&interval_bars(
        &[
            (
                "Cost per acquisition: natives",
                r.natives.cost_per_acquisition.as_ref(),
            ),
            (
                "professionals",
                r.professionals.cost_per_acquisition.as_ref(),
            ),
        ],
        cur,
        false,
    ));
    h.push_str(&interval_bars(
        &[
            ("CPA ratio natives/pros", r.comparison.cpa_ratio.as_ref()),
            ("CPE ratio natives/pros", r.comparison.cpe_ratio.as_ref()),
        ],
        "×",
        true,
    ));
    h.push_str("<h2>Funnel</h2>");
    h.push_str(&funnel(&r.total));
    h.push_str("<h2>Clicks and conversions per day</h2>");
    h.push_str(&timeline(r));
    h.push_str("<p class=\"legend\"><span class=\"k1\"></span>visits <span class=\"k2\"></span>conversions (each on its own scale)</p>");
    h.push_str("<h2>By role</h2><table><thead><tr><th></th><th>members</th><th>cost</th><th>visits</th><th>conversions</th><th>conversion rate</th><th>cost per acquisition</th><th>return on spend</th><th>cost per engagement</th></tr></thead><tbody>");
    for (label, f) in [
        ("Natives", &r.natives),
        ("Professionals", &r.professionals),
        ("Campaign", &r.total),
    ] {
        figures_row(&mut h, label, f, cur);
    }
    h.push_str("</tbody></table>");
    h.push_str("<h2>Members</h2><table><thead><tr><th>member</th><th>role</th><th>status</th><th>code</th><th>cost</th><th>visits</th><th>conversions</th><th>conversion rate</th><th>cost per acquisition</th><th>return on spend</th><th>cost per engagement</th></tr></thead><tbody>");
    for m in &r.members {
        let f = &m.figures;
        let who = m.handle.as_deref().map_or_else(
            || m.member.account.clone(),
            |h| format!("@{}", h.trim_start_matches('@')),
        );
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&who),
            esc(&m.member.role),
            esc(&m.member.status),
            esc(&m.member.promo_code),
            money(f.cost, cur),
            f.clicks,
            f.conversions,
            esc(&shown(f.conversion_rate.as_ref(), true)),
            esc(&shown(f.cost_per_acquisition.as_ref(), false)),
            esc(&shown(f.return_on_spend.as_ref(), false)),
            esc(&shown(f.cost_per_engagement.as_ref(), false)),
        );
    }
    h.push_str("</tbody></table>");
    let u = &r.unclaimed;
    let _ = write!(
        h,
        "<p>Clicks: {} requests, {} visits from {} visitors ({} repeats within 30 minutes, {} crawlers, {} link previews, {} prefetches not counted). Orders nobody can claim: {} ({}), counted apart.</p>",
        r.clicks.requests,
        r.clicks.visits,
        r.clicks.unique_visitors,
        r.clicks.repeats,
        r.clicks.crawlers,
        r.clicks.previews,
        r.clicks.prefetches,
        u.orders,
        money(u.revenue, cur)
    );
    if !r.reach.is_empty() {
        h.push_str("<h2>Predicted against observed reach</h2><table><thead><tr><th>role</th><th>plan's prediction</th><th>observed (engaged accounts)</th></tr></thead><tbody>");
        for x in &r.reach {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&x.role),
                esc(&shown(x.predicted.as_ref(), false)),
                x.observed
            );
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("<h2>What customers said</h2><table><thead><tr><th>period</th><th>mentions</th><th>per day</th><th>questions</th><th>positive</th></tr></thead><tbody>");
    for v in &r.voice {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&v.period),
            v.mentions,
            esc(&shown(Some(&v.mentions_per_day), false)),
            esc(&shown(v.question_share.as_ref(), true)),
            esc(&shown(v.positive_share.as_ref(), true)),
        );
    }
    h.push_str("</tbody></table>");
    if !r.posts.is_empty() {
        h.push_str("<h2>Campaign posts</h2><table><thead><tr><th>post</th><th>member</th><th>matched by</th><th>engagements</th><th>reach</th><th>disclosure</th></tr></thead><tbody>");
        for p in &r.posts {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>",
                esc(&p.id),
                esc(&p.member),
                esc(&p.matched_by.join(", ")),
                p.engagements,
                p.reach,
                esc(&p.disclosure),
                if p.required_label {
                    ""
                } else {
                    " · required label missing"
                }
            );
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("<p class=\"muted\">Intervals are 95%: Wilson for rates; for one member, Garwood's exact Poisson interval on its counts; for a role or the campaign, a seeded bootstrap-t over members; the native/professional ratio by MOVER on the log scale. Made by socialset.</p></main></body></html>");
    h
}

fn figures_row(h: &mut String, label: &str, f: &FiguresJson, cur: &str) {
    let _ = write!(
        h,
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        esc(label),
        f.members,
        money(f.cost, cur),
        f.clicks,
        f.conversions,
        esc(&shown(f.conversion_rate.as_ref(), true)),
        esc(&shown(f.cost_per_acquisition.as_ref(), false)),
        esc(&shown(f.return_on_spend.as_ref(), false)),
        esc(&shown(f.cost_per_engagement.as_ref(), false)),
    );
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;color:#1d2430;background:#fff;margin:0}main{max-width:980px;margin:0 auto;padding:24px}h1{margin:0 0 4px}h2{margin-top:28px;font-size:18px}.muted{color:#667}.warn{background:#fff4d6;border:1px solid #e0b040;padding:8px 12px;border-radius:6px}.verdict{font-size:17px;font-weight:600}table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e3e6ea;vertical-align:top}th{background:#f5f7f9}.chart{width:100%;max-width:640px;display:block;margin:8px 0}.lbl{font-size:12px;fill:#445}.num{font-size:12px;fill:#1d2430}.bar{fill:#3b7dd8}.bar2{fill:#e07b39}.ci{stroke:#3b7dd8;stroke-width:3}.pt{fill:#1d2430}.one{stroke:#c33;stroke-dasharray:4 3}.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}.k1{background:#3b7dd8}.k2{background:#e07b39}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("<b>\"x\" & 'y'</b>"),
            "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;"
        );
        let i = IntervalJson {
            value: None,
            low: 12.5,
            high: None,
        };
        assert_eq!(shown(Some(&i), false), "none (12.50–∞)");
    }
}
