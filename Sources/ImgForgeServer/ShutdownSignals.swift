import Foundation

/// Takes SIGTERM, SIGINT and SIGHUP away from libfcgi's flag-only handlers:
/// they are blocked in every thread and received by one waiting thread.
enum ShutdownSignals {
    static let stopping: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    /// Call before any thread starts, so every thread inherits the mask.
    static func block() {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in stopping + [SIGUSR1] { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        // A client that went away must not kill the process.
        signal(SIGPIPE, SIG_IGN)
    }

    /// Blocks the calling thread until a stop signal arrives; returns it.
    static func wait() -> Int32 {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in stopping { sigaddset(&set, signal) }
        var received: Int32 = 0
        while sigwait(&set, &received) != 0 {}
        return received
    }
}
