import Foundation
import ImgForgeCache
import ImgForgeCore
import ImgForgeFetch
import ImgForgeProcessing
import Logging
import Synchronization

/// Routes one request and produces its response. Shared by all threads;
/// the per-thread fetcher is handed in with each request.
public struct RequestHandler: Sendable {
    let configuration: Configuration
    let authorizer: RequestAuthorizer
    let optionsParser: OptionsParser
    let processor: ImageProcessor
    let cache: DiskCache?
    let watermarks: WatermarkSource
    let logger: Logger
    private let staleNginxConfigWarning = Once()

    public init(configuration: Configuration, cache: DiskCache? = nil, logger: Logger) throws {
        self.configuration = configuration
        self.cache = cache
        self.logger = logger
        authorizer = RequestAuthorizer(security: configuration.security)
        optionsParser = OptionsParser(
            presets: configuration.presets.presets,
            allowSecurityOptions: configuration.security.allowSecurityOptions,
            logger: logger
        )
        processor = try ImageProcessor(settings: ProcessingSettings(configuration))
        watermarks = WatermarkSource(path: configuration.sources.watermarkPath)
    }

    public func handle(_ request: Request, fetcher: SourceFetcher) -> Response {
        if let refused = Response.refusing(method: request.method) { return refused }
        do {
            switch try Route(requestURI: request.uri, presetsOnly: configuration.presets.onlyPresets) {
            case .status:
                return .json(200, #"{"status":"ok"}"#)
            case .metrics:
                try authorizer.checkBearer(request.authorization)
                throw ServiceError(.notFound, "not found: \(request.uri)")
            case .info(let path):
                try authorizer.checkBearer(request.authorization)
                return try info(path, fetcher: fetcher, deadline: request.deadline)
            case .image(let path):
                try authorizer.checkBearer(request.authorization)
                return try image(path, request: request, fetcher: fetcher)
            }
        } catch let error as ServiceError {
            if error.kind == .internalError {
                logger.error("request failed", metadata: ["uri": "\(request.loggedURI)", "error": "\(error.message.escapingControlCharacters)"])
            } else {
                logger.info("request refused", metadata: [
                    "uri": "\(request.loggedURI)", "status": "\(error.status)",
                    "reason": "\(error.message.escapingControlCharacters)", "detail": "\((error.detail ?? "-").escapingControlCharacters)",
                ])
            }
            return .error(error)
        } catch {
            logger.error("unexpected failure", metadata: ["uri": "\(request.loggedURI)", "error": "\("\(error)".escapingControlCharacters)"])
            return .text(500, "internal error")
        }
    }

    /// The signature, then the options, then their expiry: the same for images and `/info`.
    /// Whether nginx's configuration was rendered from this process's settings: one rendered from
    /// others (without a bearer secret added since, say) would serve what is stored here to
    /// clients these settings refuse, so nothing is stored until it is rendered again.
    private func rendered(for cache: DiskCache, _ request: Request) -> Bool {
        guard request.fingerprint != cache.fingerprint else { return true }
        if staleNginxConfigWarning.isFirst() {
            logger.error("nginx's configuration was rendered from other settings: answering uncached until `imgforge nginx-config` renders it again and nginx reloads",
                         metadata: ["nginx_fingerprint": "\(request.fingerprint ?? "none")", "fingerprint": "\(cache.fingerprint)"])
        }
        return false
    }

    private func authorizedOptions(_ path: ProcessingPath) throws -> ProcessingOptions {
        try authorizer.checkSignature(path)
        let options = try optionsParser.parse(path)
        try options.checkNotExpired(now: Int(Date().timeIntervalSince1970))
        return options
    }

    private func info(_ path: ProcessingPath, fetcher: SourceFetcher, deadline: Deadline?) throws -> Response {
        let options = try authorizedOptions(path)
        let source = try fetcher.fetch(path.source, deadline: deadline, maxBytes: options.maxSrcFileSize)
        return Response(
            status: 200,
            headers: [("Content-Type", "application/json"), ("Cache-Control", "public, max-age=\(configuration.output.ttl)")],
            body: Array(try processor.info(source, options: options).json.utf8)
        )
    }

    private func image(_ path: ProcessingPath, request: Request, fetcher: SourceFetcher) throws -> Response {
        let options = try authorizedOptions(path)
        // Only while nginx serves this process's settings can it find what this process stores.
        guard let cache, let variant = request.variant, Self.isCacheable(options), cache.isServed,
              rendered(for: cache, request),
              let key = CacheSetup.key(for: path, variant: variant, signatureSize: configuration.security.signer.size)
        else {
            let acceptable = NegotiatedFormats.acceptable(variant: request.variant, accept: request.accept)
            let result = try render(path, options: options, acceptable: acceptable, fetcher: fetcher, deadline: request.deadline)
            var response = result.response(ttl: configuration.output.ttl)
            if let disposition = Self.contentDisposition(options, format: result.format) {
                response.headers.append(("Content-Disposition", disposition))
            }
            return response
        }
        // nginx already chose the format variant: negotiate from it, so the file matches its name.
        let acceptable = NegotiatedFormats.acceptable(variant: variant, accept: nil)
        if let file = cache.lookup(key) { return .internalRedirect(file.internalURI) }
        return try cache.withLock(key, timeout: request.deadline?.remainingSeconds ?? configuration.server.timeout) {
            try request.deadline?.check()
            // Another thread or process may have finished it while this one waited.
            if let file = cache.lookup(key) { return .internalRedirect(file.internalURI) }
            let result = try render(path, options: options, acceptable: acceptable, fetcher: fetcher, deadline: request.deadline)
            do {
                return .internalRedirect(try cache.store(result.bytes, key: key, extension: result.format.fileExtension).internalURI)
            } catch {
                logger.error("cache write failed", metadata: ["error": "\(error)"])
                return result.response(ttl: configuration.output.ttl)
            }
        }
    }

    /// `filename` and `return_attachment`; the name gets the result's extension when it has none.
    static func contentDisposition(_ options: ProcessingOptions, format: ImageFormat) -> String? {
        guard options.filename != nil || options.returnAttachment else { return nil }
        let kind = options.returnAttachment ? "attachment" : "inline"
        var name = options.filename ?? "image"
        if !name.contains(".") { name += ".\(format.fileExtension)" }
        let ascii = String(name.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? Character($0) : "_" })
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ascii
        return "\(kind); filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }

    /// Responses nginx could not reproduce from a file, or that must not outlive their URL.
    static func isCacheable(_ options: ProcessingOptions) -> Bool {
        options.expires == nil && options.filename == nil && !options.returnAttachment
    }

    private func render(_ path: ProcessingPath, options: ProcessingOptions, acceptable: Set<ImageFormat>, fetcher: SourceFetcher,
                        deadline: Deadline?) throws -> ProcessedImage {
        let source = try fetcher.fetch(path.source, deadline: deadline, maxBytes: options.maxSrcFileSize)
        let watermark = try watermarks.bytes(for: options, fetcher: fetcher, deadline: deadline)
        let result = try processor.process(source, options: options, watermark: watermark, acceptable: acceptable, deadline: deadline)
        logger.debug("processed", metadata: [
            "source": "\(result.sourceWidth)x\(result.sourceHeight)", "result": "\(result.width)x\(result.height)",
            "format": "\(result.format.rawValue)", "bytes": "\(result.bytes.count)",
            "shrink_on_load": "\(result.shrinkOnLoad)",
        ])
        return result
    }
}

extension ProcessedImage {
    func response(ttl: Int) -> Response {
        var headers = [("Content-Type", format.mimeType), ("Cache-Control", "public, max-age=\(ttl)")]
        if variesByAccept { headers.append(("Vary", "Accept")) }
        return Response(status: 200, headers: headers, body: bytes)
    }
}

/// True the first time it is asked, false ever after: for warnings logged once per process.
final class Once: Sendable {
    private let done = Atomic<Bool>(false)

    func isFirst() -> Bool { !done.exchange(true, ordering: .relaxed) }
}
