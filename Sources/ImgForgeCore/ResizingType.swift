/// How the source is fitted into the requested box.
public enum ResizingType: String, CaseIterable, Sendable {
    /// Largest scale that fits inside the box.
    case fit
    /// Cover the box, then crop at the gravity.
    case fill
    /// Like fill, but never upscales: crops to the box's aspect ratio instead.
    case fillDown = "fill-down"
    /// Both axes scaled independently.
    case force
    /// fill when source and box have the same orientation, else fit.
    case auto
}
