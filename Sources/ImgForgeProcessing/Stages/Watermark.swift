/// The watermark step's place in the pipeline; drawing watermarks arrives with the effects work.
enum WatermarkStage: PipelineStage {
    static func run(_ context: inout PipelineContext) throws {}
}
