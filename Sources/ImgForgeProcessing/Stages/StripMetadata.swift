/// Drops EXIF, XMP, IPTC and the colour profile as asked; keeps the copyright notice
/// when `keep_copyright` is on. The orientation tag never survives: pixels are upright.
enum StripMetadataStage: PipelineStage {
    static func run(_ context: inout PipelineContext) throws {
        let options = context.options
        let image = try context.image.copy()
        for field in image.fields {
            let isOrientation = field == "orientation" || field == "exif-ifd0-Orientation"
            let isProfile = field == "icc-profile-data"
            let isCopyright = field == "exif-ifd0-Copyright"
            let isMetadata = field.hasPrefix("exif-") || field.hasPrefix("xmp-") || field.hasPrefix("iptc-")
                || field.hasPrefix("ipct-") || field.hasPrefix("photoshop-")
            if isOrientation
                || (options.stripColorProfile && isProfile)
                || (options.stripMetadata && isMetadata && !(options.keepCopyright && isCopyright)) {
                image.remove(field)
            }
        }
        context.image = image
        // libvips writes a fresh EXIF block from what is left; with nothing left, write none.
        let remaining = image.fields
        context.stripOnSave = !remaining.contains { $0.hasPrefix("exif-ifd") || $0 == "icc-profile-data" || $0.hasPrefix("xmp-") || $0.hasPrefix("iptc-") }
    }
}
