//! The report as JSON for tools: the bump, counts per kind of user, and every change with its
//! kind, key and verdicts. Keys are sorted (serde_json's map), so the output is deterministic.

use serde_json::{json, Value};

use super::Report;

fn verdict(breaks: bool) -> &'static str {
    if breaks {
        "breaking"
    } else {
        "compatible"
    }
}

pub fn render(report: &Report) -> String {
    let count =
        |f: &dyn Fn(&super::Impact) -> bool| report.changes.iter().filter(|c| f(&c.impact)).count();
    let changes: Vec<Value> = report
        .changes
        .iter()
        .map(|c| {
            json!({
                "group": c.subject.group(),
                "name": c.subject.name(),
                "kind": c.kind.as_str(),
                "key": c.key,
                "message": c.message,
                "client": verdict(c.impact.client),
                "server": verdict(c.impact.server),
                "old_client_new_server": verdict(c.impact.old_client_new_server),
                "new_client_old_server": verdict(c.impact.new_client_old_server),
            })
        })
        .collect();
    let value = json!({
        "old": { "label": report.old_label, "version": report.old_version },
        "new": { "label": report.new_label, "version": report.new_version },
        "bump": report.bump().as_str(),
        "breaking": {
            "client": count(&|i| i.client),
            "server": count(&|i| i.server),
            "old_client_new_server": count(&|i| i.old_client_new_server),
            "new_client_old_server": count(&|i| i.new_client_old_server),
        },
        "changes": changes,
    });
    let mut text = serde_json::to_string_pretty(&value).expect("a JSON value always prints");
    text.push('\n');
    text
}
