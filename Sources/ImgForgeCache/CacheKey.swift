/// Where one response lives in a tier, relative to `<root>/current/`:
/// `<first two characters>/<name>[.<variant>].<extension>`.
///
/// Signed URLs are named by their signature, which nginx can cut out of the request with a
/// regular expression. Other URLs have no file here: nginx keeps their answers in its own cache.
public struct CacheKey: Sendable, Equatable, Hashable {
    /// Characters safe in a file name: base64url or hex only.
    public let name: String
    /// The negotiated-format variant from nginx's `Accept` map: "", "a" (AVIF) or "w" (WebP).
    public let variant: String

    public init?(signature: String, variant: String) {
        guard Self.isSafe(signature), signature.count >= 22 else { return nil }
        guard Self.validVariants.contains(variant) else { return nil }
        name = signature
        self.variant = variant
    }

    static let validVariants: Set<String> = ["", "a", "w"]

    private static func isSafe(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    /// The directory, relative to `current/`.
    public var directory: String {
        String(name.prefix(2))
    }

    /// The file's base name without extension. The variant follows a `.`, which no signature
    /// contains, so no name can pass for another's variant.
    public var baseName: String {
        variant.isEmpty ? name : "\(name).\(variant)"
    }

    /// The file, relative to `current/`.
    public func path(extension ext: String) -> String {
        "\(directory)/\(baseName).\(ext)"
    }
}
