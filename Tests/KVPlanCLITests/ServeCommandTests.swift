import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `kvplan serve`: a live preview on 127.0.0.1 that re-renders when a study changes.
@Suite("kvplan serve")
struct ServeCommandTests {
    /// A connected socket to 127.0.0.1:`port`.
    static func connectTo(port: UInt16) throws -> Int32 {
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if connected != 0 { close(client) }
        try #require(connected == 0, "cannot connect to 127.0.0.1:\(port)")
        return client
    }

    /// GET over a plain socket: status line and body.
    static func get(port: UInt16, path: String, host: String = "127.0.0.1", extraHeaders: String = "") throws -> (status: String, body: String) {
        let client = try connectTo(port: port)
        defer { close(client) }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(host)\r\n\(extraHeaders)\r\n".utf8)
        _ = request.withUnsafeBytes { write(client, $0.baseAddress!, $0.count) }
        var response = [UInt8](), buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(client, &buffer, buffer.count)
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        return (String(parts[0].split(separator: "\r\n").first ?? ""), parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    @Test("serves the site, re-renders an edited study, shows errors as a page, refuses traversal")
    func livePreview() throws {
        let binary = try #require(RunKVPlan.binary)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kvplan-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let study = directory.appendingPathComponent("a.study.yaml")
        let text = "title: First title\nmodels: [llama-3.1-8b]\nhardware: [h100-sxm]\ncontexts: [4K, 8K]\n"
        try text.write(to: study, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", directory.path, "--port", "0"]
        let log = directory.appendingPathComponent("serve.log")
        try Data().write(to: log)
        let logHandle = try FileHandle(forWritingTo: log)
        process.standardError = logHandle
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
            try? logHandle.close()
        }

        // The first line names the port it bound (polled from a file: no blocking pipe reads).
        var announced = ""
        let deadline = Date().addingTimeInterval(20)
        while !announced.contains("\n"), Date() < deadline {
            usleep(50_000)
            announced = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        }
        let port = try #require(announced.split(separator: ":").last.flatMap { UInt16($0.prefix { $0.isNumber }) })
        let index = try Self.get(port: port, path: "/")
        #expect(index.status == "HTTP/1.1 200 OK")
        #expect(index.body.contains("First title"))
        let page = try Self.get(port: port, path: "/a.html")
        #expect(page.body.contains("<svg"))
        let traversal = try Self.get(port: port, path: "/../../etc/passwd")
        #expect(traversal.status.contains("404"))

        // Issue 12: a client that never finishes its request does not stall the others.
        let idle = try Self.connectTo(port: port)
        defer { close(idle) }
        let slow = try Self.connectTo(port: port)
        defer { close(slow) }
        _ = Array("GET / HT".utf8).withUnsafeBytes { write(slow, $0.baseAddress!, $0.count) }
        let started = Date()
        let beside = try Self.get(port: port, path: "/")
        #expect(beside.status == "HTTP/1.1 200 OK")
        #expect(Date().timeIntervalSince(started) < 1, "a second client waited behind an idle one")
        // Only local names are answered (DNS rebinding), and the request head is capped.
        #expect(try Self.get(port: port, path: "/", host: "attacker.example").status == "HTTP/1.1 403 Forbidden")
        #expect(try Self.get(port: port, path: "/", host: "attacker.example:80").status == "HTTP/1.1 403 Forbidden")
        #expect(try Self.get(port: port, path: "/", host: "localhost:\(port)").status == "HTTP/1.1 200 OK")
        let huge = "X-Filler: " + String(repeating: "x", count: 20_000) + "\r\n"
        #expect(try Self.get(port: port, path: "/", extraHeaders: huge).status.contains("431"))

        // Edit the study (a different size, so the change is seen even within one mtime tick).
        try text.replacingOccurrences(of: "First title", with: "Second, longer title").write(to: study, atomically: true, encoding: .utf8)
        let edited = try Self.get(port: port, path: "/")
        #expect(edited.body.contains("Second, longer title"))

        try "title: Broken\nmodels: [nope]\nhardware: [h100-sxm]\ncontexts: [4K]\n".write(to: study, atomically: true, encoding: .utf8)
        let broken = try Self.get(port: port, path: "/")
        #expect(broken.body.contains("unknown model preset `nope`"))
    }
}
