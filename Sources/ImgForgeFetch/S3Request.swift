import Foundation
import ImgForgeCore

/// A GET of one object from S3-compatible storage, signed by libcurl (AWS Signature V4).
struct S3Request {
    let url: String
    /// libcurl's `CURLOPT_AWS_SIGV4` provider and `key:secret`; nil for anonymous reads.
    let signing: (provider: String, credentials: String)?
    /// S3 wants the payload hash signed too; libcurl signs every `x-amz-*` header it is given.
    var headers: [String] {
        signing == nil ? [] : ["x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]
    }

    init(settings: S3Settings, bucket: String, key: String) {
        let endpoint = settings.endpoint ?? "https://s3.\(settings.region).amazonaws.com"
        let base = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        // Path-style addressing works with AWS and every S3-compatible server.
        url = base + "/" + Self.encode(bucket) + "/" + key.split(separator: "/", omittingEmptySubsequences: false).map { Self.encode(String($0)) }.joined(separator: "/")
        if let id = settings.accessKeyID, let secret = settings.secretAccessKey {
            signing = ("aws:amz:\(settings.region):s3", "\(id):\(secret)")
        } else {
            signing = nil
        }
    }

    /// RFC 3986 unreserved characters stay; everything else is percent-encoded, as SigV4 expects.
    static func encode(_ segment: String) -> String {
        var encoded = ""
        for byte in segment.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                encoded.append(Character(UnicodeScalar(byte)))
            default:
                encoded += String(format: "%%%02X", byte)
            }
        }
        return encoded
    }
}
