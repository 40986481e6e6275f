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
        let configuration: Configuration
        do {
            configuration = try Configuration(
                environment: ProcessInfo.processInfo.environment,
                processorCount: ProcessInfo.processInfo.activeProcessorCount
            )
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("imgforge: \(error)\n".utf8))
            throw ExitCode(78) // EX_CONFIG
        }
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "imgforge")
        do {
            try FastCGIServer(configuration: configuration, logger: logger, version: Imgforge.version).run()
        } catch {
            logger.critical("cannot serve: \(error)")
            throw ExitCode.failure
        }
    }
}
