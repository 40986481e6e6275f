import ImgForgeCore

extension GeometryPlan {
    /// libvips' own largest coordinate: no image side may pass it, whatever the settings.
    static let absoluteMaxDimension = 10_000_000

    /// Refuses, before any pixel is decoded, a plan whose sizes are empty, absurd, or over the
    /// result limit (0: only libvips' own bound). Every size the stages use is then safe to
    /// pass to libvips.
    public func check(maxResultDimension limit: Int) throws {
        let bound = limit > 0 ? min(limit, Self.absoluteMaxDimension) : Self.absoluteMaxDimension
        let result = resultSize
        guard horizontalScale.isFinite, verticalScale.isFinite, horizontalScale > 0, verticalScale > 0,
              scaled.width >= 1, scaled.height >= 1, result.width >= 1, result.height >= 1
        else {
            throw ServiceError(.badRequest, "invalid options: they leave no image (scaled to \(scaled), result \(result))")
        }
        if result.width > bound || result.height > bound {
            throw ServiceError(.badRequest, "result size \(result) is over the max_result_dimension of \(bound)x\(bound)")
        }
        if scaled.width > bound || scaled.height > bound {
            throw ServiceError(.badRequest, "resized size \(scaled) is over the max_result_dimension of \(bound)x\(bound)")
        }
    }
}
