import ImgForgeCore
import ImgForgeProcessing

/// One input: a request URI through everything a URL reaches before any byte of a source is read.
/// The router, the signature check, the options parser (with presets and the security options
/// on, so every option is reachable) and the geometry plan with its result-size check, for a few
/// source sizes. Errors are the expected outcome of most inputs; a trap or a crash is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let uri = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    for presetsOnly in [false, true] {
        guard let route = try? Route(requestURI: uri, presetsOnly: presetsOnly) else { continue }
        switch route {
        case .image(let path), .info(let path):
            _ = Fuzzing.signer.verify(signature: path.signature, path: path.signedPart)
            guard let options = try? Fuzzing.parser.parse(path) else { continue }
            for source in Fuzzing.sources {
                let plan = GeometryPlan(source: source, options: options)
                try? plan.check(maxResultDimension: options.maxResultDimension ?? 8192)
            }
        default:
            break
        }
    }
    return 0
}

enum Fuzzing {
    static let signer = URLSigner(keyPairs: [URLSigner.KeyPair(key: Array("key".utf8), salt: Array("salt".utf8))], size: 32)
    static let parser: OptionsParser = {
        let presets = (try? Presets.parse(list: "default=q:80,small=rs:fit:100:100,gray=f:png")) ?? Presets()
        return OptionsParser(presets: presets, allowSecurityOptions: true)
    }()
    static let sources = [Size(1, 1), Size(1000, 600), Size(16383, 1), Size(7, 50_000)]
}
