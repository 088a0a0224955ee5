//! The sweep's results as a Markdown table (printed, and written as `corpus.md` for a README) and
//! as JSON with one entry per spec (`corpus.json`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{json, Value};

use super::classify::{signal_name, Exit, Outcome};
use super::lint::Lint;
use super::select::Spec;

/// One spec's results.
#[derive(Debug, Clone)]
pub struct Record {
    pub spec: Spec,
    pub outcome: Outcome,
    pub class: Option<String>,
    pub first_error: Option<String>,
    pub exit: Exit,
    pub wall: Duration,
    pub peak_rss_kib: u64,
    /// The generator's stderr, kept when it did not generate.
    pub log: Option<PathBuf>,
    pub lint: Option<Lint>,
}

/// A whole sweep: how it was run and what each spec did.
#[derive(Debug)]
pub struct Report {
    pub corpus: PathBuf,
    pub found: usize,
    pub generator: PathBuf,
    pub jobs: usize,
    pub timeout_secs: u64,
    pub memory_mb: u64,
    pub seed: u64,
    pub wall: Duration,
    pub lint_wall: Duration,
    pub records: Vec<Record>,
}

pub fn to_json(report: &Report) -> Value {
    let counts: BTreeMap<&str, usize> = Outcome::ALL
        .iter()
        .map(|&o| (o.label(), report.count(o)))
        .collect();
    let specs: Vec<Value> = report
        .records
        .iter()
        .map(|r| {
            let (exit_code, signal) = match r.exit {
                Exit::Code(code) => (Some(code), None),
                Exit::Signal(signal) => (None, Some(signal_name(signal))),
            };
            json!({
                "spec": r.spec.rel,
                "crate": r.spec.slug,
                "bytes": r.spec.bytes,
                "outcome": r.outcome.label(),
                "class": r.class,
                "first_error": r.first_error,
                "exit_code": exit_code,
                "signal": signal,
                "wall_secs": round3(r.wall.as_secs_f64()),
                "peak_rss_mib": round3(mib(r.peak_rss_kib)),
                "log": r.log,
                "lint": r.lint.as_ref().map(|l| json!({
                    "passed": l.passed,
                    "class": l.class,
                    "first": l.first,
                    "wall_secs": round3(l.wall.as_secs_f64()),
                    "log": l.log,
                })),
            })
        })
        .collect();
    json!({
        "corpus": report.corpus,
        "found": report.found,
        "run": report.records.len(),
        "generator": report.generator,
        "jobs": report.jobs,
        "timeout_secs": report.timeout_secs,
        "memory_mb": report.memory_mb,
        "seed": report.seed,
        "wall_secs": round3(report.wall.as_secs_f64()),
        "lint_wall_secs": round3(report.lint_wall.as_secs_f64()),
        "counts": counts,
        "specs": specs,
    })
}

impl Report {
    fn count(&self, outcome: Outcome) -> usize {
        self.records.iter().filter(|r| r.outcome == outcome).count()
    }

    /// Whether any record ended with `outcome`.
    pub fn any(&self, outcome: Outcome) -> bool {
        self.count(outcome) > 0
    }

    pub fn lint_failures(&self) -> usize {
        self.linted().filter(|(_, l)| !l.passed).count()
    }

    fn linted(&self) -> impl Iterator<Item = (&Record, &Lint)> {
        self.records
            .iter()
            .filter_map(|r| r.lint.as_ref().map(|l| (r, l)))
    }
}

pub fn to_markdown(report: &Report) -> String {
    let mut md = String::new();
    let total = report.records.len();
    let slice = if total == report.found {
        "all".to_owned()
    } else {
        format!("a slice of {} found", thousands(report.found))
    };
    md += &format!(
        "## Corpus sweep\n\n{} descriptions under `{}` ({slice}), {} jobs, at most {} s and {} MiB each.\n\n",
        thousands(total),
        report.corpus.display(),
        report.jobs,
        report.timeout_secs,
        report.memory_mb,
    );

    md += "| outcome | specs | share |\n| --- | ---: | ---: |\n";
    for outcome in Outcome::ALL {
        let n = report.count(outcome);
        md += &format!(
            "| {} | {} | {} |\n",
            outcome.label(),
            thousands(n),
            percent(n, total)
        );
    }

    // Classes with their count and the first spec (in path order) as the example.
    let mut classes: BTreeMap<(Outcome, &str), (usize, &str)> = BTreeMap::new();
    for r in &report.records {
        if let Some(class) = &r.class {
            classes
                .entry((r.outcome, class))
                .or_insert((0, &r.spec.rel))
                .0 += 1;
        }
    }
    if !classes.is_empty() {
        let mut rows: Vec<_> = classes.into_iter().collect();
        rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
        md += "\n### Error classes\n\n| outcome | class | specs | example |\n| --- | --- | ---: | --- |\n";
        for ((outcome, class), (n, example)) in rows {
            md += &format!(
                "| {} | {} | {} | `{example}` |\n",
                outcome.label(),
                cell(class),
                thousands(n)
            );
        }
    }

    let crashes: Vec<&Record> = report
        .records
        .iter()
        .filter(|r| {
            matches!(
                r.outcome,
                Outcome::Crash | Outcome::Timeout | Outcome::OutOfMemory
            )
        })
        .collect();
    md += &format!(
        "\n### Crashes, timeouts, out of memory: {}\n",
        crashes.len()
    );
    if !crashes.is_empty() {
        md += "\n| spec | outcome | exit | what |\n| --- | --- | --- | --- |\n";
        for r in crashes {
            let exit = match r.exit {
                Exit::Code(code) => format!("exit {code}"),
                Exit::Signal(signal) => signal_name(signal),
            };
            md += &format!(
                "| `{}` | {} | {exit} | {} |\n",
                r.spec.rel,
                r.outcome.label(),
                cell(r.class.as_deref().unwrap_or(""))
            );
        }
    }

    let linted: Vec<(&Record, &Lint)> = report.linted().collect();
    if !linted.is_empty() {
        let failed = report.lint_failures();
        md += &format!(
            "\n### Lint: `cargo clippy --all-features -- -D warnings` on {} sampled crates (seed {})\n\n",
            linted.len(),
            report.seed
        );
        md += "| result | crates |\n| --- | ---: |\n";
        md += &format!(
            "| pass | {} |\n| fail | {failed} |\n",
            linted.len() - failed
        );
        let mut classes: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
        for (r, l) in linted.iter().filter(|(_, l)| !l.passed) {
            let class = l.class.as_deref().unwrap_or("(no message)");
            classes.entry(class).or_insert((0, &r.spec.rel)).0 += 1;
        }
        if !classes.is_empty() {
            let mut rows: Vec<_> = classes.into_iter().collect();
            rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
            md += "\n| lint class | crates | example |\n| --- | ---: | --- |\n";
            for (class, (n, example)) in rows {
                md += &format!("| {} | {n} | `{example}` |\n", cell(class));
            }
        }
        md += "\n| sampled crate | result | clippy time |\n| --- | --- | ---: |\n";
        for (r, l) in &linted {
            md += &format!(
                "| `{}` | {} | {:.1} s |\n",
                r.spec.rel,
                if l.passed { "pass" } else { "fail" },
                l.wall.as_secs_f64()
            );
        }
    }

    let mut times: Vec<Duration> = report.records.iter().map(|r| r.wall).collect();
    times.sort();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    let summed: Duration = times.iter().sum();
    md += "\n### Timing\n\n| | |\n| --- | ---: |\n";
    md += &format!(
        "| sweep, wall time | {:.1} s |\n| generator runs, summed | {:.1} s |\n| median per spec | {:.2} s |\n",
        report.wall.as_secs_f64(),
        summed.as_secs_f64(),
        median.as_secs_f64()
    );
    if !linted.is_empty() {
        md += &format!(
            "| lint, wall time | {:.1} s |\n",
            report.lint_wall.as_secs_f64()
        );
    }
    let mut slowest: Vec<&Record> = report.records.iter().collect();
    slowest.sort_by(|a, b| b.wall.cmp(&a.wall).then(a.spec.rel.cmp(&b.spec.rel)));
    md += "\n| slowest specs | size | time | peak memory | outcome |\n| --- | ---: | ---: | ---: | --- |\n";
    for r in slowest.into_iter().take(5) {
        md += &format!(
            "| `{}` | {:.1} MB | {:.2} s | {:.0} MiB | {} |\n",
            r.spec.rel,
            r.spec.bytes as f64 / 1e6,
            r.wall.as_secs_f64(),
            mib(r.peak_rss_kib),
            r.outcome.label()
        );
    }
    md
}

/// Table cells hold one line without pipes.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn percent(n: usize, total: usize) -> String {
    if total == 0 {
        return "-".to_owned();
    }
    format!("{:.1}%", n as f64 * 100.0 / total as f64)
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(2639), "2,639");
        assert_eq!(thousands(100), "100");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(percent(37, 2639), "1.4%");
        assert_eq!(cell("a | b"), "a \\| b");
    }
}
