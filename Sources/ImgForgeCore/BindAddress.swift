/// Where the FastCGI responder listens when it is not handed a socket on fd 0.
public enum BindAddress: Equatable, Sendable, CustomStringConvertible {
    case unix(path: String)
    case tcp(host: String, port: Int)

    /// Parses `unix:/path` or `host:port` (`:port` listens on all interfaces).
    public init?(_ text: String) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst("unix:".count))
            guard path.hasPrefix("/") else { return nil }
            self = .unix(path: path)
            return
        }
        guard let colon = text.lastIndex(of: ":"),
              let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self = .tcp(host: host, port: port)
    }

    public var isUnix: Bool {
        if case .unix = self { return true }
        return false
    }

    /// The default status socket beside a unix socket: `imgforge.sock` → `imgforge-status.sock`.
    /// A TCP address has none (no port is taken unasked).
    public var statusSibling: BindAddress? {
        guard case .unix(let path) = self else { return nil }
        let stem = path.hasSuffix(".sock") ? String(path.dropLast(".sock".count)) : path
        return .unix(path: stem + "-status.sock")
    }

    public var description: String {
        switch self {
        case .unix(let path): "unix:\(path)"
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }
}
