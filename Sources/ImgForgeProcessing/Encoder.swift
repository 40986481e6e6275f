import ImgForgeCore

/// libvips save suffixes per output format.
enum Encoder {
    static func suffix(for format: ImageFormat, quality: Int) -> String {
        switch format {
        case .jpeg: ".jpg[Q=\(quality),strip,optimize_coding]"
        case .png: ".png[strip]"
        case .webp: ".webp[Q=\(quality),strip]"
        case .avif: ".avif[Q=\(quality),strip]"
        case .gif: ".gif[strip]"
        case .tiff: ".tif[Q=\(quality),strip]"
        }
    }
}
