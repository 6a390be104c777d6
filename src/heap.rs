//! How the process asks glibc's allocator for memory: every large block mapped on its own.

/// glibc's initial mmap threshold: a block at least this large gets its own mapping.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: std::ffi::c_int = 128 * 1024;

/// Fixes glibc's mmap threshold at its initial 128 KiB. By default glibc raises the threshold
/// (up to 32 MiB) each time a mapped block is freed, so the blocks of a few megabytes made
/// after it (a table that grows, a batch of rows) come from the heap, where freed memory
/// stays in the process and adds to its peak: 50 to 170 MiB of a command's peak at a million
/// assets. A fixed threshold keeps each of them its own mapping, returned when freed. No
/// effect on other platforms and allocators. Call before any thread starts.
pub fn map_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
        }
        /// `M_MMAP_THRESHOLD` in glibc's malloc.h.
        const M_MMAP_THRESHOLD: std::ffi::c_int = -3;
        // SAFETY: mallopt only sets a tuning parameter of glibc's allocator (the allocator
        // Rust's `System` uses here), from the main thread before others start; a refusal
        // (returning 0) leaves the default, which is correct too.
        unsafe {
            mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        }
    }
}

static LEFT_TO_EXIT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Says that the process ends once its command returns, so that the results it is done with
/// are left for the exit to free (see [`left_to_exit`]): a million-asset inventory is two
/// million blocks, and freeing them one by one took a tenth of `summary`'s time. Only the
/// binary calls this; a library user's results are freed as usual.
pub fn leave_results_to_exit() {
    LEFT_TO_EXIT.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Whether [`leave_results_to_exit`] was called.
pub fn left_to_exit() -> bool {
    LEFT_TO_EXIT.load(std::sync::atomic::Ordering::Relaxed)
}
