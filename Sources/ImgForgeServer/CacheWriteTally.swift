import ImgForgeCache
import Synchronization

/// What the whole pool has stored in the cache since the supervisor started, from what each
/// worker's threads report in the scoreboard: the cache janitor prunes early when it puts a tier
/// over capacity. A worker's count starts again at zero when it is replaced.
final class CacheWriteTally: Sendable {
    private let scoreboard: Scoreboard
    private let threadsPerWorker: Int
    private let state: Mutex<(total: DiskCache.Written, seen: [DiskCache.Written])>

    init(scoreboard: Scoreboard, workers: Int, threadsPerWorker: Int) {
        self.scoreboard = scoreboard
        self.threadsPerWorker = threadsPerWorker
        state = Mutex((DiskCache.Written(), Array(repeating: DiskCache.Written(), count: workers)))
    }

    func total() -> DiskCache.Written {
        state.withLock { state in
            for worker in state.seen.indices {
                // Every thread of a worker reports the same growing count; the largest is the latest.
                let slots = (worker * threadsPerWorker)..<((worker + 1) * threadsPerWorker)
                let now = slots.map(scoreboard.written).max { $0.bytes < $1.bytes } ?? DiskCache.Written()
                let before = state.seen[worker]
                // Smaller than before: a new process, which counted from zero.
                let restarted = now.bytes < before.bytes || now.entries < before.entries
                state.total = state.total + (restarted ? now : now - before)
                state.seen[worker] = now
            }
            return state.total
        }
    }
}
