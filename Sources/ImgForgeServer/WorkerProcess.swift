import ImgForgeCore
import Foundation

/// One worker process as the supervisor sees it.
struct WorkerProcess {
    let index: Int
    let pid: pid_t
    let started: UInt64

    /// Starts `executable worker <index>` with the listening socket on fd 0, the scoreboard on
    /// fd 3 and the metrics board on fd 4; the worker reads the same environment the supervisor
    /// was started with.
    static func spawn(index: Int, executable: String, listening: Int32, scoreboard: Int32, metrics: Int32) throws -> WorkerProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, listening, ListeningSocket.workerDescriptor)
        posix_spawn_file_actions_adddup2(&actions, scoreboard, Scoreboard.workerDescriptor)
        posix_spawn_file_actions_adddup2(&actions, metrics, MetricsBoard.workerDescriptor)
        // `ps` shows one clear line per process: "imgforge worker 2".
        let words: [String] = ["imgforge", "worker", String(index)]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { word in word.withCString { strdup($0) } } + [nil]
        defer { for argument in arguments { free(argument) } }
        // Swift's crash backtracer holds a dying worker for seconds while it symbolicates (and
        // swallowed signals sent by hand in tests); the supervisor logs the crash instead.
        // Setting SWIFT_BACKTRACE brings the backtraces back.
        var environment = ProcessInfo.processInfo.environment
        if environment["SWIFT_BACKTRACE"] == nil { environment["SWIFT_BACKTRACE"] = "enable=no" }
        // systemd's socket variables were the supervisor's; a worker's socket is on fd 0.
        for name in ListeningSocket.systemdVariables { environment[name] = nil }
        let pairs: [UnsafeMutablePointer<CChar>?] = environment.map { key, value in "\(key)=\(value)".withCString { strdup($0) } } + [nil]
        defer { for pair in pairs { free(pair) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, nil, arguments, pairs)
        guard status == 0 else { throw SocketError("cannot start worker \(index): \(String(cString: strerror(status)))") }
        return WorkerProcess(index: index, pid: pid, started: Deadline.now)
    }

    /// Seconds since it started.
    var age: Double { Double(Deadline.now - started) / 1e9 }
}

/// How a child process ended, from `waitpid`'s status.
struct ExitStatus: CustomStringConvertible {
    let raw: Int32

    var signal: Int32? { raw & 0x7f == 0 ? nil : raw & 0x7f }
    var code: Int32 { (raw >> 8) & 0xff }
    /// Exited by itself with status 0: a worker that retired.
    var isClean: Bool { signal == nil && code == 0 }

    /// The `reason` label of `worker_restarts_total`.
    var reason: String {
        guard let signal else { return code == 0 ? "recycled" : "exited" }
        let name = Self.name(signal)
        return MetricCatalogue.restartReasons.contains(name) ? name : "other"
    }

    var description: String {
        if let signal { return "killed by signal \(signal) (\(Self.name(signal)))" }
        return "exited with status \(code)"
    }

    static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGSEGV: "SIGSEGV"
        case SIGBUS: "SIGBUS"
        case SIGABRT: "SIGABRT"
        case SIGILL: "SIGILL"
        case SIGTRAP: "SIGTRAP"
        case SIGFPE: "SIGFPE"
        case SIGKILL: "SIGKILL"
        case SIGTERM: "SIGTERM"
        default: String(cString: strsignal(signal))
        }
    }
}
