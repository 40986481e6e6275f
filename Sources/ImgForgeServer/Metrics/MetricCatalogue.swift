import ImgForgeCache
import ImgForgeCore

/// Every series imgforge exports, in a fixed order: each process of the pool lays out its
/// cells in shared memory by this list, so the supervisor can add them up without asking
/// anyone. A label's values are fixed here too (status codes 100–599, the output formats,
/// the cache tiers): a value outside them is counted as `other`.
struct MetricCatalogue: Sendable {
    enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    /// How the cells of a region are summed over the pool.
    enum Aggregation: Sendable {
        case sum, max
    }

    struct Family: Sendable {
        var name: String
        var help: String
        var kind: Kind
        var label: String?
        var values: [String] = []
        var aggregation: Aggregation = .sum
        /// The first cell of the family's first series.
        var offset = 0

        /// Cells one series takes: a histogram has its buckets, then its count, then its sum (ns).
        var cellsPerSeries: Int { kind == .histogram ? MetricCatalogue.buckets.count + 2 : 1 }
        var seriesCount: Int { label == nil ? 1 : values.count }
        var cellCount: Int { cellsPerSeries * seriesCount }

        /// The cell of the series whose label has `value`, if the family has it.
        func cell(for value: String?) -> Int? {
            guard label != nil else { return offset }
            if let index = values.firstIndex(of: value ?? "") { return offset + index * cellsPerSeries }
            return values.firstIndex(of: "other").map { offset + $0 * cellsPerSeries }
        }
    }

    /// Upper bounds, in seconds, of the duration histograms' buckets.
    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    let families: [Family]
    /// Cells in one process's region.
    let cellCount: Int
    private let byName: [String: Int]

    init(_ families: [Family]) {
        var offset = 0
        var laidOut: [Family] = []
        for var family in families {
            family.offset = offset
            offset += family.cellCount
            laidOut.append(family)
        }
        self.families = laidOut
        cellCount = offset
        byName = Dictionary(uniqueKeysWithValues: laidOut.enumerated().map { ($1.name, $0) })
    }

    func family(_ name: String) -> Family? { byName[name].map { families[$0] } }

    static let statusCodes = (100...599).map(String.init)
    static let formats = ImageFormat.allCases.map(\.rawValue) + ["other"]
    static let fetchOutcomes = ["ok", "400", "403", "404", "413", "422", "429", "500", "502", "503", "504", "other"]
    static let cacheTypes = [CacheTier.Kind.memory.rawValue, CacheTier.Kind.disk.rawValue]
    static let restartReasons = ["recycled", "exited", "SIGSEGV", "SIGBUS", "SIGABRT", "SIGILL", "SIGTRAP", "SIGFPE", "SIGKILL", "SIGTERM",
                                 "other"]

    /// The series of imgforge; doc/metrics.md describes each.
    static let standard = MetricCatalogue([
        Family(name: "http_requests_duration_seconds", help: "Time imgforge took to answer a request, from its arrival at a worker.",
               kind: .histogram),
        Family(name: "status_codes_total", help: "Answers imgforge gave, by HTTP status (nginx's own answers are not counted).",
               kind: .counter, label: "status", values: statusCodes),
        Family(name: "image_processing_duration_seconds", help: "Time spent decoding, processing and encoding one image, by output format.",
               kind: .histogram, label: "format", values: formats),
        Family(name: "processed_images_total", help: "Images processed, by output format.", kind: .counter, label: "format", values: formats),
        Family(name: "source_image_fetch_duration_seconds", help: "Time spent fetching source images (successful or not).", kind: .histogram),
        Family(name: "source_images_fetched_total", help: "Source fetches, by outcome: ok or the status the failure answers.",
               kind: .counter, label: "status", values: fetchOutcomes),
        Family(name: "cache_hits_total", help: "Results imgforge found already stored (another request stored it first); nginx counts the hits it serves itself.",
               kind: .counter, label: "cache_type", values: cacheTypes),
        Family(name: "cache_misses_total", help: "Results processed and stored in the cache.", kind: .counter, label: "cache_type", values: cacheTypes),
        Family(name: "request_timeouts_total", help: "Requests answered 503 because they passed IMGFORGE_TIMEOUT.", kind: .counter),
        Family(name: "worker_restarts_total", help: "Worker processes replaced, by reason: recycled, exited, or the signal that killed them.",
               kind: .counter, label: "reason", values: restartReasons),
        Family(name: "worker_deadline_kills_total", help: "Workers killed for serving one request past IMGFORGE_TIMEOUT plus a grace.",
               kind: .counter),
        Family(name: "workers_configured", help: "Worker processes the pool should have.", kind: .gauge),
        Family(name: "workers_alive", help: "Worker processes running now.", kind: .gauge),
        Family(name: "process_resident_memory_bytes", help: "Resident memory of the supervisor and its workers together.", kind: .gauge),
        Family(name: "vips_memory_bytes", help: "Memory libvips tracks as allocated, over all workers.", kind: .gauge),
        Family(name: "vips_memory_highwater_bytes", help: "The most memory libvips tracked in one worker since it started.", kind: .gauge,
               aggregation: .max),
    ])
}
