import Foundation

/// `IMGFORGE_PROMETHEUS_BIND`: a small HTTP/1.1 listener of the supervisor's own that answers
/// `GET /metrics` (and nothing else) for a scraper that cannot go through nginx. One thread,
/// one connection at a time, closed after each answer; a request must arrive whole within
/// 2 seconds and 8 KiB. Bind it to an address only the scraper reaches: it asks for no secret.
final class MetricsListener: @unchecked Sendable {
    private let socket: ListeningSocket
    private let page: MetricsPage
    private let thread = ServingThread()

    init(socket: ListeningSocket, page: MetricsPage) {
        self.socket = socket
        self.page = page
        socket.makeNonBlocking()
    }

    var address: String { socket.description }

    func start() {
        thread.start(name: "metrics") { [self] in
            var waiter = ListeningSocket.Waiter(listening: socket.descriptor, timeout: 2)
            while !thread.isStopped {
                guard case .connection(let descriptor, _) = waiter.next(wait: 0.25) else { continue }
                Self.send(respond(to: Self.readHead(descriptor)), to: descriptor)
                close(descriptor)
            }
        }
    }

    func stop() {
        thread.stop()
        socket.close()
    }

    private static func send(_ answer: [UInt8], to descriptor: Int32) {
        var offset = 0
        while offset < answer.count {
            let sent = answer[offset...].withUnsafeBytes { Foundation.send(descriptor, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return }
            offset += sent
        }
    }

    /// The request line and headers, or nil when they do not come whole in time.
    private static func readHead(_ descriptor: Int32) -> String? {
        var head = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 2048)
        while head.count < 8192 {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            head += buffer[0..<count]
            if let text = String(bytes: head, encoding: .isoLatin1), text.contains("\r\n\r\n") || text.contains("\n\n") { return text }
        }
        return nil
    }

    private func respond(to head: String?) -> [UInt8] {
        let words = head?.split(whereSeparator: \.isNewline).first?.split(separator: " ") ?? []
        guard words.count == 3, words[2].hasPrefix("HTTP/1.") else { return Self.http(400, "text/plain", "bad request\n") }
        guard words[0] == "GET" || words[0] == "HEAD" else { return Self.http(405, "text/plain", "method not allowed\n") }
        guard words[1].prefix(while: { $0 != "?" }) == "/metrics" else {
            return Self.http(404, "text/plain", "not found: this listener answers /metrics only\n")
        }
        return Self.http(200, MetricsPage.contentType, page.render(), includeBody: words[0] == "GET")
    }

    private static func http(_ status: Int, _ type: String, _ body: String, includeBody: Bool = true) -> [UInt8] {
        let bytes = Array(body.utf8)
        let head = "HTTP/1.1 \(status) \(Response.reasonPhrase(status))\r\nContent-Type: \(type)\r\nContent-Length: \(bytes.count)\r\n"
            + "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + (includeBody ? bytes : [])
    }
}
