import CFastCGI
import Foundation
import ImgForgeCache
import ImgForgeCore
import ImgForgeFetch
import Logging

/// The FastCGI responder: a fixed set of threads, each accepting and
/// answering requests one at a time, until SIGTERM or SIGINT.
public final class FastCGIServer: Sendable {
    private let configuration: Configuration
    private let handler: RequestHandler
    private let logger: Logger
    private let version: String

    private let janitor: CacheJanitor?

    public init(configuration: Configuration, logger: Logger, version: String) throws {
        self.configuration = configuration
        self.logger = logger
        self.version = version
        let cache = try CacheSetup.make(configuration, version: version)
        handler = try RequestHandler(configuration: configuration, cache: cache, logger: logger)
        janitor = cache.map { cache in
            CacheJanitor(cache: cache, interval: 60) { report in
                logger.info("cache pruned", metadata: ["report": "\(report)"])
            }
        }
    }

    /// Serves until a stop signal; in-flight requests finish first.
    public func run() throws {
        ShutdownSignals.block()
        guard FCGX_Init() == 0 else { throw SocketError("FastCGI library failed to initialise") }
        let socket = try ListeningSocket.inherited() ?? ListeningSocket.bind(configuration.server.bind)
        let threadCount = configuration.server.workers
        logger.info("imgforge \(version) listening", metadata: ["on": "\(socket.description)", "threads": "\(threadCount)"])

        let finished = DispatchGroup()
        let fetchSettings = FetchSettings(configuration, version: version)
        for index in 0..<threadCount {
            finished.enter()
            let thread = Thread { [handler, logger] in
                let fetcher = SourceFetcher(settings: fetchSettings) { report in
                    logger.debug("fetched", metadata: ["source": "\(report.source)", "outcome": "\(report.label)", "seconds": "\(report.seconds)"])
                }
                Self.respond(on: socket.descriptor, handler: handler, fetcher: fetcher, logger: logger)
                finished.leave()
            }
            thread.name = "responder-\(index)"
            thread.stackSize = 8 << 20
            thread.start()
        }

        janitor?.start()
        let signal = ShutdownSignals.wait()
        janitor?.stop()
        let started = ContinuousClock.now
        logger.info("stopping", metadata: ["signal": "\(signal)"])
        socket.stopAccepting()
        finished.wait()
        socket.close()
        logger.info("stopped", metadata: ["after": "\(ContinuousClock.now - started)"])
    }

    private static func respond(on descriptor: Int32, handler: RequestHandler, fetcher: SourceFetcher, logger: Logger) {
        let connection = FastCGIConnection(listeningDescriptor: descriptor)
        while connection.accept() {
            let request = Request(
                method: connection.parameter("REQUEST_METHOD") ?? "GET",
                uri: connection.parameter("REQUEST_URI") ?? "/",
                id: connection.parameter("REQUEST_ID"),
                authorization: connection.parameter("HTTP_AUTHORIZATION"),
                accept: connection.parameter("HTTP_ACCEPT"),
                variant: connection.parameter("IMGFORGE_VARIANT")
            )
            let response = handler.handle(request, fetcher: fetcher)
            logger.debug("request", metadata: ["uri": "\(request.uri)", "status": "\(response.status)"])
            connection.send(response, requestID: request.id ?? RequestID.make(), includeBody: request.method != "HEAD")
            connection.finish()
        }
    }
}

/// Random request ids when nginx did not assign one.
enum RequestID {
    static func make() -> String {
        (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max)) }.joined()
    }
}
