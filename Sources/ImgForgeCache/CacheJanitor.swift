import Foundation

/// Prunes the cache at start, then every `interval` seconds, and sooner whenever what was
/// stored since the last pass (`written`, summed over every process writing this cache) puts a
/// tier over its capacity. Runs on its own thread.
public final class CacheJanitor: Sendable {
    private let cache: DiskCache
    private let interval: Double
    private let written: @Sendable () -> DiskCache.Written
    private let report: @Sendable (DiskCache.PruneReport) -> Void
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    /// How often the stored amounts are compared with the capacity.
    static let checkInterval = 1.0

    public init(cache: DiskCache, interval: Double, written: @escaping @Sendable () -> DiskCache.Written,
                report: @escaping @Sendable (DiskCache.PruneReport) -> Void) {
        self.cache = cache
        self.interval = interval
        self.written = written
        self.report = report
    }

    public func start() {
        let thread = Thread { [self] in
            var last = cache.prune()
            report(last)
            var writtenAtLast = written()
            var nextRound = Date().addingTimeInterval(interval)
            while wake.wait(timeout: .now() + Self.checkInterval) == .timedOut {
                let now = written()
                guard Date() >= nextRound || cache.isOverCapacity(after: last, added: now - writtenAtLast) else { continue }
                last = cache.prune()
                report(last)
                writtenAtLast = now
                nextRound = Date().addingTimeInterval(interval)
            }
            finished.signal()
        }
        thread.name = "cache-janitor"
        thread.start()
    }

    /// Returns once the current pass, if any, is done.
    public func stop() {
        wake.signal()
        finished.wait()
    }
}
