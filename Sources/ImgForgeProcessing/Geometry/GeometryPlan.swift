import ImgForgeCore

/// Every size the pipeline will produce, computed from the source's displayed size
/// and the options before any pixel is decoded (imgproxy's arithmetic).
public struct GeometryPlan: Equatable, Sendable {
    /// The `crop` option's box in source pixels, if any (not yet clamped).
    public var crop: Size?
    /// The size that gets resized: the crop box or the whole source.
    public var scaledFrom: Size
    public var horizontalScale: Double
    public var verticalScale: Double
    /// The dpr actually used: never upscales past the source without enlarge.
    public var dprScale: Double
    /// The requested box in output pixels (0 = unset).
    public var target: Size
    /// The image after resizing.
    public var scaled: Size
    /// The box cut from the resized image (0 = keep that side).
    public var resultCrop: Size
    /// The canvas `extend_aspect_ratio` grows to, if it applies.
    public var aspectCanvas: Size?
    public var padding: Padding?
    /// Pad to the target box.
    public var extend: Bool

    public init(source: Size, options: ProcessingOptions) {
        extend = options.extend.enabled
        padding = nil
        crop = options.crop.map {
            Size(Self.cropSize(source.width, $0.width), Self.cropSize(source.height, $0.height))
        }
        scaledFrom = Size(
            Rounding.minNonZero(crop?.width ?? 0, source.width),
            Rounding.minNonZero(crop?.height ?? 0, source.height)
        )
        (horizontalScale, verticalScale, dprScale) = Self.scales(scaledFrom, options: options)

        target = Size(
            Rounding.scale(options.width, dprScale * options.zoomX),
            Rounding.scale(options.height, dprScale * options.zoomY)
        )
        scaled = Size(
            Rounding.scale(scaledFrom.width, horizontalScale),
            Rounding.scale(scaledFrom.height, verticalScale)
        )

        resultCrop = target
        if options.resizingType == .fillDown && !options.enlarge && target.width > 0 && target.height > 0 {
            let widthRatio = Double(target.width) / Double(scaled.width)
            let heightRatio = Double(target.height) / Double(scaled.height)
            if widthRatio > heightRatio && widthRatio > 1 {
                resultCrop = Size(scaled.width, Rounding.scale(scaled.width, Double(target.height) / Double(target.width)))
            } else if heightRatio > widthRatio && heightRatio > 1 {
                resultCrop = Size(Rounding.scale(scaled.height, Double(target.width) / Double(target.height)), scaled.height)
            }
        }

        // extend pads to the box from the current size: it never cuts away what min-width or
        // min-height made larger than the box (fill still cuts to the box, as it always does).
        if extend && (options.minWidth > 0 || options.minHeight > 0) && !Self.resolvedType(source, options: options).cropsToBox {
            resultCrop = Size(0, 0)
        }

        aspectCanvas = nil
        if options.extendAspectRatio.enabled && target.width > 0 && target.height > 0 {
            let cropped = Size(Rounding.minNonZero(resultCrop.width, scaled.width), Rounding.minNonZero(resultCrop.height, scaled.height))
            let widthRatio = Double(target.width) / Double(cropped.width)
            let heightRatio = Double(target.height) / Double(cropped.height)
            if heightRatio > widthRatio {
                aspectCanvas = Size(cropped.width, Rounding.scale(cropped.width, Double(target.height) / Double(target.width)))
            } else if widthRatio > heightRatio {
                aspectCanvas = Size(Rounding.scale(cropped.height, Double(target.width) / Double(target.height)), cropped.height)
            }
        }

        if let requested = options.padding {
            let dpr = dprScale
            padding = Padding(
                top: Rounding.scaleToEven(requested.top, dpr), right: Rounding.scaleToEven(requested.right, dpr),
                bottom: Rounding.scaleToEven(requested.bottom, dpr), left: Rounding.scaleToEven(requested.left, dpr)
            )
        }
    }

    /// The resized image after the crop to the result box.
    public var croppedSize: Size {
        Size(Rounding.minNonZero(resultCrop.width, scaled.width), Rounding.minNonZero(resultCrop.height, scaled.height))
    }

    /// The size of the final image: after the crop to the result, extend, extend_aspect_ratio and padding.
    public var resultSize: Size {
        var size = croppedSize
        if extend {
            size = Size(max(size.width, target.width), max(size.height, target.height))
        }
        if let aspectCanvas {
            size = Size(max(size.width, aspectCanvas.width), max(size.height, aspectCanvas.height))
        }
        if let padding {
            size.width += padding.left + padding.right
            size.height += padding.top + padding.bottom
        }
        return size
    }

    /// `crop` sizes: 0 is the full side, below 1 a fraction, otherwise pixels.
    static func cropSize(_ side: Int, _ requested: Double) -> Int {
        if requested == 0 { return 0 }
        if requested >= 1 { return Rounding.saturating(requested.rounded(.down)) }
        return max(1, Rounding.round(Double(side) * requested))
    }

    /// The resizing type, with `auto` decided: fill when source and box have the same orientation.
    static func resolvedType(_ source: Size, options: ProcessingOptions) -> ResizingType {
        guard options.resizingType == .auto else { return options.resizingType }
        let targetWidth = options.width > 0 ? options.width : source.width
        let targetHeight = options.height > 0 ? options.height : source.height
        return (source.width - source.height >= 0) == (targetWidth - targetHeight >= 0) ? .fill : .fit
    }

    /// The horizontal and vertical scale and the effective dpr.
    private static func scales(_ source: Size, options: ProcessingOptions) -> (Double, Double, Double) {
        let sourceWidth = Double(source.width), sourceHeight = Double(source.height)
        let targetWidth = options.width > 0 ? Double(options.width) : sourceWidth
        let targetHeight = options.height > 0 ? Double(options.height) : sourceHeight
        // Shrink factors: above 1 shrinks, below 1 enlarges.
        var widthShrink = targetWidth == sourceWidth ? 1 : sourceWidth / targetWidth
        var heightShrink = targetHeight == sourceHeight ? 1 : sourceHeight / targetHeight

        if widthShrink != 1 || heightShrink != 1 {
            let type = resolvedType(source, options: options)
            if options.width == 0 && type != .force {
                widthShrink = heightShrink
            } else if options.height == 0 && type != .force {
                heightShrink = widthShrink
            } else if type == .fit {
                widthShrink = max(widthShrink, heightShrink)
                heightShrink = widthShrink
            } else if type == .fill || type == .fillDown {
                widthShrink = min(widthShrink, heightShrink)
                heightShrink = widthShrink
            }
        }

        widthShrink /= options.zoomX
        heightShrink /= options.zoomY

        var dprScale = options.dpr
        if !options.enlarge {
            let smallest = min(widthShrink, heightShrink)
            if smallest < 1 {
                // The box is bigger than the image: keep the image's size (and, for force, the box's ratio).
                widthShrink /= smallest
                heightShrink /= smallest
                if !options.extend.enabled { dprScale /= smallest }
            }
            dprScale = min(dprScale, min(widthShrink, heightShrink))
        }

        if options.minWidth > 0 {
            let needed = sourceWidth / Double(options.minWidth)
            if needed < widthShrink {
                heightShrink /= widthShrink / needed
                widthShrink = needed
            }
        }
        if options.minHeight > 0 {
            let needed = sourceHeight / Double(options.minHeight)
            if needed < heightShrink {
                widthShrink /= heightShrink / needed
                heightShrink = needed
            }
        }

        widthShrink /= dprScale
        heightShrink /= dprScale
        // Never below one pixel.
        widthShrink = min(widthShrink, sourceWidth)
        heightShrink = min(heightShrink, sourceHeight)
        return (1 / widthShrink, 1 / heightShrink, dprScale)
    }
}

extension ResizingType {
    /// fill and fill-down cut the resized image to the box.
    var cropsToBox: Bool { self == .fill || self == .fillDown }
}
