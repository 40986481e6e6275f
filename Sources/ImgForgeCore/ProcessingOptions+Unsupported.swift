extension ProcessingOptions {
    /// The first option these ask for that imgforge does not carry out yet, nil when every one
    /// is honoured: an option is carried out or refused, never accepted and ignored.
    var unsupportedOption: String? {
        if page > 0 { return "page" }
        if pages > 1 { return "pages" }
        if maxAnimationFrames != nil { return "max_animation_frames" }
        return nil
    }

    /// Throws the 400 for an option that is not carried out.
    func checkSupported() throws {
        if let name = unsupportedOption {
            throw ServiceError(.badRequest, "the \(name) option is not supported yet")
        }
    }
}
