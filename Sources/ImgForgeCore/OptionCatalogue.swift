/// One processing option: its names, the form shown in errors, and how it changes the plan.
struct OptionDefinition: Sendable {
    /// Canonical name first, then aliases.
    let names: [String]
    let form: String
    let arguments: ClosedRange<Int>
    /// Per-URL limits that only `IMGFORGE_ALLOW_SECURITY_OPTIONS` lets a URL set.
    var isSecurityOption = false
    let apply: @Sendable (inout ProcessingOptions, ArgumentReader) throws -> Void
}

/// Every option of the URL dialect, keyed by each of its names.
enum OptionCatalogue {
    static let byName: [String: OptionDefinition] = {
        var table: [String: OptionDefinition] = [:]
        for definition in all {
            for name in definition.names { table[name] = definition }
        }
        return table
    }()

    private static let dimension = 0...OptionsParser.maxDimension
    /// Zoom factors: small enough to matter, large enough never to round a scale to 0 or ∞.
    private static let zoomRange = 0.001...1000.0
    private static let anyOffset = -Double(OptionsParser.maxDimension)...Double(OptionsParser.maxDimension)

    static let all: [OptionDefinition] = geometry + effects + encoding + delivery

    static let geometry: [OptionDefinition] = [
        OptionDefinition(names: ["resize", "rs"], form: "resize:TYPE:WIDTH:HEIGHT[:ENLARGE[:EXTEND[:GRAVITY[:X:Y]]]]", arguments: 1...8) { o, a in
            o.resizingType = try a.choice(at: 0) ?? o.resizingType
            o.width = try a.int(at: 1, dimension) ?? o.width
            o.height = try a.int(at: 2, dimension) ?? o.height
            o.enlarge = try a.bool(at: 3) ?? o.enlarge
            o.extend.enabled = try a.bool(at: 4) ?? o.extend.enabled
            o.extend.gravity = try a.gravity(from: 5, allowSmart: false) ?? o.extend.gravity
        },
        OptionDefinition(names: ["size", "s"], form: "size:WIDTH:HEIGHT[:ENLARGE[:EXTEND[:GRAVITY[:X:Y]]]]", arguments: 1...7) { o, a in
            o.width = try a.int(at: 0, dimension) ?? o.width
            o.height = try a.int(at: 1, dimension) ?? o.height
            o.enlarge = try a.bool(at: 2) ?? o.enlarge
            o.extend.enabled = try a.bool(at: 3) ?? o.extend.enabled
            o.extend.gravity = try a.gravity(from: 4, allowSmart: false) ?? o.extend.gravity
        },
        OptionDefinition(names: ["resizing_type", "rt"], form: "resizing_type:fit|fill|fill-down|force|auto", arguments: 1...1) { o, a in
            o.resizingType = try a.choice(at: 0) ?? o.resizingType
        },
        OptionDefinition(names: ["width", "w"], form: "width:PIXELS (0–65535)", arguments: 1...1) { o, a in
            o.width = try a.int(at: 0, dimension) ?? o.width
        },
        OptionDefinition(names: ["height", "h"], form: "height:PIXELS (0–65535)", arguments: 1...1) { o, a in
            o.height = try a.int(at: 0, dimension) ?? o.height
        },
        OptionDefinition(names: ["min-width", "min_width", "mw"], form: "min-width:PIXELS (0–65535)", arguments: 1...1) { o, a in
            o.minWidth = try a.int(at: 0, dimension) ?? o.minWidth
        },
        OptionDefinition(names: ["min-height", "min_height", "mh"], form: "min-height:PIXELS (0–65535)", arguments: 1...1) { o, a in
            o.minHeight = try a.int(at: 0, dimension) ?? o.minHeight
        },
        OptionDefinition(names: ["zoom", "z"], form: "zoom:FACTOR[:Y_FACTOR] (0.001–1000)", arguments: 1...2) { o, a in
            let x = try a.double(at: 0, zoomRange) ?? o.zoomX
            o.zoomX = x
            o.zoomY = a.count == 2 ? try a.double(at: 1, zoomRange) ?? o.zoomY : x
        },
        OptionDefinition(names: ["dpr"], form: "dpr:RATIO (1–5)", arguments: 1...1) { o, a in
            o.dpr = try a.double(at: 0, 1...5) ?? o.dpr
        },
        OptionDefinition(names: ["enlarge", "el"], form: "enlarge:BOOL", arguments: 1...1) { o, a in
            o.enlarge = try a.bool(at: 0) ?? o.enlarge
        },
        OptionDefinition(names: ["extend", "ex"], form: "extend:BOOL[:GRAVITY[:X:Y]]", arguments: 1...4) { o, a in
            o.extend.enabled = try a.bool(at: 0) ?? o.extend.enabled
            o.extend.gravity = try a.gravity(from: 1, allowSmart: false) ?? o.extend.gravity
        },
        OptionDefinition(names: ["extend_aspect_ratio", "extend_ar", "exar"], form: "extend_aspect_ratio:BOOL[:GRAVITY[:X:Y]]", arguments: 1...4) { o, a in
            o.extendAspectRatio.enabled = try a.bool(at: 0) ?? o.extendAspectRatio.enabled
            o.extendAspectRatio.gravity = try a.gravity(from: 1, allowSmart: false) ?? o.extendAspectRatio.gravity
        },
        OptionDefinition(names: ["gravity", "g"], form: "gravity:ce|no|so|ea|we|noea|nowe|soea|sowe[:X:Y], gravity:sm or gravity:fp:X:Y", arguments: 1...3) { o, a in
            o.gravity = try a.gravity(from: 0) ?? o.gravity
        },
        OptionDefinition(names: ["crop", "c"], form: "crop:WIDTH:HEIGHT[:GRAVITY[:X:Y]] (sizes ≥ 0, below 1 a fraction)", arguments: 2...5) { o, a in
            let width = try a.double(at: 0, 0...Double(OptionsParser.maxDimension)) ?? 0
            let height = try a.double(at: 1, 0...Double(OptionsParser.maxDimension)) ?? 0
            o.crop = width == 0 && height == 0 ? nil : Crop(width: width, height: height, gravity: try a.gravity(from: 2))
        },
        OptionDefinition(names: ["trim", "t"], form: "trim:THRESHOLD[:RRGGBB[:EQUAL_HOR[:EQUAL_VER]]]", arguments: 1...4) { o, a in
            let threshold = try a.double(at: 0, 0...255) ?? 0
            guard threshold > 0 else {
                o.trim = nil
                return
            }
            o.trim = Trim(
                threshold: threshold,
                color: try a.value(at: 1).map { text in try Color(hex: text).orThrow(a.invalid("not a colour: \(text)")) },
                equalHorizontal: try a.bool(at: 2) ?? false,
                equalVertical: try a.bool(at: 3) ?? false
            )
        },
        OptionDefinition(names: ["padding", "pd"], form: "padding:TOP[:RIGHT[:BOTTOM[:LEFT]]] (pixels, 0–65535)", arguments: 1...4) { o, a in
            let top = try a.int(at: 0, dimension) ?? 0
            let right = try a.int(at: 1, dimension) ?? top
            let bottom = try a.int(at: 2, dimension) ?? top
            let left = try a.int(at: 3, dimension) ?? right
            let padding = Padding(top: top, right: right, bottom: bottom, left: left)
            o.padding = padding.isZero ? nil : padding
        },
        OptionDefinition(names: ["auto_rotate", "ar"], form: "auto_rotate:BOOL", arguments: 1...1) { o, a in
            o.autoRotate = try a.bool(at: 0) ?? o.autoRotate
        },
        OptionDefinition(names: ["rotate", "rot"], form: "rotate:0|90|180|270", arguments: 1...1) { o, a in
            guard let angle = try a.int(at: 0, -360...360) else { return }
            guard angle % 90 == 0 else { throw a.invalid() }
            o.rotate = (angle % 360 + 360) % 360
        },
        OptionDefinition(names: ["flip", "fl"], form: "flip:HORIZONTAL[:VERTICAL] (booleans)", arguments: 1...2) { o, a in
            o.flipHorizontal = try a.bool(at: 0) ?? o.flipHorizontal
            o.flipVertical = try a.bool(at: 1) ?? o.flipVertical
        },
        OptionDefinition(names: ["background", "bg"], form: "background:RRGGBB[AA], RGB or R:G:B", arguments: 1...3) { o, a in
            guard a.count == 1 || a.count == 3 else { throw a.invalid() }
            o.background = try a.color(from: 0)
        },
        OptionDefinition(names: ["background_alpha", "bga"], form: "background_alpha:0–1", arguments: 1...1) { o, a in
            o.backgroundAlpha = try a.double(at: 0, 0...1) ?? o.backgroundAlpha
        },
        OptionDefinition(names: ["resizing_algorithm", "ra"], form: "resizing_algorithm:nearest|linear|cubic|lanczos2|lanczos3", arguments: 1...1) { o, a in
            o.resizingAlgorithm = try a.choice(at: 0) ?? o.resizingAlgorithm
        },
    ]

    static let effects: [OptionDefinition] = [
        OptionDefinition(names: ["blur", "bl"], form: "blur:SIGMA (0–100)", arguments: 1...1) { o, a in
            o.blur = try a.double(at: 0, 0...100) ?? o.blur
        },
        OptionDefinition(names: ["sharpen", "sh"], form: "sharpen:SIGMA (0–100)", arguments: 1...1) { o, a in
            o.sharpen = try a.double(at: 0, 0...100) ?? o.sharpen
        },
        OptionDefinition(names: ["pixelate", "pix"], form: "pixelate:SIZE (pixels, 0–65535)", arguments: 1...1) { o, a in
            o.pixelate = try a.int(at: 0, dimension) ?? o.pixelate
        },
        OptionDefinition(names: ["brightness", "br"], form: "brightness:-255..255", arguments: 1...1) { o, a in
            o.brightness = try a.int(at: 0, -255...255) ?? o.brightness
        },
        OptionDefinition(names: ["contrast", "co"], form: "contrast:FACTOR (0–100, 1 = unchanged)", arguments: 1...1) { o, a in
            o.contrast = try a.double(at: 0, 0...100) ?? o.contrast
        },
        OptionDefinition(names: ["saturation", "sa"], form: "saturation:FACTOR (0–100, 1 = unchanged)", arguments: 1...1) { o, a in
            o.saturation = try a.double(at: 0, 0...100) ?? o.saturation
        },
        OptionDefinition(names: ["adjust", "a"], form: "adjust:BRIGHTNESS:CONTRAST:SATURATION", arguments: 1...3) { o, a in
            o.brightness = try a.int(at: 0, -255...255) ?? o.brightness
            o.contrast = try a.double(at: 1, 0...100) ?? o.contrast
            o.saturation = try a.double(at: 2, 0...100) ?? o.saturation
        },
        OptionDefinition(names: ["watermark", "wm"], form: "watermark:OPACITY(0–1)[:POSITION[:X:Y[:SCALE]]], POSITION a gravity or re", arguments: 1...5) { o, a in
            let opacity = try a.double(at: 0, 0...1) ?? 0
            guard opacity > 0 else {
                o.watermark = nil
                return
            }
            var position = Watermark.Position.gravity(.center)
            if let text = a.value(at: 1) {
                if text == "re" {
                    position = .replicate
                } else if let kind = Gravity.Kind(rawValue: text), kind != .smart, kind != .focusPoint {
                    position = .gravity(kind)
                } else {
                    throw a.invalid("unknown position \(text)")
                }
            }
            o.watermark = Watermark(
                opacity: opacity, position: position,
                x: try a.double(at: 2, anyOffset) ?? 0, y: try a.double(at: 3, anyOffset) ?? 0,
                scale: try a.double(at: 4, 0...1) ?? 0
            )
        },
        OptionDefinition(names: ["watermark_url", "wmu"], form: "watermark_url:BASE64URL(URL)", arguments: 1...1) { o, a in
            guard let text = a.value(at: 0) else {
                o.watermarkURL = nil
                return
            }
            guard let bytes = Base64URL.decode(text), let url = String(validating: bytes, as: UTF8.self),
                  (try? ImageSource(url: url)) != nil
            else { throw a.invalid("not a base64url-encoded source URL") }
            o.watermarkURL = url
        },
    ]

    static let encoding: [OptionDefinition] = [
        OptionDefinition(names: ["quality", "q"], form: "quality:1–100 (0 = default)", arguments: 1...1) { o, a in
            if let quality = try a.int(at: 0, 0...100) { o.quality = quality == 0 ? nil : quality }
        },
        OptionDefinition(names: ["format_quality", "fq"], form: "format_quality:FORMAT:QUALITY[:FORMAT:QUALITY…]", arguments: 2...12) { o, a in
            guard a.count % 2 == 0 else { throw a.invalid() }
            for index in stride(from: 0, to: a.count, by: 2) {
                guard let format = try a.format(at: index), let quality = try a.int(at: index + 1, 0...100) else { throw a.invalid() }
                o.formatQuality[format] = quality == 0 ? nil : quality
            }
        },
        OptionDefinition(names: ["max_bytes", "mb"], form: "max_bytes:BYTES (0 = no limit)", arguments: 1...1) { o, a in
            o.maxBytes = try a.int(at: 0, 0...Int(Int32.max)) ?? o.maxBytes
        },
        OptionDefinition(names: ["format", "f", "ext"], form: "format:jpeg|png|webp|avif|gif|tiff|svg", arguments: 1...1) { o, a in
            o.format = try a.format(at: 0) ?? o.format
        },
        OptionDefinition(names: ["strip_metadata", "sm"], form: "strip_metadata:BOOL", arguments: 1...1) { o, a in
            o.stripMetadata = try a.bool(at: 0) ?? o.stripMetadata
        },
        OptionDefinition(names: ["keep_copyright", "kcr"], form: "keep_copyright:BOOL", arguments: 1...1) { o, a in
            o.keepCopyright = try a.bool(at: 0) ?? o.keepCopyright
        },
        OptionDefinition(names: ["strip_color_profile", "scp"], form: "strip_color_profile:BOOL", arguments: 1...1) { o, a in
            o.stripColorProfile = try a.bool(at: 0) ?? o.stripColorProfile
        },
        OptionDefinition(names: ["jpeg_options", "jpgo"], form: "jpeg_options:PROGRESSIVE:NO_SUBSAMPLE:TRELLIS_QUANT:OVERSHOOT_DERINGING:OPTIMIZE_SCANS:QUANT_TABLE(0–8)", arguments: 1...6) { o, a in
            o.jpegOptions.progressive = try a.bool(at: 0) ?? o.jpegOptions.progressive
            o.jpegOptions.noSubsample = try a.bool(at: 1) ?? o.jpegOptions.noSubsample
            o.jpegOptions.trellisQuant = try a.bool(at: 2) ?? o.jpegOptions.trellisQuant
            o.jpegOptions.overshootDeringing = try a.bool(at: 3) ?? o.jpegOptions.overshootDeringing
            o.jpegOptions.optimizeScans = try a.bool(at: 4) ?? o.jpegOptions.optimizeScans
            o.jpegOptions.quantTable = try a.int(at: 5, 0...8) ?? o.jpegOptions.quantTable
        },
        OptionDefinition(names: ["png_options", "pngo"], form: "png_options:INTERLACED:QUANTIZE:QUANTIZATION_COLORS(2–256)", arguments: 1...3) { o, a in
            o.pngOptions.interlaced = try a.bool(at: 0) ?? o.pngOptions.interlaced
            o.pngOptions.quantize = try a.bool(at: 1) ?? o.pngOptions.quantize
            o.pngOptions.quantizationColors = try a.int(at: 2, 2...256) ?? o.pngOptions.quantizationColors
        },
        OptionDefinition(names: ["webp_options", "webpo"], form: "webp_options:lossy|near_lossless|lossless[:SMART_SUBSAMPLE[:default|photo|picture|drawing|icon|text]]", arguments: 1...3) { o, a in
            o.webpOptions.compression = try a.choice(at: 0) ?? o.webpOptions.compression
            o.webpOptions.smartSubsample = try a.bool(at: 1) ?? o.webpOptions.smartSubsample
            o.webpOptions.preset = try a.choice(at: 2) ?? o.webpOptions.preset
        },
        OptionDefinition(names: ["avif_options", "avifo"], form: "avif_options:auto|on|off", arguments: 1...1) { o, a in
            o.avifOptions.subsample = try a.choice(at: 0) ?? o.avifOptions.subsample
        },
    ]

    static let delivery: [OptionDefinition] = [
        OptionDefinition(names: ["page", "pg"], form: "page:NUMBER (from 0)", arguments: 1...1) { o, a in
            o.page = try a.int(at: 0, 0...100_000) ?? o.page
        },
        OptionDefinition(names: ["pages", "pgs"], form: "pages:COUNT (from 1)", arguments: 1...1) { o, a in
            o.pages = try a.int(at: 0, 1...100_000) ?? o.pages
        },
        OptionDefinition(names: ["disable_animation", "da"], form: "disable_animation:BOOL", arguments: 1...1) { o, a in
            o.disableAnimation = try a.bool(at: 0) ?? o.disableAnimation
        },
        OptionDefinition(names: ["skip_processing", "skp"], form: "skip_processing:FORMAT[:FORMAT…]", arguments: 1...8) { o, a in
            o.skipProcessing = try Set((0..<a.count).compactMap { try a.format(at: $0) })
        },
        OptionDefinition(names: ["raw"], form: "raw:BOOL", arguments: 1...1) { o, a in
            o.raw = try a.bool(at: 0) ?? o.raw
        },
        OptionDefinition(names: ["cachebuster", "cb"], form: "cachebuster:TOKEN", arguments: 1...1) { o, a in
            o.cacheBuster = a.value(at: 0)
        },
        OptionDefinition(names: ["expires", "exp"], form: "expires:UNIX_TIME", arguments: 1...1) { o, a in
            o.expires = try a.int(at: 0, 0...Int.max) ?? o.expires
        },
        OptionDefinition(names: ["filename", "fn"], form: "filename:NAME[:ENCODED] (ENCODED: the name is base64url)", arguments: 1...2) { o, a in
            guard var name = a.value(at: 0) else {
                o.filename = nil
                return
            }
            if try a.bool(at: 1) == true {
                guard let bytes = Base64URL.decode(name), let decoded = String(validating: bytes, as: UTF8.self) else {
                    throw a.invalid("not base64url")
                }
                name = decoded
            } else {
                name = try name.percentDecoded.orThrow(a.invalid("bad percent-encoding"))
            }
            guard !name.contains(where: { $0 == "\"" || $0 == "/" || $0 == "\\" || $0.isNewline || $0.asciiValue.map { $0 < 0x20 } == true }) else {
                throw a.invalid("the name may not contain quotes, slashes or control characters")
            }
            o.filename = name
        },
        OptionDefinition(names: ["return_attachment", "att"], form: "return_attachment:BOOL", arguments: 1...1) { o, a in
            o.returnAttachment = try a.bool(at: 0) ?? o.returnAttachment
        },
        OptionDefinition(names: ["max_src_resolution", "msr"], form: "max_src_resolution:MEGAPIXELS (greater than 0)", arguments: 1...1, isSecurityOption: true) { o, a in
            o.maxSrcResolution = try a.positiveDouble(at: 0, upTo: 1_000_000) ?? o.maxSrcResolution
        },
        OptionDefinition(names: ["max_src_file_size", "msfs"], form: "max_src_file_size:BYTES (greater than 0)", arguments: 1...1, isSecurityOption: true) { o, a in
            o.maxSrcFileSize = try a.int(at: 0, 1...Int.max) ?? o.maxSrcFileSize
        },
        OptionDefinition(names: ["max_result_dimension", "mrd"], form: "max_result_dimension:PIXELS (greater than 0)", arguments: 1...1, isSecurityOption: true) { o, a in
            o.maxResultDimension = try a.int(at: 0, 1...Int(Int32.max)) ?? o.maxResultDimension
        },
        OptionDefinition(names: ["max_animation_frames", "maf"], form: "max_animation_frames:COUNT (greater than 0)", arguments: 1...1, isSecurityOption: true) { o, a in
            o.maxAnimationFrames = try a.int(at: 0, 1...100_000) ?? o.maxAnimationFrames
        },
    ]
}

extension Optional {
    func orThrow(_ error: @autoclosure () -> Error) throws -> Wrapped {
        guard let value = self else { throw error() }
        return value
    }
}
