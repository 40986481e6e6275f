import CShim
import CVips

/// libvips colour spaces the pipeline names, from the headers (through the shim: Swift does not
/// see these enumerators through the module map).
extension VipsInterpretation {
    static let bw = IMGFORGE_INTERPRETATION_B_W
    static let srgb = IMGFORGE_INTERPRETATION_SRGB
    static let rgb16 = IMGFORGE_INTERPRETATION_RGB16
    static let grey16 = IMGFORGE_INTERPRETATION_GREY16
    static let lch = IMGFORGE_INTERPRETATION_LCH

    var isGrey: Bool { self == .bw || self == .grey16 }

    /// libvips' own name: srgb, b-w, cmyk, rgb16, grey16, …
    var name: String {
        guard let nick = vips_enum_nick(vips_interpretation_get_type(), Int32(rawValue)) else { return "unknown" }
        return String(cString: nick)
    }
}

/// Band formats the pipeline names.
extension VipsBandFormat {
    static let uchar = IMGFORGE_FORMAT_UCHAR
    static let ushort = IMGFORGE_FORMAT_USHORT
}
