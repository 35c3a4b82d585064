import Foundation

/// PDF through the HTML: a self-contained page printed by headless Chromium (its print
/// stylesheet: every column, wide tables on landscape pages, formulas expanded). kvplan draws
/// nothing itself here; without Chromium it says which package to install.
public struct PDFWriter: Sendable {
    /// The browser's executable.
    public let chromium: String

    /// The names a Chromium executable goes by, looked up on `PATH` in this order.
    public static let executableNames = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    public enum Failure: Error, CustomStringConvertible {
        case chromiumMissing
        case printFailed(status: Int32, output: String)

        public var description: String {
            switch self {
            case .chromiumMissing:
                "--pdf prints through headless Chromium, which is not installed: install the `chromium` package (Debian/Ubuntu: `apt-get install chromium`), or set KVPLAN_CHROMIUM to a Chromium or Chrome executable"
            case .printFailed(let status, let output):
                "headless Chromium could not print the page (exit status \(status)): \(output.suffix(400))"
            }
        }
    }

    /// Chromium from `KVPLAN_CHROMIUM` or `PATH`; nil when there is none.
    public static func find(environment: [String: String] = ProcessInfo.processInfo.environment) -> PDFWriter? {
        if let path = environment["KVPLAN_CHROMIUM"], !path.isEmpty {
            return FileManager.default.isExecutableFile(atPath: path) ? PDFWriter(chromium: path) : nil
        }
        for directory in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            for name in executableNames {
                let path = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: path) { return PDFWriter(chromium: path) }
            }
        }
        return nil
    }

    public init(chromium: String) {
        self.chromium = chromium
    }

    /// The PDF of one self-contained HTML page (inline CSS and SVG).
    public func pdf(ofPage html: [UInt8]) throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kvplan-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("page.html"), pdf = directory.appendingPathComponent("page.pdf")
        try Data(html).write(to: page)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--user-data-dir=\(directory.appendingPathComponent("profile").path)",
            "--no-pdf-header-footer", "--print-to-pdf-no-header",
            "--print-to-pdf=\(pdf.path)", page.absoluteString,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let bytes = try? Data(contentsOf: pdf), !bytes.isEmpty else {
            throw Failure.printFailed(status: process.terminationStatus, output: text)
        }
        return Array(bytes)
    }
}
