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
    /// Renders `/metrics`, where this process can see the pool's metrics.
    let metricsPage: (@Sendable () -> String)?
    private let staleNginxConfigWarning = Once()

    public init(configuration: Configuration, cache: DiskCache? = nil, logger: Logger) throws {
        try self.init(configuration: configuration, cache: cache, logger: logger, metricsPage: nil)
    }

    init(configuration: Configuration, cache: DiskCache?, logger: Logger, metricsPage: (@Sendable () -> String)?) throws {
        self.configuration = configuration
        self.cache = cache
        self.logger = logger
        self.metricsPage = metricsPage
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
        handle(request, fetcher: fetcher, trace: RequestTrace(), logger: logger)
    }

    /// `trace` notes what serving it did; `logger` carries the request's id.
    func handle(_ request: Request, fetcher: SourceFetcher, trace: RequestTrace, logger: Logger) -> Response {
        if let refused = Response.refusing(method: request.method) { return refused }
        do {
            switch try Route(requestURI: request.uri, presetsOnly: configuration.presets.onlyPresets) {
            case .status:
                return .json(200, #"{"status":"ok"}"#)
            case .metrics:
                try authorizer.checkBearer(request.authorization)
                guard let metricsPage else { throw ServiceError(.notFound, "not found: \(request.uri)") }
                return Response(status: 200, headers: [("Content-Type", MetricsPage.contentType), ("Cache-Control", "no-store")],
                                body: Array(metricsPage().utf8))
            case .info(let path):
                try authorizer.checkBearer(request.authorization)
                var response = try info(path, fetcher: fetcher, deadline: request.deadline, trace: trace)
                if !nginxMayKeep(request, logger: logger) { response.headers.append(Self.notForNginxsCache) }
                return response
            case .image(let path):
                try authorizer.checkBearer(request.authorization)
                return try image(path, request: request, fetcher: fetcher, trace: trace, logger: logger)
            }
        } catch let error as ServiceError {
            trace.timedOut = error.kind == .timedOut
            trace.refusal = error.message
            trace.refusalDetail = error.detail
            if error.kind == .internalError {
                logger.error("request failed", metadata: ["uri": "\(request.loggedURI)", "error": "\(error.message)"])
            }
            return .error(error)
        } catch {
            trace.refusal = "internal error"
            logger.error("unexpected failure", metadata: ["uri": "\(request.loggedURI)", "error": "\(error)"])
            return .text(500, "internal error")
        }
    }

    /// The signature, then the options, then their expiry: the same for images and `/info`.
    /// Whether nginx's configuration was rendered from this process's settings: one rendered from
    /// others (without a bearer secret added since, say) would serve what is stored here to
    /// clients these settings refuse, so nothing is stored until it is rendered again.
    private func rendered(for cache: DiskCache, _ request: Request, logger: Logger) -> Bool {
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

    private func info(_ path: ProcessingPath, fetcher: SourceFetcher, deadline: Deadline?, trace: RequestTrace) throws -> Response {
        let options = try authorizedOptions(path)
        let source = try fetch(path, options: options, fetcher: fetcher, deadline: deadline, trace: trace)
        return Response(
            status: 200,
            headers: [("Content-Type", "application/json"), ("Cache-Control", "public, max-age=\(configuration.output.ttl)")],
            body: Array(try processor.info(source, options: options).json.utf8)
        )
    }

    private func image(_ path: ProcessingPath, request: Request, fetcher: SourceFetcher, trace: RequestTrace, logger: Logger) throws -> Response {
        let options = try authorizedOptions(path)
        // Only while nginx serves this process's settings can it find, or keep, what this process answers.
        guard let cache, let variant = request.variant, Self.isCacheable(options), nginxMayKeep(request, logger: logger) else {
            let acceptable = NegotiatedFormats.acceptable(variant: request.variant, accept: request.accept)
            let result = try render(path, options: options, acceptable: acceptable, fetcher: fetcher, deadline: request.deadline,
                                    trace: trace, logger: logger)
            var response = result.response(ttl: configuration.output.ttl)
            if let disposition = Self.contentDisposition(options, format: result.format) {
                response.headers.append(("Content-Disposition", disposition))
            }
            response.headers.append(Self.notForNginxsCache)
            return response
        }
        // nginx already chose the format variant: negotiate from it, so the file matches its name.
        let acceptable = NegotiatedFormats.acceptable(variant: variant, accept: nil)
        guard let key = CacheSetup.key(for: path, requestURI: request.uri, signatureSize: configuration.security.signer.size,
                                       variant: variant) else {
            // No file name nginx can compute (an unsigned URI outside the strict form, a short signature): nginx keeps this answer
            // in its own cache, keyed on the request URI (see `imgforge nginx-config`).
            return try render(path, options: options, acceptable: acceptable, fetcher: fetcher, deadline: request.deadline,
                              trace: trace, logger: logger).response(ttl: configuration.output.ttl)
        }
        if let file = cache.lookup(key) {
            trace.cache = (file.tier, hit: true)
            return .internalRedirect(file.internalURI)
        }
        let held = cache.lock(key, timeout: request.deadline?.remainingSeconds ?? configuration.server.timeout)
        // Released on leaving, unless the answer's follow-up took it over (a `defer` also keeps it alive until then).
        var handedOver = false
        defer { if !handedOver { held.release() } }
        try request.deadline?.check()
        // Another thread or process may have finished it while this one waited.
        if let file = cache.lookup(key) {
            trace.cache = (file.tier, hit: true)
            return .internalRedirect(file.internalURI)
        }
        let result = try render(path, options: options, acceptable: acceptable, fetcher: fetcher, deadline: request.deadline,
                                trace: trace, logger: logger)
        let entry: PendingEntry
        do {
            let started = ContinuousClock.now
            entry = try cache.prepare(result.bytes, key: key, extension: result.format.fileExtension)
            trace.storeSeconds = (ContinuousClock.now - started) / .seconds(1)
        } catch {
            logger.error("cache write failed", metadata: ["error": "\(error)"])
            return result.response(ttl: configuration.output.ttl)
        }
        trace.cache = (entry.file.tier, hit: false)
        handedOver = true
        // The answer goes out with the headers nginx will give the file; the flush and the rename follow it,
        // the key still locked, so that a miss does not wait on the disk.
        return Response(status: 200, headers: storedHeaders(entry, format: result.format), body: result.bytes) { [logger] in
            defer { held.release() }
            do {
                try cache.commit(entry)
            } catch {
                logger.error("cache write failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// What nginx sends with a stored file (its type, validators and `add_header` lines), so that
    /// the answer to the miss that stored it is the same as every hit's.
    private func storedHeaders(_ entry: PendingEntry, format: ImageFormat) -> [(name: String, value: String)] {
        var headers = [
            ("Content-Type", format.mimeType),
            ("Last-Modified", HTTPDate.format(entry.modified)),
            ("ETag", "\"\(String(entry.modified, radix: 16))-\(String(entry.size, radix: 16))\""),
            ("Cache-Control", "public, max-age=\(configuration.output.ttl)"),
        ]
        if configuration.output.negotiatesFormat { headers.append(("Vary", "Accept")) }
        return headers
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

    /// Whether nginx may keep this process's answers: the cache is on, nginx's configuration is
    /// the one rendered for it (imgforge's, with its settings), and the cache is this process's.
    private func nginxMayKeep(_ request: Request, logger: Logger) -> Bool {
        guard let cache, request.variant != nil, cache.isServed else { return false }
        return rendered(for: cache, request, logger: logger)
    }

    /// Tells nginx not to keep an answer in its own cache (`fastcgi_cache`); nginx passes the header on to no one.
    static let notForNginxsCache = (name: "X-Accel-Expires", value: "0")

    /// Responses nginx could not reproduce from a file, or that must not outlive their URL.
    static func isCacheable(_ options: ProcessingOptions) -> Bool {
        options.expires == nil && options.filename == nil && !options.returnAttachment
    }

    /// The source's bytes, its download timed for the log line.
    private func fetch(_ path: ProcessingPath, options: ProcessingOptions, fetcher: SourceFetcher, deadline: Deadline?,
                       trace: RequestTrace) throws -> [UInt8] {
        let started = ContinuousClock.now
        defer { trace.fetchSeconds = (ContinuousClock.now - started) / .seconds(1) }
        return try fetcher.fetch(path.source, deadline: deadline, maxBytes: options.maxSrcFileSize)
    }

    private func render(_ path: ProcessingPath, options: ProcessingOptions, acceptable: Set<ImageFormat>, fetcher: SourceFetcher,
                        deadline: Deadline?, trace: RequestTrace, logger: Logger) throws -> ProcessedImage {
        let source = try fetch(path, options: options, fetcher: fetcher, deadline: deadline, trace: trace)
        let watermark = try watermarks.bytes(for: options, fetcher: fetcher, deadline: deadline)
        let started = ContinuousClock.now
        let result = try processor.process(source, options: options, watermark: watermark, acceptable: acceptable, deadline: deadline)
        trace.processSeconds = (ContinuousClock.now - started) / .seconds(1)
        trace.encodeSeconds = result.encodeSeconds
        trace.format = result.format
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
