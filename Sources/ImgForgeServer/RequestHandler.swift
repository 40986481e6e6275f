import Foundation
import ImgForgeCore
import ImgForgeFetch
import ImgForgeProcessing
import Logging

/// Routes one request and produces its response. Shared by all threads;
/// the per-thread fetcher is handed in with each request.
public struct RequestHandler: Sendable {
    let configuration: Configuration
    let authorizer: RequestAuthorizer
    let optionsParser: OptionsParser
    let processor: ImageProcessor
    let logger: Logger

    public init(configuration: Configuration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        authorizer = RequestAuthorizer(security: configuration.security)
        optionsParser = OptionsParser(
            presets: configuration.presets.presets,
            allowSecurityOptions: configuration.security.allowSecurityOptions,
            logger: logger
        )
        processor = try ImageProcessor(settings: ProcessingSettings(configuration))
    }

    public func handle(_ request: Request, fetcher: SourceFetcher) -> Response {
        guard request.method == "GET" || request.method == "HEAD" else {
            return .text(405, "method not allowed: \(request.method)")
        }
        do {
            switch try Route(requestURI: request.uri, presetsOnly: configuration.presets.onlyPresets) {
            case .status:
                return .json(200, #"{"status":"ok"}"#)
            case .metrics:
                try authorizer.checkBearer(request.authorization)
                throw ServiceError(.notFound, "not found: \(request.uri)")
            case .info(let path):
                try authorizer.checkBearer(request.authorization)
                return try info(path, fetcher: fetcher)
            case .image(let path):
                try authorizer.checkBearer(request.authorization)
                return try image(path, accept: request.accept, fetcher: fetcher)
            }
        } catch let error as ServiceError {
            if error.kind == .internalError {
                logger.error("request failed", metadata: ["uri": "\(request.uri)", "error": "\(error.message)"])
            } else {
                logger.info("request refused", metadata: ["uri": "\(request.uri)", "status": "\(error.status)", "reason": "\(error.message)"])
            }
            return .error(error)
        } catch {
            logger.error("unexpected failure", metadata: ["uri": "\(request.uri)", "error": "\(error)"])
            return .text(500, "internal error")
        }
    }

    private func info(_ path: ProcessingPath, fetcher: SourceFetcher) throws -> Response {
        try authorizer.checkSignature(path)
        let options = try optionsParser.parse(path)
        try options.checkNotExpired(now: Int(Date().timeIntervalSince1970))
        let info = try processor.info(try fetcher.fetch(path.source))
        let json = """
            {"width":\(info.width),"height":\(info.height),"format":"\(info.format.rawValue)",\
            "mime_type":"\(info.format.mimeType)","pages":\(info.pages),"has_alpha":\(info.hasAlpha),\
            "orientation":\(info.orientation)}
            """
        return Response(
            status: 200,
            headers: [("Content-Type", "application/json"), ("Cache-Control", "public, max-age=\(configuration.output.ttl)")],
            body: Array(json.utf8)
        )
    }

    private func image(_ path: ProcessingPath, accept: String?, fetcher: SourceFetcher) throws -> Response {
        try authorizer.checkSignature(path)
        let options = try optionsParser.parse(path)
        try options.checkNotExpired(now: Int(Date().timeIntervalSince1970))
        let source = try fetcher.fetch(path.source)
        let result = try processor.process(source, options: options, accept: accept)
        logger.debug("processed", metadata: [
            "source": "\(result.sourceWidth)x\(result.sourceHeight)", "result": "\(result.width)x\(result.height)",
            "format": "\(result.format.rawValue)", "bytes": "\(result.bytes.count)",
            "shrink_on_load": "\(result.shrinkOnLoad)",
        ])
        var headers = [
            ("Content-Type", result.format.mimeType),
            ("Cache-Control", "public, max-age=\(configuration.output.ttl)"),
        ]
        if result.variesByAccept { headers.append(("Vary", "Accept")) }
        return Response(status: 200, headers: headers, body: result.bytes)
    }
}
