import Foundation
import ImgForgeCore

/// Progressive JPEG "scan bombs": thousands of scans that each make the decoder walk every block
/// of the image again, a few hundred bytes of file per pass. Real progressive files have about ten.
enum JPEGScans {
    /// More than any encoder writes; the refusal is from the bytes, before libvips runs.
    static let limit = 100

    /// Start-of-scan markers (FF DA). Inside entropy-coded data an FF byte is always followed by a
    /// stuffed 00 or a restart marker, so every FF DA pair is a real scan. `memchr` jumps from one
    /// FF to the next (about one byte in 256 of compressed data): every miss reads the whole source.
    static func count(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard let base = bytes.baseAddress, bytes.count > 1 else { return 0 }
        // An FF in the last byte has no marker byte after it.
        let end = bytes.count - 1
        var scans = 0
        var offset = 0
        while offset < end, let found = memchr(base + offset, 0xFF, end - offset) {
            let index = base.distance(to: UnsafeRawPointer(found))
            if bytes[index + 1] == 0xDA { scans += 1 }
            offset = index + 1
        }
        return scans
    }

    static func check(_ bytes: UnsafeRawBufferPointer) throws {
        let scans = count(bytes)
        if scans > limit {
            throw ServiceError(.unprocessable, "cannot decode source image: a JPEG with \(scans) scans (over \(limit)) is refused as a decoding bomb")
        }
    }
}
