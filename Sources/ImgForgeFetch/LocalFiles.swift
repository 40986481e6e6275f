import Foundation
import ImgForgeCore

/// `local:///` sources: files below a root directory, never outside it.
struct LocalFiles {
    let root: String?
    let maxBytes: Int

    func read(_ path: String) throws -> [UInt8] {
        guard let root else {
            throw ServiceError(.forbidden, "source not allowed: local sources are disabled (set IMGFORGE_LOCAL_FILESYSTEM_ROOT)")
        }
        let components = path.split(separator: "/")
        guard !components.contains("..") else {
            throw ServiceError(.forbidden, "source not allowed: path leaves the local root")
        }
        // Resolve symlinks on both sides so a link pointing out of the root is caught.
        let rootURL = URL(fileURLWithPath: root).resolvingSymlinksInPath()
        let fileURL = rootURL.appendingPathComponent(components.joined(separator: "/")).resolvingSymlinksInPath()
        let rootPath = rootURL.path.hasSuffix("/") ? rootURL.path : rootURL.path + "/"
        guard fileURL.path.hasPrefix(rootPath) else {
            throw ServiceError(.forbidden, "source not allowed: path leaves the local root")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: fileURL.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw ServiceError(.notFound, "source not found: local://\(path)")
        }
        if maxBytes > 0,
           let size = (try? FileManager.default.attributesOfItem(atPath: fileURL.path))?[.size] as? Int,
           size > maxBytes {
            throw ServiceError(.badRequest, "source too large: \(size) bytes, limit is \(maxBytes)")
        }
        guard let data = FileManager.default.contents(atPath: fileURL.path) else {
            throw ServiceError(.forbidden, "source not readable: local://\(path)")
        }
        return [UInt8](data)
    }
}
