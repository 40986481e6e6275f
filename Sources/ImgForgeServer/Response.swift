import ImgForgeCore

/// A complete answer: status, headers and body.
public struct Response: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Work that must follow the answer, on the same thread, once it is out: putting a stored
    /// result in place, say, which waits on the disk. The server runs it.
    public var afterAnswer: (@Sendable () -> Void)?

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], afterAnswer: (@Sendable () -> Void)? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.afterAnswer = afterAnswer
    }

    /// A short text answer for errors: never cached for long.
    public static func text(_ status: Int, _ message: String) -> Response {
        Response(
            status: status,
            headers: [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")],
            body: Array((message.escapingControlCharacters + "\n").utf8)
        )
    }

    public static func json(_ status: Int, _ json: String) -> Response {
        Response(
            status: status,
            headers: [("Content-Type", "application/json"), ("Cache-Control", "no-store")],
            body: Array(json.utf8)
        )
    }

    /// The 405 for a method other than GET and HEAD, or nil when the method is served.
    public static func refusing(method: String) -> Response? {
        method == "GET" || method == "HEAD" ? nil : .text(405, "method not allowed: \(method)")
    }

    /// Hands the request back to nginx, which serves the cached file with its own headers.
    public static func internalRedirect(_ uri: String) -> Response {
        Response(status: 200, headers: [("X-Accel-Redirect", uri)])
    }

    public static func error(_ error: ServiceError) -> Response {
        text(error.status, error.message)
    }

    /// The CGI-style header block that FastCGI responders send before the body.
    func headerBlock(requestID: String) -> String {
        var lines = ["Status: \(status) \(Self.reasonPhrase(status))"]
        for header in headers { lines.append("\(header.name): \(header.value)") }
        lines.append("Content-Length: \(body.count)")
        lines.append("X-Request-ID: \(requestID)")
        // Every answer: a browser must never guess a type other than the one given.
        lines.append("X-Content-Type-Options: nosniff")
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 422: "Unprocessable Entity"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Unknown"
        }
    }
}
