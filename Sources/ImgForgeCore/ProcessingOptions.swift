/// The typed, validated plan for one image request.
public struct ProcessingOptions: Equatable, Sendable {
    public var resizingType: ResizingType = .fit
    /// Requested width; 0 derives it from the aspect ratio.
    public var width: Int = 0
    /// Requested height; 0 derives it from the aspect ratio.
    public var height: Int = 0
    /// Allow scaling a smaller source up.
    public var enlarge: Bool = false
    /// Pad the result to the requested size.
    public var extend: Bool = false
    /// The output format asked for; nil keeps the source's.
    public var format: ImageFormat?
    /// Encoder quality; nil uses the configured default.
    public var quality: Int?

    public init() {}
}
