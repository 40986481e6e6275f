@testable import ImgForgeServer
import Testing

/// A miss's `Last-Modified` must be byte for byte what nginx sends for the file afterwards.
@Suite struct HTTPDateTests {
    @Test func formatsAsNginxDoes() {
        #expect(HTTPDate.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(HTTPDate.format(1_796_306_071) == "Thu, 03 Dec 2026 13:54:31 GMT")
    }
}
