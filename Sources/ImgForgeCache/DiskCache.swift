import Foundation

/// A directory cache that nginx serves from directly. imgforge writes; nginx reads.
///
/// Layout of each tier: `<root>/<fingerprint>/…` holds the entries made with one set of
/// output settings, `<root>/current` links to the fingerprint nginx serves (so a settings change
/// is an instant, atomic invalidation), and `<root>/tmp/` holds files being written, which
/// are renamed into place only when complete.
///
/// A process reads and writes only its own fingerprint's directory. While `current` names
/// another one (a second process with other settings started later), this process answers
/// uncached rather than hand nginx a file it would look for elsewhere.
public final class DiskCache: Sendable {
    public let tiers: [CacheTier]
    public let fingerprint: String
    /// The file extensions an entry may have, in the order nginx tries them.
    public let extensions: [String]

    /// `serving`: this process serves from the cache, so `current` is pointed at its fingerprint;
    /// without it (`imgforge cache prune`) nothing is created, moved or cleaned up.
    public init(tiers: [CacheTier], fingerprint: String, extensions: [String], serving: Bool = true) throws {
        precondition(!tiers.isEmpty)
        self.tiers = tiers
        self.fingerprint = fingerprint
        self.extensions = extensions
        if serving {
            for tier in tiers { try Self.prepare(tier, fingerprint: fingerprint) }
        }
    }

    /// True while every tier's `current` names this process's fingerprint: only then can nginx
    /// find what this process stores.
    public var isServed: Bool {
        tiers.allSatisfy { (try? FileManager.default.destinationOfSymbolicLink(atPath: "\($0.root)/current")) == fingerprint }
    }

    /// The stored file for `key` in the first tier that has one.
    public func lookup(_ key: CacheKey) -> CacheFile? {
        for tier in tiers {
            for ext in extensions {
                let relative = key.path(extension: ext)
                if FileManager.default.fileExists(atPath: "\(tier.root)/\(fingerprint)/\(relative)") {
                    return CacheFile(tier: tier.kind, relativePath: relative)
                }
            }
        }
        return nil
    }

    /// Runs `body` holding the key's lock, shared by every thread and process using this cache,
    /// so concurrent misses for one key are processed once. Gives up waiting after `timeout`
    /// seconds and runs `body` anyway: a slow neighbour must not turn into an error.
    /// A lock that cannot be had at all (a full disk, say) is no lock: `body` runs anyway.
    public func withLock<T>(_ key: CacheKey, timeout: Double, _ body: () throws -> T) rethrows -> T {
        let directory = "\(tiers[0].root)/\(fingerprint)/\(key.directory)"
        guard (try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)) != nil else { return try body() }
        let path = "\(directory)/\(key.baseName).lock"
        let deadline = Date().addingTimeInterval(timeout)
        var held: Int32 = -1
        // The holder unlinks the lock file when done. A waiter that then gets the lock on the old,
        // unlinked file holds nothing anyone else sees: it checks that its file is still the one at
        // the path, and starts again on the new one otherwise.
        while held < 0 && Date() < deadline {
            let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o640)
            guard fd >= 0 else { break }
            var locked = flock(fd, LOCK_EX | LOCK_NB) == 0
            while !locked && Date() < deadline {
                usleep(2_000)
                locked = flock(fd, LOCK_EX | LOCK_NB) == 0
            }
            var opened = stat(), current = stat()
            if locked, fstat(fd, &opened) == 0, lstat(path, &current) == 0,
               opened.st_dev == current.st_dev, opened.st_ino == current.st_ino {
                held = fd
            } else {
                close(fd)
            }
        }
        guard held >= 0 else { return try body() }
        defer {
            // Whoever comes next finds the entry and never needs this file again.
            unlink(path)
            flock(held, LOCK_UN)
            close(held)
        }
        return try body()
    }

    /// Writes `bytes` to every tier: a temporary file first, renamed into place when complete.
    @discardableResult
    public func store(_ bytes: [UInt8], key: CacheKey, extension ext: String) throws -> CacheFile {
        let relative = key.path(extension: ext)
        for tier in tiers {
            let directory = "\(tier.root)/\(fingerprint)/\(key.directory)"
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw CacheError("cannot create \(directory): \(error.localizedDescription)")
            }
            let temporary = "\(tier.root)/tmp/\(getpid())-\(UUID().uuidString)"
            try Self.write(bytes, to: temporary)
            guard rename(temporary, "\(tier.root)/\(fingerprint)/\(relative)") == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                throw CacheError("cannot move a cache file into place: \(reason)")
            }
        }
        return CacheFile(tier: tiers[0].kind, relativePath: relative)
    }

    private static func write(_ bytes: [UInt8], to path: String) throws {
        // Readable by nginx's workers; writable by imgforge only.
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CacheError("cannot create \(path): \(String(cString: strerror(errno)))") }
        var offset = 0
        let written: Bool = bytes.withUnsafeBytes { buffer in
            while offset < buffer.count {
                let count = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        close(fd)
        guard written else {
            unlink(path)
            throw CacheError("cannot write a cache file: \(String(cString: strerror(errno)))")
        }
    }

    /// Creates the tier's folders, points `current` at this fingerprint, and removes
    /// temporary files that a crashed process left behind.
    private static func prepare(_ tier: CacheTier, fingerprint: String) throws {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: tier.root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            try checkOwned(tier.root)
            try manager.createDirectory(atPath: "\(tier.root)/\(fingerprint)", withIntermediateDirectories: true)
            try manager.createDirectory(atPath: "\(tier.root)/tmp", withIntermediateDirectories: true)
            try checkOwned("\(tier.root)/tmp")
        } catch let error as CacheError {
            throw error
        } catch {
            throw CacheError("cannot create the cache in \(tier.root): \(error.localizedDescription)")
        }
        let current = "\(tier.root)/current"
        if (try? manager.destinationOfSymbolicLink(atPath: current)) != fingerprint {
            let link = "\(tier.root)/current.\(getpid())"
            unlink(link)
            guard symlink(fingerprint, link) == 0, rename(link, current) == 0 else {
                throw CacheError("cannot point \(current) at \(fingerprint): \(String(cString: strerror(errno)))")
            }
        }
        removeAbandonedTemporaryFiles(in: "\(tier.root)/tmp")
    }

    /// The cache's own directories must be real directories of this user that nobody else can
    /// write: in a shared place such as /dev/shm, another user could otherwise have made them
    /// first and then swap what nginx serves, or point `tmp` at files to be deleted.
    private static func checkOwned(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw CacheError("cannot inspect \(path): \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw CacheError("\(path) is not a directory (a link is refused)") }
        guard info.st_uid == geteuid() else {
            throw CacheError("\(path) belongs to user \(info.st_uid), not to imgforge's user \(geteuid()): refused")
        }
        guard info.st_mode & 0o022 == 0 else {
            throw CacheError("\(path) is writable by other users (mode \(String(info.st_mode & 0o777, radix: 8))): refused")
        }
    }

    /// Temporary files of processes that no longer run (or older than an hour, for other hosts).
    private static func removeAbandonedTemporaryFiles(in directory: String) {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory) else { return }
        let hourAgo = Date().addingTimeInterval(-3600)
        for name in names {
            let path = "\(directory)/\(name)"
            let pid = pid_t(name.prefix { $0 != "-" }) ?? 0
            let alive = pid > 0 && pid != getpid() && (kill(pid, 0) == 0 || errno == EPERM)
            let modified = (try? manager.attributesOfItem(atPath: path))?[.modificationDate] as? Date ?? .distantPast
            if !alive || modified < hourAgo { unlink(path) }
        }
    }
}

public struct CacheError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
