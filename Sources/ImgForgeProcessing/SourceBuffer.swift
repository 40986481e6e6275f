/// Encoded image bytes that libvips reads lazily (it does not copy a buffer it loads from): every
/// `VipsImage` decoded from them, and every image made from those, holds this buffer, so the
/// bytes live exactly as long as something may still read them.
package final class SourceBuffer: @unchecked Sendable {
    package let bytes: UnsafeRawBufferPointer

    package init(copying source: [UInt8]) {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, source.count), alignment: 16)
        source.withUnsafeBytes { memory.copyMemory(from: $0) }
        bytes = UnsafeRawBufferPointer(rebasing: memory[0..<source.count])
    }

    deinit {
        bytes.baseAddress.map { UnsafeMutableRawPointer(mutating: $0).deallocate() }
    }
}
