import Foundation
import KVTemplates
import Mustache

/// The Mustache templates and stylesheet a render uses: kvplan's embedded defaults, or a
/// directory of the user's (`--templates DIR`) that may override any of them.
public struct ReportTemplates: Sendable {
    public static let names = ["report", "page", "index", "methodology"]

    let library: MustacheLibrary
    public let stylesheet: String

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The defaults, with any `<name>.mustache` and `style.css` in `directory` taking their place.
    public init(directory: String? = nil) throws(LoadError) {
        var sources = DefaultTemplates.mustache
        var css = DefaultTemplates.stylesheet
        if let directory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw LoadError(description: "\(directory): no such templates directory")
            }
            for name in Self.names {
                let path = (directory as NSString).appendingPathComponent("\(name).mustache")
                if let text = try? String(contentsOfFile: path, encoding: .utf8) { sources[name] = text }
            }
            let cssPath = (directory as NSString).appendingPathComponent("style.css")
            if let text = try? String(contentsOfFile: cssPath, encoding: .utf8) { css = text }
        }
        var library = MustacheLibrary()
        for (name, text) in sources.sorted(by: { $0.key < $1.key }) {
            do {
                try library.register(text, named: name)
            } catch {
                throw LoadError(description: "template \(name).mustache: \(error)")
            }
        }
        self.library = library
        stylesheet = css
    }

    func render(_ context: Any, _ name: String) -> String {
        library.render(context, withTemplate: name) ?? ""
    }
}
