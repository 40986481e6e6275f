import Foundation
import ImgForgeCore

/// `/metrics`: the pool's metrics in Prometheus' text format, the board's cells added up over
/// every process, plus what is read at the moment of the scrape: image operations running (the
/// scoreboard), waiting (the listening socket's queue) and the limits. Any process of the pool
/// can render it: the supervisor on its status socket and `IMGFORGE_PROMETHEUS_BIND`, a worker
/// when there is no status socket.
struct MetricsPage: Sendable {
    let board: MetricsBoard
    let scoreboard: Scoreboard
    /// The pool's listening socket, whose queue holds the requests waiting for a worker.
    let listening: Int32
    let server: ServerSettings
    let version: String

    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    func render() -> String {
        var text = ""
        func family(_ name: String, _ kind: MetricCatalogue.Kind, _ help: String) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(kind.rawValue)\n"
        }
        func number(_ value: Double) -> String {
            value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        }
        for entry in board.catalogue.families {
            family(entry.name, entry.kind, entry.help)
            for series in 0..<entry.seriesCount {
                let cell = entry.offset + series * entry.cellsPerSeries
                let label = entry.label.map { "\($0)=\"\(entry.values[series])\"" }
                switch entry.kind {
                case .counter, .gauge:
                    let value = board.total(cell, entry.aggregation)
                    guard label == nil || value > 0 else { continue }
                    text += "\(entry.name)\(label.map { "{\($0)}" } ?? "") \(number(Double(value)))\n"
                case .histogram:
                    let buckets = MetricCatalogue.buckets
                    let count = board.total(cell + buckets.count)
                    guard label == nil || count > 0 else { continue }
                    let prefix = label.map { "\($0)," } ?? ""
                    var cumulative: UInt64 = 0
                    for (index, bound) in buckets.enumerated() {
                        cumulative &+= board.total(cell + index)
                        text += "\(entry.name)_bucket{\(prefix)le=\"\(bound)\"} \(min(cumulative, count))\n"
                    }
                    text += "\(entry.name)_bucket{\(prefix)le=\"+Inf\"} \(count)\n"
                    let braces = label.map { "{\($0)}" } ?? ""
                    text += "\(entry.name)_sum\(braces) \(Double(board.total(cell + buckets.count + 1)) / 1e9)\n"
                    text += "\(entry.name)_count\(braces) \(count)\n"
                }
            }
        }
        let active = (0..<scoreboard.slotCount).count { scoreboard.get($0) != nil }
        family("image_operations_active", .gauge, "Image operations (requests) workers are serving now.")
        text += "image_operations_active \(active)\n"
        if let waiting = ListenQueue.length(listening) {
            family("image_operations_waiting", .gauge, "Requests waiting in the listening socket's queue for a free worker.")
            text += "image_operations_waiting \(waiting)\n"
        }
        family("image_operation_concurrency_limit", .gauge, "Image operations the pool runs at once (IMGFORGE_WORKERS).")
        text += "image_operation_concurrency_limit \(server.workers)\n"
        family("image_operation_queue_limit", .gauge, "Requests nginx lets wait beyond them before answering 429 (IMGFORGE_QUEUE_SIZE; 0: no limit).")
        text += "image_operation_queue_limit \(server.queueSize)\n"
        family("imgforge_build_info", .gauge, "Always 1; the version is a label.")
        text += "imgforge_build_info{version=\"\(version.replacingOccurrences(of: "\"", with: ""))\"} 1\n"
        return text
    }
}
