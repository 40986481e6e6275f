import CShim
import CVips
import ImgForgeCore

/// Owns one libvips image reference; every unsafe pointer of the pipeline stays in here.
/// Operations return new images and throw `ServiceError` with libvips' reason.
/// `package` members are what the in-process baseline (`imgforge-baseline`) builds its reference
/// pipeline from, so that it too stays clear of C.
public final class VipsImage {
    let pointer: UnsafeMutablePointer<CVips.VipsImage>
    /// The encoded bytes this image (or the one it was made from) reads lazily.
    private let source: SourceBuffer?

    init(_ pointer: UnsafeMutablePointer<CVips.VipsImage>, source: SourceBuffer? = nil) {
        self.pointer = pointer
        self.source = source
    }

    deinit {
        g_object_unref(pointer)
    }

    /// How a load will read pixels: `sequential` streams them top to bottom once (the least memory,
    /// for pipelines that never look back); `random` decodes the whole image into memory at first
    /// use (never into a temporary file: libvips' default for large images).
    package enum Access {
        case random, sequential

        var option: String { self == .sequential ? "access=sequential" : "memory=true" }
    }

    /// Decodes lazily: only the header is read until pixels are needed; the image keeps `buffer`.
    /// The loader is the one for `format` (`ImageFormat.bufferLoader`), which the caller learnt
    /// from the magic bytes (`ImageFormat(magic:)`): no other parser ever sees the bytes, and none
    /// is asked whether they are its own. SVG is loaded only when `format` says the bytes are
    /// SVGSanitizer's output. `options` are loader options (`shrink=2`, `page=1`).
    package static func load(_ buffer: SourceBuffer, as format: ImageFormat, options: [String] = [],
                             access: Access = .random) throws -> VipsImage {
        // A truncated source is an error, not an image with a grey bottom.
        let optionString = (options + [access.option, "fail_on=truncated"]).joined(separator: ",")
        guard let image = callLoader(format.bufferLoader, buffer.bytes, options: optionString) else {
            throw ServiceError(.unprocessable, "cannot decode source image: not a valid \(format.rawValue): \(Vips.takeError())")
        }
        return VipsImage(image, source: buffer)
    }

    /// Runs the loader operation `nickname` on `bytes` (not copied: the caller keeps them alive as
    /// long as the image) with `options` in libvips' `name=value,…` form; nil with libvips' error
    /// set when it fails. What `vips_image_new_from_buffer` does once it has sniffed the loader.
    private static func callLoader(_ nickname: String, _ bytes: UnsafeRawBufferPointer,
                                   options: String) -> UnsafeMutablePointer<CVips.VipsImage>? {
        guard let created = vips_operation_new(nickname) else { return nil }
        var operation: UnsafeMutablePointer<VipsOperation>? = created
        let object = UnsafeMutableRawPointer(created)
        var value = GValue()
        g_value_init(&value, vips_blob_get_type())
        let blob = vips_blob_new(nil, bytes.baseAddress, bytes.count)
        g_value_set_boxed(&value, blob)
        vips_area_unref(UnsafeMutableRawPointer(blob)?.assumingMemoryBound(to: VipsArea.self))
        g_object_set_property(object.assumingMemoryBound(to: GObject.self), "buffer", &value)
        g_value_unset(&value)
        guard vips_object_set_from_string(object.assumingMemoryBound(to: VipsObject.self), options) == 0,
              vips_cache_operation_buildp(&operation) == 0, let operation
        else {
            if let operation {
                vips_object_unref_outputs(UnsafeMutableRawPointer(operation).assumingMemoryBound(to: VipsObject.self))
                g_object_unref(operation)
            }
            return nil
        }
        // The build may have swapped in another operation object: read `out` from the one it left.
        let built = UnsafeMutableRawPointer(operation)
        g_value_init(&value, vips_image_get_type())
        g_object_get_property(built.assumingMemoryBound(to: GObject.self), "out", &value)
        let image = g_value_dup_object(&value)
        g_value_unset(&value)
        vips_object_unref_outputs(built.assumingMemoryBound(to: VipsObject.self))
        g_object_unref(operation)
        return image?.assumingMemoryBound(to: CVips.VipsImage.self)
    }

    public var width: Int { Int(vips_image_get_width(pointer)) }
    public var height: Int { Int(vips_image_get_height(pointer)) }
    public var bands: Int { Int(vips_image_get_bands(pointer)) }
    public var hasAlpha: Bool { vips_image_hasalpha(pointer) != 0 }
    var interpretation: VipsInterpretation { vips_image_get_interpretation(pointer) }
    var bandFormat: VipsBandFormat { vips_image_get_format(pointer) }

    func int(_ field: String) -> Int? {
        guard vips_image_get_typeof(pointer, field) != 0 else { return nil }
        var value: Int32 = 0
        guard vips_image_get_int(pointer, field, &value) == 0 else { return nil }
        return Int(value)
    }

    package func string(_ field: String) -> String? {
        guard vips_image_get_typeof(pointer, field) != 0 else { return nil }
        var value: UnsafePointer<CChar>?
        guard vips_image_get_string(pointer, field, &value) == 0, let value else { return nil }
        return String(cString: value)
    }

    func has(_ field: String) -> Bool { vips_image_get_typeof(pointer, field) != 0 }

    /// Names of all metadata fields.
    var fields: [String] {
        guard let names = vips_image_get_fields(pointer) else { return [] }
        defer { g_strfreev(names) }
        var result: [String] = []
        var index = 0
        while let name = names[index] {
            result.append(String(cString: name))
            index += 1
        }
        return result
    }

    /// An integer array field, such as an animation's frame delays.
    func ints(_ field: String) -> [Int]? {
        guard has(field) else { return nil }
        var values: UnsafeMutablePointer<Int32>?
        var count: Int32 = 0
        guard vips_image_get_array_int(pointer, field, &values, &count) == 0, let values else { return nil }
        return (0..<Int(count)).map { Int(values[$0]) }
    }

    /// Sets a metadata field. The image must not be shared: call on a fresh copy.
    func set(_ field: String, _ value: Int) {
        vips_image_set_int(pointer, field, Int32(clamping: value))
    }

    /// Sets an integer array field. The image must not be shared: call on a fresh copy.
    func set(_ field: String, _ values: [Int]) {
        var numbers = values.map { Int32(clamping: $0) }
        vips_image_set_array_int(pointer, field, &numbers, Int32(numbers.count))
    }

    /// Removes a metadata field. The image must not be shared: call on a fresh copy.
    func remove(_ field: String) {
        vips_image_remove(pointer, field)
    }

    // MARK: Operations

    private func make(_ operation: String, _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CVips.VipsImage>?>) -> Int32) throws -> VipsImage {
        var output: UnsafeMutablePointer<CVips.VipsImage>?
        guard body(&output) == 0, let output else {
            throw ServiceError(.unprocessable, "\(operation) failed: \(Vips.takeError())")
        }
        return VipsImage(output, source: source)
    }

    package func resize(horizontal: Double, vertical: Double, kernel: ResizingAlgorithm = .lanczos3) throws -> VipsImage {
        let vipsKernel: VipsKernel = switch kernel {
        case .nearest: VIPS_KERNEL_NEAREST
        case .linear: VIPS_KERNEL_LINEAR
        case .cubic: VIPS_KERNEL_CUBIC
        case .lanczos2: VIPS_KERNEL_LANCZOS2
        case .lanczos3: VIPS_KERNEL_LANCZOS3
        }
        return try make("resize") { imgforge_vips_resize(pointer, $0, horizontal, vertical, Int32(vipsKernel.rawValue)) }
    }

    /// `resize`, premultiplied when there is alpha (as imgproxy resizes): transparent pixels' colour (often
    /// black) must not bleed into the edges.
    package func resizePremultiplied(horizontal: Double, vertical: Double, kernel: ResizingAlgorithm = .lanczos3) throws -> VipsImage {
        guard hasAlpha else { return try resize(horizontal: horizontal, vertical: vertical, kernel: kernel) }
        return try premultiplied().resize(horizontal: horizontal, vertical: vertical, kernel: kernel).unpremultiplied().cast(bandFormat)
    }

    func extractArea(left: Int, top: Int, width: Int, height: Int) throws -> VipsImage {
        try make("crop") { imgforge_vips_extract_area(pointer, $0, Int32(clamping: left), Int32(clamping: top), Int32(clamping: width), Int32(clamping: height)) }
    }

    func smartCrop(width: Int, height: Int) throws -> VipsImage {
        try make("smart crop") { imgforge_vips_smartcrop(pointer, $0, Int32(clamping: width), Int32(clamping: height)) }
    }

    func embed(x: Int, y: Int, width: Int, height: Int, background: [Double]) throws -> VipsImage {
        try make("extend") { output in
            background.withUnsafeBufferPointer {
                imgforge_vips_embed(pointer, output, Int32(clamping: x), Int32(clamping: y), Int32(clamping: width), Int32(clamping: height), $0.baseAddress, Int32($0.count))
            }
        }
    }

    /// Turns clockwise by 90, 180 or 270 degrees; other angles leave the image as it is.
    func rotate(degrees: Int) throws -> VipsImage {
        let angle: VipsAngle
        switch degrees {
        case 90: angle = VIPS_ANGLE_D90
        case 180: angle = VIPS_ANGLE_D180
        case 270: angle = VIPS_ANGLE_D270
        default: return self
        }
        return try make("rotate") { imgforge_vips_rot(pointer, $0, Int32(angle.rawValue)) }
    }

    /// Mirrors left to right (`horizontal`) or top to bottom.
    func flip(horizontal: Bool) throws -> VipsImage {
        let direction = horizontal ? VIPS_DIRECTION_HORIZONTAL : VIPS_DIRECTION_VERTICAL
        return try make("flip") { imgforge_vips_flip(pointer, $0, Int32(direction.rawValue)) }
    }

    func flatten(background: [Double]) throws -> VipsImage {
        try make("flatten") { output in
            background.withUnsafeBufferPointer { imgforge_vips_flatten(pointer, output, $0.baseAddress, Int32($0.count)) }
        }
    }

    func colourspace(_ space: VipsInterpretation) throws -> VipsImage {
        try make("colourspace") { imgforge_vips_colourspace(pointer, $0, Int32(space.rawValue)) }
    }

    func iccToSRGB() throws -> VipsImage {
        try make("colour profile") { imgforge_vips_icc_to_srgb(pointer, $0) }
    }

    func cast(_ format: VipsBandFormat) throws -> VipsImage {
        try make("cast") { imgforge_vips_cast(pointer, $0, Int32(format.rawValue)) }
    }

    /// The bounding box of what differs from `background` by more than `threshold`.
    func findTrim(threshold: Double, background: [Double]) throws -> (left: Int, top: Int, width: Int, height: Int) {
        var left: Int32 = 0, top: Int32 = 0, width: Int32 = 0, height: Int32 = 0
        let status = background.withUnsafeBufferPointer {
            imgforge_vips_find_trim(pointer, &left, &top, &width, &height, threshold, $0.baseAddress, Int32($0.count))
        }
        guard status == 0 else { throw ServiceError(.unprocessable, "trim failed: \(Vips.takeError())") }
        return (Int(left), Int(top), Int(width), Int(height))
    }

    func point(x: Int, y: Int) throws -> [Double] {
        var vector: UnsafeMutablePointer<Double>?
        var count: Int32 = 0
        guard imgforge_vips_getpoint(pointer, &vector, &count, Int32(clamping: x), Int32(clamping: y)) == 0, let vector else {
            throw ServiceError(.unprocessable, "reading a pixel failed: \(Vips.takeError())")
        }
        defer { g_free(vector) }
        return Array(UnsafeBufferPointer(start: vector, count: Int(count)))
    }

    func gaussianBlur(sigma: Double) throws -> VipsImage {
        try make("blur") { imgforge_vips_gaussblur(pointer, $0, sigma) }
    }

    func sharpen(sigma: Double) throws -> VipsImage {
        try make("sharpen") { imgforge_vips_sharpen(pointer, $0, sigma) }
    }

    func addAlpha() throws -> VipsImage {
        try make("add alpha") { imgforge_vips_addalpha(pointer, $0) }
    }

    /// `pixel × multiply + add`, per band (one value applies to every band); the result is float.
    func linear(multiply: [Double], add: [Double]) throws -> VipsImage {
        try make("linear") { output in
            multiply.withUnsafeBufferPointer { a in
                add.withUnsafeBufferPointer { b in
                    imgforge_vips_linear(pointer, output, a.baseAddress, b.baseAddress, Int32(min(a.count, b.count)))
                }
            }
        }
    }

    /// `count` bands from `first`.
    func bands(_ first: Int, count: Int) throws -> VipsImage {
        try make("extract band") { imgforge_vips_extract_band(pointer, $0, Int32(first), Int32(count)) }
    }

    /// This image's bands followed by `other`'s.
    func joined(with other: VipsImage) throws -> VipsImage {
        try make("band join") { imgforge_vips_bandjoin2(pointer, other.pointer, $0) }
    }

    /// An image of this one's size and format, every pixel `pixel`.
    func filled(with pixel: [Double]) throws -> VipsImage {
        try make("new image") { output in
            pixel.withUnsafeBufferPointer { values in
                output.pointee = vips_image_new_from_image(pointer, values.baseAddress, Int32(values.count))
                return output.pointee == nil ? -1 : 0
            }
        }
    }

    /// The images one below the other (the frames of an animation as one strip).
    static func stacked(_ images: [VipsImage]) throws -> VipsImage {
        var pointers: [UnsafeMutablePointer<CVips.VipsImage>?] = images.map(\.pointer)
        var output: UnsafeMutablePointer<CVips.VipsImage>?
        let status = withExtendedLifetime(images) { imgforge_vips_arrayjoin_down(&pointers, Int32(pointers.count), &output) }
        guard status == 0, let output else { throw ServiceError(.unprocessable, "joining frames failed: \(Vips.takeError())") }
        return VipsImage(output, source: images.first?.source)
    }

    /// Colour bands multiplied by alpha (float), so that resampling does not pull in the colour
    /// of transparent pixels; `unpremultiplied()` undoes it.
    func premultiplied() throws -> VipsImage {
        try make("premultiply") { imgforge_vips_premultiply(pointer, $0) }
    }

    func unpremultiplied() throws -> VipsImage {
        try make("unpremultiply") { imgforge_vips_unpremultiply(pointer, $0) }
    }

    /// This image repeated `across` times side by side and `down` times top to bottom.
    func replicate(across: Int, down: Int) throws -> VipsImage {
        try make("replicate") { imgforge_vips_replicate(pointer, $0, Int32(clamping: across), Int32(clamping: down)) }
    }

    /// The pixels decoded into memory now: the result no longer reads the bytes it was loaded from.
    func inMemory() throws -> VipsImage {
        guard let copy = vips_image_copy_memory(pointer) else {
            throw ServiceError(.unprocessable, "decoding failed: \(Vips.takeError())")
        }
        return VipsImage(copy)
    }

    /// `overlay` drawn over this image, alpha blended ("over").
    func composited(under overlay: VipsImage) throws -> VipsImage {
        try make("composite") { imgforge_vips_composite_over(pointer, overlay.pointer, $0) }
    }

    /// A new image sharing pixels, with its own metadata that may be changed.
    func copy() throws -> VipsImage {
        try make("copy") { imgforge_vips_copy(pointer, $0) }
    }

    /// Stops libvips' evaluation of this image once the monotonic clock passes `nanoseconds`:
    /// the operation computing it then fails ("killed"), and the caller answers the timeout.
    func cancel(atUptimeNanoseconds nanoseconds: UInt64) {
        let limit = UnsafeMutablePointer<Int64>.allocate(capacity: 1)
        // g_get_monotonic_time counts microseconds on the same clock.
        limit.initialize(to: Int64(clamping: nanoseconds / 1000))
        let onEval: @convention(c) (UnsafeMutablePointer<CVips.VipsImage>?, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void = { image, _, data in
            guard let image, let data, g_get_monotonic_time() > data.load(as: Int64.self) else { return }
            vips_image_set_kill(image, 1)
        }
        let release: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<GClosure>?) -> Void = { data, _ in
            data?.assumingMemoryBound(to: Int64.self).deallocate()
        }
        vips_image_set_progress(pointer, 1)
        g_signal_connect_data(pointer, "eval", unsafeBitCast(onEval, to: GCallback.self), limit, release, GConnectFlags(rawValue: 0))
    }

    /// Encodes with a libvips save suffix such as `.jpg[Q=85]`.
    package func encode(suffix: String) throws -> [UInt8] {
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        guard imgforge_vips_write_buffer(pointer, suffix, &buffer, &length) == 0, let buffer else {
            // Pixels are decoded here, lazily: a source that fails to decode fails here too.
            throw ServiceError(.unprocessable, "cannot process source image: \(Vips.takeError())")
        }
        defer { g_free(buffer) }
        return [UInt8](UnsafeRawBufferPointer(start: buffer, count: length))
    }
}
