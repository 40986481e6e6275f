import ImgForgeCore

extension ImageFormat {
    /// The libvips loader classes of the formats served, each with its buffer, file and source
    /// variants below it (`VipsForeignLoadJpegBuffer`, …): the only loaders left unblocked.
    static let loaderClasses: [(name: String, format: ImageFormat)] = [
        ("VipsForeignLoadJpeg", .jpeg), ("VipsForeignLoadPng", .png), ("VipsForeignLoadWebp", .webp),
        ("VipsForeignLoadNsgif", .gif), ("VipsForeignLoadHeif", .avif), ("VipsForeignLoadTiff", .tiff),
        ("VipsForeignLoadSvg", .svg),
    ]

    /// The libvips operation that reads this format from memory (one of `loaderClasses`' buffer
    /// variants): called by name, so no other loader is ever asked whether the bytes are its own.
    var bufferLoader: String {
        switch self {
        case .jpeg: "jpegload_buffer"
        case .png: "pngload_buffer"
        case .webp: "webpload_buffer"
        case .gif: "gifload_buffer"
        case .avif: "heifload_buffer"
        case .tiff: "tiffload_buffer"
        case .svg: "svgload_buffer"
        }
    }

    /// The raster format the first bytes of a file announce, before any loader reads it: what
    /// libvips may then be asked to parse. SVG is recognised by `SVGSanitizer.looksLikeSVG`.
    package init?(magic bytes: UnsafeRawBufferPointer) {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && prefix.indices.allSatisfy { bytes[offset + $0] == prefix[$0] }
        }
        if starts([0xFF, 0xD8, 0xFF]) { self = .jpeg }
        else if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { self = .png }
        else if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { self = .gif }
        else if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { self = .webp }
        // Classic TIFF, little- and big-endian (BigTIFF is not read).
        else if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { self = .tiff }
        else if starts(Array("ftyp".utf8), at: 4), bytes.count >= 12,
                Self.heifBrands.contains(String(decoding: bytes[8..<12], as: UTF8.self)) { self = .avif }
        else { return nil }
    }

    /// ISO-BMFF major brands of the HEIF family (AVIF and HEIC stills and sequences).
    private static let heifBrands: Set<String> = ["avif", "avis", "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"]
}
