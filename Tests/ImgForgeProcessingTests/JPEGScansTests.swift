@testable import ImgForgeProcessing
import Testing

/// The scan count is exact whatever the bytes: every FF DA pair, overlapping FF runs included.
struct JPEGScansTests {
    private func naive(_ bytes: [UInt8]) -> Int {
        bytes.indices.dropLast().count { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xDA }
    }

    @Test func countsEveryStartOfScanMarker() {
        let cases: [[UInt8]] = [[], [0xFF], [0xFF, 0xDA], [0xDA, 0xFF], [0xFF, 0xFF, 0xDA], [0xFF, 0xDA, 0xFF, 0xDA],
                                [0x00, 0xFF, 0x00, 0xFF, 0xDA, 0xFF], [UInt8](repeating: 0xFF, count: 9) + [0xDA]]
        for bytes in cases {
            #expect(bytes.withUnsafeBytes(JPEGScans.count) == naive(bytes), "\(bytes)")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            // Bytes rich in FF and DA, so that markers and near-misses are common.
            let bytes = (0..<Int.random(in: 0..<400, using: &generator)).map { _ in [0xFF, 0xDA, 0x00, 0x17][Int.random(in: 0..<4, using: &generator)] as UInt8 }
            #expect(bytes.withUnsafeBytes(JPEGScans.count) == naive(bytes))
        }
    }
}
