/// An error that ends a request with a definite answer for the client.
///
/// Every stage (parsing, fetching, processing) throws this type so that the
/// server can map failures to a status without knowing where they came from.
public struct ServiceError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Malformed URL or option, or a source over a limit.
        case badRequest
        /// Signature or bearer failure, or a source that is not allowed.
        case forbidden
        /// Unknown route, expired URL, or source not found.
        case notFound
        /// A source that cannot be decoded.
        case unprocessable
        /// Over the rate limit or the queue.
        case tooManyRequests
        /// The origin failed.
        case badGateway
        /// The request ran past `IMGFORGE_TIMEOUT`.
        case timedOut
        /// The source download timed out.
        case gatewayTimeout
        /// A bug.
        case internalError
    }

    public var kind: Kind
    /// A short, client-facing reason that names the problem.
    public var message: String
    /// More than the client may be told (an origin's connection error, say), for the log only.
    public var detail: String?

    public init(_ kind: Kind, _ message: String, detail: String? = nil) {
        self.kind = kind
        self.message = message
        self.detail = detail
    }

    public var status: Int {
        switch kind {
        case .badRequest: 400
        case .forbidden: 403
        case .notFound: 404
        case .unprocessable: 422
        case .tooManyRequests: 429
        case .badGateway: 502
        case .timedOut: 503
        case .gatewayTimeout: 504
        case .internalError: 500
        }
    }

    public var description: String { "\(status) \(message)" }
}
