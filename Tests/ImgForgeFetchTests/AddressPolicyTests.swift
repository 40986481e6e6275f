import ImgForgeCore
@testable import ImgForgeFetch
import Testing

struct AddressPolicyTests {
    private func v6(_ text: String) -> IPAddress {
        // Expand "::" and parse hextets; enough for the literals below.
        let halves = text.components(separatedBy: "::")
        let head = halves[0].isEmpty ? [] : halves[0].split(separator: ":").map { UInt16($0, radix: 16)! }
        let tail = halves.count > 1 && !halves[1].isEmpty ? halves[1].split(separator: ":").map { UInt16($0, radix: 16)! } : []
        let words = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        return .v6(words.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
    }

    @Test(arguments: [
        ("127.0.0.1", AddressPolicy.Kind.loopback), ("127.255.0.9", .loopback), ("0.0.0.0", .unspecified),
        ("10.1.2.3", .private), ("172.16.0.1", .private), ("172.31.255.255", .private), ("172.32.0.1", .global),
        ("192.168.1.1", .private), ("169.254.169.254", .cloudMetadata), ("169.254.1.1", .linkLocal), ("100.64.0.1", .sharedAddressSpace),
        ("100.128.0.1", .global), ("224.0.0.1", .multicast), ("239.255.255.250", .multicast),
        ("255.255.255.255", .broadcast), ("240.0.0.1", .reserved), ("8.8.8.8", .global), ("93.184.216.34", .global),
    ])
    func ipv4Ranges(address: String, kind: AddressPolicy.Kind) {
        let parts = address.split(separator: ".").map { UInt8($0)! }
        #expect(AddressPolicy.classify(.v4(parts[0], parts[1], parts[2], parts[3])) == kind)
    }

    /// The audit's M3: metadata services are refused whatever the switches say, in every spelling.
    @Test func cloudMetadataIsAlwaysRefused() {
        let open = AddressPolicy(allowLoopback: true, allowPrivate: true, allowLinkLocal: true)
        let addresses: [IPAddress] = [
            .v4(169, 254, 169, 254), .v4(169, 254, 170, 2), .v4(100, 100, 100, 200), .v4(192, 0, 0, 192),
            v6("fd00:ec2::254"), v6("::ffff:a9fe:a9fe"), v6("64:ff9b::a9fe:a9fe"), v6("2002:a9fe:a9fe::1"),
        ]
        for address in addresses {
            #expect(open.refusal(address) == .cloudMetadata, "\(address)")
        }
        #expect(open.refusal(v6("fd00:ec2::253")) == nil, "its neighbours are just private")
    }

    @Test(arguments: [
        ("::1", AddressPolicy.Kind.loopback), ("::", .unspecified), ("fe80::1", .linkLocal), ("febf::1", .linkLocal),
        ("fc00::1", .private), ("fd12:3456::1", .private), ("ff02::1", .multicast), ("2001:db8::1", .reserved),
        ("2606:4700::1111", .global),
        // IPv4 hidden inside IPv6 is judged as that IPv4 address.
        ("::ffff:7f00:1", .loopback), ("::ffff:a9fe:101", .linkLocal), ("::ffff:808:808", .global),
        ("::7f00:1", .loopback), ("64:ff9b::a9fe:101", .linkLocal), ("2002:7f00:1::", .loopback),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", .loopback), ("::ffff:0:0", .unspecified),
    ])
    func ipv6Ranges(address: String, kind: AddressPolicy.Kind) {
        #expect(AddressPolicy.classify(v6(address)) == kind, "\(address)")
    }

    @Test func addressesPrintInTheirUsualForm() {
        #expect(IPAddress.v4(169, 254, 169, 254).description == "169.254.169.254")
        #expect(v6("::1").description == "::1")
        #expect(v6("::ffff:7f00:1").description == "::ffff:127.0.0.1")
        #expect(v6("fe80::1").description == "fe80::1")
    }

    @Test func switches() {
        let strict = AddressPolicy()
        #expect(strict.refusal(.v4(127, 0, 0, 1)) == .loopback)
        #expect(strict.refusal(.v4(10, 0, 0, 1)) == nil, "private networks are allowed by default, as imgproxy does")
        #expect(strict.refusal(.v4(169, 254, 1, 1)) == .linkLocal)
        #expect(strict.refusal(.v4(100, 64, 0, 1)) == .sharedAddressSpace)
        let open = AddressPolicy(allowLoopback: true, allowPrivate: false, allowLinkLocal: true)
        #expect(open.refusal(.v4(127, 0, 0, 1)) == nil)
        #expect(open.refusal(.v4(169, 254, 1, 1)) == nil)
        #expect(open.refusal(.v4(192, 168, 0, 1)) == .private)
        #expect(open.refusal(.v4(0, 0, 0, 0)) == .unspecified, "no switch opens the unspecified address")
        #expect(open.refusal(.v4(224, 0, 0, 1)) == .multicast)
    }
}

struct SourceAllowListTests {
    @Test func prefixesAndWildcards() {
        let list = SourceAllowList(["https://img.example.com/", "https://*.cdn.example.net/images/", "local:///public/"])
        #expect(list.allows("https://img.example.com/a.jpg"))
        #expect(list.allows("https://eu.cdn.example.net/images/x.png"))
        #expect(list.allows("local:///public/logo.png"))
        #expect(!list.allows("https://img.example.com.evil.net/a.jpg"))
        #expect(!list.allows("http://img.example.com/a.jpg"))
        #expect(!list.allows("https://evil.net/x/.cdn.example.net/images/x.png"), "* stays within one segment")
        #expect(!list.allows("https://eu.cdn.example.net/other/x.png"))
        #expect(!list.allows("local:///private/key.png"))
        #expect(SourceAllowList([]).allows("https://anything/"))
    }

    /// The audit's M1: the list is matched on the parsed URL, never as text.
    @Test(arguments: [
        "https://attacker.invalid#.example.com/a.jpg", "https://attacker.invalid?.example.com/a.jpg",
        "https://attacker.invalid/.example.com/a.jpg", "http://127.0.0.1:1@evil.test/allowed/a.jpg",
        "http://127.0.0.1:8080/allowed/a.jpg", "http://127.0.0.1:9999/allowed/../secret.png",
        "http://127.0.0.1:9999/allowed/%2e%2E/secret.png", "http://127.0.0.1:9999/allowed/a.jpg%00.png",
        "http://127.0.0.1:9999/allowedx/a.jpg", "s3://public/../private/k.jpg", "s3://publicity/k.jpg",
        "https://a.b.example.com/x.jpg", "HTTPS://example.com/x.jpg",
    ])
    func bypassesOfTheTextualMatchAreRefused(url: String) {
        let list = SourceAllowList(["https://*.example.com/", "http://127.0.0.1:9999/allowed/", "s3://public/"])
        #expect(!list.allows(url), "\(url)")
    }

    @Test func parsedMatchesStillAdmitWhatTheyShould() {
        let list = SourceAllowList(["https://*.example.com/", "http://127.0.0.1:9999/allowed/", "s3://public/", "https://cdn.example.net:443/*/img"])
        for url in ["https://a.example.com/x.jpg", "HTTPS://A.EXAMPLE.COM/x.jpg?w=1", "http://127.0.0.1:9999/allowed/a/b.jpg",
                    "s3://public/k/x.jpg", "https://cdn.example.net/v1/img/a.png", "https://cdn.example.net:443/v2/img"] {
            #expect(list.allows(url), "\(url)")
        }
        #expect(!list.allows("https://cdn.example.net/v1/images/a.png"), "segments, not text: img is not images")
    }

    @Test func s3KeysArePercentEncodedForSigning() {
        let request = S3Request(settings: S3Settings(endpoint: "http://127.0.0.1:9000/", region: "eu-west-1", accessKeyID: "id", secretAccessKey: "secret"),
                                bucket: "photos", key: "2024/summer holiday/ü+1.jpg")
        #expect(request.url == "http://127.0.0.1:9000/photos/2024/summer%20holiday/%C3%BC%2B1.jpg")
        #expect(request.signing?.provider == "aws:amz:eu-west-1:s3")
        #expect(request.signing?.credentials == "id:secret")
        let aws = S3Request(settings: S3Settings(endpoint: nil, region: "us-east-1", accessKeyID: nil, secretAccessKey: nil), bucket: "b", key: "k")
        #expect(aws.url == "https://s3.us-east-1.amazonaws.com/b/k" && aws.signing == nil)
    }
}
