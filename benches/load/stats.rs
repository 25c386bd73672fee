//! Samples by (server, measure), their medians and p99, and the report: every measure side
//! by side, and the issue-6 targets as ratios ours/reference from the same run.

use crate::target::Kind;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Lower,
    Higher,
}

#[derive(Debug, Clone)]
pub struct Measure {
    pub key: &'static str,
    pub title: &'static str,
    pub unit: &'static str,
    pub better: Better,
}

/// Every measure the generator reports, in report order.
pub const MEASURES: &[Measure] = &[
    m("pipe_set_ms", "pipe `set` round trip", "ms", Better::Lower),
    m("pipe_get_ms", "pipe `get` round trip", "ms", Better::Lower),
    m(
        "pipe_setf_rate",
        "pipe back-to-back `setf`, commands/s",
        "/s",
        Better::Higher,
    ),
    m(
        "pipe_setf_delivered",
        "pipe back-to-back `setf`, delivered",
        "%",
        Better::Higher,
    ),
    m(
        "pipe_setf_paced_rate",
        "pipe paced `setf` (lossless), commands/s",
        "/s",
        Better::Higher,
    ),
    m(
        "pipe_setf_paced_gap_us",
        "pipe paced `setf`: gap between commands",
        "µs",
        Better::Lower,
    ),
    m(
        "ws_setf_rate",
        "WS `setf` pipelined, commands/s",
        "/s",
        Better::Higher,
    ),
    m(
        "ws_batch_rate",
        "WS batches of 100 `set`, commands/s",
        "/s",
        Better::Higher,
    ),
    m(
        "ws_batch_ms",
        "WS batch of 100 round trip",
        "ms",
        Better::Lower,
    ),
    m(
        "add10k_ms",
        "`add` of 10,000 controls until a browser has it",
        "ms",
        Better::Lower,
    ),
    m(
        "add10k_reply_ms",
        "`add` of 10,000 controls, host reply",
        "ms",
        Better::Lower,
    ),
    m(
        "full10k_ms",
        "new browser gets the 10,000-control state",
        "ms",
        Better::Lower,
    ),
    m(
        "disk_sync_ms",
        "5 KiB write + `fdatasync` in the work dir",
        "ms",
        Better::Lower,
    ),
    m(
        "fan1_ms",
        "one `set` reaching 1 browser",
        "ms",
        Better::Lower,
    ),
    m(
        "fan10_ms",
        "one `set` reaching 10 browsers",
        "ms",
        Better::Lower,
    ),
    m(
        "fan100_ms",
        "one `set` reaching 100 browsers",
        "ms",
        Better::Lower,
    ),
    m(
        "fan500_ms",
        "one `set` reaching 500 browsers",
        "ms",
        Better::Lower,
    ),
    m(
        "pages_ms",
        "1,000 pages × 100 controls, time",
        "ms",
        Better::Lower,
    ),
    m(
        "pages_rss_mb",
        "1,000 pages × 100 controls, server RSS",
        "MiB",
        Better::Lower,
    ),
    m("idle_rss_mb", "idle RSS", "MiB", Better::Lower),
    m(
        "startup_ms",
        "startup (spawn to serving, empty store)",
        "ms",
        Better::Lower,
    ),
    m(
        "restart_ms",
        "restart to serving, 1,000,000 events stored",
        "ms",
        Better::Lower,
    ),
];

const fn m(key: &'static str, title: &'static str, unit: &'static str, better: Better) -> Measure {
    Measure {
        key,
        title,
        unit,
        better,
    }
}

#[derive(Debug, Default, Clone)]
pub struct Results {
    pub samples: BTreeMap<(Kind, &'static str), Vec<f64>>,
    /// Free-text remarks printed under the tables (loss counts, scaled-down sizes...).
    pub notes: Vec<String>,
}

impl Results {
    pub fn add(&mut self, kind: Kind, key: &'static str, v: f64) {
        self.samples.entry((kind, key)).or_default().push(v);
    }
    pub fn extend(&mut self, kind: Kind, key: &'static str, vs: &[f64]) {
        self.samples
            .entry((kind, key))
            .or_default()
            .extend_from_slice(vs);
    }
    pub fn get(&self, kind: Kind, key: &str) -> Option<&Vec<f64>> {
        self.samples
            .iter()
            .find(|((k, m), _)| *k == kind && *m == key)
            .map(|(_, v)| v)
    }
    pub fn median(&self, kind: Kind, key: &str) -> Option<f64> {
        self.get(kind, key).and_then(|v| quantile(v, 0.5))
    }
    pub fn p99(&self, kind: Kind, key: &str) -> Option<f64> {
        self.get(kind, key).and_then(|v| quantile(v, 0.99))
    }
}

/// Nearest-rank quantile.
pub fn quantile(v: &[f64], q: f64) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    if q == 0.5 && s.len().is_multiple_of(2) {
        return Some((s[s.len() / 2 - 1] + s[s.len() / 2]) / 2.0);
    }
    let rank = ((q * s.len() as f64).ceil() as usize).clamp(1, s.len());
    Some(s[rank - 1])
}

fn fmt(v: Option<f64>) -> String {
    match v {
        None => "–".into(),
        Some(x) if x.abs() >= 10_000.0 => format!("{:.0}", x),
        Some(x) if x.abs() >= 100.0 => format!("{:.0}", x),
        Some(x) if x.abs() >= 10.0 => format!("{:.1}", x),
        Some(x) if x.abs() >= 1.0 => format!("{:.2}", x),
        Some(x) => format!("{:.3}", x),
    }
}

/// One target of issue 6.
struct Goal {
    title: &'static str,
    ours: Kind,
    key: &'static str,
    /// Measure of the reference to divide by (None: absolute target on `ours`).
    reference_key: Option<&'static str>,
    check: Check,
}

enum Check {
    AtMost(f64),
    AtLeast(f64),
    AbsAtMostMs(f64),
    /// 100 % delivered and rate ≥ n × the reference's paced rate.
    Delivered(f64),
}

const GOALS: &[Goal] = &[
    g(
        "pipe `set` round trip p50, batched",
        Kind::Batched,
        "pipe_set_ms",
        Some("pipe_set_ms"),
        Check::AtMost(0.4),
    ),
    g(
        "pipe `set` round trip p50, strict",
        Kind::Strict,
        "pipe_set_ms",
        Some("pipe_set_ms"),
        Check::AtMost(1.0),
    ),
    g(
        "back-to-back `setf` through the pipe, batched",
        Kind::Batched,
        "pipe_setf_rate",
        Some("pipe_setf_paced_rate"),
        Check::Delivered(10.0),
    ),
    g(
        "back-to-back `setf` through the pipe, strict",
        Kind::Strict,
        "pipe_setf_rate",
        Some("pipe_setf_paced_rate"),
        Check::Delivered(10.0),
    ),
    g(
        "WebSocket batches of 100, commands/s, batched",
        Kind::Batched,
        "ws_batch_rate",
        Some("ws_batch_rate"),
        Check::AtLeast(4.0),
    ),
    g(
        "WebSocket batches of 100, commands/s, strict",
        Kind::Strict,
        "ws_batch_rate",
        Some("ws_batch_rate"),
        Check::AtLeast(4.0),
    ),
    g(
        "full 10,000-control state to a new browser, batched",
        Kind::Batched,
        "full10k_ms",
        Some("full10k_ms"),
        Check::AtMost(0.3),
    ),
    g(
        "full 10,000-control state to a new browser, strict",
        Kind::Strict,
        "full10k_ms",
        Some("full10k_ms"),
        Check::AtMost(0.3),
    ),
    g(
        "one `set` to 500 browsers, batched",
        Kind::Batched,
        "fan500_ms",
        Some("fan500_ms"),
        Check::AtMost(0.5),
    ),
    g(
        "one `set` to 500 browsers, strict",
        Kind::Strict,
        "fan500_ms",
        Some("fan500_ms"),
        Check::AtMost(0.5),
    ),
    g(
        "RSS with 1,000 pages × 100 controls, batched",
        Kind::Batched,
        "pages_rss_mb",
        Some("pages_rss_mb"),
        Check::AtMost(0.7),
    ),
    g(
        "RSS with 1,000 pages × 100 controls, strict",
        Kind::Strict,
        "pages_rss_mb",
        Some("pages_rss_mb"),
        Check::AtMost(0.7),
    ),
    g(
        "restart to serving, 1,000,000 events",
        Kind::Strict,
        "restart_ms",
        None,
        Check::AbsAtMostMs(1000.0),
    ),
];

const fn g(
    title: &'static str,
    ours: Kind,
    key: &'static str,
    reference_key: Option<&'static str>,
    check: Check,
) -> Goal {
    Goal {
        title,
        ours,
        key,
        reference_key,
        check,
    }
}

/// The markdown report: targets first, then every measure.
pub fn report(r: &Results, kinds: &[Kind]) -> String {
    let mut out = String::new();
    let has_ref = kinds.contains(&Kind::Reference);
    let _ = writeln!(
        out,
        "### Targets (issue 6): ratios ours / reference, medians of this run\n"
    );
    let _ = writeln!(out, "| target | ours | reference | ratio | goal | met? |");
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for goal in GOALS {
        if !kinds.contains(&goal.ours) {
            continue;
        }
        let ours = r.median(goal.ours, goal.key);
        let reference = goal
            .reference_key
            .and_then(|k| r.median(Kind::Reference, k));
        let ratio = match (ours, reference) {
            (Some(o), Some(f)) if f != 0.0 => Some(o / f),
            _ => None,
        };
        let (goal_text, met) = match goal.check {
            Check::AtMost(x) => (format!("≤ {x}"), ratio.map(|q| q <= x)),
            Check::AtLeast(x) => (format!("≥ {x}×"), ratio.map(|q| q >= x)),
            Check::AbsAtMostMs(x) => (format!("≤ {} s absolute", x / 1000.0), ours.map(|o| o <= x)),
            Check::Delivered(x) => {
                let delivered = r.median(goal.ours, "pipe_setf_delivered");
                let all = delivered.map(|d| d >= 100.0);
                (
                    format!("100 % delivered, ≥ {x}× paced rate"),
                    match (all, ratio) {
                        (Some(a), Some(q)) => Some(a && q >= x),
                        (Some(false), None) => Some(false),
                        _ => None,
                    },
                )
            }
        };
        let unit = MEASURES
            .iter()
            .find(|m| m.key == goal.key)
            .map(|m| m.unit)
            .unwrap_or("");
        let _ = writeln!(
            out,
            "| {} | {} {unit} | {} | {} | {goal_text} | {} |",
            goal.title,
            fmt(ours),
            if goal.reference_key.is_none() {
                "(in memory: no store)".to_string()
            } else if has_ref {
                format!("{} {unit}", fmt(reference))
            } else {
                "–".into()
            },
            fmt(ratio),
            match met {
                Some(true) => "met",
                Some(false) => "**not met**",
                None => "not measured",
            }
        );
    }
    let _ = writeln!(
        out,
        "\n### Every measure: median (p99) over all samples of the run\n"
    );
    let mut head = String::from("| measure |");
    let mut rule = String::from("|---|");
    for k in kinds {
        let _ = write!(head, " {} |", k.label());
        rule.push_str("---|");
    }
    if has_ref {
        for k in kinds.iter().filter(|k| k.is_ours()) {
            let _ = write!(head, " {} / ref |", k.key());
            rule.push_str("---|");
        }
    }
    let _ = writeln!(out, "{head}\n{rule}");
    for m in MEASURES {
        if !kinds.iter().any(|k| r.get(*k, m.key).is_some()) {
            continue;
        }
        let arrow = match m.better {
            Better::Lower => "lower is better",
            Better::Higher => "higher is better",
        };
        let mut line = format!("| {} ({}; {arrow}) |", m.title, m.unit);
        for k in kinds {
            let n = r.get(*k, m.key).map(|v| v.len()).unwrap_or(0);
            let cell = if n > 1 {
                format!(
                    "{} ({}) n={n}",
                    fmt(r.median(*k, m.key)),
                    fmt(r.p99(*k, m.key))
                )
            } else {
                fmt(r.median(*k, m.key))
            };
            let _ = write!(line, " {cell} |");
        }
        if has_ref {
            for k in kinds.iter().filter(|k| k.is_ours()) {
                let q = match (r.median(*k, m.key), r.median(Kind::Reference, m.key)) {
                    (Some(o), Some(f)) if f != 0.0 => Some(o / f),
                    _ => None,
                };
                let _ = write!(line, " {} |", fmt(q));
            }
        }
        let _ = writeln!(out, "{line}");
    }
    if !r.notes.is_empty() {
        let _ = writeln!(out);
        for n in &r.notes {
            let _ = writeln!(out, "- {n}");
        }
    }
    out
}

/// Every sample as JSON, for later comparison.
pub fn to_json(r: &Results) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for ((k, key), v) in &r.samples {
        m.entry(k.key())
            .or_insert_with(|| serde_json::json!({}))
            .as_object_mut()
            .map(|o| o.insert(key.to_string(), serde_json::json!(v)));
    }
    serde_json::json!({"samples": m, "notes": r.notes})
}
