import CShim
import CVips
import Foundation
import ImgForgeProcessing

/// Makes fixture images from pixels and decodes responses, with libvips.
/// The unsafe work of the tests stays in this file.
struct TestImage {
    let width: Int
    let height: Int
    let bands: Int
    /// The loader libvips picked, e.g. "jpegload_buffer".
    let loader: String
    /// 8-bit sRGB(A) pixels, row-major.
    let pixels: [UInt8]

    /// Decodes encoded bytes, as a user checking a response would.
    init(decoding bytes: [UInt8]) throws {
        try Vips.start()
        let decoded: (Int, Int, Int, String, [UInt8])? = bytes.withUnsafeBytes { buffer in
            guard let image = imgforge_vips_load_buffer(buffer.baseAddress, buffer.count, 0) else { return nil }
            defer { g_object_unref(image) }
            var loaderName = ""
            var name: UnsafePointer<CChar>?
            if vips_image_get_string(image, "vips-loader", &name) == 0, let name { loaderName = String(cString: name) }
            var memory: UnsafeMutableRawPointer?
            var length = 0
            guard imgforge_vips_write_memory_rgb(image, &memory, &length) == 0, let memory else { return nil }
            defer { g_free(memory) }
            let pixels = [UInt8](UnsafeRawBufferPointer(start: memory, count: length))
            let width = Int(vips_image_get_width(image)), height = Int(vips_image_get_height(image))
            return (width, height, length / max(1, width * height), loaderName, pixels)
        }
        guard let decoded else {
            vips_error_clear()
            throw TestFailure("response does not decode as an image (\(bytes.count) bytes)")
        }
        (width, height, bands, loader, pixels) = decoded
    }

    /// Names the dominant colour at (x, y): "red", "green", "blue", "yellow", "white", "black" or "other".
    func colourName(_ x: Int, _ y: Int) -> String {
        let p = pixel(x, y).map(Int.init)
        let (r, g, b) = bands >= 3 ? (p[0], p[1], p[2]) : (p[0], p[0], p[0])
        func high(_ v: Int) -> Bool { v > 190 }
        func low(_ v: Int) -> Bool { v < 70 }
        switch (high(r), high(g), high(b), low(r), low(g), low(b)) {
        case (true, _, _, _, true, true): return "red"
        case (_, true, _, true, _, true): return "green"
        case (_, _, true, true, true, _): return "blue"
        case (true, true, _, _, _, true): return "yellow"
        case (true, true, true, _, _, _): return "white"
        case (_, _, _, true, true, true): return "black"
        default: return "other"
        }
    }

    /// The colour at (x, y), one value per band.
    func pixel(_ x: Int, _ y: Int) -> [UInt8] {
        let start = (y * width + x) * bands
        return Array(pixels[start..<start + bands])
    }

    /// Encodes an RGB image drawn by `colour(x, y)` with a libvips save suffix (".png", ".jpg[Q=95]").
    static func encode(width: Int, height: Int, suffix: String, colour: (Int, Int) -> (UInt8, UInt8, UInt8)) throws -> [UInt8] {
        try encode(width: width, height: height, bands: 3, suffix: suffix) { x, y in
            let (r, g, b) = colour(x, y)
            return [r, g, b]
        }
    }

    /// Encodes an image of `bands` 8-bit bands (3 RGB, 4 RGBA) drawn by `pixel(x, y)`;
    /// `orientation` is written as the EXIF orientation tag.
    static func encode(width: Int, height: Int, bands: Int, suffix: String, orientation: Int? = nil, metadata: [String: String] = [:], pixel: (Int, Int) -> [UInt8]) throws -> [UInt8] {
        try Vips.start()
        var pixels = [UInt8](repeating: 0, count: width * height * bands)
        for y in 0..<height {
            for x in 0..<width {
                let value = pixel(x, y)
                let index = (y * width + x) * bands
                for band in 0..<bands { pixels[index + band] = value[band] }
            }
        }
        let encoded: [UInt8]? = pixels.withUnsafeBytes { buffer in
            guard let image = vips_image_new_from_memory_copy(buffer.baseAddress, buffer.count, Int32(width), Int32(height), Int32(bands), VIPS_FORMAT_UCHAR) else { return nil }
            defer { g_object_unref(image) }
            if let orientation { vips_image_set_int(image, "orientation", Int32(orientation)) }
            for (field, value) in metadata { vips_image_set_string(image, field, value) }
            return save(image, suffix: suffix)
        }
        guard let encoded else { throw TestFailure("cannot encode fixture \(suffix)") }
        return encoded
    }

    /// Encodes a libvips image with a save suffix; nil when libvips refuses.
    static func save(_ image: UnsafeMutablePointer<CVips.VipsImage>, suffix: String) -> [UInt8]? {
        var output: UnsafeMutableRawPointer?
        var length = 0
        guard imgforge_vips_write_buffer(image, suffix, &output, &length) == 0, let output else { return nil }
        defer { g_free(output) }
        return [UInt8](UnsafeRawBufferPointer(start: output, count: length))
    }

    /// The quadrant colours: red top-left, green top-right, blue bottom-left, yellow bottom-right.
    static func quadrantColour(_ x: Int, _ y: Int, width: Int, height: Int) -> (UInt8, UInt8, UInt8) {
        switch (x < width / 2, y < height / 2) {
        case (true, true): (255, 0, 0)
        case (false, true): (0, 255, 0)
        case (true, false): (0, 0, 255)
        case (false, false): (255, 255, 0)
        }
    }

    /// Four solid quadrants: red top-left, green top-right, blue bottom-left, yellow bottom-right.
    static func quadrants(width: Int, height: Int, suffix: String) throws -> [UInt8] {
        try encode(width: width, height: height, suffix: suffix) { x, y in
            quadrantColour(x, y, width: width, height: height)
        }
    }
}

/// An animation as a user checking a response sees it: frames, their delays, the loop count,
/// and each frame's colour at its centre.
struct TestAnimation {
    let loader: String
    let frameWidth: Int
    let frameHeight: Int
    let delays: [Int]
    let loop: Int?
    /// The colour name at the centre of each frame, in order.
    let centres: [String]

    var frames: Int { centres.count }

    /// Decodes every frame of `bytes`.
    init(decoding bytes: [UInt8]) throws {
        try Vips.start()
        let decoded: (String, Int, Int, Int, [Int], Int?, [UInt8], Int)? = bytes.withUnsafeBytes { buffer in
            guard let image = imgforge_vips_load_buffer_with(buffer.baseAddress, buffer.count, "[n=-1]") else { return nil }
            defer { g_object_unref(image) }
            var name: UnsafePointer<CChar>?
            let loader = vips_image_get_string(image, "vips-loader", &name) == 0 && name != nil ? String(cString: name!) : ""
            let width = Int(vips_image_get_width(image)), height = Int(vips_image_get_height(image))
            var pageHeight: Int32 = Int32(height)
            if vips_image_get_typeof(image, "page-height") != 0 { vips_image_get_int(image, "page-height", &pageHeight) }
            var delays: [Int] = []
            var values: UnsafeMutablePointer<Int32>?
            var count: Int32 = 0
            if vips_image_get_typeof(image, "delay") != 0, vips_image_get_array_int(image, "delay", &values, &count) == 0, let values {
                delays = (0..<Int(count)).map { Int(values[$0]) }
            }
            var loop: Int32 = 0
            let hasLoop = vips_image_get_typeof(image, "loop") != 0 && vips_image_get_int(image, "loop", &loop) == 0
            var memory: UnsafeMutableRawPointer?
            var length = 0
            guard imgforge_vips_write_memory_rgb(image, &memory, &length) == 0, let memory else { return nil }
            defer { g_free(memory) }
            let pixels = [UInt8](UnsafeRawBufferPointer(start: memory, count: length))
            return (loader, width, height, Int(pageHeight), delays, hasLoop ? Int(loop) : nil, pixels, length / max(1, width * height))
        }
        guard let (loader, width, height, pageHeight, delays, loop, pixels, bands) = decoded else {
            vips_error_clear()
            throw TestFailure("response does not decode as an animation (\(bytes.count) bytes)")
        }
        self.loader = loader
        frameWidth = width
        frameHeight = pageHeight
        self.delays = delays
        self.loop = loop
        let strip = TestImage(width: width, height: height, bands: bands, loader: loader, pixels: pixels)
        centres = (0..<max(1, height / max(1, pageHeight))).map { strip.colourName(width / 2, $0 * pageHeight + pageHeight / 2) }
    }

    /// Encodes frames of solid colours, one after the other, with `delays` (ms) and `loop`, with a
    /// libvips save suffix (".gif", ".webp", ".tif").
    static func encode(_ colours: [(UInt8, UInt8, UInt8)], width: Int, height: Int, delays: [Int], loop: Int, suffix: String) throws -> [UInt8] {
        try Vips.start()
        var pixels: [UInt8] = []
        for (r, g, b) in colours { for _ in 0..<(width * height) { pixels += [r, g, b] } }
        let encoded: [UInt8]? = pixels.withUnsafeBytes { buffer in
            guard let image = vips_image_new_from_memory_copy(buffer.baseAddress, buffer.count, Int32(width), Int32(height * colours.count), 3, VIPS_FORMAT_UCHAR) else { return nil }
            defer { g_object_unref(image) }
            vips_image_set_int(image, "page-height", Int32(height))
            var numbers = delays.map { Int32($0) }
            vips_image_set_array_int(image, "delay", &numbers, Int32(numbers.count))
            vips_image_set_int(image, "loop", Int32(loop))
            return TestImage.save(image, suffix: suffix)
        }
        guard let encoded else { throw TestFailure("cannot encode animation \(suffix)") }
        return encoded
    }
}

extension TestImage {
    init(width: Int, height: Int, bands: Int, loader: String, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.bands = bands
        self.loader = loader
        self.pixels = pixels
    }
}
