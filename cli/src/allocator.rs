//! How the front ends' allocator (mimalloc, set as `#[global_allocator]` by each binary) handles
//! memory, chosen by the size of the spec before any thread of ours starts.
//!
//! Two things, both measured with `perf record` and `/usr/bin/time`:
//!
//! - mimalloc advises transparent huge pages for its arenas, and the kernel zeroes a huge page
//!   whole at its first touch: 20-30% of the CPU time on Qovery's 1.3 MB spec (`clear_page_erms`)
//!   and 85 MB of peak memory where 58 MB is used; on Microsoft Graph (20 MB) 10% of the CPU time.
//!   The process takes 4 KiB pages.
//! - A small spec keeps its freed memory until the run ends: in a run of a fraction of a second,
//!   handing memory back and faulting it in again is kernel time. A large spec (Microsoft Graph)
//!   needs the opposite, memory freed by one phase returned soon, so the next does not stack on
//!   it.

use std::ffi::{c_int, c_long};

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (`mimalloc.h`, the same in its v2 and v3):
/// how many milliseconds freed memory is kept before it goes back to the system.
const MI_OPTION_PURGE_DELAY: c_int = 15;

/// How long freed memory is kept for reuse, for a large spec. mimalloc v3 keeps it a second,
/// longer than most phases of a run: the parse tree of Microsoft Graph's spec, freed on one thread
/// while another reads the OpenAPI model, was still held at the run's peak (635 MB instead of
/// 500 MB). A tenth of a second still serves a phase's own churn from freed memory.
const PURGE_DELAY_MS: c_long = 100;

/// Specs smaller than this keep their freed memory until the run ends.
pub const SMALL_SPEC_BYTES: u64 = 8 << 20;

extern "C" {
    /// mimalloc's option setter, linked with the allocator; the `mimalloc` crate declares it only
    /// under its `extended` feature, without a constant for the purge delay.
    fn mi_option_set(option: c_int, value: c_long);
}

/// Sets the allocator up for a spec of `spec_bytes` (the root file's size). Call it before any
/// thread starts: it changes process-wide settings.
pub fn tune(spec_bytes: u64) {
    let delay = if spec_bytes < SMALL_SPEC_BYTES {
        -1
    } else {
        PURGE_DELAY_MS
    };
    // SAFETY: `mi_option_set` stores an integer option, which mimalloc reads at any time.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, delay) };
    // Faults from now on take 4 KiB pages. A failure leaves the default, which is only slower.
    // SAFETY: `prctl` with `PR_SET_THP_DISABLE` sets a flag on this process; no memory is touched.
    #[cfg(target_os = "linux")]
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0)
    };
}
