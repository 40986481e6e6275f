import CShim
import Foundation
import CVips
import ImgForgeCore

/// Process-wide libvips set-up, done once whoever asks first.
public enum Vips {
    private static let initialized: Bool = {
        guard imgforge_vips_init("imgforge") == 0 else { return false }
        // The operation cache only grows memory in a long-running server.
        vips_cache_set_max(0)
        // Off until `setVectorised` says otherwise: see there.
        imgforge_vips_set_vector(0)
        // Every loader is blocked but those of the formats served: no other parser (ImageMagick,
        // PDF, FITS, Matlab, the raw vips format, …) ever sees a source, whatever its bytes say.
        // SVG is rasterised, but only from what SVGSanitizer rebuilt (ImageProcessor sees to that).
        vips_operation_block_set("VipsForeignLoad", 1)
        for loader in ImageFormat.loaderClasses { vips_operation_block_set(loader.name, 0) }
        // Requests already run in parallel, one per responder thread; libvips' own worker threads
        // per operation measured slightly slower under that load (doc/benchmarks.md).
        // libvips' VIPS_CONCURRENCY variable still overrides this.
        if getenv("VIPS_CONCURRENCY") == nil { vips_concurrency_set(1) }
        return true
    }()

    /// Initialises libvips; throws when the library cannot start.
    public static func start() throws {
        guard initialized else {
            throw ServiceError(.internalError, "libvips failed to start: \(takeError())")
        }
    }

    /// libvips' SIMD paths (liborc). They corrupted the heap (in `orc_code_free`) when several
    /// image operations ran at once in one process, so they are on only where a process runs one
    /// operation at a time; `VIPS_NOVECTOR` keeps them off whatever this says.
    public static func setVectorised(_ enabled: Bool) {
        imgforge_vips_set_vector(enabled && getenv("VIPS_NOVECTOR") == nil ? 1 : 0)
    }

    /// Whether libvips runs its SIMD paths now.
    public static var isVectorised: Bool { imgforge_vips_vector_enabled() != 0 }

    /// Bytes libvips has allocated through its tracker (pixel buffers, mostly) now, and at most since start.
    public static var trackedMemory: (current: Int, highwater: Int) {
        (Int(vips_tracked_get_mem()), Int(vips_tracked_get_mem_highwater()))
    }

    static func clearError() {
        vips_error_clear()
    }

    /// Takes and clears libvips' error text (it is per thread).
    static func takeError() -> String {
        guard let text = vips_error_buffer_copy() else { return "unknown libvips error" }
        defer { g_free(text) }
        let message = String(cString: text).split(separator: "\n").first.map(String.init) ?? ""
        return message.isEmpty ? "unknown libvips error" : message
    }
}
