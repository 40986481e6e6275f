import ImgForgeCore

/// Progressive JPEG "scan bombs": thousands of scans that each make the decoder walk every block
/// of the image again, a few hundred bytes of file per pass. Real progressive files have about ten.
enum JPEGScans {
    /// More than any encoder writes; the refusal is from the bytes, before libvips runs.
    static let limit = 100

    /// Start-of-scan markers (FF DA). Inside entropy-coded data an FF byte is always followed by a
    /// stuffed 00 or a restart marker, so every FF DA pair is a real scan.
    static func count(_ bytes: UnsafeRawBufferPointer) -> Int {
        var scans = 0
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            if bytes[index] == 0xFF && bytes[index + 1] == 0xDA { scans += 1 }
            index += 1
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
