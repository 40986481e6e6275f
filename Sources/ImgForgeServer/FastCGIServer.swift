import Foundation
import ImgForgeCache
import ImgForgeCore
import ImgForgeFetch
import ImgForgeProcessing
import Logging
import Synchronization

/// One worker process of the pool: a few responder threads accepting on the listening socket
/// it inherited on fd 0, each answering one request at a time. It retires itself (finishes what
/// it has, then exits) after `IMGFORGE_WORKER_MAX_REQUESTS` requests, past
/// `IMGFORGE_WORKER_MAX_MEMORY`, or on SIGTERM; the supervisor starts its replacement.
public final class FastCGIServer: Sendable {
    /// How long an accepted connection may take to send its request.
    static let readTimeout = 3.0

    private let configuration: Configuration
    private let handler: RequestHandler
    private let logger: Logger
    private let version: String
    private let index: Int
    private let retiring = Atomic<Bool>(false)
    /// Set when the whole pool stops: then what waits on the socket is served before exiting.
    private let draining = Atomic<Bool>(false)
    private let served = Atomic<Int>(0)

    public init(configuration: Configuration, index: Int, logger: Logger, version: String) throws {
        self.configuration = configuration
        self.logger = logger
        self.version = version
        self.index = index
        let cache = try CacheSetup.make(configuration, version: version)
        handler = try RequestHandler(configuration: configuration, cache: cache, logger: logger)
    }

    /// Serves until retired; in-flight requests finish first.
    public func run() throws {
        ShutdownSignals.block()
        try FastCGIConnection.startLibrary()
        let listening = ListeningSocket.workerDescriptor
        let threads = configuration.server.workerThreads
        logger.info("worker started", metadata: ["worker": "\(index)", "pid": "\(getpid())", "threads": "\(threads)",
                                                 "simd": "\(Vips.isVectorised ? "on" : "off")"])
        let scoreboard = try? Scoreboard(descriptor: Scoreboard.workerDescriptor, slotCount: configuration.server.workerProcesses * threads)
        let finished = DispatchGroup()
        let fetchSettings = FetchSettings(configuration, version: version)
        for thread in 0..<threads {
            finished.enter()
            let slot = index * threads + thread
            let responder = Thread { [self] in
                let fetcher = SourceFetcher(settings: fetchSettings) { [logger] report in
                    logger.debug("fetched", metadata: ["source": "\(report.source)", "outcome": "\(report.label)", "seconds": "\(report.seconds)"])
                }
                respond(on: listening, fetcher: fetcher, scoreboard: scoreboard, slot: slot)
                finished.leave()
            }
            responder.name = "responder-\(thread)"
            responder.stackSize = 8 << 20
            responder.start()
        }
        // SIGTERM (the pool stops, or the supervisor went away) drains; the retire signal only retires.
        // The supervisor may itself be pid 1 in a container, and may have died before this worker
        // got here: compare with the pid it wrote in the scoreboard before starting any worker.
        let supervisor = scoreboard?.supervisor ?? getppid()
        let watcher = Thread { [self] in
            while !retiring.load(ordering: .relaxed) {
                let signal = ShutdownSignals.wait(timeout: 0.25)
                if signal == SIGTERM || getppid() != supervisor {
                    draining.store(true, ordering: .relaxed)
                    retire("stop signal")
                } else if signal == ShutdownSignals.retire {
                    retire("replaced")
                }
            }
        }
        watcher.start()
        finished.wait()
        retiring.store(true, ordering: .relaxed)
        logger.debug("worker stopped", metadata: ["worker": "\(index)", "served": "\(served.load(ordering: .relaxed))"])
    }

    private func retire(_ reason: String) {
        if !retiring.exchange(true, ordering: .relaxed) {
            logger.info("worker retiring", metadata: ["worker": "\(index)", "reason": "\(reason)", "served": "\(served.load(ordering: .relaxed))"])
        }
    }

    private func respond(on listening: Int32, fetcher: SourceFetcher, scoreboard: Scoreboard?, slot: Int) {
        let connection = FastCGIConnection()
        var waiter = ListeningSocket.Waiter(listening: listening, timeout: Self.readTimeout)
        var failures = 0
        while true {
            // A retiring worker serves the connections it has accepted; when the whole pool stops it
            // also takes what waits in the backlog, so nothing queued is lost. Otherwise its siblings do.
            let isRetiring = retiring.load(ordering: .relaxed)
            let accepting = !isRetiring || draining.load(ordering: .relaxed)
            switch waiter.next(wait: isRetiring ? 0.02 : 0.25, accepting: accepting) {
            case .idle:
                // Accepted connections still to send their request are served, or expire, first.
                if isRetiring && waiter.isEmpty { return }
                continue
            case .failed(let error):
                // Out of descriptors and the like: back off and try again, never give up.
                failures += 1
                logger.warning("accept failed", metadata: ["error": "\(error)", "retry_in_ms": "\(min(1000, 10 << min(failures, 7)))"])
                usleep(UInt32(min(1000, 10 << min(failures, 7)) * 1000))
                continue
            case .connection(let descriptor, let arrived):
                failures = 0
                // A peer that sends nothing in time has had its connection closed by libfcgi.
                guard connection.begin(on: descriptor) else { continue }
                let request = Request(
                    method: connection.parameter("REQUEST_METHOD") ?? "GET",
                    uri: connection.parameter("REQUEST_URI") ?? "/",
                    id: connection.parameter("REQUEST_ID"),
                    authorization: connection.parameter("HTTP_AUTHORIZATION"),
                    accept: connection.parameter("HTTP_ACCEPT"),
                    variant: connection.parameter("IMGFORGE_VARIANT"),
                    fingerprint: connection.parameter("IMGFORGE_FINGERPRINT"),
                    deadline: .after(seconds: configuration.server.timeout, from: arrived)
                )
                let id = request.id ?? RequestID.make()
                scoreboard?.set(slot, "\(id) \(request.method) \(request.loggedURI)", since: arrived)
                logger.debug("serving", metadata: ["id": "\(id)", "uri": "\(request.loggedURI)", "pid": "\(getpid())"])
                let response = handler.handle(request, fetcher: fetcher)
                logger.debug("request", metadata: ["id": "\(id)", "uri": "\(request.loggedURI)", "status": "\(response.status)", "worker": "\(index)"])
                connection.send(response, requestID: id, includeBody: request.method != "HEAD")
                connection.finish()
                scoreboard?.set(slot, nil)
                if let cache = handler.cache { scoreboard?.setWritten(slot, cache.written) }
                checkRetirement(served: served.add(1, ordering: .relaxed).newValue)
            }
        }
    }

    private func checkRetirement(served: Int) {
        let server = configuration.server
        if server.workerMaxRequests > 0 && served >= server.workerMaxRequests {
            retire("served \(served) requests (IMGFORGE_WORKER_MAX_REQUESTS)")
        } else if server.workerMaxMemory > 0, let resident = ProcessMemory.residentBytes(), resident > server.workerMaxMemory {
            retire("resident memory \(resident) bytes (IMGFORGE_WORKER_MAX_MEMORY)")
        }
    }
}

/// Random request ids when nginx did not assign one.
enum RequestID {
    static func make() -> String {
        (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max)) }.joined()
    }
}

/// Resident memory from /proc.
enum ProcessMemory {
    static func residentBytes(pid: pid_t? = nil) -> Int? {
        let path = pid.map { "/proc/\($0)/statm" } ?? "/proc/self/statm"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
