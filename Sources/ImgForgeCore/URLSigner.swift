import Crypto
import Foundation

/// imgproxy's URL signature: `base64url_nopad(HMAC-SHA256(key, salt ‖ path))`,
/// optionally truncated to the first `size` bytes of the digest.
public struct URLSigner: Sendable {
    public struct KeyPair: Sendable, Equatable {
        public var key: [UInt8]
        public var salt: [UInt8]

        public init(key: [UInt8], salt: [UInt8]) {
            self.key = key
            self.salt = salt
        }
    }

    /// Tried in order, so a new pair can be added before the old one is retired.
    public var keyPairs: [KeyPair]
    /// Digest bytes kept, 1–32.
    public var size: Int

    public init(keyPairs: [KeyPair], size: Int = 32) {
        self.keyPairs = keyPairs
        self.size = size
    }

    /// The signature of `path` (everything after the signature segment, with its leading `/`)
    /// with the first key pair.
    public func sign(_ path: String) -> String? {
        keyPairs.first.map { Base64URL.encode(digest(path, with: $0)) }
    }

    /// True when `signature` matches `path` under any key pair; compared in constant time.
    /// Only the canonical spelling counts (no padding, and the unused bits of the last character
    /// zero): one URL, one signature, one cache entry.
    public func verify(signature: String, path: String) -> Bool {
        guard signature.utf8.count == Self.length(ofSignatureOf: size), let given = Base64URL.decode(signature),
              given.count == size, Base64URL.encode(given) == signature
        else { return false }
        var matched = false
        for pair in keyPairs {
            // Every pair is checked, so timing does not reveal which one matched.
            matched = Self.constantTimeEqual(given, digest(path, with: pair)) || matched
        }
        return matched
    }

    /// Characters of a signature of `size` bytes in unpadded base64url: 43 for 32 bytes, 22 for 16.
    public static func length(ofSignatureOf size: Int) -> Int {
        (size * 4 + 2) / 3
    }

    private func digest(_ path: String, with pair: KeyPair) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: pair.key))
        hmac.update(data: pair.salt)
        hmac.update(data: Array(path.utf8))
        return Array(Array(hmac.finalize()).prefix(size))
    }

    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}

/// Compares secrets without an early exit on the first differing byte.
public func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
    URLSigner.constantTimeEqual(Array(lhs.utf8), Array(rhs.utf8))
}

enum Hex {
    /// Lower-case hex digits, two per byte.
    static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// Decodes a hex string; nil on an odd length or a non-hex character.
    static func decode(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
