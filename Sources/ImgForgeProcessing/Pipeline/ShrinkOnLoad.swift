import ImgForgeCore

/// Decodes JPEG and WebP at a fraction of their size when the result is much smaller,
/// so a 24 MP photo is never decoded in full for a thumbnail.
enum ShrinkOnLoad {
    static func reload(_ bytes: UnsafeRawBufferPointer, header: VipsImage, format: ImageFormat, plan: GeometryPlan, displayed: Size) throws -> VipsImage? {
        guard format == .jpeg || format == .webp, (header.int("n-pages") ?? 1) == 1 else { return nil }
        // How much smaller the resized image is than the source, on the axis that shrinks least.
        let widthShrink = Double(displayed.width) / Double(max(1, plan.scaled.width))
        let heightShrink = Double(displayed.height) / Double(max(1, plan.scaled.height))
        let shrink = min(widthShrink, heightShrink)
        guard shrink >= 2 else { return nil }
        switch format {
        case .jpeg:
            let factor = [8, 4, 2].first { Double($0) <= shrink } ?? 1
            guard factor > 1 else { return nil }
            return try VipsImage.load(bytes, options: "[shrink=\(factor)]")
        default:
            return try VipsImage.load(bytes, options: "[scale=\(1 / shrink)]")
        }
    }
}
