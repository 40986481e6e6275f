@testable import ImgForgeCore
import Testing

/// One option of the catalogue: a valid use with what it must change, and invalid uses.
struct OptionCase: Sendable, CustomTestStringConvertible {
    let name: String
    let valid: String
    let check: @Sendable (ProcessingOptions) -> Bool
    let invalid: [String]

    var testDescription: String { name }
}

private func parse(_ options: String, presets: Presets = Presets(), security: Bool = false) throws -> ProcessingOptions {
    try OptionsParser(presets: presets, allowSecurityOptions: security).parse(ProcessingPath(path: "/unsafe/\(options)/plain/local:///a.png"))
}

let optionCases: [OptionCase] = [
    OptionCase(name: "resize", valid: "fill-down:300:400:1:1:soea:5:6", check: {
        $0.resizingType == .fillDown && $0.width == 300 && $0.height == 400 && $0.enlarge && $0.extend.enabled && $0.extend.gravity == Gravity(.southEast, x: 5, y: 6)
    }, invalid: ["fit:x:1", "stretch:1:1", "fit:1:1:maybe", "fit:1:1:1:2", "fit:-1:1", "fit:65536:1", "fit:1:2:1:1:1", "fit:1:1:0:1:sm", "fit:1:1:0:1:ce:1:2:3"]),
    OptionCase(name: "size", valid: "120:0:t:1:no", check: { $0.width == 120 && $0.height == 0 && $0.enlarge && $0.extend.gravity == Gravity(.north) },
               invalid: ["a", "1:b", "1:1:x", "1:1:1:1:1", "1:1:1:1:fp:0.5:0.5"]),
    OptionCase(name: "resizing_type", valid: "auto", check: { $0.resizingType == .auto }, invalid: ["fits", "fit:fill"]),
    OptionCase(name: "width", valid: "640", check: { $0.width == 640 }, invalid: ["-1", "1.5", "65536", "w"]),
    OptionCase(name: "height", valid: "480", check: { $0.height == 480 }, invalid: ["-1", "abc", "70000"]),
    OptionCase(name: "min-width", valid: "200", check: { $0.minWidth == 200 }, invalid: ["-3", "x"]),
    OptionCase(name: "min-height", valid: "150", check: { $0.minHeight == 150 }, invalid: ["-3", "1:2"]),
    OptionCase(name: "zoom", valid: "1.5:2", check: { $0.zoomX == 1.5 && $0.zoomY == 2 }, invalid: ["0", "-1", "a", "1:0", "1:2:3", "inf", "nan"]),
    OptionCase(name: "dpr", valid: "2", check: { $0.dpr == 2 }, invalid: ["0", "0.5", "5.1", "two"]),
    OptionCase(name: "enlarge", valid: "true", check: { $0.enlarge }, invalid: ["yes", "2"]),
    OptionCase(name: "extend", valid: "1:soea:10:5", check: { $0.extend == Extend(enabled: true, gravity: Gravity(.southEast, x: 10, y: 5)) },
               invalid: ["x", "1:sm", "1:fp:0.5:0.5", "1:middle", "1:no:a"]),
    OptionCase(name: "extend_aspect_ratio", valid: "1:we", check: { $0.extendAspectRatio == Extend(enabled: true, gravity: Gravity(.west)) },
               invalid: ["2", "1:sm"]),
    OptionCase(name: "gravity", valid: "fp:0.25:0.75", check: { $0.gravity == Gravity(.focusPoint, x: 0.25, y: 0.75) },
               invalid: ["up", "fp:1.5:0", "fp:0.5", "sm:1", "no:a:1"]),
    OptionCase(name: "crop", valid: "0.5:200:nowe:3:4", check: { $0.crop == Crop(width: 0.5, height: 200, gravity: Gravity(.northWest, x: 3, y: 4)) },
               invalid: ["100", "a:1", "-1:1", "1:1:up"]),
    OptionCase(name: "trim", valid: "10:FF00AA:1:0", check: { $0.trim == Trim(threshold: 10, color: Color(red: 255, green: 0, blue: 170), equalHorizontal: true) },
               invalid: ["x", "-1", "10:notacolor", "10:FFFF", "10::maybe"]),
    OptionCase(name: "padding", valid: "10:20", check: { $0.padding == Padding(top: 10, right: 20, bottom: 10, left: 20) },
               invalid: ["a", "-1", "1:2:3:4:5"]),
    OptionCase(name: "auto_rotate", valid: "false", check: { !$0.autoRotate }, invalid: ["no"]),
    OptionCase(name: "rotate", valid: "-90", check: { $0.rotate == 270 }, invalid: ["45", "x", "450"]),
    OptionCase(name: "flip", valid: "0:1", check: { !$0.flipHorizontal && $0.flipVertical }, invalid: ["x", "1:y", "1:1:1"]),
    OptionCase(name: "background", valid: "255:128:0", check: { $0.background == Color(red: 255, green: 128, blue: 0) },
               invalid: ["red", "12345", "256:0:0", "1:2", "GGGGGG"]),
    OptionCase(name: "background_alpha", valid: "0.5", check: { $0.backgroundAlpha == 0.5 }, invalid: ["2", "-0.1", "half"]),
    OptionCase(name: "resizing_algorithm", valid: "lanczos2", check: { $0.resizingAlgorithm == .lanczos2 }, invalid: ["bicubic"]),
    OptionCase(name: "blur", valid: "2.5", check: { $0.blur == 2.5 }, invalid: ["-1", "x", "1001"]),
    OptionCase(name: "sharpen", valid: "0.7", check: { $0.sharpen == 0.7 }, invalid: ["-1", "x"]),
    OptionCase(name: "pixelate", valid: "8", check: { $0.pixelate == 8 }, invalid: ["-8", "1.5"]),
    OptionCase(name: "brightness", valid: "-40", check: { $0.brightness == -40 }, invalid: ["256", "-256", "x"]),
    OptionCase(name: "contrast", valid: "1.3", check: { $0.contrast == 1.3 }, invalid: ["-1", "x"]),
    OptionCase(name: "saturation", valid: "0", check: { $0.saturation == 0 }, invalid: ["-0.5", "x"]),
    OptionCase(name: "adjust", valid: "10:1.2:0.8", check: { $0.brightness == 10 && $0.contrast == 1.2 && $0.saturation == 0.8 },
               invalid: ["300", "1:x", "1:1:-1", "1:1:1:1"]),
    OptionCase(name: "watermark", valid: "0.5:re:10:-5:0.25", check: { $0.watermark == Watermark(opacity: 0.5, position: .replicate, x: 10, y: -5, scale: 0.25) },
               invalid: ["2", "0.5:sm", "0.5:top", "0.5:ce:x", "0.5:ce:0:0:2"]),
    OptionCase(name: "watermark_url", valid: Base64URL.encode(Array("https://example.com/wm.png".utf8)), check: { $0.watermarkURL == "https://example.com/wm.png" },
               invalid: ["!!!", Base64URL.encode(Array("ftp://x/wm.png".utf8))]),
    OptionCase(name: "quality", valid: "42", check: { $0.quality == 42 }, invalid: ["101", "-1", "high"]),
    OptionCase(name: "format_quality", valid: "jpeg:70:webp:60", check: { $0.formatQuality == [.jpeg: 70, .webp: 60] },
               invalid: ["jpeg", "jpeg:70:webp", "bmp:50", "jpeg:101"]),
    OptionCase(name: "max_bytes", valid: "10000", check: { $0.maxBytes == 10000 }, invalid: ["-1", "10k"]),
    OptionCase(name: "format", valid: "avif", check: { $0.format == .avif }, invalid: ["bmp", "heic"]),
    OptionCase(name: "strip_metadata", valid: "0", check: { !$0.stripMetadata }, invalid: ["x"]),
    OptionCase(name: "keep_copyright", valid: "f", check: { !$0.keepCopyright }, invalid: ["x"]),
    OptionCase(name: "strip_color_profile", valid: "false", check: { !$0.stripColorProfile }, invalid: ["x"]),
    OptionCase(name: "jpeg_options", valid: "1:1:0:1:1:3", check: {
        $0.jpegOptions.progressive && $0.jpegOptions.noSubsample && !$0.jpegOptions.trellisQuant && $0.jpegOptions.overshootDeringing
            && $0.jpegOptions.optimizeScans && $0.jpegOptions.quantTable == 3
    }, invalid: ["x", "1:1:1:1:1:9", "1:1:1:1:1:1:1"]),
    OptionCase(name: "png_options", valid: "1:1:64", check: { $0.pngOptions.interlaced && $0.pngOptions.quantize && $0.pngOptions.quantizationColors == 64 },
               invalid: ["x", "1:1:1", "1:1:257"]),
    OptionCase(name: "webp_options", valid: "near_lossless:1:photo", check: { $0.webpOptions.compression == .nearLossless && $0.webpOptions.smartSubsample && $0.webpOptions.preset == .photo },
               invalid: ["lossier", "lossy:x", "lossy:1:painting"]),
    OptionCase(name: "avif_options", valid: "off", check: { $0.avifOptions.subsample == .off }, invalid: ["never"]),
    OptionCase(name: "page", valid: "3", check: { $0.page == 3 }, invalid: ["-1", "x"]),
    OptionCase(name: "pages", valid: "5", check: { $0.pages == 5 }, invalid: ["0", "x"]),
    OptionCase(name: "disable_animation", valid: "1", check: { $0.disableAnimation }, invalid: ["x"]),
    OptionCase(name: "skip_processing", valid: "gif:jpg", check: { $0.skipProcessing == [.gif, .jpeg] }, invalid: ["bmp", "gif:pdf"]),
    OptionCase(name: "raw", valid: "true", check: { $0.raw }, invalid: ["x"]),
    OptionCase(name: "cachebuster", valid: "v42", check: { $0.cacheBuster == "v42" }, invalid: ["a:b"]),
    OptionCase(name: "expires", valid: "4102444800", check: { $0.expires == 4_102_444_800 }, invalid: ["-1", "tomorrow"]),
    OptionCase(name: "filename", valid: "\(Base64URL.encode(Array("résumé photo.jpg".utf8))):1", check: { $0.filename == "résumé photo.jpg" },
               invalid: ["a%2Fb", "x:1:1", "\(Base64URL.encode(Array("a\"b".utf8))):1", "!!!:1", "a:maybe"]),
    OptionCase(name: "return_attachment", valid: "1", check: { $0.returnAttachment }, invalid: ["x"]),
    OptionCase(name: "max_src_resolution", valid: "12.5", check: { $0.maxSrcResolution == 12.5 }, invalid: ["0", "x"]),
    OptionCase(name: "max_src_file_size", valid: "1000", check: { $0.maxSrcFileSize == 1000 }, invalid: ["0", "x"]),
    OptionCase(name: "max_result_dimension", valid: "800", check: { $0.maxResultDimension == 800 }, invalid: ["0", "x"]),
    OptionCase(name: "max_animation_frames", valid: "10", check: { $0.maxAnimationFrames == 10 }, invalid: ["0", "x"]),
]

struct OptionsParserTests {
    @Test func everyOptionOfTheCatalogueHasACase() {
        let catalogued = Set(OptionCatalogue.all.map { $0.names[0] })
        #expect(catalogued == Set(optionCases.map(\.name)))
    }

    @Test(arguments: optionCases)
    func everyNameAndAliasAppliesTheOption(_ option: OptionCase) throws {
        let definition = try #require(OptionCatalogue.byName[option.name])
        #expect(!option.check(ProcessingOptions()), "the valid sample must change something")
        for name in definition.names {
            let parsed = try parse("\(name):\(option.valid)", security: true)
            #expect(option.check(parsed), "\(name):\(option.valid)")
        }
    }

    @Test(arguments: optionCases)
    func badArgumentsAreRefusedNamingTheOptionAndItsForm(_ option: OptionCase) throws {
        let definition = try #require(OptionCatalogue.byName[option.name])
        for name in definition.names {
            for arguments in option.invalid {
                let given = "\(name):\(arguments)"
                let error = try #require(throws: ServiceError.self, "\(given) must be refused") { try parse(given, security: true) }
                #expect(error.status == 400)
                #expect(error.message.contains("invalid \(name) option \"\(given)\""), "\(error.message)")
                #expect(error.message.contains("expected \(definition.form)"), "\(error.message)")
            }
        }
    }

    @Test func laterOptionsOverrideEarlierOnes() throws {
        let parsed = try parse("rs:fit:300:400/w:50/resizing_type:force/s:::1")
        #expect(parsed.resizingType == .force)
        #expect((parsed.width, parsed.height) == (50, 400))
        #expect(parsed.enlarge)
    }

    @Test func emptyArgumentsKeepTheCurrentValue() throws {
        let parsed = try parse("rs:fill:300:400/rs:::500")
        #expect(parsed.resizingType == .fill && parsed.width == 300 && parsed.height == 500)
    }

    @Test func urlExtensionWinsOverFormatOption() throws {
        #expect(try OptionsParser().parse(ProcessingPath(path: "/unsafe/f:png/plain/local:///a.png@webp")).format == .webp)
        #expect(try parse("format:jpg").format == .jpeg)
    }

    @Test func unknownOptionsAreIgnored() throws {
        #expect(try parse("frobnicate:1:2/x:y") == ProcessingOptions())
    }

    @Test func defaultsMatchImgproxy() {
        let defaults = ProcessingOptions()
        #expect(defaults.resizingType == .fit && defaults.gravity == .center && !defaults.enlarge)
        #expect(defaults.autoRotate && defaults.stripMetadata && defaults.keepCopyright && defaults.stripColorProfile)
        #expect(defaults.resizingAlgorithm == .lanczos3 && defaults.dpr == 1 && defaults.quality == nil)
    }

    @Test func zeroValuesTurnThingsOff() throws {
        #expect(try parse("q:50/q:0").quality == nil)
        #expect(try parse("t:10/t:0").trim == nil)
        #expect(try parse("wm:0.5/wm:0").watermark == nil)
        #expect(try parse("pd:5/pd:0").padding == nil)
        #expect(try parse("c:10:10/c:0:0").crop == nil)
        #expect(try parse("bg:ffffff/bg:").background == nil)
    }

    @Test func securityOptionsNeedTheSwitch() throws {
        for option in ["msr:1", "max_src_file_size:10", "mrd:100", "maf:2"] {
            let error = try #require(throws: ServiceError.self) { try parse(option) }
            #expect(error.status == 403)
            #expect(error.message.contains("IMGFORGE_ALLOW_SECURITY_OPTIONS"))
            _ = try parse(option, security: true)
        }
    }

    @Test func expiresInThePastIsNotFound() throws {
        let options = try parse("exp:1000")
        #expect(throws: ServiceError.self) { try options.checkNotExpired(now: 2000) }
        let error = try #require(throws: ServiceError.self) { try options.checkNotExpired(now: 2000) }
        #expect(error.status == 404)
        try options.checkNotExpired(now: 999)
        try ProcessingOptions().checkNotExpired(now: 2000)
    }
}

struct PresetTests {
    private let presets = try! Presets.parse(list: "default=q:90/f:webp,thumb=rs:fill:100:100,small=pr:thumb/q:60,secure=msr:2")

    @Test func defaultPresetAppliesFirstAndURLOptionsWin() throws {
        #expect(try parse("w:10", presets: presets).quality == 90)
        #expect(try parse("w:10", presets: presets).format == .webp)
        #expect(try parse("q:30", presets: presets).quality == 30)
    }

    @Test func presetsChainAndLaterOnesOverride() throws {
        let parsed = try parse("preset:small/w:50", presets: presets)
        #expect(parsed.resizingType == .fill && parsed.width == 50 && parsed.height == 100 && parsed.quality == 60)
        let chained = try parse("pr:small:thumb", presets: presets)
        #expect(chained.quality == 60 && chained.width == 100)
    }

    @Test func presetsMaySetSecurityOptions() throws {
        #expect(try parse("pr:secure", presets: presets).maxSrcResolution == 2)
    }

    @Test func unknownPresetIsABadRequest() throws {
        let error = try #require(throws: ServiceError.self) { try parse("pr:huge", presets: presets) }
        #expect(error.status == 400 && error.message.contains("unknown preset \"huge\""))
        #expect(throws: ServiceError.self) { try parse("pr:", presets: presets) }
    }

    @Test func recursionIsRefused() throws {
        let looping = try Presets.parse(list: "a=pr:b,b=w:1/pr:a")
        #expect(throws: PresetError.self) { try OptionsParser(presets: looping).validatePresets() }
        let error = try #require(throws: ServiceError.self) { try parse("pr:a", presets: looping) }
        #expect(error.status == 400 && error.message.contains("a → b → a"))
    }

    @Test func presetsOnlyModeReadsTheFirstSegmentAsPresetNames() throws {
        let path = try ProcessingPath(path: "/unsafe/thumb:small/plain/local:///a.png", presetsOnly: true)
        let parsed = try OptionsParser(presets: presets).parse(path)
        #expect(parsed.width == 100 && parsed.quality == 60)
        // A processing option in presets-only mode is a preset name, and there is none by that name.
        let error = try #require(throws: ServiceError.self) {
            try OptionsParser(presets: presets).parse(ProcessingPath(path: "/unsafe/rs:fit:10:10/plain/local:///a.png", presetsOnly: true))
        }
        #expect(error.message.contains("unknown preset \"rs\""))
    }

    @Test func presetFileSyntax() throws {
        let parsed = try Presets.parse(file: "# comment\n\nthumb = rs:fill:10:10/q:50  # note\nbig=w:2000\n")
        #expect(parsed.definitions["thumb"] == [RawOption(name: "rs", arguments: ["fill", "10", "10"]), RawOption(name: "q", arguments: ["50"])])
        #expect(parsed.definitions["big"] == [RawOption(name: "w", arguments: ["2000"])])
        #expect(throws: PresetError.self) { try Presets.parse(file: "noequals\n") }
        #expect(throws: PresetError.self) { try Presets.parse(file: "a=plain\n") }
        #expect(throws: PresetError.self) { try Presets.parse(file: "bad name=w:1\n") }
    }
}
