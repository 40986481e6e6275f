/// Encoded image bytes that libvips reads lazily (it does not copy a buffer it loads from): every
/// `VipsImage` decoded from them, and every image made from those, holds this buffer, so the
/// bytes live exactly as long as something may still read them.
package final class SourceBuffer: @unchecked Sendable {
    package let bytes: UnsafeRawBufferPointer
    private let owned: Bool

    package init(copying source: [UInt8]) {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, source.count), alignment: 16)
        source.withUnsafeBytes { memory.copyMemory(from: $0) }
        bytes = UnsafeRawBufferPointer(rebasing: memory[0..<source.count])
        owned = true
    }

    private init(borrowing bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        owned = false
    }

    /// Runs `body` on a buffer over `source`'s own storage, without a copy (a source can be tens of
    /// megabytes, and each worker holds one). Every image made from the buffer must be gone when `body`
    /// returns, as a pipeline's result is encoded bytes: a buffer still held then would let libvips read
    /// freed memory later, so that stops the process instead.
    package static func borrowing<Result>(_ source: [UInt8], _ body: (SourceBuffer) throws -> Result) rethrows -> Result {
        try source.withUnsafeBytes { memory in
            var buffer = SourceBuffer(borrowing: memory)
            defer { precondition(isKnownUniquelyReferenced(&buffer), "an image outlived the source bytes it reads") }
            return try body(buffer)
        }
    }

    deinit {
        if owned { bytes.baseAddress.map { UnsafeMutableRawPointer(mutating: $0).deallocate() } }
    }
}
