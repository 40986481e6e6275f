import ArgumentParser
import Foundation
import ImgForgeCore
import ImgForgeServer

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate the IMGFORGE_* environment, print the effective configuration (secrets masked), and check what `serve` needs at start: libvips, the cache directories, the addresses to listen on."
    )

    func run() throws {
        let configuration = try ConfigurationLoader.load()
        let width = configuration.summary.map(\.variable.count).max() ?? 0
        for (variable, value) in configuration.summary {
            print(variable.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
        }
        let problems = Preflight.problems(configuration)
        for problem in problems { FileHandle.standardError.write(Data("imgforge: \(problem)\n".utf8)) }
        guard problems.isEmpty else { throw ExitCode(78) } // EX_CONFIG, as for a malformed variable
        print("configuration OK")
    }
}
