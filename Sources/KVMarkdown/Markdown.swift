import CCmark
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CommonMark → HTML through libcmark 0.30 (the reference implementation). Every cmark pointer
/// lives and dies inside one call, so rendering is reentrant and safe under Swift 6 concurrency.
public enum Markdown {
    /// How much raw HTML in the input to trust.
    public enum Trust: Sendable {
        /// User prose: raw HTML is dropped and `javascript:`-style URLs removed (cmark's safe mode).
        case untrusted
        /// kvplan's own generated HTML blocks (tables, SVG, `<details>`) pass through.
        case trusted
        /// User prose with `allow_html: true`: raw HTML passes, but dangerous URLs
        /// (`javascript:`, `vbscript:`, `file:`, `data:` other than images) are still removed,
        /// from Markdown links and from HTML attributes alike.
        case userHTML
    }

    /// Renders `markdown` to an HTML fragment.
    public static func html(_ markdown: String, trust: Trust) -> String {
        var options = CMARK_OPT_DEFAULT
        if trust != .untrusted { options |= CMARK_OPT_UNSAFE }
        let bytes = Array(markdown.utf8)
        guard let rendered = bytes.withUnsafeBufferPointer({ buffer in
            buffer.baseAddress.map { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    cmark_markdown_to_html($0, buffer.count, options)
                }
            } ?? cmark_markdown_to_html("", 0, options)
        }) else { return "" }
        defer { free(rendered) }
        let html = String(cString: rendered)
        return trust == .userHTML ? DangerousURLs.removed(from: html) : html
    }

    /// The libcmark version linked, e.g. "0.30.2".
    public static var libraryVersion: String { String(cString: cmark_version_string()) }
}
