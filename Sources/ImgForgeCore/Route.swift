/// What a request asks for, decided from the raw request URI alone.
public enum Route: Equatable, Sendable {
    case status
    case metrics
    case info(ProcessingPath)
    case image(ProcessingPath)

    /// Routes a raw `REQUEST_URI`; the query string plays no part.
    public init(requestURI: String, presetsOnly: Bool = false) throws {
        let path = requestURI.prefix { $0 != "?" && $0 != "#" }
        switch path {
        case "/status", "/health":
            self = .status
        case "/metrics":
            self = .metrics
        default:
            // nginx routes on the URI with `.` and `..` resolved, imgforge on the raw one: a path with
            // dot segments would mean different things to the two, so it means nothing.
            if path.split(separator: "/", omittingEmptySubsequences: false).contains(where: \.isDotSegment) {
                throw ServiceError(.badRequest, "invalid path: dot segments (/./ or /../) are not allowed")
            }
            // A single segment (`/favicon.ico`, `/`) is no image URL at all.
            guard path.dropFirst().contains("/") else {
                throw ServiceError(.notFound, "not found: \(path.isEmpty ? "/" : String(path))")
            }
            if path.hasPrefix("/info/") {
                self = .info(try ProcessingPath(path: String(path.dropFirst("/info".count)), presetsOnly: presetsOnly))
            } else {
                self = .image(try ProcessingPath(path: String(path), presetsOnly: presetsOnly))
            }
        }
    }
}

extension StringProtocol {
    /// A path segment `.` or `..`, also percent-encoded (`%2e`, `%2E%2e`): what resolvers remove.
    public var isDotSegment: Bool {
        let decoded = lowercased().replacingOccurrences(of: "%2e", with: ".")
        return decoded == "." || decoded == ".."
    }
}
