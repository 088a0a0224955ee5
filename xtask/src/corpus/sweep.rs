//! Runs the release `openapi-gen` on each description as a child process, `--jobs` at a time,
//! bounded in time (SIGKILL after `--timeout-secs`) and in address space (`RLIMIT_AS`, set with
//! `setrlimit` between fork and exec), and measures each run with `wait4`.
//!
//! A child process, not a thread, because a stack overflow or a failed allocation aborts the
//! whole process: the sweep must outlive the specs that crash the generator.

use std::fs::{self, File};
use std::io;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::classify::Exit;
use super::select::Spec;

/// What every child is allowed.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub timeout: Duration,
    pub memory_bytes: u64,
}

/// One run, as measured; `classify` reads it.
#[derive(Debug, Clone)]
pub struct Run {
    pub exit: Exit,
    pub timed_out: bool,
    pub wall: Duration,
    /// `ru_maxrss` from `wait4`, in KiB (Linux's unit).
    pub peak_rss_kib: u64,
    pub stderr: String,
    /// The file that holds the child's stderr.
    pub log: PathBuf,
}

/// Runs every spec, the largest first so that the slowest ones do not start last, and calls
/// `done` after each (from the worker thread) with the spec's index in `specs`.
pub fn sweep(
    generator: &Path,
    specs: &[Spec],
    out: &Path,
    logs: &Path,
    limits: Limits,
    jobs: usize,
    done: impl Fn(usize, &Run) + Sync,
) -> Result<Vec<Run>> {
    let mut order: Vec<usize> = (0..specs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(specs[i].bytes));
    let next = AtomicUsize::new(0);
    let runs: Mutex<Vec<Option<Run>>> = Mutex::new(vec![None; specs.len()]);
    let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| loop {
                let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) else {
                    return;
                };
                let spec = &specs[i];
                let log = logs.join(format!("{}.stderr", spec.slug));
                match run_generator(generator, spec, &out.join(&spec.slug), &log, limits) {
                    Ok(run) => {
                        done(i, &run);
                        lock(&runs)[i] = Some(run);
                    }
                    Err(e) => {
                        // The sweep cannot go on (no generator, no disk); stop handing out work.
                        next.store(order.len(), Ordering::Relaxed);
                        lock(&failure).get_or_insert(e.context(format!("running {}", spec.rel)));
                        return;
                    }
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    let runs = runs.into_inner().unwrap_or_else(|p| p.into_inner());
    Ok(runs
        .into_iter()
        .map(|run| run.expect("every spec was run unless the sweep failed"))
        .collect())
}

/// A poisoned lock only means another worker panicked; the data is still whole.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// `openapi-gen --quiet --spec FILE --out DIR --crate-name NAME`, its stderr into `log`.
fn run_generator(
    generator: &Path,
    spec: &Spec,
    out: &Path,
    log: &Path,
    limits: Limits,
) -> Result<Run> {
    let stderr = File::create(log).with_context(|| format!("creating {}", log.display()))?;
    let mut command = Command::new(generator);
    command
        .arg("--quiet")
        .arg("--spec")
        .arg(&spec.path)
        .arg("--out")
        .arg(out)
        .arg("--crate-name")
        .arg(&spec.slug)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        // A file, not a pipe: a spec with thousands of errors cannot block the child on a full
        // pipe (which would look like a timeout), and the log stays for reading.
        .stderr(stderr);
    let memory = limits.memory_bytes;
    // SAFETY: the closure runs in the forked child before exec and only calls setrlimit, which
    // is async-signal-safe; it allocates nothing and touches no lock.
    unsafe {
        command.pre_exec(move || {
            // A stack overflow aborts with SIGABRT: no core file for each of those.
            for (resource, bytes) in [(libc::RLIMIT_AS, memory), (libc::RLIMIT_CORE, 0)] {
                let limit = libc::rlimit {
                    rlim_cur: bytes,
                    rlim_max: bytes,
                };
                if libc::setrlimit(resource, &limit) != 0 {
                    return Err(io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    let started = Instant::now();
    let child = command
        .spawn()
        .with_context(|| format!("starting {}", generator.display()))?;
    let (exit, timed_out, peak_rss_kib) = wait_bounded(child.id(), started, limits.timeout)?;
    let wall = started.elapsed();
    let stderr = fs::read(log).with_context(|| format!("reading {}", log.display()))?;
    Ok(Run {
        exit,
        timed_out,
        wall,
        peak_rss_kib,
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        log: log.to_owned(),
    })
}

/// Waits for `pid` with `wait4` (which also returns its peak RSS), polling so that a run past
/// `timeout` can be killed. `std::process::Child::wait` reaps the child without its usage, so
/// this is the only wait: the `Child` is dropped unwaited, which std allows.
fn wait_bounded(pid: u32, started: Instant, timeout: Duration) -> Result<(Exit, bool, u64)> {
    let pid = pid as libc::pid_t;
    let mut timed_out = false;
    let mut pause = Duration::from_millis(1);
    loop {
        let mut status = 0;
        // SAFETY: an all-zero rusage is a valid value of this plain C struct.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: both out-pointers are valid for the call; `pid` is our own unreaped child.
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            let exit = if libc::WIFSIGNALED(status) {
                Exit::Signal(libc::WTERMSIG(status))
            } else {
                Exit::Code(libc::WEXITSTATUS(status))
            };
            return Ok((exit, timed_out, usage.ru_maxrss.max(0) as u64));
        }
        if reaped < 0 {
            let error = io::Error::last_os_error();
            if error.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(error).context("waiting for the generator");
        }
        if !timed_out && started.elapsed() >= timeout {
            // SAFETY: kill has no memory-safety preconditions; the pid is not reaped yet, so it
            // cannot name another process.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            timed_out = true;
        }
        // Most specs take a tenth of a second: poll often at first, then every 20 ms.
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}
