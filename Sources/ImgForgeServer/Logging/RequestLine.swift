import Logging

/// The one log line of a request: who asked for what (without the signature), the answer, and
/// where the time went. Durations are milliseconds: `queue` waiting for a worker (from nginx's
/// hand-over to the accept), `fetch` the source download, `process` the image work, of which
/// `encode` inside the encoder (where libvips decodes and runs the stages), `store` writing the result
/// into the cache, `total` from the accept.
struct RequestLine {
    var request: Request
    var response: Response
    var trace: RequestTrace
    var seconds: Double
    var queueSeconds: Double?

    var metadata: Logger.Metadata {
        var fields: Logger.Metadata = [
            "method": "\(request.method)",
            "path": "\(request.unsignedPath)",
            "status": .stringConvertible(response.status),
            "bytes": .stringConvertible(response.body.count),
            "total_ms": Self.milliseconds(seconds),
        ]
        if let queueSeconds { fields["queue_ms"] = Self.milliseconds(queueSeconds) }
        if let fetch = trace.fetchSeconds { fields["fetch_ms"] = Self.milliseconds(fetch) }
        if let process = trace.processSeconds { fields["process_ms"] = Self.milliseconds(process) }
        if let encode = trace.encodeSeconds { fields["encode_ms"] = Self.milliseconds(encode) }
        if let store = trace.storeSeconds { fields["store_ms"] = Self.milliseconds(store) }
        if let format = trace.format { fields["format"] = "\(format.rawValue)" }
        if let cache = trace.cache { fields["cache"] = "\(cache.hit ? "hit" : "stored"):\(cache.tier.rawValue)" }
        if let reason = trace.refusal { fields["reason"] = "\(reason)" }
        if let detail = trace.refusalDetail { fields["detail"] = "\(detail)" }
        return fields
    }

    /// Tenths of a millisecond: enough to tell a hit from a miss, short to read.
    private static func milliseconds(_ seconds: Double) -> Logger.Metadata.Value {
        .stringConvertible(seconds.isFinite ? (seconds * 10_000).rounded() / 10 : 0)
    }
}
