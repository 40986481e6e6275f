import ImgForgeCore
import Testing

struct OptionsParserTests {
    private func options(_ path: String) throws -> ProcessingOptions {
        try OptionsParser().parse(ProcessingPath(path: path))
    }

    @Test func resizeSetsEverythingAtOnce() throws {
        let parsed = try options("/unsafe/rs:fill:300:400:1:t/plain/local:///a.png")
        #expect(parsed.resizingType == .fill)
        #expect((parsed.width, parsed.height) == (300, 400))
        #expect(parsed.enlarge && parsed.extend)
    }

    @Test func laterOptionsOverrideEarlierOnes() throws {
        let parsed = try options("/unsafe/rs:fit:300:400/w:50/resizing_type:force/s:::1/plain/local:///a.png")
        #expect(parsed.resizingType == .force)
        #expect((parsed.width, parsed.height) == (50, 400))
        #expect(parsed.enlarge)
    }

    @Test func urlExtensionWinsOverFormatOption() throws {
        #expect(try options("/unsafe/f:png/plain/local:///a.png@webp").format == .webp)
        #expect(try options("/unsafe/format:jpg/plain/local:///a.png").format == .jpeg)
    }

    @Test func unknownOptionsAreIgnored() throws {
        #expect(try options("/unsafe/frobnicate:1:2/plain/local:///a.png") == ProcessingOptions())
    }

    @Test(arguments: [
        ("/unsafe/rs:fit:abc:1/plain/local:///a", "invalid rs option \"rs:fit:abc:1\""),
        ("/unsafe/rs:fit:1:2:3:4:5:6/plain/local:///a", "rs"),
        ("/unsafe/rt:stretch/plain/local:///a", "resizing_type:fit|fill|fill-down|force|auto"),
        ("/unsafe/w:-1/plain/local:///a", "width:PIXELS"),
        ("/unsafe/h:65536/plain/local:///a", "height:PIXELS"),
        ("/unsafe/el:maybe/plain/local:///a", "enlarge:BOOL"),
        ("/unsafe/q:101/plain/local:///a", "quality:1..100"),
        ("/unsafe/f:bmp/plain/local:///a", "format:"),
        ("/unsafe/plain/local:///a@bmp", "invalid extension"),
    ])
    func badArgumentsNameTheOptionAndItsForm(path: String, message: String) throws {
        let error = try #require(throws: ServiceError.self) { try options(path) }
        #expect(error.status == 400)
        #expect(error.message.contains(message), "\(error.message)")
    }
}
