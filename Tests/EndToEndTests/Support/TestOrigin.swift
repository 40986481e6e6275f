import Foundation
import Synchronization

/// What the test origin does when a path is requested.
enum OriginBehaviour: Sendable {
    /// A complete, honest response.
    case respond(status: Int, contentType: String, body: [UInt8])
    /// Anything else (slow drips, lies, resets): the handler owns the connection.
    case custom(@Sendable (OriginConnection) -> Void)

    static func image(_ bytes: [UInt8], contentType: String) -> OriginBehaviour {
        .respond(status: 200, contentType: contentType, body: bytes)
    }
}

/// One accepted connection, handed to custom behaviours.
struct OriginConnection: Sendable {
    let fd: Int32
    /// The raw request target, query included.
    let target: String
    /// The request line and headers as received.
    let head: String

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool { Sockets.sendAll(fd, bytes) }

    /// Makes the coming close send a TCP reset instead of a clean end.
    func resetOnClose() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
    }

    @discardableResult
    func sendHead(status: Int, headers: [(String, String)]) -> Bool {
        var head = "HTTP/1.1 \(status) Status\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        return send(Array((head + "\r\n").utf8))
    }
}

/// An HTTP origin on 127.0.0.1 that the tests script path by path.
final class TestOrigin: Sendable {
    let port: Int
    private let listener: Int32
    private let routes = Mutex<[String: OriginBehaviour]>([:])
    private let requestLog = Mutex<[String]>([])
    private let stopped = DispatchSemaphore(value: 0)

    init() throws {
        (listener, port) = try Sockets.listenLoopback()
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "test-origin"
        thread.start()
    }

    /// `http://127.0.0.1:<port><path>`
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func serve(_ path: String, _ behaviour: OriginBehaviour) {
        routes.withLock { $0[path] = behaviour }
    }

    /// Request targets received so far, in order.
    var requests: [String] { requestLog.withLock { $0 } }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        stopped.wait()
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                break
            }
            let thread = Thread { [self] in handle(client) }
            thread.start()
        }
        stopped.signal()
    }

    private func handle(_ fd: Int32) {
        defer { close(fd) }
        Sockets.setTimeout(fd, seconds: 30)
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while head.count < 65536, recv(fd, &byte, 1, 0) == 1 {
            head.append(byte)
            if head.count >= 4 && head.suffix(4).elementsEqual("\r\n\r\n".utf8) { break }
        }
        let requestLine = String(decoding: head, as: UTF8.self).prefix { $0 != "\r" }.split(separator: " ")
        guard requestLine.count >= 2 else { return }
        let target = String(requestLine[1])
        requestLog.withLock { $0.append(target) }
        let path = String(target.prefix { $0 != "?" })
        let connection = OriginConnection(fd: fd, target: target, head: String(decoding: head, as: UTF8.self))
        switch routes.withLock({ $0[path] }) {
        case .respond(let status, let contentType, let body):
            connection.sendHead(status: status, headers: [("Content-Type", contentType), ("Content-Length", "\(body.count)")])
            connection.send(body)
        case .custom(let handler):
            handler(connection)
        case nil:
            let body = Array("no such fixture\n".utf8)
            connection.sendHead(status: 404, headers: [("Content-Type", "text/plain"), ("Content-Length", "\(body.count)")])
            connection.send(body)
        }
    }
}
