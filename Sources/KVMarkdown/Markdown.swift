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
        let html = taking(withCharacters(markdown) { cmark_markdown_to_html($0, $1, options) })
        return trust == .userHTML ? DangerousURLs.removed(from: html) : html
    }

    /// Normalised CommonMark for a Markdown report. Untrusted prose loses its raw HTML and its
    /// `javascript:`-style link targets, as `html(_:trust:)` drops them in safe mode; prose with
    /// `allow_html` keeps its raw HTML but not its dangerous URLs.
    public static func commonmark(_ markdown: String, trust: Trust) -> String {
        guard let document = withCharacters(markdown, { cmark_parse_document($0, $1, CMARK_OPT_DEFAULT) }) else { return "" }
        defer { cmark_node_free(document) }
        if trust != .trusted { neutralise(document, keepingHTML: trust == .userHTML) }
        let markdown = taking(cmark_render_commonmark(document, CMARK_OPT_DEFAULT, 0))
        return trust == .userHTML ? DangerousURLs.removed(from: markdown) : markdown
    }

    /// Calls `body` with the UTF-8 bytes of `text` and their count (the pointer lives only for the call).
    static func withCharacters<T>(_ text: String, _ body: (UnsafePointer<CChar>, Int) -> T) -> T {
        let characters = text.utf8CString
        return characters.withUnsafeBufferPointer { body($0.baseAddress!, $0.count - 1) }
    }

    /// A string libcmark allocated, copied and freed.
    static func taking(_ rendered: UnsafeMutablePointer<CChar>?) -> String {
        guard let rendered else { return "" }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    /// Removes raw HTML nodes (unless `keepingHTML`) and empties dangerous link and image targets.
    static func neutralise(_ document: OpaquePointer, keepingHTML: Bool) {
        var html: [OpaquePointer] = []
        let iterator = cmark_iter_new(document)
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(node) {
            case CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE: if !keepingHTML { html.append(node) }
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                if isDangerous(url) { cmark_node_set_url(node, "") }
            default: break
            }
        }
        for node in html {
            cmark_node_unlink(node)
            cmark_node_free(node)
        }
    }

    /// cmark's own rule: `javascript:`, `vbscript:`, `file:` and `data:` other than common images.
    static func isDangerous(_ url: String) -> Bool {
        let lower = url.lowercased()
        if ["data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"].contains(where: lower.hasPrefix) { return false }
        return ["javascript:", "vbscript:", "file:", "data:"].contains(where: lower.hasPrefix)
    }

    /// The libcmark version linked, e.g. "0.30.2".
    public static var libraryVersion: String { String(cString: cmark_version_string()) }
}
