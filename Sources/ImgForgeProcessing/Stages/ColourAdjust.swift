/// brightness, contrast and saturation (`adjust` sets all three) on the colour bands; alpha is
/// left as it is. The image is sRGB or grey here (ColorspaceIn converted CMYK and the rest).
enum ColourAdjustStage: PipelineStage {
    static func run(_ context: inout PipelineContext) throws {
        let options = context.options
        guard options.brightness != 0 || options.contrast != 1 || options.saturation != 1 else { return }
        let image = context.image
        let colourBands = image.hasAlpha ? image.bands - 1 : image.bands
        var colour = image.hasAlpha ? try image.bands(0, count: colourBands) : image
        let format = colour.bandFormat
        let interpretation = colour.interpretation
        // Brightness and the contrast pivot are given for 8-bit values.
        let unit = format == .ushort ? 257.0 : 1.0

        if options.saturation != 1 && colourBands >= 3 {
            // Chroma is the C of LCh: scaling it leaves lightness and hue alone.
            let scaled = try colour.colourspace(.lch).linear(multiply: [1, options.saturation, 1], add: [0, 0, 0])
            colour = try scaled.colourspace(interpretation)
        }
        if options.brightness != 0 || options.contrast != 1 {
            let pivot = 128 * unit
            let offset = Double(options.brightness) * unit + pivot * (1 - options.contrast)
            colour = try colour.linear(multiply: [options.contrast], add: [offset])
        }
        // Back to the band format it had, clipping what left the range.
        colour = try colour.cast(format)
        context.image = image.hasAlpha ? try colour.joined(with: image.bands(colourBands, count: 1)) : colour
    }
}
