import ImgForgeCore

/// Fetches source bytes for one worker thread at a time.
///
/// Not thread-safe by design: each responder thread owns one, so the libcurl
/// handle inside keeps its connections alive between requests of that thread.
public final class SourceFetcher {
    private let settings: FetchSettings
    private lazy var http = HTTPClient(settings: settings)

    public init(settings: FetchSettings) {
        self.settings = settings
    }

    public func fetch(_ source: ImageSource) throws -> [UInt8] {
        let bytes: [UInt8]
        switch source {
        case .http(let url):
            bytes = try http.get(url)
        case .local(let path):
            bytes = try LocalFiles(root: settings.localRoot, maxBytes: settings.maxBytes).read(path)
        case .s3:
            throw ServiceError(.forbidden, "source not allowed: s3 sources are not configured")
        }
        guard !bytes.isEmpty else {
            throw ServiceError(.unprocessable, "source is empty")
        }
        return bytes
    }
}
