/// Where a crop, fill, extension or watermark is anchored.
public struct Gravity: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case center = "ce"
        case north = "no"
        case south = "so"
        case east = "ea"
        case west = "we"
        case northEast = "noea"
        case northWest = "nowe"
        case southEast = "soea"
        case southWest = "sowe"
        /// libvips smart crop: the most interesting region.
        case smart = "sm"
        /// A focus point given as fractions of width and height.
        case focusPoint = "fp"
    }

    public var kind: Kind
    /// Offset inward from the named edge (pixels ≥ 1, fractions < 1), or the focus point's x.
    public var x: Double
    /// Offset inward from the named edge, or the focus point's y.
    public var y: Double

    public init(_ kind: Kind = .center, x: Double = 0, y: Double = 0) {
        self.kind = kind
        self.x = x
        self.y = y
    }

    public static let center = Gravity()
}
