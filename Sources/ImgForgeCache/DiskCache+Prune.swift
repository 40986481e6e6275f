import Foundation

extension DiskCache {
    /// What one pruning pass did.
    public struct PruneReport: Sendable, CustomStringConvertible {
        public var kept = 0
        public var removed = 0
        public var keptBytes = 0
        /// Directories of earlier settings removed whole.
        public var staleSettings = 0
        /// Temporary files that crashed writers left.
        public var abandonedTemporaryFiles = 0
        /// What each tier holds after the pass, in the order of `tiers`.
        public var usage: [Written] = []

        public var description: String {
            "kept \(kept) entries (\(keptBytes) bytes), removed \(removed), removed \(staleSettings) directories of earlier settings "
                + "and \(abandonedTemporaryFiles) abandoned temporary files"
        }
    }

    /// Keeps each tier within its capacity, least recently used entries going first, and
    /// removes what earlier settings left. Safe while nginx serves and other processes write.
    @discardableResult
    public func prune() -> PruneReport {
        var report = PruneReport()
        for tier in tiers {
            report.staleSettings += removeStaleSettings(tier)
            report.abandonedTemporaryFiles += Self.removeAbandonedTemporaryFiles(in: "\(tier.root)/tmp")
            // Unsigned names nest one directory per URI segment: those an earlier pass left empty go.
            Self.removeEmptyDirectories(below: "\(tier.root)/\(fingerprint)/u")
            // The fingerprint's directory itself: `current` links to it.
            var entries = Self.entries(in: "\(tier.root)/\(fingerprint)/")
            // Most recently used first: access time where the filesystem keeps it, else modification.
            entries.sort { $0.used > $1.used }
            var count = 0
            var bytes = 0
            for entry in entries {
                let fits: Bool = switch tier.capacity {
                case nil: true
                case .entries(let limit): count < limit
                case .bytes(let limit): bytes + entry.size <= limit
                }
                if fits {
                    count += 1
                    bytes += entry.size
                } else {
                    unlink(entry.path)
                    report.removed += 1
                }
            }
            report.kept += count
            report.keptBytes += bytes
            report.usage.append(Written(entries: count, bytes: bytes))
        }
        return report
    }

    /// Whether some tier is over its capacity once `added` more was stored after the pass that
    /// gave `report`: time to prune again without waiting for the next round.
    public func isOverCapacity(after report: PruneReport, added: Written) -> Bool {
        zip(tiers, report.usage).contains { tier, usage in
            switch tier.capacity {
            case nil: false
            case .entries(let limit): usage.entries + added.entries > limit
            case .bytes(let limit): usage.bytes + added.bytes > limit
            }
        }
    }

    /// How long a directory of other settings must have been left alone before it is removed:
    /// another live process (a rolling upgrade, a second pool) may still be writing it.
    static let staleAfter: TimeInterval = 3600

    /// Removes directories of other settings that nobody uses: never this process's own, never
    /// the one `current` names (nginx serves it), never one written to within `staleAfter`.
    private func removeStaleSettings(_ tier: CacheTier) -> Int {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: tier.root) else { return 0 }
        let served = try? manager.destinationOfSymbolicLink(atPath: "\(tier.root)/current")
        let cutoff = Date().addingTimeInterval(-Self.staleAfter)
        var removed = 0
        for name in names where name != fingerprint && name != served && name != "tmp" && !name.hasPrefix("current") {
            let path = "\(tier.root)/\(name)"
            // Only fingerprint directories: hex names made by imgforge, not followed through links.
            var info = stat()
            guard name.count == fingerprint.count, name.allSatisfy(\.isHexDigit),
                  lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR,
                  Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec)) < cutoff
            else { continue }
            if (try? manager.removeItem(atPath: path)) != nil { removed += 1 }
        }
        return removed
    }

    /// How long an empty directory is left alone: a writer may have just made it for a file.
    static let emptyDirectoryGrace: TimeInterval = 60

    /// Removes the empty directories below `path` (not `path` itself), deepest first, without
    /// following links; true when `path` holds nothing afterwards.
    @discardableResult
    static func removeEmptyDirectories(below path: String) -> Bool {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return false }
        let cutoff = Date().addingTimeInterval(-emptyDirectoryGrace).timeIntervalSince1970
        var left = names.count
        for name in names {
            let child = "\(path)/\(name)"
            var info = stat()
            guard lstat(child, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { continue }
            if removeEmptyDirectories(below: child), Double(info.st_mtim.tv_sec) < cutoff, rmdir(child) == 0 { left -= 1 }
        }
        return left == 0
    }

    private struct Entry {
        var path: String
        var size: Int
        var used: Double
    }

    private static func entries(in root: String) -> [Entry] {
        var result: [Entry] = []
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return result }
        while let relative = enumerator.nextObject() as? String {
            if relative.hasSuffix(".lock") { continue }
            let path = root + relative
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            let accessed = Double(info.st_atim.tv_sec) + Double(info.st_atim.tv_nsec) / 1e9
            let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
            result.append(Entry(path: path, size: Int(info.st_size), used: max(accessed, modified)))
        }
        return result
    }
}
