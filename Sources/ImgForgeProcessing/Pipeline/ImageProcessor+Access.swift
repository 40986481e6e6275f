import ImgForgeCore

extension ImageProcessor {
    /// Sequential access streams the source through the pipeline once, top to bottom, holding a
    /// few rows instead of the decoded image. Whatever reads pixels out of that order needs the
    /// whole image: turns and vertical flips, trim and smart crop (they read everything before
    /// cutting), several frames (each a cut of one strip), and a `max_bytes` answer that may be
    /// encoded more than once.
    static func access(options: ProcessingOptions, orientation: Orientation, frames: FrameSelection) -> VipsImage.Access {
        let smart = options.gravity.kind == .smart || options.crop?.gravity?.kind == .smart
        let outOfOrder = orientation.rotation != 0 || orientation.flipVertical || options.trim != nil || smart
            || frames.count > 1 || options.maxBytes > 0
        return outOfOrder ? .random : .sequential
    }
}
