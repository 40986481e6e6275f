import CVips
import ImgForgeCore

/// Recognises the format of encoded bytes from their content, never from a name.
enum SourceFormat {
    static func sniff(_ bytes: UnsafeRawBufferPointer) -> ImageFormat? {
        guard let loader = vips_foreign_find_load_buffer(bytes.baseAddress, bytes.count) else {
            vips_error_clear()
            return nil
        }
        let name = String(cString: loader).lowercased()
        if name.contains("jpeg") { return .jpeg }
        if name.contains("png") { return .png }
        if name.contains("webp") { return .webp }
        if name.contains("gif") { return .gif }
        if name.contains("tiff") { return .tiff }
        if name.contains("heif") { return .avif }
        return nil
    }
}
