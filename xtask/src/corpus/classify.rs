//! Reads one generator run's exit status and stderr as an outcome and an error class; pure, so
//! the rules are table-tested without running anything.
//!
//! A class is the first error line with the parts that vary from spec to spec (quoted names,
//! numbers, JSON pointers, paths) replaced by placeholders, so that one class groups many specs.

/// How a generator run ended, from the most to the least wanted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    Generated,
    SpecError,
    IoError,
    Timeout,
    OutOfMemory,
    Crash,
}

impl Outcome {
    pub const ALL: [Outcome; 6] = [
        Outcome::Generated,
        Outcome::SpecError,
        Outcome::IoError,
        Outcome::Timeout,
        Outcome::OutOfMemory,
        Outcome::Crash,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Generated => "generated",
            Outcome::SpecError => "spec error",
            Outcome::IoError => "io error",
            Outcome::Timeout => "timeout",
            Outcome::OutOfMemory => "out of memory",
            Outcome::Crash => "crash",
        }
    }
}

/// How the child process ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
}

/// `openapi-gen`'s exit codes (0 success, 1 spec errors, 2 usage or I/O) and how Rust programs
/// die: a panic exits 101, a stack overflow or a failed allocation aborts (SIGABRT).
pub fn classify(exit: Exit, timed_out: bool, stderr: &str) -> Outcome {
    match exit {
        // Killed by the sweep: whatever it printed before is not why it ended.
        _ if timed_out => Outcome::Timeout,
        Exit::Code(0) => Outcome::Generated,
        Exit::Code(1) => Outcome::SpecError,
        Exit::Code(2) => Outcome::IoError,
        _ if allocation_failed(stderr) => Outcome::OutOfMemory,
        // A SIGKILL the sweep did not send is most likely the kernel's out-of-memory killer.
        Exit::Signal(libc::SIGKILL) => Outcome::OutOfMemory,
        _ => Outcome::Crash,
    }
}

/// Rust's allocation-failure message (`handle_alloc_error`), or an OS refusal to map memory
/// (a thread stack under `RLIMIT_AS`).
fn allocation_failed(stderr: &str) -> bool {
    stderr.lines().any(|line| {
        (line.contains("memory allocation of ") && line.contains(" failed"))
            || line.contains("Cannot allocate memory")
    })
}

/// The line that says what went wrong, as printed: the first `error` line, a panic's location
/// and message, or the stack-overflow notice.
pub fn first_error_line(stderr: &str) -> Option<String> {
    let lines: Vec<&str> = stderr.lines().collect();
    if let Some(line) = lines
        .iter()
        .find(|l| l.contains("has overflowed its stack"))
    {
        return Some(line.trim().to_owned());
    }
    if let Some(at) = lines.iter().position(|l| is_panic_line(l)) {
        // Since Rust 1.73 the message follows on its own line: `panicked at file:line:col:`.
        let message = lines.get(at + 1).map_or("", |l| l.trim());
        return Some(format!("{} {message}", lines[at].trim()).trim().to_owned());
    }
    lines
        .iter()
        .find(|l| l.starts_with("error"))
        .or_else(|| lines.iter().find(|l| !l.trim().is_empty()))
        .map(|l| l.trim().to_owned())
}

fn is_panic_line(line: &str) -> bool {
    line.starts_with("thread '") && line.contains("' panicked at ")
}

/// The class of a run that did not generate: what specs failing the same way share.
pub fn error_class(outcome: Outcome, exit: Exit, stderr: &str) -> Option<String> {
    let first = first_error_line(stderr);
    let class = match outcome {
        Outcome::Generated => return None,
        Outcome::Timeout => "timed out".to_owned(),
        Outcome::OutOfMemory => match exit {
            Exit::Signal(libc::SIGKILL) if !allocation_failed(stderr) => {
                "killed by SIGKILL (out-of-memory killer?)".to_owned()
            }
            _ => "memory allocation failed".to_owned(),
        },
        Outcome::Crash => crash_class(exit, stderr),
        Outcome::SpecError | Outcome::IoError => {
            first.map_or_else(|| "(no message)".to_owned(), |line| normalize(&line))
        }
    };
    Some(class)
}

/// A stack overflow keeps its thread name, a panic its source location (code, not spec), and
/// only the panic message is normalized.
fn crash_class(exit: Exit, stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    if let Some(line) = lines
        .iter()
        .find(|l| l.contains("has overflowed its stack"))
    {
        let thread = line
            .split('\'')
            .nth(1)
            .map_or(String::new(), |name| format!(" in thread '{name}'"));
        return format!("stack overflow{thread}");
    }
    if let Some(at) = lines.iter().position(|l| is_panic_line(l)) {
        let location = lines[at]
            .split("' panicked at ")
            .nth(1)
            .unwrap_or("")
            .trim_end_matches(':');
        let message = lines.get(at + 1).map_or("", |l| l.trim());
        return format!("panic at {location}: {}", normalize(message));
    }
    match exit {
        Exit::Signal(signal) => format!("killed by {}", signal_name(signal)),
        Exit::Code(code) => format!("exit code {code}"),
    }
}

pub fn signal_name(signal: i32) -> String {
    match signal {
        libc::SIGABRT => "SIGABRT".to_owned(),
        libc::SIGSEGV => "SIGSEGV".to_owned(),
        libc::SIGBUS => "SIGBUS".to_owned(),
        libc::SIGILL => "SIGILL".to_owned(),
        libc::SIGKILL => "SIGKILL".to_owned(),
        libc::SIGTERM => "SIGTERM".to_owned(),
        other => format!("signal {other}"),
    }
}

/// Replaces what varies between specs: `` `quoted` `` names (keywords such as `` `$ref` `` stay),
/// `"quoted"` strings, JSON pointers and file paths (any word with a `/`), and integers (a
/// dotted version such as `3.0` stays, it names a format).
pub fn normalize(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line.trim();
    while let Some(c) = rest.chars().next() {
        if c == '`' || c == '"' {
            if let Some(end) = rest[1..].find(c) {
                let inner = &rest[1..1 + end];
                let keep = c == '`' && is_keyword(inner);
                out.push(c);
                out.push_str(if keep { inner } else { "…" });
                out.push(c);
                rest = &rest[end + 2..];
                continue;
            }
        }
        if !out.ends_with(|p: char| p.is_alphanumeric() || p == '_')
            && (c.is_alphanumeric() || c == '#' || c == '/' || c == '.' || c == '_')
        {
            let len = rest
                .find(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
                .unwrap_or(rest.len());
            let word = rest[..len].trim_end_matches([':', ';', '.']);
            if word.contains('/') {
                out.push('…');
                rest = &rest[word.len()..];
                continue;
            }
        }
        if c.is_ascii_digit() && !out.ends_with(|p: char| p.is_alphanumeric() || p == '_') {
            let len = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            let after = &rest[len..];
            let dotted =
                after.starts_with('.') && after[1..].starts_with(|d: char| d.is_ascii_digit());
            let glued = after.starts_with(|a: char| a.is_alphanumeric() || a == '_');
            if !dotted && !glued {
                out.push('N');
                rest = after;
                continue;
            }
            // A version (`3.0`) or an identifier that starts with a digit is copied whole.
            let len = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '.' || c == '_'))
                .unwrap_or(rest.len());
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Spec keywords such as `$ref`, `allOf` or `nullable`: they say what failed, not where.
fn is_keyword(text: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "$ref",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "items",
        "properties",
        "additionalProperties",
        "discriminator",
        "nullable",
        "required",
        "type",
        "format",
        "enum",
        "const",
        "pattern",
        "in: path",
        "swagger: \"2.0\"",
    ];
    KEYWORDS.contains(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OVERFLOW: &str =
        "\nthread 'main' has overflowed its stack\nfatal runtime error: stack overflow, aborting\n";
    const PANIC: &str = "thread 'openapi-reader' panicked at generator/src/lower/schema.rs:120:9:\n\
                         index out of bounds: the len is 3 but the index is 7\n\
                         note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
    const ALLOC: &str = "memory allocation of 1073741824 bytes failed\n";

    #[test]
    fn outcomes_follow_exit_status_and_stderr() {
        let cases = [
            (Exit::Code(0), false, "", Outcome::Generated),
            (Exit::Code(1), false, "error: x\n", Outcome::SpecError),
            (Exit::Code(2), false, "error: cannot read\n", Outcome::IoError),
            (Exit::Code(101), false, PANIC, Outcome::Crash),
            (Exit::Signal(libc::SIGABRT), false, OVERFLOW, Outcome::Crash),
            (Exit::Signal(libc::SIGSEGV), false, "", Outcome::Crash),
            (Exit::Signal(libc::SIGABRT), false, ALLOC, Outcome::OutOfMemory),
            (Exit::Code(101), false, "thread 'main' panicked at x.rs:1:1:\nfailed to spawn thread: Os { code: 12, kind: OutOfMemory, message: \"Cannot allocate memory\" }\n", Outcome::OutOfMemory),
            (Exit::Signal(libc::SIGKILL), false, "", Outcome::OutOfMemory),
            (Exit::Signal(libc::SIGKILL), true, "", Outcome::Timeout),
            (Exit::Code(0), true, "", Outcome::Timeout),
            (Exit::Code(3), false, "", Outcome::Crash),
        ];
        for (exit, timed_out, stderr, expected) in cases {
            assert_eq!(
                classify(exit, timed_out, stderr),
                expected,
                "{exit:?} {stderr:?}"
            );
        }
    }

    #[test]
    fn crash_classes_keep_thread_and_location() {
        let class = |exit, stderr| error_class(Outcome::Crash, exit, stderr).unwrap();
        assert_eq!(
            class(Exit::Signal(libc::SIGABRT), OVERFLOW),
            "stack overflow in thread 'main'"
        );
        assert_eq!(
            class(Exit::Code(101), PANIC),
            "panic at generator/src/lower/schema.rs:120:9: index out of bounds: the len is N but the index is N"
        );
        assert_eq!(class(Exit::Signal(libc::SIGSEGV), ""), "killed by SIGSEGV");
        assert_eq!(
            first_error_line(PANIC).unwrap(),
            "thread 'openapi-reader' panicked at generator/src/lower/schema.rs:120:9: index out of bounds: the len is 3 but the index is 7"
        );
    }

    #[test]
    fn classes_replace_what_varies_between_specs() {
        let cases = [
            (
                "error: `$ref` target `#/components/schemas/Foo` does not exist",
                "error: `$ref` target `…` does not exist",
            ),
            (
                "error: operationId `getPets` is already used by GET /pets",
                "error: operationId `…` is already used by GET …",
            ),
            (
                "error: the document is not a valid OpenAPI 3.0 description: paths./a/{b}.get.responses.200: invalid type: string \"x\", expected a map at line 12 column 7",
                "error: the document is not a valid OpenAPI 3.0 description: …: invalid type: string \"…\", expected a map at line N column N",
            ),
            (
                "error: cannot read /tmp/specs/x.yaml: No such file (os error 2)",
                "error: cannot read …: No such file (os error N)",
            ),
            (
                "error: unsupported OpenAPI version `3.2.0`",
                "error: unsupported OpenAPI version `…`",
            ),
            ("error: E0308 in v2 of 1password", "error: E0308 in v2 of 1password"),
        ];
        for (line, expected) in cases {
            assert_eq!(normalize(line), expected, "{line}");
        }
    }

    #[test]
    fn two_specs_with_the_same_fault_share_a_class() {
        let a =
            "error: `$ref` `#/definitions/A` must point into `#/definitions`\n  --> a.json:3:4\n";
        let b = "warning: something\nerror: `$ref` `#/definitions/Other` must point into `#/definitions`\n";
        assert_eq!(
            error_class(Outcome::SpecError, Exit::Code(1), a),
            error_class(Outcome::SpecError, Exit::Code(1), b)
        );
    }
}
