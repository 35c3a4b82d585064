/// kvplan's default templates, embedded at build time so that an installed binary renders
/// without this folder beside it.
public enum DefaultTemplates {
    /// Template name (file name without `.mustache`) → text.
    public static let mustache: [String: String] = [
        "report": String(decoding: PackageResources.report_mustache, as: UTF8.self),
        "page": String(decoding: PackageResources.page_mustache, as: UTF8.self),
        "index": String(decoding: PackageResources.index_mustache, as: UTF8.self),
        "methodology": String(decoding: PackageResources.methodology_mustache, as: UTF8.self),
    ]

    public static let stylesheet = String(decoding: PackageResources.style_css, as: UTF8.self)
}
