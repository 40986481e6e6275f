import ImgForgeCore

/// The parts of an incoming request that the service looks at.
public struct Request: Sendable {
    public var method: String
    /// The raw, undecoded request URI as the client sent it.
    public var uri: String
    /// The URI as logs show it: one line whatever it holds.
    public var loggedURI: String { uri.escapingControlCharacters }
    /// The URI without its signature (`/<signature>/rs:fit:300:200/plain/…` → `/rs:fit:300:200/plain/…`,
    /// `/info/<signature>/…` → `/info/…`): what a request line logs, since a signature in a log
    /// is a working URL for anyone who reads it.
    public var unsignedPath: String {
        let path = uri.prefix { $0 != "?" }
        let prefix = path.hasPrefix("/info/") ? "/info" : ""
        let rest = path.dropFirst(prefix.count)
        guard rest.hasPrefix("/"), let slash = rest.dropFirst().firstIndex(of: "/") else { return String(path) }
        return prefix + rest[slash...]
    }
    /// Request id assigned by nginx, if any.
    public var id: String?
    /// The `Authorization` header, if any.
    public var authorization: String?
    /// The `Accept` header, for format negotiation.
    public var accept: String?
    /// The format variant nginx negotiated from `Accept` ("", "a" or "w"); nil when not behind
    /// imgforge's own nginx configuration, in which case nothing is cached.
    public var variant: String?
    /// The settings fingerprint nginx's configuration was rendered with (`IMGFORGE_FINGERPRINT`):
    /// results are stored only when it is this process's own.
    public var fingerprint: String?
    /// When the whole request must be answered by (`IMGFORGE_TIMEOUT` from its arrival).
    public var deadline: Deadline?
    /// When nginx passed the request on (`IMGFORGE_QUEUED_AT`, its `$msec`: seconds since 1970).
    public var queuedAt: Double?

    public init(method: String, uri: String, id: String? = nil, authorization: String? = nil, accept: String? = nil, variant: String? = nil, fingerprint: String? = nil,
                deadline: Deadline? = nil, queuedAt: Double? = nil) {
        self.queuedAt = queuedAt
        self.fingerprint = fingerprint
        self.deadline = deadline
        self.accept = accept
        self.variant = variant
        self.method = method
        self.uri = uri
        self.id = id
        self.authorization = authorization
    }
}
