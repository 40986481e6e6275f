import ArgumentParser
import Foundation
import ImgForgeCore

struct Sign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign a processing path with IMGFORGE_KEY and IMGFORGE_SALT (the first pair).",
        discussion: "Example: imgforge sign /rs:fit:300:200/plain/https://example.com/cat.jpg --base https://img.example.com"
    )

    @Argument(help: "The path after the signature, e.g. /rs:fit:300:200/plain/https://example.com/cat.jpg")
    var path: String

    @Option(help: "Print a full URL on this base instead of a path.")
    var base: String?

    func run() throws {
        let configuration = try ConfigurationLoader.load()
        let signedPart = path.hasPrefix("/") ? path : "/" + path
        guard let signature = configuration.security.signer.sign(signedPart) else {
            throw ValidationError("IMGFORGE_KEY and IMGFORGE_SALT must be set to sign")
        }
        let prefix = base.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? ""
        print(prefix + "/" + signature + signedPart)
    }
}
