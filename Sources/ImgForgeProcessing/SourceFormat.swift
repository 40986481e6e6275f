import ImgForgeCore

extension ImageFormat {
    /// The format a libvips loader name (`jpegload_buffer`, `heifload_buffer`, …) stands for.
    init?(loader: String) {
        let name = loader.lowercased()
        if name.hasPrefix("jpeg") { self = .jpeg }
        else if name.hasPrefix("png") { self = .png }
        else if name.hasPrefix("webp") { self = .webp }
        else if name.hasPrefix("gif") { self = .gif }
        else if name.hasPrefix("tiff") { self = .tiff }
        else if name.hasPrefix("heif") { self = .avif }
        else if name.hasPrefix("svg") { self = .svg }
        else { return nil }
    }
}
