import ImgForgeCore
@testable import ImgForgeProcessing
import Testing

/// Result sizes as imgproxy computes them, from the options alone.
struct GeometryPlanTests {
    private func resultSize(_ source: Size, _ optionString: String) throws -> Size {
        let options = try OptionsParser().parse(ProcessingPath(path: "/unsafe/\(optionString)/plain/local:///a.jpg"))
        return GeometryPlan(source: source, options: options).resultSize
    }

    /// A 1000×600 source.
    @Test(arguments: [
        ("rs:fill:300:300", 300, 300),
        ("rs:fit:300:0", 300, 180),
        ("rs:force:300:100", 300, 100),
        ("rs:force:2000:300", 1000, 150),
        ("rs:fit:2000:2000", 1000, 600),
        ("rs:fit:2000:2000:1", 2000, 1200),
        ("rs:fit:300:0/dpr:2", 600, 360),
        ("rs:fit:800:0/dpr:2", 1000, 600),
        ("rs:fill:300:300/dpr:2", 600, 600),
        ("rs:fill:300:300/dpr:3", 600, 600),
        ("rs:fill:400:400/dpr:3/el:1", 1200, 1200),
        ("rs:fit:2000:2000/dpr:2", 1000, 600),
        ("rs:fill:800:800", 800, 600),
        ("rs:fill-down:800:800", 600, 600),
        ("rs:fill-down:2000:1000", 1000, 500),
        ("rs:fit:300:300/mw:500", 300, 300),
        ("rs:fit:0:0/mw:2000", 2000, 1200),
        ("rs:fit:0:0/mh:300", 1000, 600),
        ("rs:fit:300:300:0:1", 300, 300),
        ("rs:fit:1200:0:0:1", 1200, 600),
        ("rs:fit:300:300:0:1/dpr:2", 600, 600),
        ("rs:fit:2000:1000/exar:1", 1200, 600),
        ("rs:fit:300:300/pd:10/dpr:2", 640, 400),
        ("rs:fit:300:0/z:0.5", 150, 90),
        ("c:0.5:0.5/rs:fit:300:0", 300, 180),
        ("c:200:100/rs:fit:1000:1000:1", 1000, 500),
        ("rs:auto:300:400", 300, 180),
        ("rs:auto:400:300", 400, 300),
        ("w:500", 500, 300),
        ("h:300", 500, 300),
        ("s:100:100/pd:5:10", 120, 70),
        ("rs:fit:4000:4000:0:1/dpr:2", 4000, 4000),
    ])
    func landscapeSource(options: String, width: Int, height: Int) throws {
        #expect(try resultSize(Size(1000, 600), options) == Size(width, height))
    }

    /// imgproxy's own expectations for its 200×100 test image.
    @Test(arguments: [
        ("rs:fill-down:300:125", 200, 83),
        ("rs:fit:300:125/exar:1", 240, 100),
        ("rs:fit:300:0:0:1", 300, 100),
        ("rs:fill:100:100", 100, 100),
        ("rs:fit:50:50", 50, 25),
        ("rs:force:50:50", 50, 50),
        ("rs:fit:0:50", 100, 50),
        // extend pads from what min-height made: nothing of it is cut.
        ("rs:fit:100:200/mh:150/ex:1", 300, 200),
        ("rs:fit:100:200/mh:150", 100, 150),
    ])
    func imgproxyTestImage(options: String, width: Int, height: Int) throws {
        #expect(try resultSize(Size(200, 100), options) == Size(width, height))
    }

    @Test func neverBelowOnePixel() throws {
        #expect(try resultSize(Size(10_000, 10), "rs:fit:100:100") == Size(100, 1))
        #expect(try resultSize(Size(1, 1), "rs:fill:1:1") == Size(1, 1))
    }

    @Test func gravityPlacement() {
        let outer = Size(500, 300), inner = Size(300, 300)
        #expect(Position.place(inner: inner, in: outer, gravity: Gravity(.center), offsetScale: 1) == (100, 0))
        #expect(Position.place(inner: inner, in: outer, gravity: Gravity(.west), offsetScale: 1) == (0, 0))
        #expect(Position.place(inner: inner, in: outer, gravity: Gravity(.east), offsetScale: 1) == (200, 0))
        #expect(Position.place(inner: inner, in: outer, gravity: Gravity(.east, x: 50), offsetScale: 1) == (150, 0))
        #expect(Position.place(inner: inner, in: outer, gravity: Gravity(.west, x: 50), offsetScale: 2) == (100, 0))
        #expect(Position.place(inner: inner, in: outer, gravity: Gravity(.west, x: 0.1), offsetScale: 1) == (50, 0))
        #expect(Position.place(inner: inner, in: outer, gravity: Gravity(.west, x: 500), offsetScale: 1) == (200, 0))
        #expect(Position.place(inner: Size(100, 100), in: outer, gravity: Gravity(.focusPoint, x: 0.9, y: 0.1), offsetScale: 1) == (400, 0))
        #expect(Position.place(inner: Size(100, 100), in: outer, gravity: Gravity(.southEast), offsetScale: 1) == (400, 200))
        // Centre slack: imgproxy's half-to-even rounding of (slack + 1) / 2.
        #expect(Position.place(inner: Size(96, 100), in: Size(100, 100), gravity: .center, offsetScale: 1).left == 2)
        #expect(Position.place(inner: Size(94, 100), in: Size(100, 100), gravity: .center, offsetScale: 1).left == 4)
    }

    @Test func orientations() {
        let options = ProcessingOptions()
        #expect(Orientation(exif: 6, options: options).displayed(Size(40, 60)) == Size(60, 40))
        #expect(Orientation(exif: 3, options: options).displayed(Size(40, 60)) == Size(40, 60))
        var noAuto = options
        noAuto.autoRotate = false
        #expect(Orientation(exif: 6, options: noAuto).rotation == 0)
        var rotated = options
        rotated.rotate = 90
        #expect(Orientation(exif: 8, options: rotated).rotation == 0)
        let mirrored = Orientation(exif: 2, options: rotated)
        #expect(mirrored.rotation == 90 && !mirrored.flipHorizontal && mirrored.flipVertical)
    }
}
