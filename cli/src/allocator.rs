//! How the front ends' allocator (mimalloc, set as `#[global_allocator]` by each binary) handles
//! memory, chosen by the size of the spec before any thread of ours starts.
//!
//! A spec of a few megabytes runs for a fraction of a second. Handing freed memory back to the
//! system and faulting it in again, or faulting whole 2 MiB transparent huge pages for a few
//! kilobytes, is then mostly kernel time spent zeroing pages: on Qovery's 1.3 MB spec 20-30% of
//! the CPU time (`perf record`, `clear_page_erms`), and 85 MB of peak memory where 58 MB is used.
//! A large spec (Microsoft Graph, 20 MB) needs the opposite: memory freed by one phase returned
//! soon, so the next one does not stack on it.

use std::ffi::{c_int, c_long};

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (`mimalloc.h`, the same in its v2 and v3):
/// how many milliseconds freed memory is kept before it goes back to the system.
const MI_OPTION_PURGE_DELAY: c_int = 15;

/// How long freed memory is kept for reuse, for a large spec. mimalloc v3 keeps it a second,
/// longer than most phases of a run: the parse tree of Microsoft Graph's spec, freed on one thread
/// while another reads the OpenAPI model, was still held at the run's peak (635 MB instead of
/// 500 MB). A tenth of a second still serves a phase's own churn from freed memory.
const PURGE_DELAY_MS: c_long = 100;

/// Specs smaller than this keep their freed memory until the run ends and use small pages.
pub const SMALL_SPEC_BYTES: u64 = 8 << 20;

extern "C" {
    /// mimalloc's option setter, linked with the allocator; the `mimalloc` crate declares it only
    /// under its `extended` feature, without a constant for the purge delay.
    fn mi_option_set(option: c_int, value: c_long);
}

/// Sets the allocator up for a spec of `spec_bytes` (the root file's size). Call it before any
/// thread starts: it changes process-wide settings.
pub fn tune(spec_bytes: u64) {
    let small = spec_bytes < SMALL_SPEC_BYTES;
    let delay = if small { -1 } else { PURGE_DELAY_MS };
    // SAFETY: `mi_option_set` stores an integer option, which mimalloc reads at any time.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, delay) };
    #[cfg(target_os = "linux")]
    if small {
        // Faults from now on take 4 KiB pages: mimalloc advises huge pages for its arenas, and a
        // huge page is zeroed whole at its first touch. A failure leaves the default, which is
        // only slower.
        // SAFETY: `prctl` with `PR_SET_THP_DISABLE` sets a flag on this process; no memory of
        // ours is touched.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }
}
