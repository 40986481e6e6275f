import CoreMetrics

/// swift-metrics' backend for one process of the pool: counters, timers and gauges named in
/// `MetricCatalogue` land in the process's region of the shared `MetricsBoard`. A swift-metrics
/// Prometheus backend keeps its values in the process that records them, so a worker's counts
/// would vanish with the worker and a scrape would see one process; here every process writes
/// where the supervisor adds them up. Names or label values the catalogue lacks record nothing
/// (values outside a label's list count as `other`).
struct BoardMetricsFactory: MetricsFactory {
    let board: MetricsBoard
    let region: Int

    private func cell(_ label: String, _ dimensions: [(String, String)], kind: MetricCatalogue.Kind) -> Int? {
        guard let family = board.catalogue.family(label), family.kind == kind else { return nil }
        return family.cell(for: dimensions.first { $0.0 == family.label }?.1)
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> CounterHandler {
        guard let cell = cell(label, dimensions, kind: .counter) else { return NOOPMetricsHandler.instance }
        return BoardCell(board: board, region: region, cell: cell)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> FloatingPointCounterHandler {
        guard let cell = cell(label, dimensions, kind: .counter) else { return NOOPMetricsHandler.instance }
        return BoardCell(board: board, region: region, cell: cell)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> MeterHandler {
        guard let cell = cell(label, dimensions, kind: .gauge) else { return NOOPMetricsHandler.instance }
        return BoardCell(board: board, region: region, cell: cell)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> RecorderHandler {
        guard !aggregate, let cell = cell(label, dimensions, kind: .gauge) else { return NOOPMetricsHandler.instance }
        return BoardCell(board: board, region: region, cell: cell)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> TimerHandler {
        guard let cell = cell(label, dimensions, kind: .histogram) else { return NOOPMetricsHandler.instance }
        return BoardCell(board: board, region: region, cell: cell)
    }

    func destroyCounter(_ handler: CounterHandler) {}
    func destroyFloatingPointCounter(_ handler: FloatingPointCounterHandler) {}
    func destroyMeter(_ handler: MeterHandler) {}
    func destroyRecorder(_ handler: RecorderHandler) {}
    func destroyTimer(_ handler: TimerHandler) {}
}

/// One series of the board: a counter, a gauge or a histogram, by what the catalogue says it is.
private final class BoardCell: CounterHandler, FloatingPointCounterHandler, MeterHandler, RecorderHandler, TimerHandler {
    let board: MetricsBoard
    let region: Int
    let cell: Int

    init(board: MetricsBoard, region: Int, cell: Int) {
        self.board = board
        self.region = region
        self.cell = cell
    }

    func increment(by amount: Int64) {
        if amount > 0 { board.add(UInt64(amount), region: region, cell: cell) }
    }

    func increment(by amount: Double) {
        if amount.isFinite, amount >= 1 { board.add(UInt64(min(amount, 1e18)), region: region, cell: cell) }
    }

    func decrement(by amount: Double) {}

    /// Counters only grow: a reset would break every rate computed over them.
    func reset() {}

    func set(_ value: Int64) { board.set(UInt64(max(0, value)), region: region, cell: cell) }
    func set(_ value: Double) { set(value.isFinite ? Int64(max(0, min(value, 9e18))) : 0) }
    func record(_ value: Int64) { set(value) }
    func record(_ value: Double) { set(value) }

    func recordNanoseconds(_ duration: Int64) {
        board.observe(nanoseconds: UInt64(max(0, duration)), region: region, cell: cell)
    }
}
