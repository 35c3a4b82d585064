import Foundation
import Testing

/// Issue 12's rough edges and hostile inputs at the command line.
@Suite("Hardening at the command line")
struct HardeningCommandTests {
    static func estimate(_ arguments: [String]) throws -> (KVPlanRun, [[String: Any]]) {
        let run = try RunKVPlan.run(["estimate"] + arguments + ["--json"])
        return (run, run.status == 0 ? try EstimateCommandTests.jsonLines(run.stdout) : [])
    }

    @Test("weights that do not fit: prefill, switch and available KV are null, as the README promises")
    func weightsDoNotFit() throws {
        let (run, rows) = try Self.estimate(["--model", "llama-3.1-405b", "--hardware", "h100-sxm", "--context", "4K"])
        #expect(run.status == 0, "\(run.stderr)")
        let row = try #require(rows.first)
        #expect(row["regime"] as? String == "weights-do-not-fit")
        for key in ["prefill_seconds", "context_switch_seconds", "available_kv_bytes", "decode_seconds", "relative_cost", "compression_needed"] {
            #expect(row[key] is NSNull, "\(key) = \(row[key] ?? "absent")")
        }
        let table = try RunKVPlan.run(["estimate", "--model", "llama-3.1-405b", "--hardware", "h100-sxm", "--context", "4K", "--gpus", "8"])
        #expect(table.stdout.hasPrefix("Llama-3.1-405B on 8× NVIDIA H100"), "\(table.stdout.prefix(80))")
    }

    @Test("precision, reserve and batch flags do what the study keys do")
    func workloadFlags() throws {
        let base = ["--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--context", "4K", "--users", "10"]
        let plain = try #require(try Self.estimate(base).1.first)
        let flagged = try #require(try Self.estimate(base + ["--weight-precision", "fp8", "--kv-precision", "fp8", "--reserve", "8 GiB", "--max-batch", "2"]).1.first)
        #expect((flagged["weights_bytes"] as? Double)! * 2 == (plain["weights_bytes"] as? Double)!)
        #expect((flagged["kv_bytes_per_token"] as? Double)! * 2 == (plain["kv_bytes_per_token"] as? Double)!)
        let freed = (plain["available_kv_bytes"] as? Double)! - (flagged["available_kv_bytes"] as? Double)!
        #expect(freed == 8 * 1_073_741_824 - (plain["weights_bytes"] as? Double)! / 2)
        #expect(flagged["decode_batch"] as? Int == 2)
        let bad = try RunKVPlan.run(["estimate"] + base + ["--kv-precision", "fp7"])
        #expect(bad.status == 64 && bad.stderr.contains("--kv-precision must be one of"))
    }

    @Test("a repeated --compression is an error (it was silently the last)")
    func repeatedCompression() throws {
        let run = try RunKVPlan.run(["estimate", "--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--context", "4K",
                                     "--compression", "kivi-2bit", "--compression", "h2o-20"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("--compression is given 2 times: combine presets with `+`"))
    }

    @Test("did-you-mean ranks the nearer family and knows names written without their dashes", arguments: [
        (["--model", "llama-3-70b", "--hardware", "h100-sxm"], "did you mean `llama-3.1-70b`?"),
        (["--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--compression", "kivi2"], "did you mean `kivi-2bit`?"),
    ])
    func didYouMean(_ arguments: [String], _ expected: String) throws {
        let run = try RunKVPlan.run(["estimate"] + arguments + ["--context", "4K"])
        #expect(run.status == 1)
        #expect(run.stderr.contains(expected), "\(run.stderr)")
    }

    @Test("JSON numbers carry no float noise: at most 15 significant digits")
    func jsonWithoutNoise() throws {
        let run = try RunKVPlan.run(["estimate", "--model", "yi-34b-200k", "--hardware", "a100-80gb-sxm", "--context", "4K", "50_000", "1M", "--json"])
        let numbers = run.stdout.split(whereSeparator: { ",:{} []\n".contains($0) }).filter { $0.first.map { $0.isNumber || $0 == "-" } ?? false }
        #expect(!numbers.isEmpty)
        for number in numbers {
            // Significant digits: without leading zeros, nor the trailing zeros of a whole number.
            let digits = String(number.prefix { $0 != "e" }.filter(\.isNumber).drop { $0 == "0" })
            #expect(String(digits.reversed().drop { $0 == "0" }).count <= 15, "\(number)")
        }
    }

    @Test("an estimate flag out of range is a usage error, not a hang or a trap", arguments: [
        ["--context", "2000000M"], ["--context", "-1e19"], ["--context", "4K", "--gpus", "0"],
        ["--context", "1099511627776", "--short-context", "1", "--long-fraction", "0.5", "--arrival-rate", "1", "--chunk", "1"],
        ["--context", "4K", "--short-context", "1K", "--long-fraction", "0.5", "--arrival-rate", "1e308"],
    ])
    func optionRanges(_ arguments: [String]) throws {
        let run = try RunKVPlan.run(["estimate", "--model", "llama-3.1-8b", "--hardware", "h100-sxm"] + arguments)
        #expect(run.status == 1 || run.status == 64, "\(run.status) \(run.stderr)")
    }

    @Test("control characters in a study never reach the terminal raw; check reports them, escaped")
    func controlCharactersEscaped() throws {
        let folder = try RunKVPlan.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("c.study.yaml").path
        try "title: \"\\e]0;owned\\a\\e[2J\"\nmodels: [{preset: llama-3.1-8b, name: \"x\\e[31m\"}]\nhardware: [h100-sxm]\ncontexts: [4K]\n\"\\e[5mkey\": 1\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        for command in [["check", path], ["estimate", "--study", path], ["validate", path]] {
            let run = try RunKVPlan.run(command)
            #expect(run.status == 1)
            #expect(!run.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }, "\(command[0]): \(run.stderr.debugDescription)")
            #expect(run.stderr.contains("unknown key `\\u{1B}[5mkey`"), "\(run.stderr)")
        }
    }

    @Test("an inline model without max_context loads and gives no beyond-max warning")
    func optionalMaxContext() throws {
        let folder = try RunKVPlan.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("m.study.yaml").path
        try "title: own model\nmodels: [{name: mine, layers: 4, hidden: 512, heads: 8, kv_heads: 8, head_dim: 64, ffn: 2048, vocab: 32000}]\nhardware: [h100-sxm]\ncontexts: [4K, 1M]\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let check = try RunKVPlan.run(["check", path])
        #expect(check.status == 0 && !check.stderr.contains("warning"), "\(check.stderr)")
        let render = try RunKVPlan.run(["render", path, "--out", folder.appendingPathComponent("site").path])
        #expect(render.status == 0, "\(render.stderr)")
    }

    @Test("a site records its studies relative to itself: relative and absolute paths render the same bytes")
    func relativeStudyPath() throws {
        let folder = try RunKVPlan.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("studies"), withIntermediateDirectories: true)
        try "title: t\nmodels: [llama-3.1-8b]\nhardware: [h100-sxm]\ncontexts: [4K]\n"
            .write(to: folder.appendingPathComponent("studies/s.study.yaml"), atomically: true, encoding: .utf8)
        #expect(try RunKVPlan.run(["render", "studies/s.study.yaml", "--out", "a"], in: folder).status == 0)
        #expect(try RunKVPlan.run(["render", folder.appendingPathComponent("studies/s.study.yaml").path, "--out", folder.appendingPathComponent("b").path], in: folder).status == 0)
        let a = RenderKillTests.snapshot(folder.appendingPathComponent("a").path), b = RenderKillTests.snapshot(folder.appendingPathComponent("b").path)
        #expect(!a.isEmpty && a == b)
        let json = String(decoding: a["s/s.json"] ?? Data(), as: UTF8.self)
        #expect(json.contains("\"path\": \"../studies/s.study.yaml\""))
        #expect(!a.values.contains { String(decoding: $0, as: UTF8.self).contains(folder.path) })
    }

    @Test("--out / is refused before anything is written")
    func rootRefused() throws {
        let study = RunKVPlan.packageRoot.appendingPathComponent("examples/yi-34b-a100.study.yaml").path
        let run = try RunKVPlan.run(["render", study, "--out", "/"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("is the root directory"))
    }
}
