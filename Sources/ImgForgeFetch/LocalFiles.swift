import CShim
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
        // Opened once, by the kernel, beneath the root: a `..` or a symbolic link that would leave it
        // fails whatever it points at (so nothing outside is even probed), with no window between a
        // check and the open; links that stay inside work. Never blocking on a FIFO; every check
        // below is made on what was opened, not on the name again.
        let rootFD = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootFD >= 0 else { throw ServiceError(.forbidden, "source not readable: the local root cannot be opened") }
        defer { close(rootFD) }
        let relative = components.isEmpty ? "." : components.joined(separator: "/")
        let fd = imgforge_open_beneath(rootFD, relative, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            switch errno {
            case ENOENT, ENOTDIR: throw ServiceError(.notFound, "source not found: local://\(path)")
            case EXDEV, ELOOP: throw ServiceError(.forbidden, "source not allowed: path leaves the local root")
            default: throw ServiceError(.forbidden, "source not readable: local://\(path)")
            }
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ServiceError(.forbidden, "source not readable: local://\(path)") }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw ServiceError(.notFound, "source not found: local://\(path)")
        default: throw ServiceError(.forbidden, "source not allowed: local://\(path) is not a regular file")
        }
        let size = Int(info.st_size)
        if maxBytes > 0 && size > maxBytes {
            throw ServiceError(.badRequest, "source too large: \(size) bytes, limit is \(maxBytes)")
        }
        // Read what fstat said, and no more than the limit if the file grows meanwhile.
        // Straight into the array's storage: no zero fill, no second copy.
        let limit = maxBytes > 0 ? maxBytes : Int.max
        return [UInt8](unsafeUninitializedCapacity: min(size, limit)) { buffer, filled in
            filled = 0
            while filled < buffer.count {
                let count = Glibc.read(fd, buffer.baseAddress! + filled, buffer.count - filled)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                filled += count
            }
        }
    }
}
