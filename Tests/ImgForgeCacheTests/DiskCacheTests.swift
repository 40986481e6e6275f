import Foundation
@testable import ImgForgeCache
import Testing

struct DiskCacheTests {
    private let signature = "oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH8"

    private func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("imgforge-cache-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func cache(_ root: String, fingerprint: String = "aaaaaaaaaaaa", capacity: CacheCapacity? = nil) throws -> DiskCache {
        try DiskCache(tiers: [CacheTier(kind: .disk, root: root, capacity: capacity)], fingerprint: fingerprint, extensions: ["jpg", "png"])
    }

    @Test func keysAreSafeFileNames() {
        #expect(CacheKey(signature: signature, variant: "")?.path(extension: "jpg") == "oK/\(signature).jpg")
        #expect(CacheKey(signature: signature, variant: "a")?.path(extension: "avif") == "oK/\(signature).a.avif")
        #expect(CacheKey(signature: "short", variant: "") == nil, "too short to be unique")
        #expect(CacheKey(signature: "../../../../etc/passwd/xxxxxxxxxxxx", variant: "") == nil)
        #expect(CacheKey(signature: signature, variant: "x") == nil)
    }

    @Test func storeThenLookUp() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = try cache(root)
        let key = try #require(CacheKey(signature: signature, variant: ""))
        #expect(cache.lookup(key) == nil)
        let file = try cache.store([1, 2, 3], key: key, extension: "png")
        #expect(file.internalURI == "/_imgforge_cache/disk/oK/\(signature).png")
        #expect(cache.lookup(key) == file)
        #expect(FileManager.default.contents(atPath: "\(root)/current/oK/\(signature).png") == Data([1, 2, 3]))
        let attributes = try FileManager.default.attributesOfItem(atPath: "\(root)/current/oK/\(signature).png")
        #expect((attributes[.posixPermissions] as? Int) == 0o640, "readable by nginx's group, writable by imgforge only")
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(root)/tmp").isEmpty)
    }

    @Test func unsignedNamesNestDirectoriesThatPruningRemovesOnceEmpty() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = try cache(root, capacity: .entries(1))
        let old = try #require(CacheKey(unsignedRequestURI: "/unsafe/w:10/plain/local:///a/b.jpg", variant: ""))
        let new = try #require(CacheKey(unsignedRequestURI: "/unsafe/w:20/plain/local:///c.jpg", variant: ""))
        let file = try cache.store([1], key: old, extension: "jpg")
        #expect(file.internalURI == "/_imgforge_cache/disk/u/w:10/plain/local:/~~/a/b.jpg~.jpg")
        #expect(cache.lookup(old) == file)
        var longAgo = [timeval(tv_sec: time(nil) - 7200, tv_usec: 0), timeval(tv_sec: time(nil) - 7200, tv_usec: 0)]
        #expect(utimes("\(root)/current/u/w:10/plain/local:/~~/a/b.jpg~.jpg", &longAgo) == 0)
        try cache.store([2], key: new, extension: "jpg")
        let report = cache.prune()
        #expect(report.removed == 1 && report.kept == 1, "\(report)")
        #expect(cache.lookup(old) == nil && cache.lookup(new) != nil)
        // The directories the pass emptied go at a later one.
        for directory in ["u/w:10/plain/local:/~~/a", "u/w:10/plain/local:/~~", "u/w:10/plain/local:", "u/w:10/plain", "u/w:10"] {
            #expect(utimes("\(root)/current/\(directory)", &longAgo) == 0)
        }
        cache.prune()
        #expect(!FileManager.default.fileExists(atPath: "\(root)/current/u/w:10"), "the emptied directories went after the file")
        #expect(FileManager.default.fileExists(atPath: "\(root)/current/u"))
        #expect(FileManager.default.fileExists(atPath: "\(root)/current/u/w:20/plain/local:/~~/c.jpg~.jpg"))
        // Emptied a moment ago: a writer may be about to use it, so it stays until the next pass.
        try FileManager.default.createDirectory(atPath: "\(root)/current/u/w:30/plain", withIntermediateDirectories: true)
        cache.prune()
        #expect(FileManager.default.fileExists(atPath: "\(root)/current/u/w:30/plain"))
        // A URI whose directories went is stored again.
        try cache.store([3], key: old, extension: "jpg")
        #expect(cache.lookup(old) != nil)
    }

    @Test func newSettingsSwitchTheCurrentDirectoryAndPruneRemovesTheOld() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let key = try #require(CacheKey(signature: signature, variant: ""))
        try cache(root, fingerprint: "aaaaaaaaaaaa").store([1], key: key, extension: "jpg")
        let changed = try cache(root, fingerprint: "bbbbbbbbbbbb")
        #expect(changed.lookup(key) == nil, "entries of other settings are never found")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "\(root)/current") == "bbbbbbbbbbbb")
        #expect(changed.prune().staleSettings == 0, "written a moment ago: a live process may still use it")
        // Left alone for two hours: nobody uses it any more.
        var twoHoursAgo = [timeval(tv_sec: time(nil) - 7200, tv_usec: 0), timeval(tv_sec: time(nil) - 7200, tv_usec: 0)]
        #expect(utimes("\(root)/aaaaaaaaaaaa", &twoHoursAgo) == 0)
        #expect(changed.prune().staleSettings == 1)
        #expect(!FileManager.default.fileExists(atPath: "\(root)/aaaaaaaaaaaa"))
    }

    /// Two processes with different settings on one cache (a rolling upgrade, a prune run with another
    /// environment): neither deletes what the other serves, and the one nginx no longer serves answers uncached.
    @Test func processesWithOtherSettingsNeverDeleteWhatIsServed() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let key = try #require(CacheKey(signature: signature, variant: ""))
        let older = try cache(root, fingerprint: "aaaaaaaaaaaa")
        try older.store([1], key: key, extension: "jpg")
        #expect(older.isServed)
        let newer = try cache(root, fingerprint: "bbbbbbbbbbbb")
        #expect(!older.isServed && newer.isServed, "nginx follows the newer settings; the older process must not hand it files")
        var longAgo = [timeval(tv_sec: time(nil) - 7200, tv_usec: 0), timeval(tv_sec: time(nil) - 7200, tv_usec: 0)]
        #expect(utimes("\(root)/bbbbbbbbbbbb", &longAgo) == 0)
        #expect(older.prune().staleSettings == 0, "the directory current names is never removed, however old")
        #expect(FileManager.default.fileExists(atPath: "\(root)/bbbbbbbbbbbb"))
        // The older one still stores (its own directory), and nothing fails.
        try older.store([2], key: key, extension: "png")

        // A prune run (not serving) moves nothing.
        let prune = try DiskCache(tiers: [CacheTier(kind: .disk, root: root, capacity: nil)], fingerprint: "cccccccccccc",
                                  extensions: ["jpg"], serving: false)
        prune.prune()
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "\(root)/current") == "bbbbbbbbbbbb")
        #expect(!FileManager.default.fileExists(atPath: "\(root)/cccccccccccc"))
        #expect(FileManager.default.fileExists(atPath: "\(root)/aaaaaaaaaaaa/oK/\(signature).jpg"))
    }

    /// The directory current names removed by hand: the next store makes it again instead of failing.
    @Test func aRemovedCacheDirectoryIsMadeAgain() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let key = try #require(CacheKey(signature: signature, variant: ""))
        let cache = try cache(root)
        try FileManager.default.removeItem(atPath: "\(root)/aaaaaaaaaaaa")
        let stored = try cache.withLock(key, timeout: 1) { try cache.store([7], key: key, extension: "jpg") }
        #expect(cache.lookup(key) == stored)
    }

    /// The audit's M6: a root (or tmp/) made by another user, writable by others, or a link is refused.
    @Test func aRootAnotherUserControlsIsRefused() throws {
        let writable = try scratch()
        defer { try? FileManager.default.removeItem(atPath: writable) }
        chmod(writable, 0o777)
        #expect(throws: CacheError.self) { try cache(writable) }

        let linked = try scratch()
        defer { try? FileManager.default.removeItem(atPath: linked) }
        try FileManager.default.createSymbolicLink(atPath: "\(linked)/tmp", withDestinationPath: "/tmp")
        #expect(throws: CacheError.self) { try cache(linked) }

        if geteuid() == 0 {
            let foreign = try scratch()
            defer { try? FileManager.default.removeItem(atPath: foreign) }
            chown(foreign, 65534, 65534)
            let error = try #require(throws: CacheError.self) { try cache(foreign) }
            #expect(error.description.contains("belongs to user 65534"))
        }
        let own = try scratch()
        defer { try? FileManager.default.removeItem(atPath: own) }
        _ = try cache(own)
    }

    @Test func abandonedTemporaryFilesAreRemovedAtStart() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: "\(root)/tmp", withIntermediateDirectories: true)
        let here = DiskCache.writerSpace
        // A process id that does not exist stands for a crashed writer; pid 1 for a live one.
        let names = ["\(here)-999999999-dead", "\(here)-1-alive", "0123abcd-999999999-elsewhere", "0123abcd-999999999-old"]
        for name in names { _ = FileManager.default.createFile(atPath: "\(root)/tmp/\(name)", contents: Data([0xFF, 0xD8])) }
        // A file of another host or container is left alone until it is older than the grace period.
        let old = Date().addingTimeInterval(-DiskCache.temporaryGrace - 60)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: "\(root)/tmp/0123abcd-999999999-old")
        _ = try cache(root)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: "\(root)/tmp"))
        #expect(left == ["\(here)-1-alive", "0123abcd-999999999-elsewhere"], "\(left)")
    }

    @Test func entriesAreForNginxsGroupOnly() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = try cache(root)
        let key = try #require(CacheKey(signature: signature, variant: ""))
        try cache.store([1, 2, 3], key: key, extension: "png")
        func mode(_ path: String) throws -> Int? { try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int }
        #expect(try mode("\(root)/current/oK/\(signature).png") == 0o640)
        #expect(try mode("\(root)/current/oK") == 0o750)
        #expect(try mode("\(root)/aaaaaaaaaaaa") == 0o750)
        #expect(cache.written == DiskCache.Written(entries: 1, bytes: 3))
    }

    @Test func pruneByEntriesAndBytesKeepsTheMostRecent() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let byCount = try cache(root, capacity: .entries(2))
        var keys: [CacheKey] = []
        for index in 0..<4 {
            let key = try #require(CacheKey(signature: String(repeating: "\(index)", count: 22), variant: ""))
            try byCount.store([UInt8](repeating: 1, count: 100), key: key, extension: "jpg")
            // Make the use times distinct and ordered.
            let path = "\(root)/current/\(key.path(extension: "jpg"))"
            let when = Date().addingTimeInterval(Double(index - 10))
            try FileManager.default.setAttributes([.modificationDate: when], ofItemAtPath: path)
            var times = [timespec(tv_sec: Int(when.timeIntervalSince1970), tv_nsec: 0), timespec(tv_sec: Int(when.timeIntervalSince1970), tv_nsec: 0)]
            utimensat(AT_FDCWD, path, &times, 0)
            keys.append(key)
        }
        let report = byCount.prune()
        #expect(report.kept == 2 && report.removed == 2)
        #expect(byCount.lookup(keys[0]) == nil && byCount.lookup(keys[1]) == nil)
        #expect(byCount.lookup(keys[2]) != nil && byCount.lookup(keys[3]) != nil)
        let bySize = try cache(root, capacity: .bytes(150))
        #expect(bySize.prune().kept == 1)
        #expect(bySize.lookup(keys[3]) != nil)
    }

    @Test func theLockIsSharedBetweenThreads() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = try cache(root)
        let key = try #require(CacheKey(signature: signature, variant: ""))
        let inside = Counter()
        let group = DispatchGroup()
        for _ in 0..<8 {
            group.enter()
            Thread {
                for _ in 0..<25 {
                    cache.withLock(key, timeout: 10) {
                        inside.enter()
                        usleep(2_000)
                        inside.leave()
                    }
                }
                group.leave()
            }.start()
        }
        group.wait()
        #expect(inside.maximum == 1, "one holder at a time")
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(root)/current/").isEmpty, "no file per key")
    }

    @Test func otherKeysAreNotHeldUp() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = try cache(root)
        let first = try #require(CacheKey(signature: signature, variant: ""))
        let second = try #require(CacheKey(unsignedRequestURI: "/unsafe/w:10/x", variant: ""))
        let started = Date()
        let waited = cache.withLock(first, timeout: 5) {
            // The same key from another thread waits its whole timeout; another key goes straight in.
            let same = Thread.detachedResult { cache.withLock(first, timeout: 0.3) { Date().timeIntervalSince(started) } }
            let other = Thread.detachedResult { cache.withLock(second, timeout: 5) { Date().timeIntervalSince(started) } }
            return (same(), other())
        }
        #expect(waited.0 >= 0.3 && waited.1 < 0.25, "same key after \(waited.0) s, another key after \(waited.1) s")
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private(set) var maximum = 0

    func enter() { lock.withLock { current += 1; maximum = max(maximum, current) } }
    func leave() { lock.withLock { current -= 1 } }
}

extension Thread {
    /// Runs `work` on a new thread; the function returned waits for its result.
    static func detachedResult<T: Sendable>(_ work: @escaping @Sendable () -> T) -> () -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        Thread {
            box.value = work()
            done.signal()
        }.start()
        return {
            done.wait()
            return box.value!
        }
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
