/// `crop:w:h[:gravity]`: a region cut before resizing. Sizes below 1 are fractions; 0 keeps the full side.
public struct Crop: Equatable, Sendable {
    public var width: Double
    public var height: Double
    /// nil: use the request's gravity.
    public var gravity: Gravity?

    public init(width: Double, height: Double, gravity: Gravity? = nil) {
        self.width = width
        self.height = height
        self.gravity = gravity
    }
}

/// `trim:threshold[:color[:equal_hor[:equal_ver]]]`: removes a uniform border.
public struct Trim: Equatable, Sendable {
    public var threshold: Double
    /// nil: the colour of the top-left pixel.
    public var color: Color?
    public var equalHorizontal: Bool
    public var equalVertical: Bool

    public init(threshold: Double, color: Color? = nil, equalHorizontal: Bool = false, equalVertical: Bool = false) {
        self.threshold = threshold
        self.color = color
        self.equalHorizontal = equalHorizontal
        self.equalVertical = equalVertical
    }
}

/// CSS-style padding added after resizing, in pixels before dpr.
public struct Padding: Equatable, Sendable {
    public var top: Int
    public var right: Int
    public var bottom: Int
    public var left: Int

    public init(top: Int, right: Int, bottom: Int, left: Int) {
        self.top = top
        self.right = right
        self.bottom = bottom
        self.left = left
    }

    public var isZero: Bool { top == 0 && right == 0 && bottom == 0 && left == 0 }
}

/// `extend` and `extend_aspect_ratio`: pad the result, anchored at a gravity.
public struct Extend: Equatable, Sendable {
    public var enabled: Bool
    public var gravity: Gravity

    public init(enabled: Bool = false, gravity: Gravity = .center) {
        self.enabled = enabled
        self.gravity = gravity
    }
}

/// The filter used to resample.
public enum ResizingAlgorithm: String, CaseIterable, Sendable {
    case nearest, linear, cubic, lanczos2, lanczos3
}
