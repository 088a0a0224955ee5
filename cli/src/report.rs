//! What a run tells the user on stderr: the one-line summary after a generation, and a line
//! naming the phase when one runs long.

use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use openapi_gen::Output;

/// How long a phase runs before a progress line names it.
pub const SLOW_PHASE: Duration = Duration::from_millis(1500);

/// The summary line, the same in `openapi-gen` and `cargo xtask generate`:
/// `specs/x.yaml: 12 operations, 30 types, 2,400 lines, 0 warnings, 0 fallbacks to serde_json::Value, 0.08 s`.
pub fn summary_line(label: &str, output: &Output, elapsed: Duration) -> String {
    let s = &output.summary;
    format!(
        "{label}: {} operations, {} types, {} lines, {} warning(s), {} fallback(s) to serde_json::Value, {:.2} s",
        s.operations,
        s.types,
        s.lines,
        output.warnings.len(),
        s.fallbacks.len(),
        elapsed.as_secs_f64()
    )
}

/// Names the running phase on stderr once it has run for [`SLOW_PHASE`] (`label: emitting and
/// formatting the code...`); silent for quick runs and when quiet.
pub struct Progress {
    sender: Option<mpsc::Sender<&'static str>>,
    watcher: Option<JoinHandle<()>>,
}

impl Progress {
    pub fn start(label: &str, quiet: bool) -> Self {
        if quiet {
            return Self {
                sender: None,
                watcher: None,
            };
        }
        let (sender, receiver) = mpsc::channel::<&'static str>();
        let label = label.to_owned();
        let watcher = std::thread::spawn(move || {
            let mut current: Option<(&'static str, Instant)> = None;
            loop {
                let message = match current {
                    Some((_, since)) => {
                        receiver.recv_timeout(SLOW_PHASE.saturating_sub(since.elapsed()))
                    }
                    None => receiver
                        .recv()
                        .map_err(|_| mpsc::RecvTimeoutError::Disconnected),
                };
                match message {
                    Ok(phase) => current = Some((phase, Instant::now())),
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        if let Some((phase, _)) = current.take() {
                            eprintln!("{label}: {phase}...");
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            }
        });
        Self {
            sender: Some(sender),
            watcher: Some(watcher),
        }
    }

    /// A phase starts (`"writing the crate"`).
    pub fn phase(&self, what: &'static str) {
        if let Some(sender) = &self.sender {
            let _ = sender.send(what);
        }
    }

    /// Stops watching; nothing more is printed.
    pub fn finish(mut self) {
        self.sender = None;
        if let Some(watcher) = self.watcher.take() {
            let _ = watcher.join();
        }
    }
}
