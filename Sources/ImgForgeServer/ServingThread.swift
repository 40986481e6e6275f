import Foundation
import Synchronization

/// A thread of the supervisor that serves one socket of its own (`/status`, `/metrics`) until
/// stopped. `serve` loops while `isStopped` is false, waiting at most a fraction of a second
/// at a time for a connection, so that `stop` returns promptly.
final class ServingThread: Sendable {
    private let stopped = Atomic(false)
    private let finished = DispatchSemaphore(value: 0)

    var isStopped: Bool { stopped.load(ordering: .relaxed) }

    func start(name: String, serve: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            serve()
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Returns once `serve` has returned.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        finished.wait()
    }
}
