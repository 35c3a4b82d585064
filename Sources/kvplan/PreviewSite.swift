import Foundation
import KVLoader
import KVReport
import KVStudy

/// What `kvplan serve` shows, study by study, so that one broken study does not take the others
/// down: the site of every study that loads and evaluates; for each that does not, a page of its
/// diagnostics at its own URL, in the site's style, and listed at the top of the index; a 404 page
/// in the same style; and a small script — added here only, never to a rendered site — that
/// reloads a page when a study or template changes.
enum PreviewSite {
    /// What the reload script polls: changes whenever the preview's files do.
    static let versionPath = "__kvplan/version"
    /// The page the server answers a missing path with.
    static let notFoundPath = "404.html"

    /// A study file that did not render, and why.
    struct Broken {
        var path: String
        var messages: [String]
    }

    /// The preview's files. `studies` are those that loaded; `broken` those that did not (with
    /// their diagnostics); `version` identifies the inputs the files were made from.
    static func files(studies: [Study], broken: [Broken], templates: String?, version: String) -> [String: [UInt8]] {
        var broken = broken
        let renderer: ReportRenderer
        do {
            renderer = ReportRenderer(templates: try ReportTemplates(directory: templates))
        } catch {
            // Without templates there is no site: every study shows the template error.
            return withReload(errorSite(broken + studies.map { Broken(path: $0.path, messages: ["\(error)"]) }, stylesheet: nil), version: version)
        }
        // A study whose evaluation fails is reported like one that does not load.
        var rendered: [Study] = []
        for study in studies {
            do {
                _ = try StudyEvaluation(study: study)
                rendered.append(study)
            } catch {
                broken.append(Broken(path: study.path, messages: ["\(study.path): error: \(error)"]))
            }
        }
        var files: [String: [UInt8]]
        do {
            files = try Site(renderer: renderer, options: Site.Options()).files(for: rendered)
        } catch {
            files = [:]
            broken += rendered.map { Broken(path: $0.path, messages: ["\($0.path): error: \(error)"]) }
        }
        files.merge(errorSite(broken, stylesheet: renderer.templates.stylesheet)) { site, _ in site }
        if !broken.isEmpty, let index = files["index.html"] {
            files["index.html"] = Array(listingBroken(broken, in: String(decoding: index, as: UTF8.self)).utf8)
        }
        return withReload(files, version: version)
    }

    /// A page per broken study (at the URL its report would have), the index when there is none
    /// yet, the 404 page and the stylesheet.
    static func errorSite(_ broken: [Broken], stylesheet: String?) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        let slugs = Site.slugs(for: broken.map(\.path))
        for (study, slug) in zip(broken, slugs) {
            files["\(slug).html"] = Array(page(
                title: "\(study.path) does not render",
                lead: "Fix the study and save it: this page reloads itself. The other studies still render.",
                body: study.messages.map { "<pre class=\"diagnostics\">\(xmlEscaped($0))</pre>" }.joined(separator: "\n")).utf8)
        }
        files["index.html"] = Array(page(title: "kvplan studies", lead: "No study renders yet.", body: "").utf8)
        files[notFoundPath] = Array(page(
            title: "Not found", lead: "The preview has no such page.",
            body: "<p><a href=\"/index.html\">All studies</a></p>").utf8)
        if let stylesheet { files["style.css"] = Array(stylesheet.utf8) }
        return files
    }

    /// The index with the broken studies listed above the others.
    static func listingBroken(_ broken: [Broken], in index: String) -> String {
        let slugs = Site.slugs(for: broken.map(\.path))
        let items = zip(broken, slugs).map { study, slug in
            "<li><a href=\"\(xmlEscaped(slug)).html\">\(xmlEscaped(study.path))</a>: \(xmlEscaped(study.messages.first.map { String($0.prefix { $0 != "\n" }) } ?? "does not render"))</li>"
        }.joined(separator: "\n")
        let count = broken.count == 1 ? "1 study does" : "\(broken.count) studies do"
        let section = "<section class=\"diagnostics\" aria-label=\"Studies with errors\">\n<h2>\(count) not render</h2>\n<ul>\n\(items)\n</ul>\n</section>\n"
        guard let main = index.range(of: "<main class=\"index\">\n"),
              let header = index.range(of: "</header>\n", range: main.upperBound..<index.endIndex) else { return index }
        return index.replacingCharacters(in: header, with: index[header] + section)
    }

    /// A page in the site's style: the index's header and a body.
    static func page(title: String, lead: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light dark">
        <title>\(xmlEscaped(title)) — kvplan</title>
        <link rel="stylesheet" href="/style.css">
        </head>
        <body>
        <nav class="site" aria-label="Site"><a href="/index.html">← All kvplan studies</a></nav>
        <main class="index">
        <header class="report-header">
        <p class="kicker">kvplan serve</p>
        <h1>\(xmlEscaped(title))</h1>
        <p class="subtitle">\(xmlEscaped(lead))</p>
        </header>
        \(body)
        </main>
        </body>
        </html>

        """
    }

    /// The request log on stderr, one line per request ("GET /a.html 200"); the reload script's
    /// polling is left out, or an open tab would write a line a second.
    static func log(method: Substring, path: String, status: Int) {
        guard path != versionPath else { return }
        printError("\(method) /\(path) \(status)")
    }

    /// Every HTML page with the reload script before `</body>`, and the version it polls.
    static func withReload(_ files: [String: [UInt8]], version: String) -> [String: [UInt8]] {
        var files = files
        let script = "<script>/* kvplan serve: reload when a study or template changes */(function(){var seen=null;setInterval(function(){fetch('/\(versionPath)',{cache:'no-store'}).then(function(r){return r.text()}).then(function(v){if(seen===null){seen=v}else if(v!==seen){location.reload()}}).catch(function(){})},1000)})();</script>\n"
        for (path, bytes) in files where path.hasSuffix(".html") {
            let text = String(decoding: bytes, as: UTF8.self)
            if let end = text.range(of: "</body>", options: .backwards) {
                files[path] = Array(text.replacingCharacters(in: end, with: script + "</body>").utf8)
            }
        }
        files[versionPath] = Array(version.utf8)
        return files
    }
}
