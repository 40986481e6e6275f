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

/// Answers `/status` from the supervisor, on a socket of its own, so that the answer comes even
/// while every worker is busy (or dead): workers alive, image operations running, restarts.
/// One thread; nothing it does waits on a worker.
final class PoolStatus: @unchecked Sendable {
    private let socket: ListeningSocket
    private let scoreboard: Scoreboard
    private let view = Mutex(PoolView())
    private let stopped = Atomic(false)
    private let finished = DispatchSemaphore(value: 0)

    init(socket: ListeningSocket, scoreboard: Scoreboard) {
        self.socket = socket
        self.scoreboard = scoreboard
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

    func start() {
        let thread = Thread { [self] in
            serve()
            finished.signal()
        }
        thread.name = "status"
        thread.start()
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
        finished.wait()
        socket.close()
    }

    private func serve() {
        let connection = FastCGIConnection()
        var waiter = ListeningSocket.Waiter(listening: socket.descriptor, timeout: 3)
        while !stopped.load(ordering: .relaxed) {
            guard case .connection(let descriptor, _) = waiter.next(wait: 0.25) else { continue }
            guard connection.begin(on: descriptor) else { continue }
            let method = connection.parameter("REQUEST_METHOD") ?? "GET"
            let isStatus = (try? Route(requestURI: connection.parameter("REQUEST_URI") ?? "/")) == .status
            let response = Response.refusing(method: method)
                ?? (isStatus ? self.response() : .text(404, "not found: the status socket answers /status only"))
            connection.send(response, requestID: connection.parameter("REQUEST_ID") ?? RequestID.make(), includeBody: method != "HEAD")
            connection.finish()
        }
    }
}
