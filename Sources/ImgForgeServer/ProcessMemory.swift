import CShim
import Foundation

/// A worker's own memory: what it holds, and how its allocator keeps what is freed.
enum ProcessMemory {
    /// Resident memory from /proc (read after every request: a plain read into a small buffer, not
    /// Foundation's file reading, which cost 1 % of a worker's time on small images).
    static func residentBytes(pid: pid_t? = nil) -> Int? {
        let path = pid.map { "/proc/\($0)/statm" } ?? "/proc/self/statm"
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        guard count > 0 else { return nil }
        // "size resident shared …", in pages.
        let fields = buffer[..<count].split(separator: UInt8(ascii: " "), maxSplits: 2)
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return pages * pageSize
    }

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// glibc gives each thread that allocates an arena of its own (up to 8 per core) and keeps what is
    /// freed in it for the next allocation there. A worker runs one image operation per responder
    /// thread, spread over libvips' threads, so every one of those threads' arenas kept its peak:
    /// one arena per responder thread measured the same throughput with a quarter less memory for the
    /// pool (doc/benchmarks.md). Called before the worker starts any thread of its own.
    static func limitAllocatorArenas(to count: Int) {
        _ = imgforge_malloc_arena_max(Int32(clamping: max(1, count)))
    }
}
