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
        // liborc's generated SIMD code crashed the process under sustained parallel load (a race when
        // freeing compiled programs: heap corruption after ~100k requests here). Correctness first.
        imgforge_vips_disable_vector()
        // ImageMagick, PDF and other loaders not meant for hostile input.
        vips_block_untrusted_set(1)
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
