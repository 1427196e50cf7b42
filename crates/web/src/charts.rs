//! Small server-side SVG charts: a line chart for series over periods and a
//! horizontal bar chart for a ranking.
//!
//! Pure functions from numbers and labels to an SVG string. The browser lays
//! out the text (no font files needed here), the `viewBox` makes the chart
//! scale to its container, and every chart carries a `<title>` and `<desc>`
//! for screen readers. Numbers are written Vietnamese style (`1.205`, `92,5`).

use chiso_core::number::format_auto;
use std::fmt::Write;

/// Escapes text for SVG/HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A "nice" step for about `ticks` intervals over `span`: 1, 2, 2.5 or 5 × 10^k.
fn nice_step(span: f64, ticks: usize) -> f64 {
    let raw = span / ticks.max(1) as f64;
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 2.5 {
        2.5
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// The axis for values in `lo..=hi`: bounds rounded out to a nice step,
/// with zero included unless the values sit far from it (rates around 96%).
/// Returns (min, max, step).
pub fn axis(lo: f64, hi: f64, ticks: usize) -> (f64, f64, f64) {
    let (mut lo, mut hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0, 0.25);
    }
    // Start at zero when the data's range reaches down to it anyway.
    if lo > 0.0 && lo < hi * 0.6 {
        lo = 0.0;
    }
    if hi < 0.0 && hi > lo * 0.6 {
        hi = 0.0;
    }
    if (hi - lo).abs() < f64::EPSILON {
        if hi == 0.0 {
            return (0.0, 1.0, 0.25);
        }
        let pad = (hi.abs() * 0.1).max(1e-9);
        lo -= pad;
        hi += pad;
        if lo < 0.0 && hi > 0.0 && lo.abs() < hi {
            lo = 0.0;
        }
    }
    let step = nice_step(hi - lo, ticks);
    let min = (lo / step).floor() * step;
    let mut max = (hi / step).ceil() * step;
    if max <= min {
        max = min + step;
    }
    (min, max, step)
}

/// Decimals to write the ticks of an axis with this step.
fn step_decimals(step: f64) -> usize {
    let mut d = 0;
    let mut s = step;
    while d < 4 && (s - s.round()).abs() > 1e-9 {
        s *= 10.0;
        d += 1;
    }
    d
}

/// A number for an axis or a label: `1.205`, `96,14`; big counts shortened
/// on axes ("1,2 tr" = 1.2 million) would be ambiguous, so they are written out.
pub fn fmt(x: f64, decimals: usize) -> String {
    format_auto(x, decimals)
}

/// One line of a line chart: a value (or a gap) per label.
#[derive(Clone, Debug)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
    /// Drawn dashed and grey (a comparison such as last year).
    pub muted: bool,
}

/// A line chart over periods.
#[derive(Clone, Debug, Default)]
pub struct LineChart {
    /// Read by screen readers and shown as a tooltip.
    pub title: String,
    /// One label per point ("T1", "Tháng 10/2026").
    pub labels: Vec<String>,
    pub series: Vec<Series>,
    /// A horizontal reference line (a target's threshold) and its label.
    pub reference: Option<(f64, String)>,
    /// Decimals of values in point tooltips.
    pub decimals: usize,
    /// A small chart for a card: no axes, no legend.
    pub compact: bool,
    /// Text after values in tooltips ("%").
    pub suffix: String,
}

const PALETTE: [&str; 4] = ["#1f5fa8", "#a3161b", "#1e7b34", "#a86400"];

/// Draws a line chart; an empty chart (no values) says so instead.
pub fn line_chart(c: &LineChart) -> String {
    let (w, h) = if c.compact { (240.0, 64.0) } else { (640.0, 260.0) };
    let (left, right, top, bottom) = if c.compact { (4.0, 4.0, 6.0, 6.0) } else { (56.0, 16.0, 16.0, 40.0) };
    let mut svg = String::new();
    let values: Vec<f64> = c.series.iter().flat_map(|s| s.values.iter().flatten().copied()).collect();
    let _ = write!(
        svg,
        r#"<svg class="chart line-chart{}" viewBox="0 0 {w} {h}" preserveAspectRatio="xMidYMid meet" role="img" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        if c.compact { " compact" } else { "" },
        esc(&c.title)
    );
    if values.is_empty() {
        let _ = write!(
            svg,
            r#"<desc>Chưa có số liệu</desc><text x="{}" y="{}" text-anchor="middle" class="empty">Chưa có số liệu</text></svg>"#,
            w / 2.0,
            h / 2.0
        );
        return svg;
    }
    // A description listing the figures, for screen readers.
    let mut desc = Vec::new();
    for s in &c.series {
        let pts: Vec<String> = c
            .labels
            .iter()
            .zip(&s.values)
            .filter_map(|(l, v)| v.map(|v| format!("{l}: {}{}", fmt(v, c.decimals), c.suffix)))
            .collect();
        desc.push(format!("{}: {}", s.name, pts.join(", ")));
    }
    let _ = write!(svg, "<desc>{}</desc>", esc(&desc.join("; ")));
    let mut lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let mut hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if let Some((r, _)) = &c.reference {
        lo = lo.min(*r);
        hi = hi.max(*r);
    }
    let (min, max, step) = axis(lo, hi, if c.compact { 2 } else { 4 });
    let pw = w - left - right;
    let ph = h - top - bottom;
    let n = c.labels.len().max(c.series.iter().map(|s| s.values.len()).max().unwrap_or(0)).max(1);
    let x = |i: usize| if n == 1 { left + pw / 2.0 } else { left + pw * i as f64 / (n - 1) as f64 };
    let y = |v: f64| top + ph * (1.0 - (v - min) / (max - min));
    if !c.compact {
        // Grid lines and value ticks.
        let dec = step_decimals(step);
        let mut t = min;
        let mut guard = 0;
        while t <= max + step * 1e-6 && guard < 50 {
            let _ = write!(
                svg,
                r#"<line class="grid" x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text class="tick" x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
                w - right,
                left - 6.0,
                y(t) + 4.0,
                esc(&fmt(t, dec)),
                y = y(t)
            );
            t += step;
            guard += 1;
        }
        // Period labels, thinned so they do not overlap.
        let every = n.div_ceil(12).max(1);
        for (i, l) in c.labels.iter().enumerate() {
            if i % every == 0 || i == n - 1 {
                let _ = write!(
                    svg,
                    r#"<text class="tick" x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
                    x(i),
                    h - bottom + 18.0,
                    esc(l)
                );
            }
        }
    }
    if let Some((r, label)) = &c.reference {
        let _ = write!(
            svg,
            r#"<line class="reference" x1="{left}" x2="{}" y1="{ry:.1}" y2="{ry:.1}"><title>{}</title></line>"#,
            w - right,
            esc(label),
            ry = y(*r)
        );
        if !c.compact {
            let _ = write!(
                svg,
                r#"<text class="reference-label" x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
                w - right,
                y(*r) - 5.0,
                esc(label)
            );
        }
    }
    for (k, s) in c.series.iter().enumerate() {
        let color = if s.muted { "#8a96a3" } else { PALETTE[k % PALETTE.len()] };
        // One polyline per run of consecutive values (gaps stay gaps).
        let mut runs: Vec<Vec<(usize, f64)>> = vec![Vec::new()];
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => runs.last_mut().expect("a run").push((i, *v)),
                None if !runs.last().expect("a run").is_empty() => runs.push(Vec::new()),
                None => {}
            }
        }
        for run in runs.iter().filter(|r| !r.is_empty()) {
            let pts: Vec<String> = run.iter().map(|&(i, v)| format!("{:.1},{:.1}", x(i), y(v))).collect();
            let _ = write!(
                svg,
                r#"<polyline class="series{}" fill="none" stroke="{color}" points="{}"/>"#,
                if s.muted { " muted" } else { "" },
                pts.join(" ")
            );
        }
        for (i, v) in s.values.iter().enumerate() {
            if let Some(v) = v {
                let label = c.labels.get(i).map(String::as_str).unwrap_or("");
                let _ = write!(
                    svg,
                    r#"<circle class="point" cx="{:.1}" cy="{:.1}" r="{}" fill="{color}"><title>{} — {}: {}{}</title></circle>"#,
                    x(i),
                    y(*v),
                    if c.compact { 2.0 } else { 3.5 },
                    esc(&s.name),
                    esc(label),
                    esc(&fmt(*v, c.decimals)),
                    esc(&c.suffix)
                );
            }
        }
    }
    if !c.compact && c.series.len() > 1 {
        // Legend along the top.
        let mut lx = left;
        for (k, s) in c.series.iter().enumerate() {
            let color = if s.muted { "#8a96a3" } else { PALETTE[k % PALETTE.len()] };
            let _ = write!(
                svg,
                r#"<rect x="{lx}" y="2" width="12" height="4" fill="{color}"/><text class="legend" x="{}" y="9">{}</text>"#,
                lx + 16.0,
                esc(&s.name)
            );
            lx += 24.0 + 7.0 * s.name.chars().count() as f64;
        }
    }
    svg.push_str("</svg>");
    svg
}

/// One bar of a ranking.
#[derive(Clone, Debug)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// Drawn in the accent colour (the unit being looked at).
    pub highlight: bool,
}

/// A horizontal bar chart, one bar per row in the given order.
pub fn bar_chart(title: &str, bars: &[Bar], decimals: usize, suffix: &str) -> String {
    let row = 22.0;
    let (w, label_w, value_w, top) = (640.0, 190.0, 70.0, 4.0);
    let h = (top * 2.0 + row * bars.len().max(1) as f64).ceil();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart bar-chart" viewBox="0 0 {w} {h}" preserveAspectRatio="xMidYMin meet" role="img" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        esc(title)
    );
    if bars.is_empty() {
        let _ = write!(
            svg,
            r#"<desc>Chưa có số liệu</desc><text x="{}" y="{}" text-anchor="middle" class="empty">Chưa có số liệu</text></svg>"#,
            w / 2.0,
            h / 2.0 + 4.0
        );
        return svg;
    }
    let desc: Vec<String> = bars.iter().map(|b| format!("{}: {}{}", b.label, fmt(b.value, decimals), suffix)).collect();
    let _ = write!(svg, "<desc>{}</desc>", esc(&desc.join("; ")));
    let lo = bars.iter().map(|b| b.value).fold(0.0, f64::min);
    let hi = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    // Bars start at zero so their lengths compare honestly.
    let (min, max, _) = axis(lo.min(0.0), hi.max(0.0), 4);
    let (min, max) = (min.min(0.0), max.max(0.0));
    let pw = w - label_w - value_w;
    let xv = |v: f64| label_w + pw * (v - min) / (max - min);
    for (i, b) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let (x0, x1) = (xv(0.0_f64.max(min)), xv(b.value));
        let (bx, bw) = if x1 >= x0 { (x0, x1 - x0) } else { (x1, x0 - x1) };
        let label: String = if b.label.chars().count() > 28 {
            format!("{}…", b.label.chars().take(27).collect::<String>())
        } else {
            b.label.clone()
        };
        let _ = write!(
            svg,
            r#"<g class="bar{}"><title>{}: {}{}</title><text class="bar-label" x="{}" y="{:.1}" text-anchor="end">{}</text><rect x="{bx:.1}" y="{:.1}" width="{bw:.1}" height="{}"/><text class="bar-value" x="{:.1}" y="{:.1}">{}</text></g>"#,
            if b.highlight { " highlight" } else { "" },
            esc(&b.label),
            esc(&fmt(b.value, decimals)),
            esc(suffix),
            label_w - 6.0,
            y + row * 0.68,
            esc(&label),
            y + 3.0,
            row - 6.0,
            bx + bw + 4.0,
            y + row * 0.68,
            // As the ranking table beside it writes it: 99,10, not 99,1.
            esc(&chiso_core::number::format_number(b.value, decimals))
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(hay: &str, needle: &str) -> usize {
        hay.matches(needle).count()
    }

    #[test]
    fn nice_axes() {
        assert_eq!(axis(0.0, 87.0, 4), (0.0, 100.0, 25.0));
        assert_eq!(axis(0.0, 45_278.0, 4), (0.0, 60_000.0, 20_000.0));
        assert_eq!(axis(0.0, 96.14, 4), (0.0, 100.0, 25.0));
        // Rates near 96% keep their detail instead of starting at zero.
        let (min, max, step) = axis(95.83, 96.87, 4);
        assert!((95.0..=95.83).contains(&min) && (96.87..=97.5).contains(&max), "{min} {max}");
        assert!(step > 0.0);
        // A flat series still gets a span.
        let (min, max, _) = axis(5.0, 5.0, 4);
        assert!(min < 5.0 && max > 5.0);
        assert_eq!(axis(0.0, 0.0, 4), (0.0, 1.0, 0.25));
    }

    #[test]
    fn line_chart_points_and_labels() {
        let c = LineChart {
            title: "Tỷ lệ <đúng hạn> & \"trễ\"".into(),
            labels: (1..=12).map(|m| format!("T{m}")).collect(),
            series: vec![
                Series {
                    name: "2026".into(),
                    values: (1..=12).map(|m| (m < 11).then_some(90.0 + m as f64)).collect(),
                    muted: false,
                },
                Series {
                    name: "2025".into(),
                    values: (1..=12).map(|m| Some(88.0 + m as f64 * 0.5)).collect(),
                    muted: true,
                },
            ],
            reference: Some((95.0, "Ngưỡng 95%".into())),
            decimals: 2,
            compact: false,
            suffix: "%".into(),
        };
        let svg = line_chart(&c);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("viewBox=\"0 0 640 260\""));
        assert_eq!(count(&svg, "<circle"), 10 + 12);
        assert_eq!(count(&svg, "<polyline"), 2);
        assert!(svg.contains("<title>Tỷ lệ &lt;đúng hạn&gt; &amp; &quot;trễ&quot;</title>"));
        assert!(!svg.contains("<đúng"));
        assert_eq!(count(&svg, "class=\"reference\""), 1);
        assert!(svg.contains("2026 — T3: 93%"));
        assert!(svg.contains("2025 — T3: 89,5%"), "{svg}");
    }

    #[test]
    fn gaps_split_lines() {
        let c = LineChart {
            title: "x".into(),
            labels: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            series: vec![Series {
                name: "s".into(),
                values: vec![Some(1.0), None, Some(3.0), Some(4.0)],
                muted: false,
            }],
            ..Default::default()
        };
        let svg = line_chart(&c);
        assert_eq!(count(&svg, "<polyline"), 2);
        assert_eq!(count(&svg, "<circle"), 3);
    }

    #[test]
    fn empty_charts_say_so() {
        let svg = line_chart(&LineChart { title: "Trống".into(), ..Default::default() });
        assert!(svg.contains("Chưa có số liệu") && svg.ends_with("</svg>"));
        assert_eq!(count(&svg, "<circle"), 0);
        let svg = bar_chart("Trống", &[], 2, "");
        assert!(svg.contains("Chưa có số liệu") && svg.ends_with("</svg>"));
    }

    #[test]
    fn bar_chart_bars_and_escaping() {
        let bars: Vec<Bar> = [("Huyện An Phú", 1205.0), ("Sở <KH&CN>", 980.5), ("Xã B", 0.0)]
            .iter()
            .map(|&(l, v)| Bar { label: l.into(), value: v, highlight: l == "Xã B" })
            .collect();
        let svg = bar_chart("Hồ sơ tiếp nhận", &bars, 1, "");
        assert_eq!(count(&svg, "<rect"), 3);
        assert_eq!(count(&svg, "class=\"bar highlight\""), 1);
        assert!(svg.contains("Sở &lt;KH&amp;CN&gt;"));
        // Bars say their value with the chart's decimals, as the table beside them.
        assert!(svg.contains(">1.205,0<") && svg.contains(">980,5<"), "{svg}");
        assert!(!svg.contains("<KH"));
    }

    #[test]
    fn long_labels_are_shortened() {
        let bars =
            vec![Bar {
                label: "Ủy ban nhân dân thị trấn rất dài tên gọi An Phú".into(), value: 1.0, highlight: false
            }];
        let svg = bar_chart("x", &bars, 0, "");
        assert!(svg.contains('…'));
        assert!(svg.contains("<title>Ủy ban nhân dân thị trấn rất dài tên gọi An Phú: 1</title>"));
    }
}
