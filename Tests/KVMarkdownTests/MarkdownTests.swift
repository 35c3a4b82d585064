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
