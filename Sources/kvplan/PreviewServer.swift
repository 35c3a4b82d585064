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

/// A minimal HTTP/1.1 server on 127.0.0.1 for `kvplan serve`: GET only, one connection at a
/// time, each response closes the connection. `site` is asked for the files on every request, so
/// the preview is as fresh as the studies on disk.
struct PreviewServer {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let port: UInt16
    let site: () -> [String: [UInt8]]

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
        guard bound == 0, systemListen(server, 16) == 0 else {
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

    /// Serves forever on a listening socket.
    func serve(_ server: Int32) {
        signal(SIGPIPE, SIG_IGN)
        // A parent may hand down a blocked SIGTERM/SIGINT (signal masks survive exec): unblock
        // them, so that Ctrl-C and `kill` stop the preview whoever started it.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        sigprocmask(SIG_UNBLOCK, &stopSignals, nil)
        while true {
            let client = accept(server, nil, nil)
            guard client >= 0 else { continue }
            respond(to: client)
            close(client)
        }
    }

    private func respond(to client: Int32) {
        var request = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while request.count < 65536 {
            let count = read(client, &buffer, buffer.count)
            if count <= 0 { break }
            request += buffer[0..<count]
            if request.count >= 4, request.suffix(4) == [13, 10, 13, 10] { break }
        }
        let line = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self).split(separator: " ")
        guard line.count >= 2, line[0] == "GET" || line[0] == "HEAD" else {
            send(client, status: "405 Method Not Allowed", type: "text/plain", body: Array("GET only\n".utf8))
            return
        }
        var path = String(line[1].split(separator: "?").first ?? "/").removingPercentEncoding ?? "/"
        if path.hasSuffix("/") { path += "index.html" }
        path = String(path.drop { $0 == "/" })
        let files = site()
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
        let head = "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"
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
