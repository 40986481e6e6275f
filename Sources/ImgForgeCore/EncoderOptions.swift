/// `jpeg_options:progressive:no_subsample:trellis_quant:overshoot_deringing:optimize_scans:quant_table`
public struct JPEGOptions: Equatable, Sendable {
    public var progressive = false
    public var noSubsample = false
    public var trellisQuant = false
    public var overshootDeringing = false
    public var optimizeScans = false
    /// 0–8, libjpeg's quantisation table presets.
    public var quantTable = 0

    public init() {}
}

/// `png_options:interlaced:quantize:quantization_colors`
public struct PNGOptions: Equatable, Sendable {
    public var interlaced = false
    public var quantize = false
    /// 2–256, used when quantising.
    public var quantizationColors = 256

    public init() {}
}

/// `webp_options:compression:smart_subsample:preset`
public struct WebPOptions: Equatable, Sendable {
    public enum Compression: String, CaseIterable, Sendable {
        case lossy
        case nearLossless = "near_lossless"
        case lossless
    }

    public enum Preset: String, CaseIterable, Sendable {
        case `default`, photo, picture, drawing, icon, text
    }

    public var compression = Compression.lossy
    public var smartSubsample = false
    public var preset = Preset.default

    public init() {}
}

/// `avif_options:subsample`
public struct AVIFOptions: Equatable, Sendable {
    public enum Subsample: String, CaseIterable, Sendable {
        case auto, on, off
    }

    public var subsample = Subsample.auto

    public init() {}
}
