//! The report for people: what the bump should be, who breaks, then each change under its
//! operation, type, feature or security scheme.

use std::fmt::Write;

use super::{Change, Impact, Report, Subject};

/// Counts of changes that break each kind of user.
struct Counts {
    client: usize,
    server: usize,
    old_client: usize,
    new_client: usize,
}

fn counts(report: &Report) -> Counts {
    let count =
        |f: &dyn Fn(&Impact) -> bool| report.changes.iter().filter(|c| f(&c.impact)).count();
    Counts {
        client: count(&|i| i.client),
        server: count(&|i| i.server),
        old_client: count(&|i| i.old_client_new_server),
        new_client: count(&|i| i.new_client_old_server),
    }
}

fn header(report: &Report) -> String {
    let mut text = String::new();
    let c = counts(report);
    let label = |label: &str, version: &str| {
        if label.is_empty() {
            format!("version {version}")
        } else {
            format!("{label} (version {version})")
        }
    };
    let _ = writeln!(
        text,
        "API changes from {} to {}",
        label(&report.old_label, &report.old_version),
        label(&report.new_label, &report.new_version)
    );
    let _ = writeln!(
        text,
        "  {} changes; recommended bump: {}",
        report.changes.len(),
        report.bump().as_str()
    );
    let breaks = |n: usize| {
        if n == 0 {
            "compatible".to_owned()
        } else {
            format!("{n} breaking")
        }
    };
    let _ = writeln!(
        text,
        "  code calling the client: {}; code implementing the server: {}",
        breaks(c.client),
        breaks(c.server)
    );
    let _ = writeln!(
        text,
        "  wire: old client -> new server: {}; new client -> old server: {}",
        breaks(c.old_client),
        breaks(c.new_client)
    );
    text
}

/// `[breaks client, server; wire: old client -> new server]` or `[compatible]`.
fn verdict(impact: &Impact) -> String {
    let mut source = Vec::new();
    if impact.client {
        source.push("client");
    }
    if impact.server {
        source.push("server");
    }
    let mut wire = Vec::new();
    if impact.old_client_new_server {
        wire.push("old client -> new server");
    }
    if impact.new_client_old_server {
        wire.push("new client -> old server");
    }
    match (source.is_empty(), wire.is_empty()) {
        (true, true) => "[compatible]".to_owned(),
        (false, true) => format!("[breaks {}]", source.join(", ")),
        (true, false) => format!("[compiles; wire breaks {}]", wire.join(", ")),
        (false, false) => format!(
            "[breaks {}; wire breaks {}]",
            source.join(", "),
            wire.join(", ")
        ),
    }
}

fn section(subject: &Subject) -> &'static str {
    match subject {
        Subject::Feature(_) => "Features",
        Subject::Security(_) => "Security schemes",
        Subject::Operation(_) => "Operations",
        Subject::Receiver(_) => "Webhooks and callbacks",
        Subject::Type(_) => "Types",
    }
}

pub fn render(report: &Report) -> String {
    let mut text = header(report);
    let mut last_section = "";
    let mut last_subject: Option<&Subject> = None;
    for change in &report.changes {
        let section = section(&change.subject);
        if section != last_section {
            let _ = write!(text, "\n{section}\n");
            last_section = section;
            last_subject = None;
        }
        if last_subject != Some(&change.subject) {
            let _ = writeln!(text, "  {}", change.subject.name());
            last_subject = Some(&change.subject);
        }
        let _ = writeln!(text, "    - {} {}", change.message, verdict(&change.impact));
    }
    text
}

/// The header and up to `limit` changes that break compiling (then how many more).
pub fn summary(report: &Report, limit: usize) -> String {
    let mut text = header(report);
    let breaking: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| c.impact.breaks_source())
        .collect();
    for change in breaking.iter().take(limit) {
        let _ = writeln!(
            text,
            "  - {} `{}`: {} {}",
            change.subject.group(),
            change.subject.name(),
            change.message,
            verdict(&change.impact)
        );
    }
    if breaking.len() > limit {
        let _ = writeln!(
            text,
            "  ... and {} more breaking changes (`openapi-gen diff --old OLD --new NEW` lists every change)",
            breaking.len() - limit
        );
    }
    text
}
