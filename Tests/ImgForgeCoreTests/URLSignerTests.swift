import ImgForgeCore
import Testing

struct URLSignerTests {
    private let specPath = "/rs:fill:300:400:0/g:sm/aHR0cDovL2V4YW1w/bGUuY29tL2ltYWdl/cy9jdXJpb3NpdHku/anBn.png"

    private func signer(_ pairs: [(String, String)], size: Int = 32) throws -> URLSigner {
        var environment = ["IMGFORGE_KEY": pairs.map(\.0).joined(separator: ","), "IMGFORGE_SALT": pairs.map(\.1).joined(separator: ",")]
        environment["IMGFORGE_SIGNATURE_SIZE"] = String(size)
        return try Configuration(environment: environment).security.signer
    }

    @Test func specificationVector() throws {
        let signer = try signer([("736563726574", "68656C6C6F")])
        #expect(signer.sign(specPath) == "oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH8")
        #expect(signer.verify(signature: "oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH8", path: specPath))
        // Only the canonical spelling (the audit's L4): no padding, no standard alphabet, and none of the
        // other last characters that decode to the same bytes (their unused bits set).
        for other in ["oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH8=", "oKfUtW34Dvo2BGQehJFR4Nr0/rIjOtdtzJ3QFsUcXH8",
                      "oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH9", "oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH-",
                      "oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH8-a"] {
            #expect(!signer.verify(signature: other, path: specPath), "\(other)")
        }
        #expect(!signer.verify(signature: "oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH8", path: specPath + "x"))
        #expect(!signer.verify(signature: "pKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH8", path: specPath))
    }

    @Test func roundTripsForManyPaths() throws {
        let signer = try signer([("0102030405", "a0b0")])
        for index in 0..<200 {
            let path = "/rs:fit:\(index):\(index * 3)/plain/https://example.com/\(index)/ü.jpg@webp"
            let signature = try #require(signer.sign(path))
            #expect(signer.verify(signature: signature, path: path))
            #expect(!signer.verify(signature: signature, path: path + "/"))
        }
    }

    @Test func truncatedSignatures() throws {
        let full = try signer([("736563726574", "68656C6C6F")])
        let short = try signer([("736563726574", "68656C6C6F")], size: 8)
        let signature = try #require(short.sign(specPath))
        #expect(Base64URL.decode(signature)?.count == 8)
        #expect(Base64URL.decode(try #require(full.sign(specPath)))?.prefix(8) == Base64URL.decode(signature).map { $0[...] })
        #expect(short.verify(signature: signature, path: specPath))
        // A truncated signature does not pass a full-size check, nor the reverse.
        #expect(!full.verify(signature: signature, path: specPath))
        #expect(!short.verify(signature: try #require(full.sign(specPath)), path: specPath))
    }

    @Test func everyKeyPairOfARotationIsAccepted() throws {
        let old = try signer([("aa", "bb")])
        let new = try signer([("cc", "dd")])
        let rotating = try signer([("cc", "dd"), ("aa", "bb")])
        let path = "/w:100/plain/https://example.com/a.jpg"
        #expect(rotating.verify(signature: try #require(old.sign(path)), path: path))
        #expect(rotating.verify(signature: try #require(new.sign(path)), path: path))
        #expect(rotating.sign(path) == new.sign(path))
        #expect(!old.verify(signature: try #require(new.sign(path)), path: path))
    }

    @Test func garbageSignaturesAreRejected() throws {
        let signer = try signer([("736563726574", "68656C6C6F")])
        for signature in ["", "unsafe", "!!!", "a", String(repeating: "A", count: 43), String(repeating: "A", count: 400)] {
            #expect(!signer.verify(signature: signature, path: specPath))
        }
    }

    @Test func authorizerChecksBearerAndSignature() throws {
        let security = try Configuration(environment: [
            "IMGFORGE_KEY": "736563726574", "IMGFORGE_SALT": "68656C6C6F", "IMGFORGE_SECRET": "token",
        ]).security
        let authorizer = RequestAuthorizer(security: security)
        try authorizer.checkBearer("Bearer token")
        for header in [nil, "", "Bearer", "Bearer tokens", "Basic token", "bearer token"] as [String?] {
            #expect(throws: ServiceError(.forbidden, "forbidden: missing or wrong Authorization bearer secret")) {
                try authorizer.checkBearer(header)
            }
        }
        try authorizer.checkSignature(ProcessingPath(path: "/oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH8" + specPath))
        let unsafe = try ProcessingPath(path: "/unsafe" + specPath)
        #expect(throws: ServiceError(.forbidden, "forbidden: unsigned URLs are not allowed")) { try authorizer.checkSignature(unsafe) }
        let forged = try ProcessingPath(path: "/oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH8/w:1" + specPath)
        #expect(throws: ServiceError(.forbidden, "forbidden: invalid signature")) { try authorizer.checkSignature(forged) }
    }
}
