import Foundation
import Synchronization

extension DiskCache {
    /// One file for every key's lock, beside `tmp/`: each key locks one byte of it, at an offset
    /// its hash gives. A lock file per key (created and unlinked by every miss) made each later
    /// file creation on ext4 step over thousands of recently deleted inodes: about 1.5 ms of
    /// kernel time per miss at 180 misses a second.
    static let lockFileName = "misses.lock"

    /// Linux's F_OFD_SETLK (the same number on every architecture), which Glibc's Swift module
    /// leaves out: a byte-range lock owned by the open file, so that threads of one process
    /// exclude each other as processes do, and that closing the file releases it.
    private static let setOpenFileLock: Int32 = 37

    /// Runs `body` holding the key's lock (see `lock(_:timeout:)`).
    public func withLock<T>(_ key: CacheKey, timeout: Double, _ body: () throws -> T) rethrows -> T {
        let held = lock(key, timeout: timeout)
        defer { held.release() }
        return try body()
    }

    /// Takes the key's lock, shared by every thread and process using this cache, so concurrent
    /// misses for one key are processed once. Gives up waiting after `timeout` seconds and goes on
    /// without it: a slow neighbour must not turn into an error. A lock that cannot be had at all
    /// (a full disk, say) is no lock either.
    public func lock(_ key: CacheKey, timeout: Double) -> KeyLock {
        let root = tiers[0].root
        var fd = open("\(root)/\(Self.lockFileName)", O_RDWR | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0 && errno == ENOENT {
            // Removed by hand: made again (a holder on the old file then excludes no newcomer, once).
            fd = open("\(root)/\(Self.lockFileName)", O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, Self.fileMode)
        }
        guard fd >= 0 else { return KeyLock(descriptor: -1) }
        // The key's byte: the same for every process with these settings, a positive offset.
        var range = flock()
        range.l_type = Int16(F_WRLCK)
        range.l_whence = Int16(SEEK_SET)
        range.l_start = off_t(Self.stableHash(Array("\(fingerprint)/\(key.directory)/\(key.baseName)".utf8)) >> 2)
        range.l_len = 1
        let deadline = Date().addingTimeInterval(timeout)
        // Held by another: EAGAIN (or EACCES); any other failure is no lock to wait for.
        var failure = fcntl(fd, Self.setOpenFileLock, &range) == 0 ? 0 : errno
        while (failure == EAGAIN || failure == EACCES) && Date() < deadline {
            usleep(2_000)
            failure = fcntl(fd, Self.setOpenFileLock, &range) == 0 ? 0 : errno
        }
        return KeyLock(descriptor: fd)
    }
}

/// A key's lock, held until `release()` or until nothing refers to it any more: closing its open
/// lock file releases it.
public final class KeyLock: Sendable {
    private let descriptor: Int32
    private let released = Atomic<Bool>(false)

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    public func release() {
        if !released.exchange(true, ordering: .relaxed) && descriptor >= 0 { close(descriptor) }
    }

    deinit { release() }
}
