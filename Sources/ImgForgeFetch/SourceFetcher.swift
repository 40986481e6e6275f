import Foundation
import ImgForgeCore

/// Fetches source bytes for one worker thread at a time.
///
/// Not thread-safe by design: each responder thread owns one, so the libcurl
/// handle inside keeps its connections alive between requests of that thread.
public final class SourceFetcher {
    private let settings: FetchSettings
    private let observer: (@Sendable (FetchReport) -> Void)?
    private lazy var http = HTTPClient(settings: settings)
    /// The configured S3 endpoint's own handle: its connections skip the address guard, so a client
    /// URL must never reuse one of them.
    private lazy var trustedHTTP = HTTPClient(settings: settings)

    /// `observer` hears about every fetch: what kind, how long, how it ended.
    public init(settings: FetchSettings, observer: (@Sendable (FetchReport) -> Void)? = nil) {
        self.settings = settings
        self.observer = observer
    }

    /// Past `deadline` (the whole request's) the download stops with the 503 timeout.
    /// `maxBytes` replaces `IMGFORGE_MAX_SRC_FILE_SIZE` for this fetch (the URL's `max_src_file_size`).
    public func fetch(_ source: ImageSource, deadline: Deadline? = nil, maxBytes: Int? = nil) throws -> [UInt8] {
        let started = ContinuousClock.now
        do {
            try deadline?.check()
            let bytes = try download(source, deadline: deadline, maxBytes: maxBytes ?? settings.maxBytes)
            guard !bytes.isEmpty else { throw ServiceError(.unprocessable, "source is empty") }
            report(source, started, outcome: .fetched(bytes: bytes.count))
            return bytes
        } catch let error as ServiceError {
            report(source, started, outcome: .failed(error))
            throw error
        }
    }

    private func download(_ source: ImageSource, deadline: Deadline?, maxBytes: Int) throws -> [UInt8] {
        switch source {
        case .http(let url):
            return try http.get(url, maxBytes: maxBytes, requestDeadline: deadline)
        case .local(let path):
            try checkAllowed(source)
            return try LocalFiles(root: settings.localRoot, maxBytes: maxBytes).read(path)
        case .s3(let bucket, let key):
            // `.` and `..` segments would be resolved on the way and reach another bucket with the operator's credentials.
            guard !key.split(separator: "/", omittingEmptySubsequences: false).contains(where: \.isDotSegment) else {
                throw ServiceError(.forbidden, "source not allowed: dot segments in an S3 key")
            }
            try checkAllowed(source)
            guard let s3 = settings.s3 else {
                throw ServiceError(.forbidden, "source not allowed: s3 sources are not configured (IMGFORGE_S3_ENDPOINT or IMGFORGE_S3_REGION)")
            }
            let request = S3Request(settings: s3, bucket: bucket, key: key)
            // The endpoint is the operator's own: the address guard is for URLs that clients choose.
            return try trustedHTTP.get(request.url, headers: request.headers, awsSigV4: request.signing, trusted: true, maxBytes: maxBytes, requestDeadline: deadline)
        }
    }

    private func checkAllowed(_ source: ImageSource) throws {
        guard settings.allowedSources.allows(source.description) else {
            throw ServiceError(.forbidden, "source not allowed: \(source) is not in IMGFORGE_ALLOWED_SOURCES")
        }
    }

    private func report(_ source: ImageSource, _ started: ContinuousClock.Instant, outcome: FetchReport.Outcome) {
        guard let observer else { return }
        observer(FetchReport(source: source.kind, seconds: (ContinuousClock.now - started) / .seconds(1), outcome: outcome))
    }
}

/// What happened to one fetch, for logs and metrics.
public struct FetchReport: Sendable {
    public enum Outcome: Sendable {
        case fetched(bytes: Int)
        case failed(ServiceError)
    }

    /// `http`, `local` or `s3`.
    public var source: String
    public var seconds: Double
    public var outcome: Outcome

    /// `ok` or the status the failure answers.
    public var label: String {
        switch outcome {
        case .fetched: "ok"
        case .failed(let error): String(error.status)
        }
    }
}

extension ImageSource {
    var kind: String {
        switch self {
        case .http: "http"
        case .local: "local"
        case .s3: "s3"
        }
    }
}
