import ImgForgeCore

/// Removes a uniform border before anything else (on the stored orientation, at full size), and
/// plans the rest from the trimmed size. Animations are not trimmed.
enum TrimStage: PipelineStage {
    static func run(_ context: inout PipelineContext) throws {
        guard let trim = context.options.trim, context.frameCount == 1 else { return }
        var probe = try context.image.colourspace(.srgb)
        // Transparent pixels count as magenta, so `t:…:FF00FF` trims transparency.
        if probe.hasAlpha { probe = try probe.flatten(background: [255, 0, 255]) }
        let background: [Double]
        if let colour = trim.color {
            background = [Double(colour.red), Double(colour.green), Double(colour.blue)]
        } else {
            background = Array(try probe.point(x: 0, y: 0).prefix(3))
        }
        var box = try probe.findTrim(threshold: trim.threshold, background: background)
        guard box.width > 0, box.height > 0 else { return }
        let image = context.image
        if trim.equalHorizontal {
            let right = image.width - box.left - box.width
            let side = min(box.left, right)
            box.left = side
            box.width = image.width - 2 * side
        }
        if trim.equalVertical {
            let bottom = image.height - box.top - box.height
            let side = min(box.top, bottom)
            box.top = side
            box.height = image.height - 2 * side
        }
        if box.left == 0 && box.top == 0 && box.width == image.width && box.height == image.height { return }
        context.image = try image.extractArea(left: box.left, top: box.top, width: box.width, height: box.height)
        context.plan = GeometryPlan(source: context.orientation.displayed(Size(box.width, box.height)), options: context.options)
        try context.checkResultSize()
    }
}

