import ArgumentParser
import Foundation
import ImgForgeCore

/// Reads the process environment into a `Configuration`, or stops with the variable's name.
enum ConfigurationLoader {
    static func load() throws -> Configuration {
        do {
            return try Configuration(
                environment: ProcessInfo.processInfo.environment,
                processorCount: ProcessInfo.processInfo.activeProcessorCount
            )
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("imgforge: \(error)\n".utf8))
            throw ExitCode(78) // EX_CONFIG
        }
    }
}
