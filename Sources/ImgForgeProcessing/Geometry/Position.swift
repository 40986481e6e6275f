import ImgForgeCore

/// Where an inner box sits in an outer one for a gravity: the top-left corner,
/// clamped so the inner box stays inside (imgproxy's arithmetic).
enum Position {
    /// `offsetScale` multiplies absolute (≥ 1 px) offsets: the effective dpr after resizing, 1 before.
    static func place(inner: Size, in outer: Size, gravity: Gravity, offsetScale: Double) -> (left: Int, top: Int) {
        var left: Int
        var top: Int
        if gravity.kind == .focusPoint {
            left = Rounding.roundToEven(Double(outer.width) * gravity.x) - inner.width / 2
            top = Rounding.roundToEven(Double(outer.height) * gravity.y) - inner.height / 2
        } else {
            let offsetX = offset(gravity.x, side: outer.width, scale: offsetScale)
            let offsetY = offset(gravity.y, side: outer.height, scale: offsetScale)
            left = Rounding.shrinkToEven(outer.width - inner.width + 1, 2) + offsetX
            top = Rounding.shrinkToEven(outer.height - inner.height + 1, 2) + offsetY
            switch gravity.kind {
            case .north, .northEast, .northWest: top = offsetY
            case .south, .southEast, .southWest: top = outer.height - inner.height - offsetY
            default: break
            }
            switch gravity.kind {
            case .east, .northEast, .southEast: left = outer.width - inner.width - offsetX
            case .west, .northWest, .southWest: left = offsetX
            default: break
            }
        }
        left = max(0, min(left, outer.width - inner.width))
        top = max(0, min(top, outer.height - inner.height))
        return (left, top)
    }

    /// Offsets below 1 in size are fractions of the outer side; others are pixels.
    private static func offset(_ value: Double, side: Int, scale: Double) -> Int {
        abs(value) >= 1 ? Rounding.roundToEven(value * scale) : Rounding.roundToEven(Double(side) * value)
    }
}
