import Foundation
import Synchronization

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
    /// Whether a disk tier's file is flushed to the device before it is renamed into place.
    public let durable: Bool
    let writtenSoFar = Mutex(Written())

    /// What this process has stored since it started, in each tier.
    public struct Written: Sendable, Equatable {
        public var entries = 0
        public var bytes = 0

        public init(entries: Int = 0, bytes: Int = 0) {
            self.entries = entries
            self.bytes = bytes
        }

        public static func + (left: Written, right: Written) -> Written {
            Written(entries: left.entries + right.entries, bytes: left.bytes + right.bytes)
        }

        public static func - (left: Written, right: Written) -> Written {
            Written(entries: left.entries - right.entries, bytes: left.bytes - right.bytes)
        }
    }

    /// Readable by nginx's workers through the group (the group of the cache root, which a
    /// set-group-ID root hands down); nothing for other users.
    static let fileMode: mode_t = 0o640
    static let directoryMode: mode_t = 0o750
    /// How old a temporary file must be before it counts as abandoned: one in use lives at most
    /// a request's timeout, and another host or container sharing the cache may own it.
    static let temporaryGrace: TimeInterval = 3600

    /// `serving`: this process serves from the cache, so `current` is pointed at its fingerprint;
    /// without it (`imgforge cache prune`) nothing is created, moved or cleaned up.
    /// `durable`: fsync each disk file before it is renamed into place, so that after a power cut
    /// nginx never serves an empty or partial file under a complete name.
    public init(tiers: [CacheTier], fingerprint: String, extensions: [String], serving: Bool = true, durable: Bool = true) throws {
        precondition(!tiers.isEmpty)
        self.tiers = tiers
        self.fingerprint = fingerprint
        self.extensions = extensions
        self.durable = durable
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

    /// What this process has stored since it started (each tier received all of it).
    public var written: Written { writtenSoFar.withLock { $0 } }

    /// A directory of the cache (its parent exists); true when it exists now.
    static func makeDirectory(_ path: String) -> Bool {
        mkdir(path, directoryMode) == 0 || errno == EEXIST
    }

    /// Creates the tier's folders, points `current` at this fingerprint, and removes
    /// temporary files that a crashed process left behind.
    private static func prepare(_ tier: CacheTier, fingerprint: String) throws {
        let manager = FileManager.default
        do {
            // mkdir, not a chmod afterwards: a set-group-ID bit inherited from the parent (which hands
            // nginx's group down to every entry) stays.
            try manager.createDirectory(atPath: (tier.root as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard makeDirectory(tier.root) else { throw CacheError("cannot create \(tier.root): \(String(cString: strerror(errno)))") }
            try checkOwned(tier.root)
            for directory in ["\(tier.root)/\(fingerprint)", "\(tier.root)/tmp"] where !makeDirectory(directory) {
                throw CacheError("cannot create \(directory): \(String(cString: strerror(errno)))")
            }
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
        let locks = open("\(tier.root)/\(lockFileName)", O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, fileMode)
        guard locks >= 0 else { throw CacheError("cannot create \(tier.root)/\(lockFileName): \(String(cString: strerror(errno)))") }
        close(locks)
    }

    /// Where this process's id means something: its host and pid namespace (a container has its
    /// own), as a short tag that starts each temporary file's name, followed by the writer's pid.
    static let writerSpace: String = {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let namespace = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")) ?? ""
        let hostBytes = host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(stableHash(hostBytes + [0] + Array(namespace.utf8)), radix: 16)
    }()

    /// FNV-1a: the same in every process (Swift's own hashing is seeded per process); a name, not a secret.
    static func stableHash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    /// Temporary files a crashed writer left: at once when the writer was a process of this
    /// host and namespace that no longer runs; otherwise (another host or container sharing the
    /// cache may be writing it) only once older than `temporaryGrace`.
    @discardableResult
    static func removeAbandonedTemporaryFiles(in directory: String) -> Int {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory) else { return 0 }
        let cutoff = Date().addingTimeInterval(-temporaryGrace).timeIntervalSince1970
        var removed = 0
        for name in names {
            var info = stat()
            let path = "\(directory)/\(name)"
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            let parts = name.split(separator: "-", maxSplits: 2)
            let pid = parts.count == 3 && parts[0] == writerSpace ? pid_t(parts[1]) ?? 0 : 0
            let deadHere = pid > 0 && pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH
            guard deadHere || Double(info.st_mtim.tv_sec) < cutoff else { continue }
            if unlink(path) == 0 { removed += 1 }
        }
        return removed
    }

    /// The cache's own directories must be real directories of this user that nobody else can
    /// write: in a shared place such as /dev/shm, another user could otherwise have made them
    /// first and then swap what nginx serves, or point `tmp` at files to be deleted.
    /// What preparing `tier` at start would fail on, found without creating or changing
    /// anything (`imgforge check`): a root that is not this user's own directory, or a place
    /// where it cannot be created.
    public static func checkPreparable(_ tier: CacheTier) throws {
        var info = stat()
        if lstat(tier.root, &info) == 0 {
            try checkOwned(tier.root)
            guard access(tier.root, W_OK | X_OK) == 0 else { throw CacheError("\(tier.root) is not writable: \(String(cString: strerror(errno)))") }
            return
        }
        var ancestor = (tier.root as NSString).deletingLastPathComponent
        while lstat(ancestor, &info) != 0 && ancestor != "/" { ancestor = (ancestor as NSString).deletingLastPathComponent }
        guard access(ancestor, W_OK | X_OK) == 0 else {
            throw CacheError("cannot create \(tier.root): \(ancestor) is not writable by this user")
        }
    }

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
}

public struct CacheError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
