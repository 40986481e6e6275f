extension ProcessingOptions {
    /// The first option that changes an image's pixels, nil when none does: an SVG answered as
    /// SVG is the sanitised source, so it can only be asked for without them.
    public var firstPixelOption: String? {
        let defaults = ProcessingOptions()
        let checks: [(String, Bool)] = [
            ("width", width != 0), ("height", height != 0), ("min-width", minWidth != 0), ("min-height", minHeight != 0),
            ("zoom", zoomX != 1 || zoomY != 1), ("dpr", dpr != 1), ("extend", extend.enabled), ("extend_aspect_ratio", extendAspectRatio.enabled),
            ("crop", crop != nil), ("trim", trim != nil), ("padding", padding != nil), ("rotate", rotate != 0),
            ("flip", flipHorizontal || flipVertical), ("background", background != nil), ("blur", blur != defaults.blur),
            ("sharpen", sharpen != defaults.sharpen), ("pixelate", pixelate > 1), ("brightness", brightness != 0),
            ("contrast", contrast != 1), ("saturation", saturation != 1), ("watermark", watermark != nil),
        ]
        return checks.first { $0.1 }?.0
    }
}
