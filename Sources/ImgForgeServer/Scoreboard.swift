import Foundation
import ImgForgeCache
import ImgForgeCore

/// Shared memory in which every responder thread of every worker process writes the request
/// it is serving and since when, so the supervisor can name the request a crashed worker took
/// down and kill a worker stuck past its deadline. Created by the supervisor (a memfd) and
/// handed to each worker on a fixed descriptor; it also names the supervisor, so a worker can
/// tell that its supervisor is gone even when that happened before the worker looked.
final class Scoreboard: @unchecked Sendable {
    /// Bytes per responder thread: a length, the start time, what its process has stored in the
    /// cache (bytes, entries), then the request id and path.
    static let slotSize = 1024
    /// Bytes before the first slot: the supervisor's pid.
    private static let headerSize = 64
    private static let writtenOffset = 16
    private static let textOffset = 32
    /// Where a worker process finds the scoreboard.
    static let workerDescriptor: Int32 = 3

    /// What one responder thread is serving.
    struct Entry: Equatable {
        /// Request id, method and URI.
        var text: String
        /// When the request arrived, on the system-wide monotonic clock (`Deadline.now`).
        var since: UInt64
    }

    let descriptor: Int32
    let slotCount: Int
    private let memory: UnsafeMutableRawPointer

    /// A new, zeroed scoreboard for `slotCount` responder threads: an unlinked file in RAM
    /// (or the temporary directory), so nothing is left behind whatever happens.
    static func create(slotCount: Int) throws -> Scoreboard {
        let fd = try SharedMemoryFile.create("scoreboard", size: headerSize + slotCount * slotSize)
        let scoreboard = try Scoreboard(descriptor: fd, slotCount: slotCount)
        scoreboard.memory.storeBytes(of: getpid(), as: pid_t.self)
        return scoreboard
    }

    /// Maps the scoreboard a supervisor handed over.
    init(descriptor: Int32, slotCount: Int) throws {
        guard let mapped = mmap(nil, Self.headerSize + slotCount * Self.slotSize, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0),
              mapped != MAP_FAILED
        else { throw SocketError.errno("mapping the scoreboard") }
        self.descriptor = descriptor
        self.slotCount = slotCount
        memory = mapped
    }

    /// The process that created the scoreboard: the pool's supervisor.
    var supervisor: pid_t { memory.load(as: pid_t.self) }

    /// Records what `slot` is serving now, since `since`; nil when it is idle.
    func set(_ slot: Int, _ text: String?, since: UInt64 = Deadline.now) {
        guard slot >= 0, slot < slotCount else { return }
        let base = memory + Self.headerSize + slot * Self.slotSize
        // Length 0 first: a reader in another process never takes half-written text for a request.
        base.storeBytes(of: UInt32(0), as: UInt32.self)
        guard let text else { return }
        let bytes = Array(text.utf8.prefix(Self.slotSize - Self.textOffset))
        (base + 8).storeBytes(of: since, as: UInt64.self)
        bytes.withUnsafeBytes { (base + Self.textOffset).copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        base.storeBytes(of: UInt32(bytes.count), as: UInt32.self)
    }

    /// What `slot` is serving, if anything.
    func entry(_ slot: Int) -> Entry? {
        guard slot >= 0, slot < slotCount else { return nil }
        let base = memory + Self.headerSize + slot * Self.slotSize
        let count = min(Int(base.load(as: UInt32.self)), Self.slotSize - Self.textOffset)
        guard count > 0 else { return nil }
        let text = String(decoding: UnsafeRawBufferPointer(start: base + Self.textOffset, count: count), as: UTF8.self)
        return Entry(text: text, since: (base + 8).load(as: UInt64.self))
    }

    /// What `slot` is serving, if anything.
    func get(_ slot: Int) -> String? { entry(slot)?.text }

    /// Records what the process owning `slot` has stored in the cache so far. Only that slot's
    /// thread writes it: aligned 8-byte stores, which a reader never sees half done.
    func setWritten(_ slot: Int, _ written: DiskCache.Written) {
        guard slot >= 0, slot < slotCount else { return }
        let base = memory + Self.headerSize + slot * Self.slotSize + Self.writtenOffset
        base.storeBytes(of: UInt64(written.bytes), as: UInt64.self)
        (base + 8).storeBytes(of: UInt64(written.entries), as: UInt64.self)
    }

    /// What the process owning `slot` had stored when that slot's thread last said.
    func written(_ slot: Int) -> DiskCache.Written {
        guard slot >= 0, slot < slotCount else { return DiskCache.Written() }
        let base = memory + Self.headerSize + slot * Self.slotSize + Self.writtenOffset
        return DiskCache.Written(entries: Int(clamping: (base + 8).load(as: UInt64.self)), bytes: Int(clamping: base.load(as: UInt64.self)))
    }
}
