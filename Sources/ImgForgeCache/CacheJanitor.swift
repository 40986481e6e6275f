import Foundation

/// Prunes the cache at start and then every `interval` seconds, on its own thread.
public final class CacheJanitor: Sendable {
    private let cache: DiskCache
    private let interval: Double
    private let report: @Sendable (DiskCache.PruneReport) -> Void
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    public init(cache: DiskCache, interval: Double, report: @escaping @Sendable (DiskCache.PruneReport) -> Void) {
        self.cache = cache
        self.interval = interval
        self.report = report
    }

    public func start() {
        let thread = Thread { [self] in
            repeat {
                report(cache.prune())
            } while wake.wait(timeout: .now() + interval) == .timedOut
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
