/// Where the source image comes from, as named by the URL.
public enum ImageSource: Equatable, Sendable, CustomStringConvertible {
    /// An `http://` or `https://` URL, fetched as written.
    case http(url: String)
    /// A path below `IMGFORGE_LOCAL_FILESYSTEM_ROOT`, always starting with `/`.
    case local(path: String)
    /// An object in S3-compatible storage.
    case s3(bucket: String, key: String)

    /// Classifies a decoded source URL; any other scheme is refused.
    public init(url: String) throws {
        let lower = url.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            let afterScheme = url[url.range(of: "://")!.upperBound...]
            guard let host = afterScheme.split(separator: "/", omittingEmptySubsequences: false).first, !host.isEmpty else {
                throw ServiceError(.badRequest, "invalid source URL: missing host in \"\(url)\"")
            }
            self = .http(url: url)
        } else if lower.hasPrefix("local:") {
            let path = url.dropFirst("local:".count).drop { $0 == "/" }
            guard !path.isEmpty else {
                throw ServiceError(.badRequest, "invalid source URL: empty local path")
            }
            self = .local(path: "/" + path)
        } else if lower.hasPrefix("s3://") {
            let rest = url.dropFirst("s3://".count)
            guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex,
                  rest.index(after: slash) != rest.endIndex
            else {
                throw ServiceError(.badRequest, "invalid source URL: expected s3://bucket/key, got \"\(url)\"")
            }
            self = .s3(bucket: String(rest[..<slash]), key: String(rest[rest.index(after: slash)...]))
        } else {
            throw ServiceError(.badRequest, "invalid source URL: unsupported scheme in \"\(url)\" (use http, https, local or s3)")
        }
    }

    public var description: String {
        switch self {
        case .http(let url): url
        case .local(let path): "local://" + path
        case .s3(let bucket, let key): "s3://\(bucket)/\(key)"
        }
    }
}
