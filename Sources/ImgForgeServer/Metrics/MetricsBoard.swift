import Atomics
import Foundation

/// The pool's metrics in shared memory: one region of 64-bit cells per process (the supervisor's,
/// then one per worker index), laid out by `MetricCatalogue`. A worker writes its index's region,
/// so its counters survive it: its replacement goes on adding to them. Every change is an atomic
/// operation on the shared memory, since a worker being replaced (SIGHUP) and its successor write
/// the same region for a moment. Readers add the regions up; a scrape may see one request half
/// recorded, never a counter going back.
final class MetricsBoard: @unchecked Sendable {
    /// Where a worker process finds the board.
    static let workerDescriptor: Int32 = 4

    let descriptor: Int32
    let catalogue: MetricCatalogue
    /// Regions: the supervisor's (0) and one per worker index (1…).
    let regionCount: Int
    private let memory: UnsafeMutablePointer<UnsafeAtomic<UInt64>.Storage>

    /// A zeroed board for a supervisor and `workers` worker processes, in an unlinked file.
    static func create(workers: Int, catalogue: MetricCatalogue = .standard) throws -> MetricsBoard {
        let fd = try SharedMemoryFile.create("metrics", size: size(workers: workers, catalogue: catalogue))
        return try MetricsBoard(descriptor: fd, workers: workers, catalogue: catalogue)
    }

    /// Maps the board a supervisor handed over.
    init(descriptor: Int32, workers: Int, catalogue: MetricCatalogue = .standard) throws {
        let bytes = Self.size(workers: workers, catalogue: catalogue)
        var status = stat()
        guard fstat(descriptor, &status) == 0, Int(status.st_size) == bytes,
              let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0), mapped != MAP_FAILED
        else { throw SocketError.errno("mapping the metrics board") }
        self.descriptor = descriptor
        self.catalogue = catalogue
        regionCount = workers + 1
        memory = mapped.bindMemory(to: UnsafeAtomic<UInt64>.Storage.self, capacity: bytes / 8)
    }

    private static func size(workers: Int, catalogue: MetricCatalogue) -> Int { (workers + 1) * catalogue.cellCount * 8 }

    /// The region of the supervisor.
    static let supervisorRegion = 0
    /// The region of the worker with `index`.
    static func region(ofWorker index: Int) -> Int { index + 1 }

    /// Adds to a cell of `region`, which must be this process's.
    func add(_ value: UInt64, region: Int, cell: Int) {
        atomic(region, cell)?.wrappingIncrement(by: value, ordering: .relaxed)
    }

    /// Records a duration in the histogram starting at `cell`.
    func observe(nanoseconds: UInt64, region: Int, cell: Int) {
        let seconds = Double(nanoseconds) / 1e9
        let count = MetricCatalogue.buckets.count
        if let bucket = MetricCatalogue.buckets.firstIndex(where: { seconds <= $0 }) { add(1, region: region, cell: cell + bucket) }
        add(1, region: region, cell: cell + count)
        add(nanoseconds, region: region, cell: cell + count + 1)
    }

    func set(_ value: UInt64, region: Int, cell: Int) {
        atomic(region, cell)?.store(value, ordering: .relaxed)
    }

    /// A cell over the whole pool.
    func total(_ cell: Int, _ aggregation: MetricCatalogue.Aggregation = .sum) -> UInt64 {
        var result: UInt64 = 0
        for region in 0..<regionCount {
            guard let value = atomic(region, cell)?.load(ordering: .relaxed) else { continue }
            result = aggregation == .sum ? result &+ value : max(result, value)
        }
        return result
    }

    private func atomic(_ region: Int, _ cell: Int) -> UnsafeAtomic<UInt64>? {
        guard region >= 0, region < regionCount, cell >= 0, cell < catalogue.cellCount else { return nil }
        return UnsafeAtomic(at: memory + region * catalogue.cellCount + cell)
    }
}
