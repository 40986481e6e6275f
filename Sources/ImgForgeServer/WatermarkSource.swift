import Foundation
import ImgForgeCore
import ImgForgeFetch
import Synchronization

/// The watermark image a request draws, as bytes for the pipeline: `watermark_url`'s, fetched
/// through the request's own fetcher (the same address guard, allow-list and limits as sources)
/// and kept in a small per-process cache, else `IMGFORGE_WATERMARK_PATH`'s, read once at start.
final class WatermarkSource: Sendable {
    /// Watermark URLs whose bytes stay in memory; the oldest goes first.
    static let cachedURLs = 16

    private let configured: [UInt8]?
    private let recent = Mutex<[(url: String, bytes: [UInt8])]>([])

    init(path: String?) {
        configured = path.flatMap { FileManager.default.contents(atPath: $0) }.map { [UInt8]($0) }
    }

    /// nil when the options draw no watermark; the pipeline refuses a watermark without an image.
    func bytes(for options: ProcessingOptions, fetcher: SourceFetcher, deadline: Deadline?) throws -> [UInt8]? {
        guard options.watermark != nil else { return nil }
        guard let url = options.watermarkURL else { return configured }
        if let hit = recent.withLock({ $0.first { $0.url == url }?.bytes }) { return hit }
        let bytes: [UInt8]
        do {
            bytes = try fetcher.fetch(ImageSource(url: url), deadline: deadline)
        } catch let error as ServiceError {
            switch error.kind {
            // Refusals and time limits keep their own answers.
            case .forbidden, .timedOut, .gatewayTimeout: throw error
            default: throw ServiceError(.badRequest, "watermark_url: \(error.message)")
            }
        }
        recent.withLock { list in
            list.append((url, bytes))
            if list.count > Self.cachedURLs { list.removeFirst() }
        }
        return bytes
    }
}
