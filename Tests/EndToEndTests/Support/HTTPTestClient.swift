import Foundation

/// A response as the client saw it.
struct HTTPResponse: Sendable {
    var status: Int
    /// Header names lower-cased.
    var headers: [String: String]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A minimal HTTP/1.1 client over a raw socket, so that the exact request
/// target reaches nginx (no normalisation of `//`, `%2F` or `..`).
enum HTTPTestClient {
    static func get(port: Int, _ target: String, method: String = "GET", headers: [String: String] = [:], timeout: Double = 30) throws -> HTTPResponse {
        guard let fd = Sockets.connectLoopback(port: port) else {
            throw TestFailure("cannot connect to 127.0.0.1:\(port)")
        }
        defer { close(fd) }
        Sockets.setTimeout(fd, seconds: timeout)
        var request = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        guard Sockets.sendAll(fd, Array(request.utf8)) else { throw TestFailure("send failed") }
        return try parse(Sockets.readAll(fd), headOnly: method == "HEAD")
    }

    static func parse(_ raw: [UInt8], headOnly: Bool) throws -> HTTPResponse {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let headEnd = raw.firstRange(of: separator) else {
            throw TestFailure("incomplete response (\(raw.count) bytes)")
        }
        let head = String(decoding: raw[..<headEnd.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw TestFailure("bad status line: \(head[0])")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        }
        var body = Array(raw[headEnd.upperBound...])
        if headOnly { body = [] }
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = try dechunk(body) }
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ data: [UInt8]) throws -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < data.count {
            guard let lineEnd = data[index...].firstRange(of: Array("\r\n".utf8)) else { break }
            let sizeText = String(decoding: data[index..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";")[0]
            guard let size = Int(sizeText, radix: 16) else { throw TestFailure("bad chunk size") }
            if size == 0 { break }
            let start = lineEnd.upperBound
            guard start + size <= data.count else { throw TestFailure("truncated chunk") }
            output.append(contentsOf: data[start..<start + size])
            index = start + size + 2
        }
        return output
    }
}
