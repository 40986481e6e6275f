import CShim
import Foundation

/// A worker's own memory: what it holds, and how its allocator keeps what is freed.
enum ProcessMemory {
    /// Resident memory from /proc.
    static func residentBytes(pid: pid_t? = nil) -> Int? {
        let path = pid.map { "/proc/\($0)/statm" } ?? "/proc/self/statm"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// glibc gives each thread that allocates an arena of its own (up to 8 per core) and keeps what is
    /// freed in it for the next allocation there. A worker runs one image operation per responder
    /// thread, spread over libvips' threads, so every one of those threads' arenas kept its peak:
    /// one arena per responder thread measured the same throughput with a quarter less memory for the
    /// pool (doc/benchmarks.md). Called before the worker starts any thread of its own.
    static func limitAllocatorArenas(to count: Int) {
        _ = imgforge_malloc_arena_max(Int32(clamping: max(1, count)))
    }
}
