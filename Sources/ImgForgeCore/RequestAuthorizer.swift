/// Decides whether a processing path may be served: signature and `unsafe`.
public struct RequestAuthorizer: Sendable {
    public var allowUnsigned: Bool

    public init(allowUnsigned: Bool) {
        self.allowUnsigned = allowUnsigned
    }

    public func authorize(_ path: ProcessingPath) throws {
        if path.signature == "unsafe" {
            guard allowUnsigned else {
                throw ServiceError(.forbidden, "forbidden: unsigned URLs are not allowed")
            }
            return
        }
        throw ServiceError(.forbidden, "forbidden: invalid signature")
    }
}
