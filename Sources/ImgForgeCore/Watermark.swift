/// `watermark:opacity[:position[:x:y[:scale]]]`.
public struct Watermark: Equatable, Sendable {
    public enum Position: Equatable, Sendable {
        case gravity(Gravity.Kind)
        /// Tiled over the whole image.
        case replicate
    }

    /// 0–1; 0 disables the watermark.
    public var opacity: Double
    public var position: Position
    public var x: Double
    public var y: Double
    /// Watermark width relative to the image's; 0 keeps its own size.
    public var scale: Double

    public init(opacity: Double, position: Position = .gravity(.center), x: Double = 0, y: Double = 0, scale: Double = 0) {
        self.opacity = opacity
        self.position = position
        self.x = x
        self.y = y
        self.scale = scale
    }
}
