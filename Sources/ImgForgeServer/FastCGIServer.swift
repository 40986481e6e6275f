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
    /// What every responder thread serves, as the supervisor sees it.
    private let scoreboard: Scoreboard?
    private let metrics: PoolMetrics
    /// Where request lines go (`imgforge.request`, so `IMGFORGE_LOG_LEVEL` can set them apart).
    private let requestLogger: Logger

    public init(configuration: Configuration, index: Int, logger: Logger, version: String) throws {
        self.configuration = configuration
        self.logger = logger
        self.version = version
        self.index = index
        let server = configuration.server
        ProcessMemory.limitAllocatorArenas(to: server.workerThreads)
        // Handed over by the supervisor on fixed descriptors; a worker started by hand has neither.
        scoreboard = try? Scoreboard(descriptor: Scoreboard.workerDescriptor, slotCount: server.workerProcesses * server.workerThreads)
        let board = try? MetricsBoard(descriptor: MetricsBoard.workerDescriptor, workers: server.workerProcesses)
        metrics = PoolMetrics(factory: board.map { BoardMetricsFactory(board: $0, region: MetricsBoard.region(ofWorker: index)) })
        var requestLogger = Logger(label: "imgforge.request")
        requestLogger[metadataKey: "worker"] = "\(index)"
        self.requestLogger = requestLogger
        var render: (@Sendable () -> String)?
        if let board, let scoreboard {
            let page = MetricsPage(board: board, scoreboard: scoreboard, listening: ListeningSocket.workerDescriptor, server: server, version: version)
            render = { page.render() }
        }
        let cache = try CacheSetup.make(configuration, version: version)
        handler = try RequestHandler(configuration: configuration, cache: cache, logger: logger, metricsPage: render)
    }

    /// Serves until retired; in-flight requests finish first.
    public func run() throws {
        ShutdownSignals.block()
        try FastCGIConnection.startLibrary()
        let listening = ListeningSocket.workerDescriptor
        let threads = configuration.server.workerThreads
        logger.info("worker started", metadata: ["worker": "\(index)", "pid": "\(getpid())", "threads": "\(threads)",
                                                 "simd": "\(Vips.isVectorised ? "on" : "off")"])
        metrics.memory(resident: ProcessMemory.residentBytes())
        let finished = DispatchGroup()
        let fetchSettings = FetchSettings(configuration, version: version)
        for thread in 0..<threads {
            finished.enter()
            let slot = index * threads + thread
            let responder = Thread { [self] in
                let fetchLogger = Logger(label: "imgforge.fetch")
                let fetcher = SourceFetcher(settings: fetchSettings) { [metrics] report in
                    metrics.fetched(report)
                    fetchLogger.debug("fetched", metadata: ["source": "\(report.source)", "outcome": "\(report.label)", "seconds": "\(report.seconds)"])
                }
                respond(on: listening, fetcher: fetcher, slot: slot)
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

    private func respond(on listening: Int32, fetcher: SourceFetcher, slot: Int) {
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
                serve(descriptor, arrived: arrived, connection: connection, fetcher: fetcher, slot: slot)
            }
        }
    }

    /// One request from its connection to its answer; then its log line and its counts, which go
    /// out before the answer does (whoever reads the log or the metrics after receiving it finds it).
    private func serve(_ descriptor: Int32, arrived: UInt64, connection: FastCGIConnection, fetcher: SourceFetcher, slot: Int) {
        let accepted = Date()
        // A peer that sends nothing in time has had its connection closed by libfcgi.
        guard connection.begin(on: descriptor) else { return }
        // Every parameter is read here, once: they are gone after `finish()`.
        let request = Request(
            method: connection.parameter("REQUEST_METHOD") ?? "GET",
            uri: connection.parameter("REQUEST_URI") ?? "/",
            id: connection.parameter("REQUEST_ID"),
            authorization: connection.parameter("HTTP_AUTHORIZATION"),
            accept: connection.parameter("HTTP_ACCEPT"),
            variant: connection.parameter("IMGFORGE_VARIANT"),
            fingerprint: connection.parameter("IMGFORGE_FINGERPRINT"),
            deadline: .after(seconds: configuration.server.timeout, from: arrived),
            queuedAt: connection.parameter("IMGFORGE_QUEUED_AT").flatMap(Double.init)
        )
        let id = request.id ?? RequestID.make()
        scoreboard?.set(slot, "\(id) \(request.method) \(request.loggedURI)", since: arrived)
        var requestLogger = requestLogger
        requestLogger[metadataKey: "request_id"] = "\(id)"
        requestLogger.debug("serving", metadata: ["uri": "\(request.uri)", "pid": "\(getpid())"])
        // The time it waited for a worker ends at the accept.
        let queued = request.queuedAt.map { max(0, accepted.timeIntervalSince1970 - $0) }
        let trace = RequestTrace()
        let response = handler.handle(request, fetcher: fetcher, trace: trace, logger: requestLogger)
        let seconds = Double(Deadline.now - arrived) / 1e9
        requestLogger.info("request", metadata: RequestLine(request: request, response: response, trace: trace, seconds: seconds,
                                                             queueSeconds: queued).metadata)
        metrics.answered(status: response.status, seconds: seconds, trace: trace)
        connection.send(response, requestID: id, includeBody: request.method != "HEAD")
        connection.finish()
        response.afterAnswer?()
        scoreboard?.set(slot, nil)
        if let cache = handler.cache { scoreboard?.setWritten(slot, cache.written) }
        let resident = ProcessMemory.residentBytes()
        metrics.memory(resident: resident)
        checkRetirement(served: served.add(1, ordering: .relaxed).newValue, resident: resident)
    }

    private func checkRetirement(served: Int, resident: Int?) {
        let server = configuration.server
        if server.workerMaxRequests > 0 && served >= server.workerMaxRequests {
            retire("served \(served) requests (IMGFORGE_WORKER_MAX_REQUESTS)")
        } else if server.workerMaxMemory > 0, let resident, resident > server.workerMaxMemory {
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
