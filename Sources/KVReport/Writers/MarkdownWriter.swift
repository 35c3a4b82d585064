import KVMarkdown

/// Writes a document as GitHub-flavoured Markdown a reader can diff: headings, prose, pipe tables,
/// figures as image links to their SVG files. Raw HTML only where Markdown has no equivalent: the
/// formula disclosures (`<details>`).
enum MarkdownWriter {
    static func write(_ document: Document, links: ReportRenderer.Links) -> String {
        var parts = ["# \(escaped(document.title))", "*\(escaped(document.subtitle))*"]
        if let description = document.description { parts.append(prose(description)) }
        if !document.findings.isEmpty {
            parts.append("## Findings")
            parts.append(document.findings.map { "- \(escaped($0))" }.joined(separator: "\n"))
        }
        for section in document.sections {
            parts.append("## \(escaped(section.title))")
            parts += section.blocks.map { block($0, links: links) }
        }
        return parts.joined(separator: "\n\n") + "\n"
    }

    static func block(_ block: Block, links: ReportRenderer.Links) -> String {
        switch block {
        case .paragraph(let text): escaped(text)
        case .prose(let text): prose(text)
        case .figure(let figure):
            "![Figure \(figure.number). \(escaped(figure.caption))](\(links.figure(figure)))\n\n**Figure \(figure.number).** \(escaped(figure.caption))"
        case .table(let table): self.table(table, csvHref: links.table(table))
        case .traces(let summary, let groups): traces(summary, groups)
        }
    }

    /// A study's prose, without raw HTML unless the study allows it (and even then without
    /// dangerous URLs); kvplan's own prose as it is.
    static func prose(_ prose: Prose) -> String {
        (prose.source == .kvplan ? prose.markdown : Markdown.commonmark(prose.markdown, trust: prose.markdownTrust)).trimmingCharacters
    }

    /// A pipe table under its caption; baseline rows in bold.
    static func table(_ table: Table, csvHref: String) -> String {
        let baseline = table.baselineRows
        var lines = [
            "**Table \(table.number).** \(escaped(table.caption)) ([CSV](\(csvHref)))", "",
            "| " + table.columns.map { cell($0.title) }.joined(separator: " | ") + " |",
            "|" + table.columns.map { $0.numeric ? "---:" : "---" }.joined(separator: "|") + "|",
        ]
        for (index, row) in table.rows.enumerated() {
            let cells = row.map { text in baseline.contains(index) && !text.isEmpty ? "**\(cell(text))**" : cell(text) }
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    /// Formula traces in a disclosure: Markdown has none, so this is the one raw HTML.
    static func traces(_ summary: String, _ groups: [TraceGroup]) -> String {
        var lines = ["<details>", "<summary>\(escaped(summary))</summary>"]
        for group in groups {
            lines += ["", "**\(escaped(group.heading))**", ""]
            for line in group.lines {
                lines.append("- \(escaped(line.quantity)): \(code(line.formula))  \n  \(code("= " + line.substituted))  \n  **= \(escaped(line.result))**")
            }
        }
        lines += ["", "</details>"]
        return lines.joined(separator: "\n")
    }

    /// Plain text with Markdown's punctuation escaped (angle brackets as entities, so no tag can
    /// form), so a sentence reads as written.
    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case "\\", "`", "*", "_", "[", "]", "#", "|": result += "\\\(character)"
            default: result.append(character)
            }
        }
        return result
    }

    static func cell(_ text: String) -> String {
        escaped(text).replacingOccurrences(of: "\n", with: " ")
    }

    static func code(_ text: String) -> String {
        text.contains("`") ? "`` \(text) ``" : "`\(text)`"
    }
}

extension Prose {
    /// How far libcmark may trust it: kvplan's own prose fully; a study's with `allow_html` for
    /// its raw HTML but never its dangerous URLs; any other study prose not at all.
    var markdownTrust: Markdown.Trust {
        switch (source, trusted) {
        case (.kvplan, _): .trusted
        case (.study, true): .userHTML
        case (.study, false): .untrusted
        }
    }
}
