/// One `name:arg:arg` path segment, not yet interpreted.
public struct RawOption: Equatable, Sendable {
    public var name: String
    public var arguments: [String]

    public init(name: String, arguments: [String]) {
        self.name = name
        self.arguments = arguments
    }
}

/// `/<signature>/<option>/…/<source>` split into its parts, nothing interpreted yet
/// but the source URL.
public struct ProcessingPath: Equatable, Sendable {
    /// The first segment: a signature or `unsafe`.
    public var signature: String
    /// Everything after the signature segment, with its leading `/`: the signed text.
    public var signedPart: String
    public var options: [RawOption]
    public var source: ImageSource
    /// The format asked for with `@ext` (plain) or `.ext` (base64), if any.
    public var sourceExtension: String?

    /// Parses the path part of a raw `REQUEST_URI` (no query string).
    /// With `presetsOnly`, the first segment after the signature is a `:`-separated
    /// list of preset names and nothing else is read as an option.
    public init(path: String, presetsOnly: Bool = false) throws {
        guard path.hasPrefix("/") else {
            throw ServiceError(.badRequest, "invalid path: must start with /")
        }
        let afterSlash = path.dropFirst()
        guard let signatureEnd = afterSlash.firstIndex(of: "/") else {
            throw ServiceError(.badRequest, "invalid path: expected /<signature>/<options>/<source>")
        }
        signature = String(afterSlash[..<signatureEnd])
        signedPart = String(afterSlash[signatureEnd...])
        guard !signature.isEmpty else {
            throw ServiceError(.badRequest, "invalid path: empty signature segment")
        }

        var segments = signedPart.dropFirst().split(separator: "/", omittingEmptySubsequences: false)[...]
        var options: [RawOption] = []
        if presetsOnly, let segment = segments.first {
            options.append(RawOption(name: "preset", arguments: segment.split(separator: ":", omittingEmptySubsequences: false).map(String.init)))
            segments = segments.dropFirst()
        }
        while !presetsOnly, let segment = segments.first, segment.contains(":") {
            let parts = segment.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            options.append(RawOption(name: parts[0], arguments: Array(parts.dropFirst())))
            segments = segments.dropFirst()
        }
        self.options = options

        guard let first = segments.first, !first.isEmpty else {
            throw ServiceError(.badRequest, "invalid path: missing source URL")
        }
        let sourceURL: String
        if first == "plain" {
            (sourceURL, sourceExtension) = try Self.plainSource(segments.dropFirst().joined(separator: "/"))
        } else {
            (sourceURL, sourceExtension) = try Self.base64Source(segments.joined())
        }
        source = try ImageSource(url: sourceURL)
    }

    /// `plain/<percent-encoded URL>[@ext]`.
    private static func plainSource(_ raw: String) throws -> (String, String?) {
        var encoded = Substring(raw)
        var sourceExtension: String?
        if let at = encoded.lastIndex(of: "@") {
            let suffix = encoded[encoded.index(after: at)...]
            if !suffix.isEmpty, suffix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
                sourceExtension = suffix.lowercased()
                encoded = encoded[..<at]
            }
        }
        guard !encoded.isEmpty else {
            throw ServiceError(.badRequest, "invalid path: missing source URL after plain/")
        }
        guard let decoded = String(encoded).percentDecoded else {
            throw ServiceError(.badRequest, "invalid source URL: bad percent-encoding")
        }
        return (repairCollapsedScheme(decoded), sourceExtension)
    }

    /// `<base64url(URL), may be split by '/'>[.ext]`.
    private static func base64Source(_ joined: String) throws -> (String, String?) {
        var encoded = Substring(joined)
        var sourceExtension: String?
        if let dot = encoded.lastIndex(of: ".") {
            sourceExtension = encoded[encoded.index(after: dot)...].lowercased()
            encoded = encoded[..<dot]
        }
        guard let bytes = Base64URL.decode(String(encoded)), !bytes.isEmpty,
              let url = String(validating: bytes, as: UTF8.self)
        else {
            throw ServiceError(.badRequest, "invalid source URL: not valid base64url")
        }
        return (url, sourceExtension)
    }

    /// Proxies and path normalisers turn `http://x` into `http:/x`; put the slash back.
    private static func repairCollapsedScheme(_ url: String) -> String {
        for scheme in ["http:/", "https:/", "s3:/"] where url.lowercased().hasPrefix(scheme) {
            let rest = url.dropFirst(scheme.count)
            if !rest.hasPrefix("/") { return url.prefix(scheme.count) + "/" + rest }
        }
        return url
    }
}
