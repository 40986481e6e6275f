import Foundation
import Testing

/// Runs `body` on a plain thread and hands its result back: the test runner's own threads may
/// all be busy with other suites.
final class Background<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Value?
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> Value) {
        let thread = Thread { [self] in
            let value = body()
            lock.withLock { result = value }
            done.signal()
        }
        thread.start()
    }

    func wait(timeout: Double = 30) -> Value? {
        guard done.wait(timeout: .now() + timeout) == .success else { return nil }
        return lock.withLock { result }
    }
}

/// What one request got, and how long it took.
struct Outcome: Sendable {
    let status: Int
    let seconds: Double
    let text: String

    static func of(_ stack: ServiceStack, _ target: String, timeout: Double = 30) -> Outcome {
        let started = Date()
        let response = try? stack.get(target)
        return Outcome(status: response?.status ?? -1, seconds: Date().timeIntervalSince(started), text: response?.text ?? "")
    }
}

extension ServiceStack {
    /// An origin path that answers `jpeg` after holding the request `seconds`.
    func serveSlowly(_ path: String, _ jpeg: [UInt8], seconds: Double) {
        origin.serve(path, .custom { connection in
            usleep(UInt32(seconds * 1_000_000))
            connection.sendHead(status: 200, headers: [("Content-Type", "image/jpeg"), ("Content-Length", "\(jpeg.count)")])
            connection.send(jpeg)
        })
    }

    func waitForOrigin(_ paths: [String], timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let seen = origin.requests
            if paths.allSatisfy(seen.contains) { return true }
            usleep(10_000)
        }
        return false
    }
}

/// A crash of one worker costs only the request it was serving.
@Suite(.serialized, .serviceStack(["IMGFORGE_WORKERS": "4", "IMGFORGE_WORKER_THREADS": "1"]))
struct CrashIsolationTests {
    @Test(arguments: [SIGSEGV, SIGKILL])
    func aDeadWorkerCostsOnlyItsRequest(signal: Int32) throws {
        let stack = try currentStack()
        let jpeg = try TestImage.quadrants(width: 200, height: 200, suffix: ".jpg")
        let paths = (0..<4).map { "/crash-\(signal)-\($0).jpg" }
        for path in paths { stack.serveSlowly(path, jpeg, seconds: 1.5) }
        let before = stack.workerPIDs
        #expect(before.count == 4)
        let requests = paths.enumerated().map { index, path in
            Background { Outcome.of(stack, "/unsafe/rs:fit:100:100/cb:victim\(signal)-\(index)/plain/\(stack.origin.url(path))") }
        }
        #expect(stack.waitForOrigin(paths), "all four requests reach the origin")
        try stack.writeLocalOnce("after.jpg") { jpeg }
        let victim = try #require(stack.workerServing("cb:victim\(signal)-0"))
        kill(victim, signal)
        let killedAt = Date()
        // The three other workers are held by the origin for a second more: a request answered
        // before then was served by the replacement.
        let next = Outcome.of(stack, "/unsafe/rs:fit:50:50/cb:after\(signal)/plain/local:///after.jpg")
        let replacementServed = Date().timeIntervalSince(killedAt)
        let outcomes = requests.map { $0.wait() }
        let statuses = outcomes.map { $0?.status ?? -1 }
        #expect(statuses == [502, 200, 200, 200], "the crashed worker's request fails, the others in flight do not")
        #expect(next.status == 200 && replacementServed < 1, "the replacement served after \(replacementServed) s: \(next)")
        let served = stack.workerServing("cb:after\(signal)")
        #expect(served != nil && !before.contains(served!), "the request after the crash went to a new worker")
        print(String(format: "crash isolation | signal %d | in flight 4 | failed %d (status 502 after %.2f s) | others %@ | replacement served after %.2f s",
                     signal, statuses.filter { $0 != 200 }.count, outcomes[0]?.seconds ?? -1,
                     statuses.dropFirst().map(String.init).joined(separator: ","), replacementServed))
        let replaced = stack.workerPIDs
        #expect(replaced.count == 4 && !replaced.contains(victim))
        #expect(Date().timeIntervalSince(killedAt) < 4)
        let log = stack.imgforgeLog
        #expect(log.contains("worker died") && log.contains("pid=\(victim)") && log.contains("cb:victim\(signal)-0"),
                "the supervisor names the signal and the request")
    }
}

/// `/status` is the supervisor's answer: it comes while every worker is busy, and counts them.
@Suite(.serialized, .serviceStack(["IMGFORGE_WORKERS": "2"]))
struct PoolStatusTests {
    @Test func statusAnswersWhileEveryWorkerIsBusy() throws {
        let stack = try currentStack()
        let jpeg = try TestImage.quadrants(width: 100, height: 100, suffix: ".jpg")
        let paths = ["/busy-0.jpg", "/busy-1.jpg"]
        for path in paths { stack.serveSlowly(path, jpeg, seconds: 2) }
        let requests = paths.map { path in Background { Outcome.of(stack, "/unsafe/rs:fit:50:50/plain/\(stack.origin.url(path))") } }
        #expect(stack.waitForOrigin(paths), "both workers are held by the origin")
        let busy = Outcome.of(stack, "/status")
        #expect(busy.status == 200 && busy.seconds < 0.5, "\(busy)")
        #expect(busy.text.contains(#""alive":2"#) && busy.text.contains(#""busy":2"#), "\(busy.text)")
        #expect(requests.map { $0.wait()?.status } == [200, 200])
        // A worker marks itself idle just after its answer has gone.
        var idle = ""
        for _ in 0..<20 {
            idle = Outcome.of(stack, "/status").text
            if idle.contains(#""busy":0"#) { break }
            usleep(50_000)
        }
        #expect(idle.contains(#""busy":0"#), "\(idle)")
    }

    @Test func statusCountsRestarts() throws {
        let stack = try currentStack()
        let before = try #require(stack.workerPIDs.first)
        kill(before, SIGKILL)
        var text = ""
        for _ in 0..<40 {
            text = Outcome.of(stack, "/status").text
            if text.contains(#""alive":2"#) && text.contains(#""restarts":1"#) { break }
            usleep(50_000)
        }
        #expect(text.contains(#""configured":2"#) && text.contains(#""alive":2"#) && text.contains(#""restarts":1"#), "\(text)")
    }
}

/// URLs that used to trap or stall the process answer 400 at once, and the service carries on.
@Suite(.serviceStack(["IMGFORGE_WORKERS": "2"]))
struct HostileNumbersTests {
    @Test(arguments: [
        "z:1e-300:1/mw:10", "z:1:1e-300/mh:10", "z:1e-310/mw:10", "z:1000/mw:65535/dpr:5",
        "pd:65535", "pd:65535/dpr:5", "rs:fit:65535:65535:1/dpr:5", "mw:65535/mh:65535", "ex:1/rs:fit:65535:65535",
        "c:65535:65535/rs:fill:65535:65535:1", "bl:1e300", "sh:nan", "z:inf", "pd:-1",
    ])
    func extremeNumbersAreABadRequest(options: String) throws {
        let stack = try currentStack()
        try stack.writeLocal("small.jpg", try TestImage.quadrants(width: 40, height: 20, suffix: ".jpg"))
        let outcome = Outcome.of(stack, "/unsafe/\(options)/plain/local:///small.jpg@png")
        #expect(outcome.status == 400, "\(options): \(outcome)")
        #expect(outcome.seconds < 2)
        #expect(try stack.get("/status").status == 200)
    }

    @Test func fiveHugePaddingsDoNotStallTheService() throws {
        let stack = try currentStack()
        try stack.writeLocal("pad.jpg", try TestImage.quadrants(width: 160, height: 100, suffix: ".jpg"))
        let requests = (1...5).map { index in Background { Outcome.of(stack, "/unsafe/pd:6553\(index)/plain/local:///pad.jpg@png") } }
        let outcomes = requests.compactMap { $0.wait(timeout: 10) }
        #expect(outcomes.count == 5 && outcomes.allSatisfy { $0.status == 400 })
        let status = Outcome.of(stack, "/status")
        #expect(status.status == 200 && status.seconds < 1)
    }
}

/// `IMGFORGE_TIMEOUT` bounds the whole request; the worker is free again at once.
@Suite(.serialized, .serviceStack(["IMGFORGE_WORKERS": "1", "IMGFORGE_TIMEOUT": "1", "IMGFORGE_DOWNLOAD_TIMEOUT": "5"]))
struct RequestDeadlineTests {
    @Test func aSlowDownloadPastTheTimeoutIs503() throws {
        let stack = try currentStack()
        stack.serveSlowly("/held.jpg", try TestImage.quadrants(width: 100, height: 100, suffix: ".jpg"), seconds: 3)
        let outcome = Outcome.of(stack, "/unsafe/rs:fit:50:50/plain/\(stack.origin.url("/held.jpg"))")
        #expect(outcome.status == 503 && outcome.text.contains("request timed out after 1s"), "\(outcome)")
        #expect(outcome.seconds < 1.8, "answered after \(outcome.seconds) s")
        print(String(format: "deadline | slow download, IMGFORGE_TIMEOUT=1 | %d after %.3f s", outcome.status, outcome.seconds))
        try expectFreeWorker(stack)
    }

    @Test func processingPastTheTimeoutIsCancelledWith503() throws {
        let stack = try currentStack()
        try stack.writeLocal("heavy.png", try TestImage.quadrants(width: 3000, height: 3000, suffix: ".png"))
        let outcome = Outcome.of(stack, "/unsafe/bl:100/plain/local:///heavy.png@png")
        #expect(outcome.status == 503 && outcome.text.contains("request timed out after 1s"), "\(outcome)")
        #expect(outcome.seconds < 2.5, "answered after \(outcome.seconds) s")
        try expectFreeWorker(stack)
        #expect(!stack.imgforgeLog.contains("worker died"), "cancelled, not killed")
    }

    /// A worker that makes no progress at all (stuck in one C call; here stopped) is killed by the
    /// supervisor once the request is past its deadline plus the grace, and replaced.
    @Test func aWorkerStuckPastTheDeadlineIsKilledAndReplaced() throws {
        let stack = try currentStack()
        stack.serveSlowly("/stuck.jpg", try TestImage.quadrants(width: 100, height: 100, suffix: ".jpg"), seconds: 3)
        try stack.writeLocal("next.jpg", try TestImage.quadrants(width: 60, height: 40, suffix: ".jpg"))
        let stuck = try #require(stack.workerPIDs.first)
        let request = Background { Outcome.of(stack, "/unsafe/rs:fit:50:50/cb:stuck/plain/\(stack.origin.url("/stuck.jpg"))") }
        #expect(stack.waitForOrigin(["/stuck.jpg"]))
        kill(stuck, SIGSTOP)
        let outcome = try #require(request.wait(timeout: 15))
        #expect(outcome.status == 502, "\(outcome)")
        // IMGFORGE_TIMEOUT (1 s) plus the 5 s grace, and the supervisor's 0.1 s turn.
        #expect(outcome.seconds > 5.5 && outcome.seconds < 8, "answered after \(outcome.seconds) s")
        print(String(format: "deadline | stopped worker, IMGFORGE_TIMEOUT=1 | %d after %.2f s (killed at the deadline + 5 s)", outcome.status, outcome.seconds))
        let log = stack.imgforgeLog
        #expect(log.contains("killing a worker busy past its deadline") && log.contains("pid=\(stuck)") && log.contains("cb:stuck"), "\(log.suffix(2000))")
        var next = Outcome(status: -1, seconds: 0, text: "")
        let started = Date()
        repeat {
            next = Outcome.of(stack, "/unsafe/rs:fit:30:30/cb:\(UUID().uuidString)/plain/local:///next.jpg")
        } while next.status != 200 && Date().timeIntervalSince(started) < 3
        #expect(next.status == 200 && Date().timeIntervalSince(started) < 1.5, "the replacement answers: \(next)")
        #expect(stack.workerPIDs.count == 1 && !stack.workerPIDs.contains(stuck))
    }

    /// The single worker answers the next request at once.
    private func expectFreeWorker(_ stack: ServiceStack) throws {
        try stack.writeLocal("next.jpg", try TestImage.quadrants(width: 60, height: 40, suffix: ".jpg"))
        let next = Outcome.of(stack, "/unsafe/rs:fit:30:30/cb:\(UUID().uuidString)/plain/local:///next.jpg")
        #expect(next.status == 200 && next.seconds < 0.7, "the next request: \(next)")
        print(String(format: "deadline | the next request on the same worker | %d after %.4f s", next.status, next.seconds))
    }
}

/// Beyond IMGFORGE_WORKERS running and IMGFORGE_QUEUE_SIZE waiting, nginx answers 429 at once;
/// hits are never refused.
@Suite(.serviceStack([
    "IMGFORGE_WORKERS": "2", "IMGFORGE_QUEUE_SIZE": "2",
    "IMGFORGE_KEY": testKey, "IMGFORGE_SALT": testSalt,
    "IMGFORGE_CACHE_TYPE": "disk", "IMGFORGE_CACHE_DISK_PATH": "{stack}/cache",
]))
struct AdmissionTests {
    @Test func overloadIsRefusedFastWhileHitsAndStatusAnswer() throws {
        let stack = try currentStack()
        let jpeg = try TestImage.quadrants(width: 120, height: 80, suffix: ".jpg")
        try stack.writeLocal("hit.jpg", jpeg)
        let hit = try signed("/rs:fit:60:60/plain/local:///hit.jpg")
        #expect(try stack.get(hit).status == 200)
        // Unsigned hits come from a file, or from nginx's own cache for a URI outside the strict form (an
        // escape): admission counts only what reaches imgforge.
        let unsignedHit = "/unsafe/rs:fit:61:61/plain/local:///hit.jpg"
        let keptHit = "/unsafe/rs:fit:61:61/plain/local:///h%69t.jpg"
        #expect(try stack.get(unsignedHit).status == 200 && stack.get(keptHit).status == 200)
        let count = 2 + 2 + 10
        let paths = (0..<count).map { "/load-\($0).jpg" }
        for path in paths { stack.serveSlowly(path, jpeg, seconds: 1.5) }
        let requests = try paths.map { path in
            let target = try signed("/rs:fit:50:50/plain/\(stack.origin.url(path))")
            return Background { Outcome.of(stack, target) }
        }
        usleep(300_000)
        let hitDuringLoad = Outcome.of(stack, hit)
        let unsignedDuringLoad = try stack.get(unsignedHit)
        let keptDuringLoad = try stack.get(keptHit)
        let outcomes = requests.compactMap { $0.wait() }
        #expect(outcomes.count == count)
        let refused = outcomes.filter { $0.status == 429 }
        #expect(refused.count == 10, "statuses: \(outcomes.map(\.status))")
        #expect(outcomes.filter { $0.status == 200 }.count == 4)
        #expect(refused.allSatisfy { $0.text.contains("too many requests") })
        let slowest = refused.map(\.seconds).max() ?? 0
        #expect(slowest < 0.5, "the slowest 429 took \(slowest) s")
        print(String(format: "admission | %d slow misses at 2 workers + 2 queued | %d×429 (slowest %.3f s), %d×200 | hit during the load %d in %.3f s",
                     count, refused.count, slowest, outcomes.filter { $0.status == 200 }.count, hitDuringLoad.status, hitDuringLoad.seconds))
        #expect(hitDuringLoad.status == 200 && hitDuringLoad.seconds < 0.5, "a hit during the load: \(hitDuringLoad)")
        #expect(unsignedDuringLoad.status == 200, "\(unsignedDuringLoad.status)")
        #expect(keptDuringLoad.status == 200 && keptDuringLoad.header("X-Imgforge-Cache") == "HIT", "\(keptDuringLoad.status)")
    }
}

/// Connections that send nothing cannot take the workers away.
@Suite(.serviceStack(["IMGFORGE_WORKERS": "2"]))
struct IdleConnectionTests {
    @Test func silentConnectionsDoNotStarveThePool() throws {
        let stack = try currentStack()
        try stack.writeLocal("idle.jpg", try TestImage.quadrants(width: 60, height: 40, suffix: ".jpg"))
        let silent = try (0..<10).map { _ in try Sockets.connectUnix(stack.socketPath) }
        defer { for fd in silent { close(fd) } }
        usleep(200_000)
        let outcome = Outcome.of(stack, "/unsafe/rs:fit:30:30/plain/local:///idle.jpg")
        #expect(outcome.status == 200 && outcome.seconds < 1, "\(outcome)")
        #expect(Outcome.of(stack, "/status").status == 200)
    }
}

/// Lifecycle under load: stop, replace and recycle lose nothing.
@Suite(.serialized, .serviceStack(["IMGFORGE_WORKERS": "2", "IMGFORGE_WORKER_MAX_REQUESTS": "3"]))
struct PoolLifecycleTests {
    @Test func recyclingAfterNRequestsIsInvisible() throws {
        let stack = try currentStack()
        try stack.writeLocal("recycle.jpg", try TestImage.quadrants(width: 60, height: 40, suffix: ".jpg"))
        let before = stack.workerPIDs
        let batches = (0..<4).map { batch in
            Background { (0..<5).map { Outcome.of(stack, "/unsafe/rs:fit:30:30/cb:r\(batch)-\($0)/plain/local:///recycle.jpg").status } }
        }
        let statuses = batches.compactMap { $0.wait() }.flatMap { $0 }
        #expect(statuses.count == 20 && statuses.allSatisfy { $0 == 200 }, "\(statuses)")
        // However the requests fell on the two workers, one of them served 3 at least 5 times over.
        let deadline = Date().addingTimeInterval(3)
        var recycled = 0
        repeat {
            recycled = stack.imgforgeLog.components(separatedBy: "worker recycled").count - 1
            usleep(50_000)
        } while recycled < 5 && Date() < deadline
        #expect(recycled >= 5, "workers recycled \(recycled) times")
        #expect(stack.workerPIDs.count == 2 && stack.workerPIDs != before)
    }

    @Test func sighupReplacesEveryWorkerWithNoRequestLost() throws {
        let stack = try currentStack()
        try stack.writeLocal("hup.jpg", try TestImage.quadrants(width: 60, height: 40, suffix: ".jpg"))
        let jpeg = try TestImage.quadrants(width: 100, height: 100, suffix: ".jpg")
        stack.serveSlowly("/hup-slow.jpg", jpeg, seconds: 0.5)
        let before = stack.workerPIDs
        let load = (0..<3).map { lane in
            Background { (0..<8).map { Outcome.of(stack, "/unsafe/rs:fit:30:30/cb:h\(lane)-\($0)/plain/local:///hup.jpg").status } }
        }
        let slow = Background { Outcome.of(stack, "/unsafe/rs:fit:40:40/plain/\(stack.origin.url("/hup-slow.jpg"))").status }
        usleep(100_000)
        stack.signalImgforge(SIGHUP)
        let statuses = load.compactMap { $0.wait() }.flatMap { $0 } + [slow.wait() ?? -1]
        #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses)")
        usleep(500_000)
        #expect(stack.workerPIDs.count == 2 && stack.workerPIDs.isDisjoint(with: before))
    }
}

/// SIGTERM while requests run and wait: every one is answered, then the supervisor exits 0.
@Suite(.serviceStack(["IMGFORGE_WORKERS": "2"]))
struct DrainTests {
    @Test func sigtermUnderLoadLosesNothing() throws {
        let stack = try currentStack()
        let jpeg = try TestImage.quadrants(width: 100, height: 100, suffix: ".jpg")
        let paths = (0..<6).map { "/drain-\($0).jpg" }
        for path in paths { stack.serveSlowly(path, jpeg, seconds: 0.8) }
        let requests = paths.map { path in Background { Outcome.of(stack, "/unsafe/rs:fit:50:50/plain/\(stack.origin.url(path))") } }
        #expect(stack.waitForOrigin(Array(paths.prefix(2))))
        let workers = stack.workerPIDs
        let stopped = try #require(stack.terminateImgforge(timeout: 15))
        let outcomes = requests.compactMap { $0.wait() }
        #expect(outcomes.count == 6 && outcomes.allSatisfy { $0.status == 200 }, "\(outcomes.map(\.status))")
        #expect(stopped.status == 0)
        #expect(workers.count == 2 && workers.allSatisfy { kill($0, 0) != 0 }, "every worker has exited")
        #expect(!FileManager.default.fileExists(atPath: stack.socketPath))
    }
}
