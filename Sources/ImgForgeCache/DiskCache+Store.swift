import Foundation

/// A result written to the cache's temporary files but not yet in place, so nginx cannot find it:
/// the answer can go out first, and the flush to the device, which waits on the disk, follow it
/// (`DiskCache.commit`). Each one must be committed or discarded: it holds open files.
public struct PendingEntry: Sendable {
    /// Where the entry will be, in the first tier (the one nginx tries first).
    public let file: CacheFile
    /// The last modification (whole seconds since 1970) and the size of that file: what nginx's
    /// `ETag` and `Last-Modified` for it are made of.
    public let modified: Int
    public let size: Int
    let key: CacheKey
    let temporaries: [Temporary]

    struct Temporary: Sendable {
        let descriptor: Int32
        let path: String
        /// The tier's directory for this process's fingerprint.
        let base: String
        let flush: Bool
    }
}

extension DiskCache {
    /// Writes `bytes` to every tier: a temporary file first, renamed into place when complete.
    @discardableResult
    public func store(_ bytes: [UInt8], key: CacheKey, extension ext: String) throws -> CacheFile {
        let entry = try prepare(bytes, key: key, extension: ext)
        try commit(entry)
        return entry.file
    }

    /// Writes `bytes` to a temporary file in every tier, flushed to nothing yet and seen by no one.
    public func prepare(_ bytes: [UInt8], key: CacheKey, extension ext: String) throws -> PendingEntry {
        var temporaries: [PendingEntry.Temporary] = []
        do {
            for tier in tiers {
                let path = "\(tier.root)/tmp/\(Self.writerSpace)-\(getpid())-\(UUID().uuidString)"
                let descriptor = try Self.write(bytes, to: path)
                // RAM holds nothing across a power cut: only the disk tier is flushed.
                temporaries.append(.init(descriptor: descriptor, path: path, base: "\(tier.root)/\(fingerprint)",
                                         flush: durable && tier.kind == .disk))
            }
        } catch {
            discard(temporaries)
            throw error
        }
        var info = stat()
        fstat(temporaries[0].descriptor, &info)
        return PendingEntry(file: CacheFile(tier: tiers[0].kind, relativePath: key.path(extension: ext)),
                            modified: Int(info.st_mtim.tv_sec), size: bytes.count, key: key, temporaries: temporaries)
    }

    /// Puts a prepared entry in place in every tier (flushed first, when `durable`), where nginx finds it.
    /// On failure nothing of it is left in `tmp/`.
    public func commit(_ entry: PendingEntry) throws {
        do {
            try moveIntoPlace(entry)
        } catch {
            discard(entry.temporaries)
            throw error
        }
        for temporary in entry.temporaries { close(temporary.descriptor) }
        writtenSoFar.withLock {
            $0.entries += 1
            $0.bytes += entry.size
        }
    }

    /// Flushes (when asked) and renames each tier's temporary file into place.
    private func moveIntoPlace(_ entry: PendingEntry) throws {
        for temporary in entry.temporaries {
            guard !temporary.flush || fsync(temporary.descriptor) == 0 else {
                throw CacheError("cannot write a cache file: \(String(cString: strerror(errno)))")
            }
            let destination = "\(temporary.base)/\(entry.file.relativePath)"
            // The directories nearly always exist: they are made only when the rename finds one missing (a new
            // unsigned option segment, say), and once more if the janitor removes one, empty, meanwhile.
            var moved = rename(temporary.path, destination) == 0
            for _ in 0..<2 where !moved && errno == ENOENT {
                guard Self.makeDirectories(entry.key.directory, in: temporary.base) else {
                    throw CacheError("cannot create \(temporary.base)/\(entry.key.directory): \(String(cString: strerror(errno)))")
                }
                moved = rename(temporary.path, destination) == 0
            }
            guard moved else { throw CacheError("cannot move a cache file into place: \(String(cString: strerror(errno)))") }
        }
    }

    /// Drops a prepared entry that is not to be committed.
    public func discard(_ entry: PendingEntry) {
        discard(entry.temporaries)
    }

    /// Closes the temporary files and removes those still in `tmp/` (a renamed one is not there any more).
    private func discard(_ temporaries: [PendingEntry.Temporary]) {
        for temporary in temporaries {
            close(temporary.descriptor)
            unlink(temporary.path)
        }
    }

    /// `base` (made again if the janitor or an operator removed it) and `relative` below it.
    static func makeDirectories(_ relative: String, in base: String) -> Bool {
        var path = base
        guard makeDirectory(path) else { return false }
        for component in relative.split(separator: "/") {
            path += "/\(component)"
            guard makeDirectory(path) else { return false }
        }
        return true
    }

    /// A new file at `path` holding `bytes`, left open for the flush.
    private static func write(_ bytes: [UInt8], to path: String) throws -> Int32 {
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, fileMode)
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
        guard written else {
            let reason = String(cString: strerror(errno))
            close(fd)
            unlink(path)
            throw CacheError("cannot write a cache file: \(reason)")
        }
        return fd
    }
}
