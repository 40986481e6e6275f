import CoreMetrics
import Foundation
@testable import ImgForgeCore
@testable import ImgForgeServer
import Testing

/// swift-metrics into shared memory, summed over the regions of a pool.
struct MetricsBoardTests {
    @Test func countsFromEveryRegionAreAddedUpAndOddLabelsCountAsOther() throws {
        let board = try MetricsBoard.create(workers: 2)
        let first = BoardMetricsFactory(board: board, region: MetricsBoard.region(ofWorker: 0))
        let second = BoardMetricsFactory(board: board, region: MetricsBoard.region(ofWorker: 1))
        Counter(label: "status_codes_total", dimensions: [("status", "200")], factory: first).increment(by: 3)
        Counter(label: "status_codes_total", dimensions: [("status", "200")], factory: second).increment(by: 4)
        Counter(label: "processed_images_total", dimensions: [("format", "bmp-of-the-future")], factory: first).increment()
        CoreMetrics.Timer(label: "http_requests_duration_seconds", factory: first).recordNanoseconds(7_000_000)
        CoreMetrics.Timer(label: "http_requests_duration_seconds", factory: second).recordNanoseconds(40_000_000_000)
        Counter(label: "no_such_metric", factory: first).increment()

        // A second mapping of the same memory, as another process has it.
        let other = try MetricsBoard(descriptor: board.descriptor, workers: 2)
        let status = try #require(other.catalogue.family("status_codes_total")?.cell(for: "200"))
        #expect(other.total(status) == 7)
        let processed = try #require(other.catalogue.family("processed_images_total")?.cell(for: "other"))
        #expect(other.total(processed) == 1)
        let histogram = try #require(other.catalogue.family("http_requests_duration_seconds")?.offset)
        let buckets = MetricCatalogue.buckets.count
        #expect(other.total(histogram + 1) == 1, "7 ms is in the 10 ms bucket")
        #expect(other.total(histogram + buckets) == 2 && other.total(histogram + buckets + 1) == 40_007_000_000)
    }

    @Test func thePageIsPrometheusText() throws {
        let board = try MetricsBoard.create(workers: 1)
        let factory = BoardMetricsFactory(board: board, region: MetricsBoard.region(ofWorker: 0))
        CoreMetrics.Timer(label: "image_processing_duration_seconds", dimensions: [("format", "webp")], factory: factory).recordNanoseconds(300_000_000)
        let configuration = try Configuration(environment: ["IMGFORGE_WORKERS": "1"])
        let page = MetricsPage(board: board, scoreboard: try Scoreboard.create(slotCount: 1), listening: -1,
                               server: configuration.server, version: "test").render()
        #expect(page.contains("# TYPE image_processing_duration_seconds histogram\n"))
        #expect(page.contains(#"image_processing_duration_seconds_bucket{format="webp",le="0.25"} 0"#))
        #expect(page.contains(#"image_processing_duration_seconds_bucket{format="webp",le="0.5"} 1"#))
        #expect(page.contains(#"image_processing_duration_seconds_bucket{format="webp",le="+Inf"} 1"#))
        #expect(page.contains("image_processing_duration_seconds_sum{format=\"webp\"} 0.3\n"))
        #expect(!page.contains(#"format="jpeg""#), "labelled series appear once they have a value")
        #expect(page.contains("image_operation_concurrency_limit 1\n") && page.contains("http_requests_duration_seconds_count 0\n"))
        // Every line is a comment or `series value`.
        for line in page.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.split(separator: " ").count == 2 && Double(line.split(separator: " ")[1]) != nil, "\(line)")
        }
    }
}
