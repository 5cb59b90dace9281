@preconcurrency import Glibc

/// The model checker copies and drops millions of small copy-on-write arrays a second on every
/// worker thread. glibc's per-thread cache keeps only 7 freed chunks of each size, up to 1,032
/// bytes, by default; the rest goes through the shared bins, whose slow paths (`_int_malloc`,
/// `unlink_chunk`) took 12–15 % of `qjm check --config deep`. With a larger cache the same run
/// generates about 12 % more states a second (5 % for `small`), so `qjm check` and `qjm demo`
/// start themselves again with one, through glibc's documented `GLIBC_TUNABLES`. A value the
/// caller set already is kept: an operator's own tuning wins, and it stops the restart looping.
enum AllocatorTuning {
    static let tunables = "glibc.malloc.tcache_count=4000:glibc.malloc.tcache_max=16384"

    /// Replaces this process with itself under `tunables`, unless `GLIBC_TUNABLES` is set. If the
    /// executable cannot be found or started again, this process simply goes on untuned.
    static func restartTunedIfNeeded() {
        guard getenv("GLIBC_TUNABLES") == nil else { return }
        var path = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard readlink("/proc/self/exe", &path, Int(PATH_MAX)) > 0 else { return }
        guard setenv("GLIBC_TUNABLES", tunables, 1) == 0 else { return }
        execv(path, CommandLine.unsafeArgv)
        // Only reached if execv failed: run as we are.
        unsetenv("GLIBC_TUNABLES")
    }
}
