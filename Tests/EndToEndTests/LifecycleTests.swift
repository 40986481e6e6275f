import Foundation
import Testing

/// imgforge started with its listening socket on fd 0, as spawn-fcgi and systemd do.
@Suite(.serviceStack(socket: .inherited))
struct InheritedSocketTests {
    @Test func servesOnTheInheritedSocket() throws {
        try expectServesAResize(try currentStack(), suffix: ".png", listeningOn: "fd 0")
    }
}

/// imgforge started by systemd's socket-activation protocol: the socket on fd 3, `LISTEN_FDS=1`.
@Suite(.serialized, .serviceStack(["IMGFORGE_WORKERS": "2"], socket: .systemd))
struct SystemdSocketActivationTests {
    @Test func servesOnTheActivatedSocket() throws {
        let stack = try currentStack()
        try expectServesAResize(stack, suffix: ".jpg", listeningOn: "systemd socket (fd 3)")
        // The pool works as it does with any other socket: a worker that dies is replaced.
        let victim = try #require(stack.workerPIDs.first)
        kill(victim, SIGKILL)
        usleep(500_000)
        #expect(try stack.get("/unsafe/rs:fit:20:20/plain/local:///a.jpg").status == 200)
        #expect(stack.workerPIDs.count == 2 && !stack.workerPIDs.contains(victim))
    }
}

/// The shared-hosting kit: deploy/spawn-fcgi/imgforge-spawn reads an environment file and runs
/// spawn-fcgi, which creates the socket and hands it to imgforge; nginx (rendered from the same
/// settings) serves misses and then hits, and /status comes from the supervisor's socket beside it.
@Suite(.serialized, .serviceStack(["IMGFORGE_WORKERS": "2", "IMGFORGE_CACHE_TYPE": "disk", "IMGFORGE_CACHE_DISK_PATH": "{stack}/cache",
                                   "IMGFORGE_KEY": testKey, "IMGFORGE_SALT": testSalt], socket: .spawnFCGI))
struct SpawnFCGITests {
    @Test func servesThroughSpawnFCGI() throws {
        let stack = try currentStack()
        try expectServesAResize(stack, suffix: ".jpg", listeningOn: "fd 0")
        let status = try stack.get("/status")
        #expect(status.status == 200 && status.text.contains(#""alive":2"#), "the supervisor's own answer: \(status.text)")
        let url = try signed("/rs:fit:40:40/plain/local:///a.jpg")
        let miss = try stack.get(url)
        _ = cacheFiles(stack.directory.path + "/cache/current") { $0.contains { $0.contains(String(url.dropFirst().prefix(22))) } }
        let hit = try stack.get(url)
        #expect(miss.status == 200 && hit.status == 200 && miss.body == hit.body)
        let access = try String(contentsOf: stack.directory.appendingPathComponent("nginx/logs/access.log"), encoding: .utf8)
        #expect(access.split(separator: "\n").filter { $0.contains("rs:fit:40:40") }.last?.contains("upstream=- ") == true,
                "the second answer is a hit nginx served alone: \(access.suffix(400))")
        // spawn-fcgi exec'ed imgforge: the process the kit started is the supervisor.
        let command = try String(contentsOfFile: "/proc/\(stack.supervisorPID)/cmdline", encoding: .utf8)
        #expect(command.replacingOccurrences(of: "\0", with: " ").hasSuffix("imgforge serve "), "\(command)")
        print("spawn-fcgi | deploy/spawn-fcgi/imgforge-spawn → spawn-fcgi → imgforge serve | 2 workers | miss \(miss.status), hit \(hit.status) from nginx")
    }
}

/// imgforge binding its own TCP port.
@Suite(.serviceStack(socket: .tcp))
struct TCPBindTests {
    @Test func servesOnTCP() throws {
        let stack = try currentStack()
        try expectServesAResize(stack, suffix: ".jpg", listeningOn: stack.upstream)
    }
}

/// A 64×32 source resized to fit 32×32 comes back 32×16, and imgforge's log names the socket it listens on.
private func expectServesAResize(_ stack: ServiceStack, suffix: String, listeningOn socket: String) throws {
    try stack.writeLocal("a\(suffix)", try TestImage.quadrants(width: 64, height: 32, suffix: suffix))
    let response = try stack.get("/unsafe/rs:fit:32:32/plain/local:///a\(suffix)")
    #expect(response.status == 200)
    let image = try TestImage(decoding: response.body)
    #expect((image.width, image.height) == (32, 16))
    #expect(stack.imgforgeLog.contains(socket), "imgforge names \(socket)")
}

/// A malformed setting stops imgforge at start with a message naming the variable.
struct StartupValidationTests {
    @Test(arguments: [
        ("IMGFORGE_WORKERS", "lots"),
        ("IMGFORGE_BIND", "somewhere"),
        ("IMGFORGE_ALLOW_UNSIGNED", "perhaps"),
    ])
    func malformedVariableStopsTheProcess(name: String, value: String) throws {
        let process = Process()
        process.executableURL = try ServiceStack.imgforgeBinary()
        process.arguments = ["serve"]
        var environment = ["IMGFORGE_BIND": "unix:/tmp/imgforge-never-\(UUID().uuidString.prefix(8)).sock"]
        environment[name] = value
        process.environment = environment
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("imgforge-start-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let output = try String(contentsOf: log, encoding: .utf8)
        #expect(process.terminationStatus != 0)
        #expect(output.contains(name) && output.contains(value), "stderr: \(output)")
    }
}

/// SIGTERM lets the request in flight finish, then stops within a second.
@Suite(.serviceStack())
struct ShutdownTests {
    @Test func sigtermFinishesInFlightRequestThenExits() throws {
        let stack = try currentStack()
        let jpeg = try TestImage.quadrants(width: 200, height: 200, suffix: ".jpg")
        // The origin holds the body back for 800 ms, so the request is in flight when SIGTERM lands.
        stack.origin.serve("/slow.jpg", .custom { connection in
            connection.sendHead(status: 200, headers: [("Content-Type", "image/jpeg"), ("Content-Length", "\(jpeg.count)")])
            usleep(800_000)
            connection.send(jpeg)
        })
        // A plain thread: the test runner's own threads may all be busy with other suites.
        let inFlight = ResponseBox()
        let thread = Thread {
            inFlight.set(try? stack.get("/unsafe/rs:fit:100:100/plain/\(stack.origin.url("/slow.jpg"))"))
        }
        thread.start()
        // Wait until the origin has seen the request before signalling.
        let deadline = Date().addingTimeInterval(10)
        while !stack.origin.requests.contains("/slow.jpg") && Date() < deadline { usleep(10_000) }
        let stopped = try #require(stack.terminateImgforge(timeout: 10), "imgforge did not exit after SIGTERM")
        let response = try #require(inFlight.wait(timeout: 10), "the in-flight request got no answer")
        #expect(response.status == 200)
        #expect(try TestImage(decoding: response.body).width == 100)
        #expect(stopped.status == 0)
        // The in-flight request needed ~0.8 s; the stop itself must add less than a second (more under
        // a sanitizer, which slows every process down: scripts/sanitize says by how much).
        #expect(stopped.seconds < 0.8 + ServiceStack.slowdown, "stopping took \(stopped.seconds) s")
        #expect(!stack.imgforgeIsRunning)
        #expect(!FileManager.default.fileExists(atPath: stack.socketPath), "the unix socket file is removed at exit")
    }
}

/// Hands a response from a helper thread to the test.
final class ResponseBox: @unchecked Sendable {
    private let condition = NSCondition()
    private var response: HTTPResponse?
    private var done = false

    func set(_ value: HTTPResponse?) {
        condition.withLock {
            response = value
            done = true
            condition.broadcast()
        }
    }

    func wait(timeout: Double) -> HTTPResponse? {
        let deadline = Date().addingTimeInterval(timeout)
        return condition.withLock {
            while !done && condition.wait(until: deadline) {}
            return response
        }
    }
}
