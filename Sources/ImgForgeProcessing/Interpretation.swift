import CVips

/// libvips colour spaces the pipeline names. (The C enumerators are not visible to Swift
/// through the module map, so they are spelled out from vips/image.h.)
extension VipsInterpretation {
    static let bw = VipsInterpretation(rawValue: 1)
    static let srgb = VipsInterpretation(rawValue: 22)
    static let rgb16 = VipsInterpretation(rawValue: 25)
    static let grey16 = VipsInterpretation(rawValue: 26)

    var isGrey: Bool { self == .bw || self == .grey16 }
}
