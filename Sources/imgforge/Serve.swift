import ArgumentParser
import Foundation
import ImgForgeCore
import ImgForgeServer
import Logging

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer FastCGI requests: on fd 0 when it is a listening socket, else on IMGFORGE_BIND."
    )

    func run() throws {
        let configuration = try ConfigurationLoader.load()
        let level = configuration.server.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "imgforge")
        if configuration.security.signer.keyPairs.isEmpty && !configuration.security.allowUnsigned {
            logger.warning("no IMGFORGE_KEY/IMGFORGE_SALT and IMGFORGE_ALLOW_UNSIGNED is false: every image request will be refused")
        }
        do {
            try FastCGIServer(configuration: configuration, logger: logger, version: Imgforge.version).run()
        } catch {
            logger.critical("cannot serve: \(error)")
            throw ExitCode.failure
        }
    }
}
