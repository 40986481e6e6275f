import ImgForgeCore

/// The result of processing: bytes ready to send or store.
public struct EncodedImage: Sendable {
    public var bytes: [UInt8]
    public var format: ImageFormat
    public var width: Int
    public var height: Int
}
