import ImgForgeCore

/// The specification's test key and salt ("secret" and "hello").
let testKey = "736563726574"
let testSalt = "68656C6C6F"

/// Signs like a client would: `/<signature><path>`.
func signed(_ path: String, key: String = testKey, salt: String = testSalt) throws -> String {
    let signer = try Configuration(environment: ["IMGFORGE_KEY": key, "IMGFORGE_SALT": salt]).security.signer
    return "/" + (signer.sign(path) ?? "") + path
}
