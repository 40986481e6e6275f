import ImgForgeCore

/// Encodes the finished image: the format's switches, quality, and the `max_bytes` budget.
package enum Encoder {
    static func encode(_ image: VipsImage, as format: ImageFormat, quality: Int, options: ProcessingOptions, strip: Bool) throws -> [UInt8] {
        guard format != .svg else { throw ServiceError(.badRequest, "svg output needs an SVG source") }
        var quality = quality
        var bytes = try image.encode(suffix: suffix(format, quality: quality, options: options, strip: strip))
        // Lower the quality in steps sized by how far over the budget the result is.
        guard options.maxBytes > 0, format.hasQuality else { return bytes }
        while bytes.count > options.maxBytes && quality > 10 {
            let overshoot = Double(bytes.count) / Double(options.maxBytes)
            let factor = overshoot > 3 ? 0.25 : overshoot > 1.5 ? 0.5 : 0.75
            quality = max(1, Int(Double(quality) * factor))
            bytes = try image.encode(suffix: suffix(format, quality: quality, options: options, strip: strip))
        }
        return bytes
    }

    /// A libvips save suffix, e.g. `.jpg[Q=85,optimize_coding]`. Metadata was chosen by its own
    /// stage: the saver keeps what is left, or writes none with `strip`.
    package static func suffix(_ format: ImageFormat, quality: Int, options: ProcessingOptions, strip: Bool = false) -> String {
        var switches: [String] = []
        switch format {
        case .jpeg:
            let jpeg = options.jpegOptions
            switches = ["Q=\(quality)", "optimize_coding"]
            if jpeg.progressive { switches.append("interlace") }
            if jpeg.noSubsample { switches.append("subsample_mode=off") }
            if jpeg.trellisQuant { switches.append("trellis_quant") }
            if jpeg.overshootDeringing { switches.append("overshoot_deringing") }
            if jpeg.optimizeScans { switches += ["optimize_scans", "interlace"] }
            if jpeg.quantTable > 0 { switches.append("quant_table=\(jpeg.quantTable)") }
        case .png:
            let png = options.pngOptions
            switches = ["compression=6"]
            if png.interlaced { switches.append("interlace") }
            if png.quantize {
                let depth = max(1, min(8, Int((Double(png.quantizationColors)).squareRoot().squareRoot().rounded(.up)) * 2))
                switches += ["palette", "Q=\(quality)", "bitdepth=\(depth)"]
            }
        case .webp:
            let webp = options.webpOptions
            switches = ["Q=\(quality)", "effort=4"]
            switch webp.compression {
            case .lossy: break
            case .nearLossless: switches.append("near_lossless")
            case .lossless: switches.append("lossless")
            }
            if webp.smartSubsample { switches.append("smart_subsample") }
            if webp.preset != .default { switches.append("preset=\(webp.preset.rawValue)") }
        case .avif:
            switches = ["Q=\(quality)", "compression=av1", "effort=2"]
            switch options.avifOptions.subsample {
            case .auto: break
            case .on: switches.append("subsample_mode=on")
            case .off: switches.append("subsample_mode=off")
            }
        case .gif:
            switches = []
        case .tiff:
            switches = ["compression=lzw"]
        case .svg:
            // Never encoded: an SVG answer is the sanitised source (ImageProcessor).
            switches = []
        }
        if strip { switches.append("strip") }
        let extensionName = format == .tiff ? "tif" : format.fileExtension
        return switches.isEmpty ? ".\(extensionName)" : ".\(extensionName)[\(switches.joined(separator: ","))]"
    }
}

extension ImageFormat {
    /// Formats whose size follows a quality setting.
    var hasQuality: Bool { self == .jpeg || self == .webp || self == .avif }
}
