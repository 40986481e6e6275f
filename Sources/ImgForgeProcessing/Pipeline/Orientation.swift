import ImgForgeCore

/// The turns and flips that bring the stored pixels upright and then apply `rotate` and `flip`.
struct Orientation: Equatable {
    /// Clockwise degrees: 0, 90, 180 or 270.
    var rotation: Int
    var flipHorizontal: Bool
    var flipVertical: Bool

    /// EXIF orientation (1–8; ignored without auto_rotate) followed by the requested rotation and flips.
    init(exif: Int, options: ProcessingOptions) {
        var exifRotation = 0
        var exifFlip = false
        if options.autoRotate {
            switch exif {
            case 2: exifFlip = true
            case 3: exifRotation = 180
            case 4: exifRotation = 180; exifFlip = true
            case 5: exifRotation = 90; exifFlip = true
            case 6: exifRotation = 90
            case 7: exifRotation = 270; exifFlip = true
            case 8: exifRotation = 270
            default: break
            }
        }
        // EXIF turn, EXIF mirror, requested turn, requested flips. Turning after a mirror equals
        // mirroring across the other axis after the turn when the turn is a quarter.
        let quarterTurn = options.rotate % 180 == 90
        rotation = (exifRotation + options.rotate) % 360
        flipHorizontal = (exifFlip && !quarterTurn) != options.flipHorizontal
        flipVertical = (exifFlip && quarterTurn) != options.flipVertical
    }

    /// The displayed size of a stored size.
    func displayed(_ stored: Size) -> Size {
        rotation % 180 == 0 ? stored : Size(stored.height, stored.width)
    }
}
