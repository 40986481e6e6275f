import CoreMetrics
import ImgForgeFetch
import ImgForgeProcessing

/// What a worker records about its requests, through swift-metrics into its region of the
/// pool's board; nothing when there is no board (a process outside a pool).
struct PoolMetrics: Sendable {
    let factory: BoardMetricsFactory?

    func answered(status: Int, seconds: Double, trace: RequestTrace) {
        guard let factory else { return }
        CoreMetrics.Timer(label: "http_requests_duration_seconds", factory: factory).recordNanoseconds(Self.nanoseconds(seconds))
        Counter(label: "status_codes_total", dimensions: [("status", String(status))], factory: factory).increment()
        if trace.timedOut { Counter(label: "request_timeouts_total", factory: factory).increment() }
        if let format = trace.format, let processed = trace.processSeconds {
            let dimensions = [("format", format.rawValue)]
            CoreMetrics.Timer(label: "image_processing_duration_seconds", dimensions: dimensions, factory: factory).recordNanoseconds(Self.nanoseconds(processed))
            Counter(label: "processed_images_total", dimensions: dimensions, factory: factory).increment()
        }
        if let cache = trace.cache {
            Counter(label: cache.hit ? "cache_hits_total" : "cache_misses_total", dimensions: [("cache_type", cache.tier.rawValue)],
                    factory: factory).increment()
        }
    }

    func fetched(_ report: FetchReport) {
        guard let factory else { return }
        CoreMetrics.Timer(label: "source_image_fetch_duration_seconds", factory: factory).recordNanoseconds(Self.nanoseconds(report.seconds))
        Counter(label: "source_images_fetched_total", dimensions: [("status", report.label)], factory: factory).increment()
    }

    /// The process's memory now: resident, and what libvips tracks.
    func memory(resident: Int?) {
        guard let factory else { return }
        let vips = Vips.trackedMemory
        if let resident { Gauge(label: "process_resident_memory_bytes", factory: factory).record(resident) }
        Gauge(label: "vips_memory_bytes", factory: factory).record(vips.current)
        Gauge(label: "vips_memory_highwater_bytes", factory: factory).record(vips.highwater)
    }

    private static func nanoseconds(_ seconds: Double) -> Int64 {
        seconds.isFinite ? Int64(max(0, min(seconds, 1e9)) * 1e9) : 0
    }
}
