import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let systemListen = Glibc.listen
#else
private let systemListen = Darwin.listen
#endif

/// A minimal HTTP/1.1 server on 127.0.0.1 for `kvplan serve`: GET only, each response closes
/// the connection. `site` is asked for the files on every request (one request at a time, as
/// `LivePreview` is not thread-safe), so the preview is as fresh as the studies on disk.
///
/// One client cannot stall the others: each connection has its own thread, a deadline for its
/// request head and a cap on its size; at most `connectionLimit` are open at once (more get 503).
/// Only requests for a local host are answered: a page on another site that rebinds its DNS name
/// to 127.0.0.1 sends its own `Host`, and gets 403 instead of the preview.
struct PreviewServer: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Most connections served at once.
    static let connectionLimit = 32
    /// Longest request head (request line and headers).
    static let headLimit = 16 * 1024
    /// Seconds a client has to send its request head, and to take the response.
    static let headSeconds = 5
    static let sendSeconds = 10
    /// `Host` values (without the port) the preview answers.
    static let localHosts: Set<String> = ["localhost", "127.0.0.1", "[::1]"]

    let port: UInt16
    let site: SiteSource

    init(port: UInt16, site: @escaping () -> [String: [UInt8]]) {
        self.port = port
        self.site = SiteSource(files: site)
    }

    /// The site's files, asked for by one connection at a time.
    final class SiteSource: @unchecked Sendable {
        private let lock = NSLock()
        private let files: () -> [String: [UInt8]]
        init(files: @escaping () -> [String: [UInt8]]) { self.files = files }
        func current() -> [String: [UInt8]] { lock.withLock { files() } }
    }

    /// Open connections, counted across threads.
    final class ConnectionCount: @unchecked Sendable {
        private let lock = NSLock()
        private var open = 0
        func enter() -> Bool { lock.withLock { open < PreviewServer.connectionLimit ? { open += 1; return true }() : false } }
        func leave() { lock.withLock { open -= 1 } }
    }

    /// Binds 127.0.0.1:`port` (0 picks a free port) and returns the socket and the port bound.
    static func listen(port: UInt16) throws -> (socket: Int32, port: UInt16) {
        #if canImport(Glibc)
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let server = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard server >= 0 else { throw Failure(description: "cannot open a socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, systemListen(server, 64) == 0 else {
            let reason = String(cString: strerror(errno))
            close(server)
            throw Failure(description: "cannot listen on 127.0.0.1:\(port): \(reason)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(server, $0, &length) }
        }
        return (server, UInt16(bigEndian: address.sin_port))
    }

    /// Serves forever on a listening socket, each connection on a thread of its own.
    func serve(_ server: Int32) {
        signal(SIGPIPE, SIG_IGN)
        // A parent may hand down a blocked SIGTERM/SIGINT (signal masks survive exec): unblock
        // them, so that Ctrl-C and `kill` stop the preview whoever started it.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        sigprocmask(SIG_UNBLOCK, &stopSignals, nil)
        let connections = ConnectionCount()
        while true {
            let client = accept(server, nil, nil)
            guard client >= 0 else { continue }
            Self.setTimeout(client, SO_RCVTIMEO, seconds: Self.headSeconds)
            Self.setTimeout(client, SO_SNDTIMEO, seconds: Self.sendSeconds)
            guard connections.enter() else {
                send(client, status: "503 Service Unavailable", type: "text/plain", body: Array("too many connections\n".utf8))
                close(client)
                continue
            }
            let thread = Thread { [self] in
                respond(to: client)
                Self.drain(client)
                close(client)
                connections.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Closes the sending side and reads what the client still sends (a little of it), so that
    /// closing does not reset the connection before the client has read an early answer (431, 405).
    static func drain(_ client: Int32) {
        shutdown(client, Int32(SHUT_WR))
        var buffer = [UInt8](repeating: 0, count: 4096), total = 0
        while total < 1 << 20 {
            let count = read(client, &buffer, buffer.count)
            if count <= 0 { return }
            total += count
        }
    }

    static func setTimeout(_ socket: Int32, _ option: Int32, seconds: Int) {
        var limit = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, option, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    /// The request head (up to the blank line), or nil when the client is too slow or sends too much.
    private func readHead(_ client: Int32) -> [UInt8]? {
        var request = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(TimeInterval(Self.headSeconds))
        while Date() < deadline {
            let count = read(client, &buffer, buffer.count)
            if count <= 0 { return nil }
            let scanFrom = max(0, request.count - 3)
            request += buffer[0..<count]
            if let end = Self.headEnd(request, from: scanFrom) { return end > Self.headLimit ? [] : Array(request[..<end]) }
            if request.count > Self.headLimit { return [] }
        }
        return nil
    }

    /// Where the blank line ending a request head starts, searching from `start`.
    static func headEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= start + 4 else { return nil }
        for index in start...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    /// The request's `Host` without its port, lowercased; nil when absent.
    static func host(in lines: [Substring]) -> String? {
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "host" else { continue }
            var host = parts[1].trimmingCharacters(in: .whitespaces).lowercased()
            if host.hasPrefix("[") {
                host = String(host.prefix { $0 != "]" }) + "]"
            } else if let colon = host.lastIndex(of: ":") {
                host = String(host[..<colon])
            }
            return host
        }
        return nil
    }

    private func respond(to client: Int32) {
        guard let head = readHead(client) else { return }
        guard !head.isEmpty else {
            send(client, status: "431 Request Header Fields Too Large", type: "text/plain", body: Array("request head over \(Self.headLimit) bytes\n".utf8))
            return
        }
        let lines = String(decoding: head, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false).map { Substring($0) }
        let line = (lines.first ?? "").split(separator: " ")
        guard line.count >= 2, line[0] == "GET" || line[0] == "HEAD" else {
            send(client, status: "405 Method Not Allowed", type: "text/plain", body: Array("GET only\n".utf8))
            return
        }
        guard let host = Self.host(in: lines), Self.localHosts.contains(host) else {
            send(client, status: "403 Forbidden", type: "text/plain", body: Array("kvplan serve answers requests for localhost or 127.0.0.1 only\n".utf8))
            return
        }
        var path = String(line[1].split(separator: "?").first ?? "/").removingPercentEncoding ?? "/"
        if path.hasSuffix("/") { path += "index.html" }
        path = String(path.drop { $0 == "/" })
        let files = site.current()
        guard !path.split(separator: "/").contains(".."), let body = files[path] else {
            let page = files[PreviewSite.notFoundPath]
            send(client, status: "404 Not Found", type: page == nil ? "text/plain" : "text/html; charset=utf-8", body: page ?? Array("not found: /\(path)\n".utf8))
            PreviewSite.log(method: line[0], path: path, status: 404)
            return
        }
        send(client, status: "200 OK", type: Self.contentType(path), body: line[0] == "HEAD" ? [] : body)
        PreviewSite.log(method: line[0], path: path, status: 200)
    }

    private func send(_ client: Int32, status: String, type: String, body: [UInt8]) {
        let head = "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n"
        let bytes = Array(head.utf8) + body
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(client, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    static func contentType(_ path: String) -> String {
        switch (path as NSString).pathExtension {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        case "csv": "text/csv; charset=utf-8"
        case "json": "application/json"
        case "md": "text/markdown; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}
