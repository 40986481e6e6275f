/// Decides whether a request may be served: bearer secret, then the URL signature.
public struct RequestAuthorizer: Sendable {
    public let security: SecuritySettings

    public init(security: SecuritySettings) {
        self.security = security
    }

    /// `IMGFORGE_SECRET`: image, info and metrics requests carry `Authorization: Bearer <secret>`.
    public func checkBearer(_ authorization: String?) throws {
        guard let secret = security.secret else { return }
        guard let authorization, authorization.hasPrefix("Bearer "),
              constantTimeEqual(String(authorization.dropFirst("Bearer ".count)), secret)
        else {
            throw ServiceError(.forbidden, "forbidden: missing or wrong Authorization bearer secret")
        }
    }

    /// The signature segment must sign the rest of the path, or be `unsafe` where that is allowed.
    public func checkSignature(_ path: ProcessingPath) throws {
        if path.signature == "unsafe" {
            guard security.allowUnsigned else {
                throw ServiceError(.forbidden, "forbidden: unsigned URLs are not allowed")
            }
            return
        }
        guard !security.signer.keyPairs.isEmpty else {
            throw ServiceError(.forbidden, "forbidden: invalid signature (no signing key is configured)")
        }
        guard security.signer.verify(signature: path.signature, path: path.signedPart) else {
            throw ServiceError(.forbidden, "forbidden: invalid signature")
        }
    }
}
