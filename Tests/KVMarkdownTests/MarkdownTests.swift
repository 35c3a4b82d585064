import Testing
@testable import KVMarkdown

@Suite("Markdown through libcmark")
struct MarkdownTests {
    @Test func rendersCommonMark() {
        #expect(Markdown.html("# KV cache\n\nIt *grows* with `n`.", trust: .untrusted)
            == "<h1>KV cache</h1>\n<p>It <em>grows</em> with <code>n</code>.</p>\n")
    }

    @Test func untrustedProseLosesRawHTMLAndDangerousLinks() {
        let html = Markdown.html("<script>alert(1)</script>\n\n[x](javascript:alert(1)) <b>bold</b>", trust: .untrusted)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>"))
        #expect(!html.contains("javascript:"))
        #expect(html.contains("raw HTML omitted"))
    }

    @Test func trustedBlocksPassThrough() {
        let html = Markdown.html("<details><summary>formula</summary>\n\nKV = 2·L·Hkv·dh\n\n</details>", trust: .trusted)
        #expect(html.contains("<details><summary>formula</summary>"))
    }

    @Test func emptyAndNonASCIIInput() {
        #expect(Markdown.html("", trust: .untrusted) == "")
        #expect(Markdown.html("Σ t_step(n + j) — 1M ≈ 4K?", trust: .untrusted) == "<p>Σ t_step(n + j) — 1M ≈ 4K?</p>\n")
        #expect(Markdown.libraryVersion.hasPrefix("0."))
    }
}

/// Issue 12: `allow_html: true` lets raw HTML through, but never a URL that runs script.
@Suite("allow_html keeps dangerous URLs out")
struct DangerousURLTests {
    @Test(arguments: [
        "[x](javascript:alert(1))",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href='JaVaScRiPt:alert(1)'>x</a>",
        "<a href=javascript:alert(1)>x</a>",
        "<a href=\"java&#x09;script&colon;alert(1)\">x</a>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<a href=\" \u{01}javascript:alert(1)\">x</a>",
        "<img src=\"vbscript:x\">",
        "<iframe src=\"data:text/html;base64,PHNjcmlwdD4=\"></iframe>",
        "<form action=\"javascript:x\"><button formaction=\"file:///etc/passwd\">go</button></form>",
        "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    ])
    func removed(_ markdown: String) {
        let html = Markdown.html(markdown, trust: .userHTML).lowercased()
        #expect(!html.contains("javascript"), "\(html)")
        #expect(!html.contains("vbscript") && !html.contains("file:") && !html.contains("data:text"), "\(html)")
    }

    @Test("raw HTML and safe URLs pass")
    func kept() {
        let html = Markdown.html("<b>bold</b> [a](https://example.com/x?a=1&b=2) <img src=\"data:image/png;base64,AAAA\" alt=\"p\">", trust: .userHTML)
        #expect(html.contains("<b>bold</b>"))
        #expect(html.contains("href=\"https://example.com/x?a=1&amp;b=2\""))
        #expect(html.contains("src=\"data:image/png;base64,AAAA\""))
    }
}
