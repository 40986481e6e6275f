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

    /// The variables the reference table lists are exactly those the code reads: a new variable
    /// is documented, a removed one is no longer promised.
    @Test func theVariableTableMatchesTheCode() throws {
        let page = try read("configuration.md")
        let rows = page.split(separator: "\n").filter { $0.hasPrefix("| `") }
        let documented = Set(rows.compactMap { row -> String? in
            let name = row.dropFirst(3).prefix { $0 != "`" }
            return name.allSatisfy { $0.isUppercase || $0.isNumber || $0 == "_" } ? String(name) : nil
        })
        let read = Configuration.variableNames
        #expect(read.subtracting(documented).sorted() == [], "read by the code, missing from doc/configuration.md")
        #expect(documented.subtracting(read).sorted() == [], "in doc/configuration.md, never read by the code")
        for (variable, _) in try Configuration(environment: [:]).summary {
            #expect(documented.contains(variable), "\(variable) is shown by `imgforge check` but missing from doc/configuration.md")
        }
    }
}
