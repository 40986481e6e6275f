import ImgForgeCore

/// Which pages or frames of the source are processed: all of an animation (GIF, WebP) unless
/// `disable_animation`, else `pages` of them from `page`; only one when the output cannot hold
/// several (GIF and WebP animate, TIFF keeps pages).
struct FrameSelection: Equatable {
    let first: Int
    let count: Int

    init(sourcePages: Int, format: ImageFormat, options: ProcessingOptions, output: ImageFormat) throws {
        guard options.page < sourcePages else {
            throw ServiceError(.badRequest, "page \(options.page) is out of range: the source has \(sourcePages) page\(sourcePages == 1 ? "" : "s") (from 0)")
        }
        first = options.page
        let left = sourcePages - first
        let animated = (format == .gif || format == .webp) && sourcePages > 1
        var count = animated && options.pages <= 1 ? left : min(options.pages, left)
        if options.disableAnimation || !output.holdsFrames { count = 1 }
        self.count = count
    }

    /// libvips load options for these frames, empty for the first page alone.
    var loadOptions: [String] {
        first == 0 && count == 1 ? [] : ["page=\(first)", "n=\(count)"]
    }
}

extension ImageFormat {
    /// Formats that store several frames or pages in one file.
    var holdsFrames: Bool { self == .gif || self == .webp || self == .tiff }
}
