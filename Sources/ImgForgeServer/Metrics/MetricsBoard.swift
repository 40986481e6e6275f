import Foundation
import Synchronization

/// The pool's metrics in shared memory: one region of 64-bit cells per process (the supervisor's,
/// then one per worker index), laid out by `MetricCatalogue`. Only its own process writes a
/// region, so a worker's counters survive the worker: its replacement goes on adding to them.
/// Readers add the regions up (aligned 8-byte loads, never torn); a scrape may see one request
/// half recorded, never a counter going back.
final class MetricsBoard: @unchecked Sendable {
    /// Where a worker process finds the board.
    static let workerDescriptor: Int32 = 4

    let descriptor: Int32
    let catalogue: MetricCatalogue
    /// Regions: the supervisor's (0) and one per worker index (1…).
    let regionCount: Int
    private let memory: UnsafeMutablePointer<UInt64>
    /// The threads of one process share its region.
    private let writing = Mutex<Void>(())

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
        memory = mapped.bindMemory(to: UInt64.self, capacity: bytes / 8)
    }

    private static func size(workers: Int, catalogue: MetricCatalogue) -> Int { (workers + 1) * catalogue.cellCount * 8 }

    /// The region of the supervisor.
    static let supervisorRegion = 0
    /// The region of the worker with `index`.
    static func region(ofWorker index: Int) -> Int { index + 1 }

    /// Adds to a cell of `region`, which must be this process's.
    func add(_ value: UInt64, region: Int, cell: Int) {
        guard let pointer = pointer(region, cell) else { return }
        writing.withLock { _ in pointer.pointee &+= value }
    }

    /// Records a duration in the histogram starting at `cell`.
    func observe(nanoseconds: UInt64, region: Int, cell: Int) {
        let seconds = Double(nanoseconds) / 1e9
        let bucket = MetricCatalogue.buckets.firstIndex { seconds <= $0 } ?? MetricCatalogue.buckets.count
        let count = MetricCatalogue.buckets.count
        guard let base = pointer(region, cell), pointer(region, cell + count + 1) != nil else { return }
        writing.withLock { _ in
            if bucket < count { base[bucket] &+= 1 }
            base[count] &+= 1
            base[count + 1] &+= nanoseconds
        }
    }

    func set(_ value: UInt64, region: Int, cell: Int) {
        pointer(region, cell)?.pointee = value
    }

    /// A cell over the whole pool.
    func total(_ cell: Int, _ aggregation: MetricCatalogue.Aggregation = .sum) -> UInt64 {
        var result: UInt64 = 0
        for region in 0..<regionCount {
            guard let value = pointer(region, cell)?.pointee else { continue }
            result = aggregation == .sum ? result &+ value : max(result, value)
        }
        return result
    }

    private func pointer(_ region: Int, _ cell: Int) -> UnsafeMutablePointer<UInt64>? {
        guard region >= 0, region < regionCount, cell >= 0, cell < catalogue.cellCount else { return nil }
        return memory + region * catalogue.cellCount + cell
    }
}
