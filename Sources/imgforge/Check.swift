import ArgumentParser
import ImgForgeCore

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate the IMGFORGE_* environment and print the effective configuration, secrets masked."
    )

    func run() throws {
        let configuration = try ConfigurationLoader.load()
        let width = configuration.summary.map(\.variable.count).max() ?? 0
        for (variable, value) in configuration.summary {
            print(variable.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
        }
        print("configuration OK")
    }
}
