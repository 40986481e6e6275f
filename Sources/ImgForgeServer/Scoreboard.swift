import Foundation

/// Shared memory in which every responder thread of every worker process writes the request
/// it is serving, so the supervisor can name the request a crashed worker took down.
/// Created by the supervisor (a memfd) and handed to each worker on a fixed descriptor.
final class Scoreboard: @unchecked Sendable {
    /// Bytes per responder thread: a length, then the request id and path.
    static let slotSize = 1024
    /// Where a worker process finds the scoreboard.
    static let workerDescriptor: Int32 = 3

    let descriptor: Int32
    let slotCount: Int
    private let memory: UnsafeMutableRawPointer

    /// A new, zeroed scoreboard for `slotCount` responder threads: an unlinked file in RAM
    /// (or the temporary directory), so nothing is left behind whatever happens.
    static func create(slotCount: Int) throws -> Scoreboard {
        let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        var template = Array("\(directory)/imgforge-scoreboard-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw SocketError.errno("scoreboard") }
        unlink(template)
        guard ftruncate(fd, off_t(slotCount * slotSize)) == 0 else { throw SocketError.errno("scoreboard") }
        return try Scoreboard(descriptor: fd, slotCount: slotCount)
    }

    /// Maps the scoreboard a supervisor handed over.
    init(descriptor: Int32, slotCount: Int) throws {
        guard let mapped = mmap(nil, slotCount * Self.slotSize, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0),
              mapped != MAP_FAILED
        else { throw SocketError.errno("mapping the scoreboard") }
        self.descriptor = descriptor
        self.slotCount = slotCount
        memory = mapped
    }

    /// Records what `slot` is serving now; nil when it is idle.
    func set(_ slot: Int, _ text: String?) {
        guard slot >= 0, slot < slotCount else { return }
        let base = memory + slot * Self.slotSize
        let bytes = Array((text ?? "").utf8.prefix(Self.slotSize - 4))
        base.storeBytes(of: UInt32(0), as: UInt32.self)
        if !bytes.isEmpty { bytes.withUnsafeBytes { (base + 4).copyMemory(from: $0.baseAddress!, byteCount: bytes.count) } }
        base.storeBytes(of: UInt32(bytes.count), as: UInt32.self)
    }

    /// What `slot` was serving, if anything.
    func get(_ slot: Int) -> String? {
        guard slot >= 0, slot < slotCount else { return nil }
        let base = memory + slot * Self.slotSize
        let count = min(Int(base.load(as: UInt32.self)), Self.slotSize - 4)
        guard count > 0 else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: base + 4, count: count), as: UTF8.self)
    }
}
