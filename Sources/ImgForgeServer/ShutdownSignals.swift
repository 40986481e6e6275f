import Foundation

/// Takes SIGTERM, SIGINT, SIGHUP, SIGUSR2 and SIGCHLD away from default actions and from libfcgi's
/// flag-only handlers: they are blocked in every thread and received with `sigtimedwait`.
/// SIGUSR1 is blocked too, because libfcgi would otherwise treat it as a stop request.
enum ShutdownSignals {
    static let handled: [Int32] = [SIGTERM, SIGINT, SIGHUP, SIGCHLD, retire]

    /// What the supervisor sends a worker it replaces: finish what you hold, accept nothing more.
    /// (SIGTERM means the pool stops: drain the socket's backlog too, nobody else will.)
    static let retire = SIGUSR2

    /// Call before any thread starts, so every thread inherits the mask.
    static func block() {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in handled + [SIGUSR1] { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        // A client that went away must not kill the process.
        signal(SIGPIPE, SIG_IGN)
    }

    /// Waits up to `timeout` seconds for one of the handled signals; nil when none came.
    static func wait(timeout: Double) -> Int32? {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in handled { sigaddset(&set, signal) }
        var time = timespec(tv_sec: Int(timeout), tv_nsec: Int((timeout - timeout.rounded(.down)) * 1e9))
        let received = sigtimedwait(&set, nil, &time)
        return received > 0 ? received : nil
    }

    /// A child process starts with nothing blocked and default actions, as exec expects.
    static func unblockAll() {
        var set = sigset_t()
        sigemptyset(&set)
        pthread_sigmask(SIG_SETMASK, &set, nil)
    }
}
