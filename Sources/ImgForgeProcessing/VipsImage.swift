import CShim
import CVips
import ImgForgeCore

/// Owns one libvips image reference; every unsafe pointer stays in here.
public final class VipsImage {
    let pointer: UnsafeMutablePointer<CVips.VipsImage>

    init(_ pointer: UnsafeMutablePointer<CVips.VipsImage>) {
        self.pointer = pointer
    }

    deinit {
        g_object_unref(pointer)
    }

    /// Decodes an encoded image whose bytes stay alive while this image lives.
    /// libvips reads the buffer lazily, so the caller keeps `bytes` in scope.
    static func load(_ bytes: UnsafeRawBufferPointer) throws -> VipsImage {
        guard let image = imgforge_vips_load_buffer(bytes.baseAddress, bytes.count, 0) else {
            throw ServiceError(.unprocessable, "cannot decode source image: \(Vips.takeError())")
        }
        return VipsImage(image)
    }

    public var width: Int { Int(vips_image_get_width(pointer)) }
    public var height: Int { Int(vips_image_get_height(pointer)) }
    public var bands: Int { Int(vips_image_get_bands(pointer)) }
    public var hasAlpha: Bool { vips_image_hasalpha(pointer) != 0 }

    /// Encodes with a libvips save suffix such as `.jpg[Q=85,strip]`.
    func encode(suffix: String) throws -> [UInt8] {
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        guard imgforge_vips_write_buffer(pointer, suffix, &buffer, &length) == 0, let buffer else {
            throw ServiceError(.internalError, "encoding failed: \(Vips.takeError())")
        }
        defer { g_free(buffer) }
        return [UInt8](UnsafeRawBufferPointer(start: buffer, count: length))
    }
}
