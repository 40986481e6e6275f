@testable import ImgForgeCore
import Foundation
import Testing

/// The reference pages name every option and every variable the code knows.
struct DocumentationTests {
    private func read(_ page: String) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("doc/\(page)"), encoding: .utf8)
    }

    @Test func everyOptionAndAliasIsDocumented() throws {
        let page = try read("processing-options.md")
        for definition in OptionCatalogue.all {
            for name in definition.names {
                #expect(page.contains("`\(name)`"), "\(name) is missing from doc/processing-options.md")
            }
        }
    }

    @Test func everyVariableIsDocumented() throws {
        let page = try read("configuration.md")
        let summary = try Configuration(environment: [:]).summary
        for (variable, _) in summary {
            #expect(page.contains("`\(variable)`"), "\(variable) is missing from doc/configuration.md")
        }
    }
}
