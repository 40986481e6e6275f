import Foundation
import Testing

/// A real nginx in front of the real imgforge binary over FastCGI, plus an
/// origin server, all on 127.0.0.1 and all inside one temporary directory.
final class ServiceStack: @unchecked Sendable {
    /// How imgforge gets its listening socket.
    enum SocketMode: Sendable {
        /// imgforge binds `IMGFORGE_BIND` itself.
        case bind
        /// The socket is handed to imgforge on fd 0, as spawn-fcgi or systemd do.
        case inherited
        /// imgforge binds a TCP port on 127.0.0.1 (`IMGFORGE_BIND=127.0.0.1:PORT`).
        case tcp
        /// systemd's socket-activation protocol: the socket on fd 3, `LISTEN_PID` and `LISTEN_FDS=1`.
        case systemd
        /// The shared-hosting kit: `deploy/spawn-fcgi/imgforge-spawn` with an environment file, which
        /// runs spawn-fcgi, which creates the socket and hands it to imgforge on fd 0.
        case spawnFCGI
    }

    @TaskLocal static var current: ServiceStack?

    let origin: TestOrigin
    /// nginx's port on 127.0.0.1.
    let port: Int
    let directory: URL
    /// `IMGFORGE_LOCAL_FILESYSTEM_ROOT`.
    let localRoot: URL
    let socketPath: String
    /// What nginx's `fastcgi_pass` points at.
    let upstream: String
    private var imgforge: Process
    private let nginx: Process
    private let imgforgeEnvironment: [String: String]
    private let inheritedSocket: Bool

    /// `nginxRewrite` may change the rendered nginx configuration (e.g. more upstream servers);
    /// `nginxEnvironment` renders it from other settings than imgforge runs with (nil unsets).
    init(environment: [String: String] = [:], socketMode: SocketMode = .bind, nginxEnvironment: [String: String?] = [:],
         nginxRewrite: ((String) -> String)? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("imgforge-e2e-\(UUID().uuidString.prefix(8))")
        localRoot = directory.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: localRoot, withIntermediateDirectories: true)
        socketPath = directory.appendingPathComponent("imgforge.sock").path
        origin = try TestOrigin()
        port = try Sockets.freePort()

        var imgforgeEnvironment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("IMGFORGE_") }
        imgforgeEnvironment["IMGFORGE_BIND"] = "unix:\(socketPath)"
        imgforgeEnvironment["IMGFORGE_LOCAL_FILESYSTEM_ROOT"] = localRoot.path
        imgforgeEnvironment["IMGFORGE_ALLOW_UNSIGNED"] = "true"
        imgforgeEnvironment["IMGFORGE_LOG_LEVEL"] = "debug"
        // The test origin lives on 127.0.0.1, which the address guard refuses by default.
        imgforgeEnvironment["IMGFORGE_ALLOW_LOOPBACK_SOURCES"] = "true"
        // "{stack}" in a value stands for this stack's directory, "{origin}" for its test origin's host:port.
        let stackPath = directory.path
        let originAddress = "127.0.0.1:\(origin.port)"
        imgforgeEnvironment.merge(environment.mapValues {
            $0.replacingOccurrences(of: "{stack}", with: stackPath).replacingOccurrences(of: "{origin}", with: originAddress)
        }) { _, new in new }
        var upstream = "unix:\(socketPath)"
        var inheritedSocket: Int32?
        switch socketMode {
        case .bind:
            break
        case .inherited, .systemd:
            inheritedSocket = try Self.listenUnix(socketPath)
            imgforgeEnvironment["IMGFORGE_BIND"] = "unix:\(directory.path)/unused.sock"
            // nginx is rendered with the real socket's name: both must agree on the status socket.
            if imgforgeEnvironment["IMGFORGE_STATUS_BIND"] == nil {
                imgforgeEnvironment["IMGFORGE_STATUS_BIND"] = "unix:\(directory.path)/imgforge-status.sock"
            }
        case .tcp:
            upstream = "127.0.0.1:\(try Sockets.freePort())"
            imgforgeEnvironment["IMGFORGE_BIND"] = upstream
        case .spawnFCGI:
            break
        }
        self.upstream = upstream
        self.imgforgeEnvironment = imgforgeEnvironment
        self.inheritedSocket = socketMode == .inherited || socketMode == .systemd
        if socketMode == .spawnFCGI {
            // Its settings come from the file, as on a shared host; the process environment has none.
            let file = directory.appendingPathComponent("imgforge.env")
            let lines = imgforgeEnvironment.filter { $0.key.hasPrefix("IMGFORGE_") }.sorted { $0.key < $1.key }
                .map { "\($0.key)='\($0.value.replacingOccurrences(of: "'", with: "'\\''"))'" }
            try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
            var environment = imgforgeEnvironment.filter { !$0.key.hasPrefix("IMGFORGE_") }
            environment["IMGFORGE_BINARY"] = try Self.imgforgeBinary().path
            imgforge = try Self.launch(
                Self.repository.appendingPathComponent("deploy/spawn-fcgi/imgforge-spawn"), [file.path], environment: environment,
                log: directory.appendingPathComponent("imgforge.log")
            )
        } else if socketMode == .systemd {
            // What systemd does: the socket on fd 3, LISTEN_PID naming the process, LISTEN_FDS=1.
            // (The shell moves the socket from fd 0 and then becomes imgforge, keeping its pid.)
            imgforge = try Self.launch(
                URL(fileURLWithPath: "/bin/sh"),
                ["-c", "exec 3<&0 0</dev/null; export LISTEN_PID=$$ LISTEN_FDS=1; exec \"$0\" serve", try Self.imgforgeBinary().path],
                environment: imgforgeEnvironment, log: directory.appendingPathComponent("imgforge.log"), standardInput: inheritedSocket
            )
        } else {
            imgforge = try Self.launch(
                Self.imgforgeBinary(), ["serve"], environment: imgforgeEnvironment,
                log: directory.appendingPathComponent("imgforge.log"), standardInput: inheritedSocket
            )
        }
        if let inheritedSocket { close(inheritedSocket) }

        let nginxPrefix = directory.appendingPathComponent("nginx").path
        // nginx is configured by `imgforge nginx-config` from imgforge's own environment.
        var renderEnvironment = imgforgeEnvironment
        renderEnvironment["IMGFORGE_BIND"] = upstream
        for (name, value) in nginxEnvironment { renderEnvironment[name] = value }
        let render = try Self.launch(
            URL(fileURLWithPath: "/bin/sh"),
            [Self.repository.appendingPathComponent("scripts/render-nginx-conf").path, nginxPrefix, "127.0.0.1:\(port)", try Self.imgforgeBinary().path],
            environment: renderEnvironment, log: directory.appendingPathComponent("render.log")
        )
        render.waitUntilExit()
        guard render.terminationStatus == 0 else { throw TestFailure("rendering the nginx configuration failed") }
        if let rewrite = nginxRewrite {
            let path = "\(nginxPrefix)/imgforge.conf"
            try rewrite(try String(contentsOfFile: path, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
        }
        nginx = try Self.launch(
            URL(fileURLWithPath: ProcessInfo.processInfo.environment["NGINX"] ?? "/usr/sbin/nginx"),
            ["-p", nginxPrefix, "-c", "\(nginxPrefix)/nginx.conf", "-e", "\(nginxPrefix)/logs/error.log", "-g", "daemon off;"],
            environment: ProcessInfo.processInfo.environment, log: directory.appendingPathComponent("nginx.log")
        )
        do {
            try waitUntilReady()
        } catch {
            stop()
            throw error
        }
    }

    /// Sends a request through nginx.
    func get(_ target: String, method: String = "GET", headers: [String: String] = [:]) throws -> HTTPResponse {
        try HTTPTestClient.get(port: port, target, method: method, headers: headers)
    }

    /// Writes a file below the local source root.
    func writeLocal(_ name: String, _ bytes: [UInt8]) throws {
        let url = localRoot.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Tests of a suite run in parallel and may write the same fixture: never let one read a half-written file.
        try Data(bytes).write(to: url, options: .atomic)
    }

    /// Writes a shared fixture unless it is there already; each file on its own, so a parallel
    /// test never finds one fixture of a set and assumes the others.
    func writeLocalOnce(_ name: String, _ make: () throws -> [UInt8]) throws {
        if !FileManager.default.fileExists(atPath: localRoot.appendingPathComponent(name).path) { try writeLocal(name, try make()) }
    }

    var imgforgeLog: String {
        (try? String(contentsOf: directory.appendingPathComponent("imgforge.log"), encoding: .utf8)) ?? ""
    }

    var imgforgeIsRunning: Bool { imgforge.isRunning }

    /// The settings imgforge runs with (after "{stack}" substitution).
    var environment: [String: String] { imgforgeEnvironment }

    /// Points nginx's upstream at a second imgforge socket too, and reloads nginx.
    func rewriteNginxUpstream(second socket: String) throws {
        let path = directory.appendingPathComponent("nginx/imgforge.conf").path
        let config = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "unix:SECOND", with: "unix:\(socket)")
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        kill(nginx.processIdentifier, SIGHUP)
        usleep(300_000)
    }

    /// Kills imgforge at once, as a crash would.
    func killImgforge() {
        kill(imgforge.processIdentifier, SIGKILL)
        _ = Self.wait(for: imgforge, timeout: 5)
    }

    /// Starts imgforge again after it stopped, with the same settings, and waits until it answers.
    func restartImgforge() throws {
        precondition(!inheritedSocket, "a restart binds IMGFORGE_BIND itself")
        imgforge = try Self.launch(
            Self.imgforgeBinary(), ["serve"], environment: imgforgeEnvironment,
            log: directory.appendingPathComponent("imgforge.log"), append: true
        )
        try waitUntilReady()
    }

    /// The supervisor's process id.
    var supervisorPID: pid_t { imgforge.processIdentifier }

    /// The worker processes the supervisor runs now (its children, from /proc).
    var workerPIDs: Set<pid_t> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return Set(names.compactMap { name -> pid_t? in
            guard let pid = pid_t(name),
                  let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")")
            else { return nil }
            // Fields after the command name: state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == supervisorPID ? pid : nil
        })
    }

    /// imgforge processes of this stack (found by its local root in their environment) that are
    /// neither the running supervisor nor its workers: what earlier supervisors left behind.
    var strayProcesses: Set<pid_t> {
        let marker = Array("IMGFORGE_LOCAL_FILESYSTEM_ROOT=\(localRoot.path)\u{0}".utf8)
        let current = workerPIDs.union([supervisorPID])
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return Set(names.compactMap { name -> pid_t? in
            guard let pid = pid_t(name), !current.contains(pid),
                  let environment = FileManager.default.contents(atPath: "/proc/\(name)/environ"),
                  [UInt8](environment).firstRange(of: marker) != nil
            else { return nil }
            return pid
        })
    }

    /// The worker whose log says it is serving a URI containing `token`.
    func workerServing(_ token: String, timeout: Double = 10) -> pid_t? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            for line in imgforgeLog.split(separator: "\n") where line.contains("serving") && line.contains(token) {
                if let range = line.range(of: "pid=") {
                    return pid_t(line[range.upperBound...].prefix { $0.isNumber })
                }
            }
            usleep(10_000)
        }
        return nil
    }

    /// Resident memory of the supervisor and all its workers, in KiB (from /proc).
    var imgforgeResidentKiB: Int {
        ([supervisorPID] + workerPIDs).reduce(0) { total, pid in
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
            return total + (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0)
        }
    }

    /// Sends a signal to the supervisor.
    func signalImgforge(_ signal: Int32) {
        kill(imgforge.processIdentifier, signal)
    }

    /// Sends SIGTERM to imgforge and returns how long it took to exit, and its exit status.
    func terminateImgforge(timeout: Double = 10) -> (seconds: Double, status: Int32)? {
        let start = ContinuousClock.now
        imgforge.terminate()
        guard Self.wait(for: imgforge, timeout: timeout) else { return nil }
        return ((ContinuousClock.now - start) / .seconds(1), imgforge.terminationStatus)
    }

    func stop() {
        for process in [nginx, imgforge] { Self.stop(process) }
        origin.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private func waitUntilReady() throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            guard imgforge.isRunning else { throw TestFailure("imgforge exited at start:\n\(imgforgeLog)") }
            guard nginx.isRunning else { throw TestFailure("nginx exited at start (see its error log)") }
            if let response = try? HTTPTestClient.get(port: port, "/status", timeout: 2), response.status == 200 { return }
            usleep(20_000)
        }
        throw TestFailure("the stack did not answer /status within 20 s:\n\(imgforgeLog)")
    }

    /// SIGTERM, then SIGKILL if the process has not gone after `timeout` seconds.
    static func stop(_ process: Process, timeout: Double = 5) {
        guard process.isRunning else { return }
        process.terminate()
        if !wait(for: process, timeout: timeout) {
            kill(process.processIdentifier, SIGKILL)
            _ = wait(for: process, timeout: timeout)
        }
    }

    private static func wait(for process: Process, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        return !process.isRunning
    }

    static func launch(_ executable: URL, _ arguments: [String], environment: [String: String], log: URL, standardInput: Int32? = nil, append: Bool = false) throws -> Process {
        if !append || !FileManager.default.fileExists(atPath: log.path) {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        let output = try FileHandle(forWritingTo: log)
        if append { output.seekToEndOfFile() }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = output
        process.standardError = output
        if let standardInput {
            process.standardInput = FileHandle(fileDescriptor: standardInput, closeOnDealloc: false)
        }
        try process.run()
        return process
    }

    /// A listening unix socket for the `.inherited` mode.
    private static func listenUnix(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        let bound = Sockets.withUnixAddress(path) { bind(fd, $0, $1) }
        guard fd >= 0, bound == 0, listen(fd, 128) == 0 else { throw TestFailure("cannot listen on \(path)") }
        return fd
    }

    /// How much slower processes run under a sanitizer (scripts/sanitize sets it): tests with a time
    /// bound widen it by this factor.
    static let slowdown = Double(ProcessInfo.processInfo.environment["SANITIZER_SLOWDOWN"] ?? "") ?? 1

    /// The package's root directory.
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The imgforge binary built next to this test bundle (or `IMGFORGE_BINARY`).
    static func imgforgeBinary() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["IMGFORGE_BINARY"] { return URL(fileURLWithPath: path) }
        let buildDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidate = buildDirectory.appendingPathComponent("imgforge")
        // On some platforms the test bundle sits one level deeper.
        if !FileManager.default.isExecutableFile(atPath: candidate.path) {
            candidate = buildDirectory.deletingLastPathComponent().appendingPathComponent("imgforge")
        }
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw TestFailure("imgforge binary not found next to the tests; run `swift build` first or set IMGFORGE_BINARY")
        }
        return candidate
    }
}

/// Runs a whole suite against one stack, torn down when the suite ends, pass or fail.
struct ServiceStackTrait: SuiteTrait, TestScoping {
    var environment: [String: String]
    var socketMode: ServiceStack.SocketMode

    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let stack = try ServiceStack(environment: environment, socketMode: socketMode)
        defer { stack.stop() }
        try await ServiceStack.$current.withValue(stack) {
            try await function()
        }
    }
}

extension Trait where Self == ServiceStackTrait {
    /// nginx + imgforge + origin for the suite, with extra `IMGFORGE_*` settings.
    static func serviceStack(_ environment: [String: String] = [:], socket: ServiceStack.SocketMode = .bind) -> Self {
        ServiceStackTrait(environment: environment, socketMode: socket)
    }
}

/// The stack of the running suite.
func currentStack() throws -> ServiceStack {
    try #require(ServiceStack.current, "the suite needs the .serviceStack trait")
}
