import Foundation

/// Memory a supervisor shares with the workers it starts: an unlinked file of `size` zero bytes
/// in RAM (or the temporary directory), handed over by descriptor, so nothing is left behind
/// whatever happens to the processes.
enum SharedMemoryFile {
    static func create(_ name: String, size: Int) throws -> Int32 {
        let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        var template = Array("\(directory)/imgforge-\(name)-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw SocketError.errno(name) }
        unlink(template)
        guard ftruncate(fd, off_t(size)) == 0 else {
            close(fd)
            throw SocketError.errno(name)
        }
        return fd
    }
}
