/// Where one response lives in a tier, relative to `<root>/current/`:
/// `<directory>/<name>[.<variant>].<extension>`.
///
/// Every name is one nginx computes from the request URI with a regular expression, without
/// hashing: signed URLs are named by their signature, unsigned URLs in a strict character set by
/// the URI itself (`CacheKey+Unsigned.swift`). Other URLs have no file here: nginx keeps their
/// answers in its own cache.
public struct CacheKey: Sendable, Equatable, Hashable {
    /// Relative to `current/`: the signature's first two characters, or `u/…` for an unsigned URI.
    public let directory: String
    /// The file's name without variant and extension: the signature, or the URI's last segment followed by `~`.
    public let name: String
    /// The negotiated-format variant from nginx's `Accept` map: "", "a" (AVIF) or "w" (WebP).
    public let variant: String

    public init?(signature: String, variant: String) {
        guard Self.isSafe(signature), signature.count >= 22 else { return nil }
        guard Self.validVariants.contains(variant) else { return nil }
        directory = String(signature.prefix(2))
        name = signature
        self.variant = variant
    }

    init(directory: String, name: String, variant: String) {
        self.directory = directory
        self.name = name
        self.variant = variant
    }

    static let validVariants: Set<String> = ["", "a", "w"]

    private static func isSafe(_ text: String) -> Bool {
        !text.isEmpty && isMade(of: text.utf8, lettersDigitsAnd: "-_")
    }

    /// Whether every byte is an ASCII letter, a digit, or one of `others`.
    static func isMade<Bytes: Sequence>(of bytes: Bytes, lettersDigitsAnd others: String) -> Bool where Bytes.Element == UInt8 {
        bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            default: others.utf8.contains(byte)
            }
        }
    }

    /// The file's base name without extension. The variant follows a `.`, which no signature
    /// contains and which follows the final `~` of an unsigned name, so no name can pass for
    /// another's variant.
    public var baseName: String {
        variant.isEmpty ? name : "\(name).\(variant)"
    }

    /// The file, relative to `current/`.
    public func path(extension ext: String) -> String {
        "\(directory)/\(baseName).\(ext)"
    }
}
