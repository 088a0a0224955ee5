//! Runs `cargo check` on a usage program, reads its errors (`--message-format=json`), maps each
//! to the items its line is tagged with, and scores a `diff` report against them.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use openapi_gen::diff::{Change, Kind, Report};
use serde_json::Value;

/// One compile error in the usage program.
#[derive(Debug, Clone)]
pub struct CompileError {
    /// 1-based line of the primary span in `src/main.rs`.
    pub line: usize,
    pub code: String,
    pub message: String,
}

/// `cargo check` in `dir` with the shared `target`; the errors of `src/main.rs`, and the time.
pub fn cargo_check(dir: &Path, target: &Path) -> Result<(Vec<CompileError>, Duration, bool)> {
    let started = Instant::now();
    let output = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--message-format=json"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .with_context(|| format!("running cargo check in {}", dir.display()))?;
    let elapsed = started.elapsed();
    let mut errors = Vec::new();
    let mut elsewhere = false;
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(value) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if value["reason"] != "compiler-message" || value["message"]["level"] != "error" {
            continue;
        }
        let message = &value["message"];
        let spans = message["spans"].as_array().cloned().unwrap_or_default();
        let primary = spans
            .iter()
            .find(|s| s["is_primary"] == true && s["file_name"] == "src/main.rs");
        match primary {
            Some(span) => errors.push(CompileError {
                line: span["line_start"].as_u64().unwrap_or(0) as usize,
                code: message["code"]["code"].as_str().unwrap_or("").to_owned(),
                message: message["message"].as_str().unwrap_or("").to_owned(),
            }),
            // "aborting due to N errors" and errors outside the program (none expected).
            None => {
                if !message["message"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("aborting due to")
                    && !spans.is_empty()
                {
                    elsewhere = true;
                }
            }
        }
    }
    if !output.status.success() && errors.is_empty() {
        anyhow::bail!(
            "cargo check in {} failed without errors in src/main.rs:\n{}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok((errors, elapsed, elsewhere))
}

/// The keys a line is tagged with (`// @key ...`); a line without tags takes those of the
/// nearest tagged line above it (at most three up). "not all trait items implemented" names the
/// methods an implementation lacks: `op:<name>` each.
pub fn tags_of(lines: &[&str], error: &CompileError) -> Vec<String> {
    if error.code == "E0046" {
        return backticked(&error.message)
            .into_iter()
            .map(|name| format!("op:{name}"))
            .collect();
    }
    for back in 0..4 {
        let Some(index) = (error.line).checked_sub(1 + back) else {
            break;
        };
        let Some(line) = lines.get(index) else {
            break;
        };
        if let Some((_, comment)) = line.rsplit_once("// @") {
            return format!("@{comment}")
                .split_whitespace()
                .filter_map(|t| t.strip_prefix('@'))
                .map(str::to_owned)
                .collect();
        }
    }
    Vec::new()
}

fn backticked(message: &str) -> Vec<String> {
    message
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_owned())
        .collect()
}

/// Whether a change's key is what a line's tag names: the same item, an item the tagged one is
/// inside of (a removed type `type:T` for a line reading `type:T.f`), or any item a wildcard tag
/// covers (`op:a:param:*`: the call that passes every parameter); never `op:a` for `op:a_all`.
pub fn related(change: &str, tag: &str) -> bool {
    if let Some(prefix) = tag.strip_suffix('*') {
        return change.starts_with(prefix);
    }
    change == tag
        || tag
            .strip_prefix(change)
            .is_some_and(|rest| rest.starts_with(':') || rest.starts_with('.'))
}

/// Changes `diff` calls breaking but that the usage program cannot show: features (the program
/// enables every default feature) and webhooks or callbacks (it does not use them).
pub fn not_measurable(change: &Change) -> bool {
    matches!(change.kind, Kind::FeatureRemoved | Kind::TagsChanged)
        || change.key.starts_with("hook:")
}

/// The score of one side (client or server) of one pair.
#[derive(Debug, Default, Clone)]
pub struct Score {
    /// Changes reported breaking for this side (measurable ones).
    pub reported: usize,
    /// Of those, the ones with a compile error on a related line.
    pub confirmed: usize,
    /// Lines of the program with a compile error.
    pub error_lines: usize,
    /// Of those, the ones a reported breaking change explains.
    pub explained: usize,
    /// Of the unconfirmed ones, those masked: a confirmed change to the same operation or type
    /// stops the compiler before it gets to them (a renamed operation's response enum does not
    /// resolve, so its `match` is not checked for new variants; a removed variant's arm keeps
    /// the compiler from checking the `match` for an added one).
    pub masked: usize,
    /// Breaking changes without an error, and error lines without a change, for the report.
    pub unconfirmed: Vec<String>,
    pub unexplained: Vec<String>,
}

/// Scores `report` for one side against the errors of its half of the program.
pub fn score(
    report: &Report,
    breaks: &dyn Fn(&Change) -> bool,
    lines: &[&str],
    errors: &[&CompileError],
) -> Score {
    let changes: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| breaks(c) && !not_measurable(c))
        .collect();
    let mut by_line: std::collections::BTreeMap<usize, Vec<&CompileError>> = Default::default();
    for e in errors {
        by_line.entry(e.line).or_default().push(e);
    }
    let mut score = Score {
        reported: changes.len(),
        error_lines: by_line.len(),
        ..Score::default()
    };
    let mut confirmed = vec![false; changes.len()];
    for (line, errs) in &by_line {
        let mut explained = false;
        for e in errs {
            let tags = tags_of(lines, e);
            for (index, c) in changes.iter().enumerate() {
                let hit = tags.iter().any(|t| {
                    related(&c.key, t)
                        || (e.code == "E0046"
                            && t.strip_prefix("op:")
                                .is_some_and(|name| c.message.contains(&format!("`{name}`"))))
                });
                if hit {
                    confirmed[index] = true;
                    explained = true;
                }
            }
        }
        if explained {
            score.explained += 1;
        } else {
            let e = errs[0];
            score.unexplained.push(format!(
                "line {line}: {} {} | {}",
                e.code,
                e.message,
                lines.get(line - 1).map(|l| l.trim()).unwrap_or("")
            ));
        }
    }
    score.confirmed = confirmed.iter().filter(|c| **c).count();
    let confirmed_items: Vec<(&str, &str)> = changes
        .iter()
        .zip(&confirmed)
        .filter(|(_, c)| **c)
        .map(|(c, _)| (container(&c.key), c.key.as_str()))
        .collect();
    for (c, _) in changes.iter().zip(&confirmed).filter(|(_, c)| !**c) {
        let masked = confirmed_items
            .iter()
            .any(|(item, key)| *item == container(&c.key) && *key != c.key);
        if masked {
            score.masked += 1;
        }
        score.unconfirmed.push(format!(
            "{}{} {}: {}",
            if masked { "(masked) " } else { "" },
            c.kind.as_str(),
            c.key,
            c.message
        ));
    }
    score
}

/// The operation or type a key is about: `op:x` for `op:x:param:p`, `type:T` for `type:T.f`
/// and `type:T::V`.
fn container(key: &str) -> &str {
    let (prefix, rest) = match key.split_once(':') {
        Some((prefix, rest)) => (prefix, rest),
        None => return key,
    };
    let end = rest.find([':', '.']).unwrap_or(rest.len());
    &key[..prefix.len() + 1 + end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_relate_to_what_a_line_tags() {
        assert!(related("op:a", "op:a"));
        assert!(
            related("op:a", "op:a:param:b"),
            "a removed operation breaks its parameter's line"
        );
        assert!(
            related("op:a:param:c", "op:a:param:*"),
            "the call passes every parameter"
        );
        assert!(
            !related("op:a:param:b", "op:a"),
            "a line naming the operation alone"
        );
        assert!(!related("op:a", "op:a_all"));
        assert!(related("type:T", "type:T.f") && related("type:T", "type:T::V"));
        assert!(!related("type:T", "type:Tx.f"));
    }

    #[test]
    fn containers_are_the_operation_or_type() {
        assert_eq!(container("op:a:response:Ok"), "op:a");
        assert_eq!(container("op:a"), "op:a");
        assert_eq!(container("type:T.f"), "type:T");
        assert_eq!(container("type:T::V"), "type:T");
    }

    #[test]
    fn tags_come_from_the_line_or_the_missing_methods() {
        let lines = [
            "fn f() { // @op:a",
            "let _ = 1; // @op:a:param:b @type:T",
            "x",
        ];
        let error = |line, code: &str, message: &str| CompileError {
            line,
            code: code.to_owned(),
            message: message.to_owned(),
        };
        assert_eq!(
            tags_of(&lines, &error(2, "E0308", "")),
            ["op:a:param:b", "type:T"]
        );
        assert_eq!(
            tags_of(&lines, &error(3, "E0308", "")),
            ["op:a:param:b", "type:T"]
        );
        assert_eq!(
            tags_of(
                &lines,
                &error(
                    1,
                    "E0046",
                    "not all trait items implemented, missing: `x`, `y`"
                )
            ),
            ["op:x", "op:y"]
        );
    }
}
