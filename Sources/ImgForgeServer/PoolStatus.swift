import Foundation
import ImgForgeCore
import Synchronization

/// The supervisor's view of its pool, as `/status` reports it.
struct PoolView: Sendable, Equatable {
    /// Worker processes the pool should have.
    var configured = 0
    /// Worker processes running now.
    var alive = 0
    /// Workers replaced after dying or retiring, since the start.
    var restarts = 0
}

/// Answers `/status` and `/metrics` from the supervisor, on a socket of its own, so that the
/// answer comes even while every worker is busy (or dead): workers alive, image operations
/// running, restarts. One thread; nothing it does waits on a worker.
final class PoolStatus: @unchecked Sendable {
    private let socket: ListeningSocket
    private let scoreboard: Scoreboard
    private let metrics: MetricsPage
    private let authorizer: RequestAuthorizer
    private let view = Mutex(PoolView())
    private let thread = ServingThread()

    init(socket: ListeningSocket, scoreboard: Scoreboard, metrics: MetricsPage, security: SecuritySettings) {
        self.socket = socket
        self.scoreboard = scoreboard
        self.metrics = metrics
        authorizer = RequestAuthorizer(security: security)
        socket.makeNonBlocking()
    }

    var address: String { socket.description }

    func publish(_ pool: PoolView) {
        view.withLock { $0 = pool }
    }

    /// The JSON `/status` answers with: 200 while at least one worker runs, else 503.
    func response() -> Response {
        let pool = view.withLock { $0 }
        let busy = (0..<scoreboard.slotCount).count(where: { scoreboard.get($0) != nil })
        let state = pool.alive > 0 ? "ok" : "no workers"
        let body = #"{"status":"\#(state)","workers":{"configured":\#(pool.configured),"alive":\#(pool.alive),"# +
            #""busy":\#(busy)},"restarts":\#(pool.restarts)}"#
        return .json(pool.alive > 0 ? 200 : 503, body)
    }

    private func answer(_ connection: FastCGIConnection) -> Response {
        switch try? Route(requestURI: connection.parameter("REQUEST_URI") ?? "/") {
        case .status:
            return response()
        case .metrics:
            do {
                try authorizer.checkBearer(connection.parameter("HTTP_AUTHORIZATION"))
            } catch let error as ServiceError {
                return .error(error)
            } catch {
                return .text(500, "internal error")
            }
            return Response(status: 200, headers: [("Content-Type", MetricsPage.contentType), ("Cache-Control", "no-store")],
                            body: Array(metrics.render().utf8))
        default:
            return .text(404, "not found: the status socket answers /status and /metrics only")
        }
    }

    func start() {
        thread.start(name: "status") { [self] in
            let connection = FastCGIConnection()
            var waiter = ListeningSocket.Waiter(listening: socket.descriptor, timeout: 3)
            while !thread.isStopped {
                guard case .connection(let descriptor, _) = waiter.next(wait: 0.25), connection.begin(on: descriptor) else { continue }
                let method = connection.parameter("REQUEST_METHOD") ?? "GET"
                let response = Response.refusing(method: method) ?? answer(connection)
                connection.send(response, requestID: connection.parameter("REQUEST_ID") ?? RequestID.make(), includeBody: method != "HEAD")
                connection.finish()
            }
        }
    }

    func stop() {
        thread.stop()
        socket.close()
    }
}
