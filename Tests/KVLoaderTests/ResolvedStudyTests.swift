import KVEstimator
import Testing
import KVStudy
@testable import KVLoader

@Suite("Valid studies resolve to the values they state")
struct ResolvedStudyTests {
    @Test("every valid fixture loads without a diagnostic", arguments: Fixtures.studies(in: "valid"))
    func loadsCleanly(_ name: String) {
        let (study, log) = Fixtures.load("valid/\(name)")
        #expect(study != nil)
        #expect(log.diagnostics.isEmpty, "\(log.summary)")
    }

    @Test("the valid fixtures use every key of the study format")
    func coverEveryKey() throws {
        var texts = try Fixtures.studies(in: "valid").map { try Fixtures.text("valid/\($0)") }
        texts.append(try Fixtures.text("valid/measurements/yi-a100.csv"))
        let all = texts.joined(separator: "\n")
        let schemas = [Schema.study, Schema.contextRange, Schema.workload, Schema.precision, Schema.speculative, Schema.baseline, Schema.cell, Schema.reference,
                       Schema.model, Schema.moe, Schema.mla, Schema.ssm, Schema.attention, Schema.hardware, Schema.flops,
                       Schema.hostLink, Schema.efficiency, Schema.compression, Schema.kvTiers, Schema.kvTier]
        for schema in schemas {
            for key in schema.names {
                #expect(all.contains("\(key):"), "no valid fixture uses `\(key)` of \(schema.title)")
            }
        }
        #expect(all.contains(Schema.measurement.names.joined(separator: ",")))
    }

    @Test("the minimal study of SPEC §4")
    func minimal() throws {
        let (loaded, log) = Fixtures.load("valid/minimal.study.yaml")
        let study = try #require(loaded, "\(log.summary)")
        #expect(study.title == "Yi-34B on one A100 — why 50K costs more than 4K")
        #expect(study.description == nil)
        #expect(study.models.map(\.name) == ["yi-34b-200k"])
        #expect(study.hardware.map(\.name) == ["a100-80gb-sxm"])
        #expect(study.compressions.map(\.name) == ["none", "kivi-2bit", "h2o-20"])
        #expect(study.contexts == [4096, 16384, 50000, 102_400, 200_000])
        #expect(study.workload == Workload(outputTokens: 250, users: 20))
        #expect(study.baseline == Baseline())
        #expect(study.mode == .peak && study.units == .decimal && !study.allowHTML && !study.allowBeyondMax && study.headline == nil)
        #expect(study.workload.sharing == nil && study.measurements.isEmpty && study.cells.isEmpty)
        #expect(study.pointCount == 15)
        #expect(study.text == (try Fixtures.text("valid/minimal.study.yaml")))
    }

    @Test("presets with overrides, combinations, a log range, the workload and the rest")
    func everyKey() throws {
        let (loaded, log) = Fixtures.load("valid/every-key.study.yaml")
        let study = try #require(loaded, "\(log.summary)")
        let catalog = Fixtures.loader.catalog

        #expect(study.models.map(\.name) == ["yi-34b-200k", "yi-34b-24-layers", "mixtral-16-layers"])
        let yi = try #require(catalog.model(named: "yi-34b-200k"))
        var shortYi = yi
        shortYi.name = "yi-34b-24-layers"
        shortYi.label = "yi-34b-24-layers"
        shortYi.layers = 24
        #expect(study.models[1] == shortYi)
        let mixtral = study.models[2]
        #expect(mixtral.layers == 16)
        #expect(mixtral.declaredParams == nil && mixtral.declaredActiveParams == nil)
        #expect(catalog.model(named: "mixtral-8x7b")?.declaredParams == 46.7e9)

        #expect(study.hardware.map(\.name) == ["a100-80gb-sxm", "h100-sxm-x8"])
        let h100 = try #require(catalog.hardware(named: "h100-sxm"))
        #expect(study.hardware[1].gpus == 8)
        #expect(study.hardware[1].hbmBytes == h100.hbmBytes && study.hardware[1].hbmBytes == 80 * 1_073_741_824)

        #expect(study.compressions.map(\.name) == ["none", "kivi-2bit+h2o-20", "h2o-10"])
        #expect(study.compressions[1].kvBits == 2 && study.compressions[1].tokenKeep == 0.2)
        #expect(study.compressions[2].tokenKeep == 0.1)
        #expect(study.compressions[2].citation == catalog.compression(named: "h2o-20")?.citation)

        #expect(study.contexts == [4096, 16384, 65536, 262_144, 1_048_576])
        #expect(study.workload == Workload(outputTokens: 500, users: 20, maxBatch: 16, weightPrecision: .fp8,
                                           kvPrecision: .fp8, reserveBytes: 2 * 1_073_741_824,
                                           sharing: SharingWorkload(shortContextTokens: 2048, longFraction: 0.1, arrivalsPerSecond: 0.5,
                                                                    chunkTokens: 512, kvBlockTokens: 16)))
        #expect(study.baseline.context == 8192)
        #expect(study.baseline.compression == study.compressions[2])
        #expect(study.mode == .both && study.modes == [.peak, .calibrated])
        #expect(study.units == .binary && study.allowHTML && study.allowBeyondMax && study.headline == .cost)
        #expect(study.references == [
            Reference(quantity: "prefill_seconds", context: 50000, value: 14.1, source: "Fu 2024", note: "linear layers only"),
            Reference(quantity: "kv_bytes", context: 4096, value: 1.007e9, source: "Fu 2024",
                      model: "yi-34b-24-layers", hardware: "h100-sxm-x8", compression: "h2o-10"),
        ])
        #expect(study.description == "Prose with **Markdown** and <b>raw HTML</b>, kept because `allow_html` is true.\n")
        #expect(study.pointCount == 3 * 2 * 3 * 5 * 2)
        #expect(study.cells == [
            .markdown("## Notes"),
            .chart(ChartCell(kind: .concurrency, x: .context, series: .compression, scale: .log, title: "Sessions that fit")),
            .table(TableCell(kind: .measured, title: "Measured against predicted")),
            .chart(ChartCell(kind: .costPerMillionTokens, x: .hardware, at: 4096)),
            .methodology,
            .formulas(.prefill),
        ])
    }

    @Test("a measurements CSV: comments, blank lines, spaces, CRLF and quotes, located at CSV lines")
    func measurementsCSV() throws {
        let (loaded, log) = Fixtures.load("valid/every-key.study.yaml")
        let study = try #require(loaded, "\(log.summary)")
        let csv = Fixtures.path("valid/measurements/yi-a100.csv")
        #expect(study.measurements == [
            Measurement(model: "yi-34b-200k", hardware: "a100-80gb-sxm", phase: .prefill, batch: 1, context: 4096, seconds: 0.95,
                        location: SourceLocation(file: csv, line: 3, column: 1)),
            Measurement(model: "yi-34b-200k", hardware: "a100-80gb-sxm", phase: .decodeStep, batch: 4, context: 4096, seconds: 0.0345,
                        location: SourceLocation(file: csv, line: 5, column: 1)),
            Measurement(model: "yi-34b-24-layers", hardware: "h100-sxm-x8", phase: .contextSwitch, batch: 1, context: 50000,
                        seconds: 0.78, location: SourceLocation(file: csv, line: 6, column: 1)),
        ])
    }

    @Test("inline definitions of models, hardware, compression and measurement rows")
    func inlineEntries() throws {
        let (loaded, log) = Fixtures.load("valid/inline-entries.study.yaml")
        let study = try #require(loaded, "\(log.summary)")
        #expect(study.contexts == [4096, 8192, 32768])
        #expect(study.mode == .calibrated && study.modes == [.calibrated])

        let moe = study.models[0]
        #expect(moe.name == "tiny-moe" && moe.label == "Tiny MoE" && moe.tiedEmbeddings && moe.maxContext == 32768)
        #expect(moe.moe == MixtureOfExperts(experts: 8, active: 2, shared: 1, expertFFN: 1024, denseLayers: 1, every: 1))
        #expect(moe.attention == AttentionLayout(slidingWindow: 4096, layerPattern: "LLLG"))
        let mla = study.models[1]
        #expect(mla.mla == MultiHeadLatentAttention(qLoraRank: 0, kvLoraRank: 128, qkNopeHeadDim: 32, qkRopeHeadDim: 16, vHeadDim: 32))
        #expect(mla.declaredParams == 0.2e9 && mla.declaredActiveParams == 0.1e9)
        #expect(study.models[2].ssm == StateSpace(dState: 16, dConv: 4, expand: 2))

        let gpu = try #require(study.hardware.first)
        #expect(gpu.name == "lab-gpu" && gpu.label == "Lab GPU" && gpu.gpus == 2)
        #expect(gpu.hbmBytes == 48 * 1_073_741_824 && gpu.hbmBytesPerSecond == 960e9)
        #expect(gpu.flopsPerSecond == PeakFLOPs(bf16: 181e12, fp8: 362e12, int8: 362e12, fp4: 724e12))
        #expect(gpu.hostLink == HostLink(name: "PCIe Gen4 x16", bytesPerSecond: 32e9, duplex: .full))
        #expect(gpu.hostMemoryBytes == 512 * 1_073_741_824 && gpu.interconnectBytesPerSecond == 64e9)
        #expect(gpu.networkBytesPerSecond == 25e9 && gpu.pricePerHour == 1.2)
        #expect(gpu.efficiency == Efficiency(matmul: 0.7, attention: 0.5, memory: 0.8, link: 0.9, kernelOverheadSecondsPerLayer: 8e-6))

        #expect(study.compressions.map(\.name) == ["my-quant", "layer-and-head", "token-and-rank"])
        // (Head-axis compression is an error beside the MLA model: it moved to deployment.study.yaml.)
        #expect(study.compressions[1].layerShare == 2 && study.compressions[1].retrievalHeads == nil)
        #expect(study.compressions[2].kvLayers == 0.5 && study.compressions[2].tokenBudget == 2048)
        #expect(study.compressions[2].recentWindow == 32 && study.compressions[2].kvRank == 0.5)
        let quant = try #require(study.compressions.first)
        #expect(quant.name == "my-quant" && quant.label == "My 4-bit KV" && quant.kvBits == 4)
        #expect(quant.groupSize == 64 && quant.residualTokens == 128 && quant.citation == "internal report")

        #expect(study.measurements == [
            Measurement(model: "tiny-moe", hardware: "lab-gpu", phase: .decodeStep, batch: 8, context: 8192, seconds: 0.012,
                        location: SourceLocation(file: Fixtures.path("valid/inline-entries.study.yaml"), line: 72, column: 5)),
        ])
        #expect(study.cells == [.table(TableCell(kind: .setup)), .chart(ChartCell(kind: .measured, x: .context))])
    }

    @Test("parallel layouts, memory keys, speculative decoding and prompt-only eviction (issue 11)")
    func deploymentKeys() throws {
        let (loaded, log) = Fixtures.load("valid/deployment.study.yaml")
        let study = try #require(loaded, "\(log.summary)")
        let layouts = study.hardware.map(\.parallel)
        #expect(layouts == [
            ParallelLayout(pipelineStages: 2, expertParallel: 8, attention: .tensor),
            ParallelLayout(attention: .data),
        ])
        #expect(study.hardware.map(\.gpusPerNode) == [8, nil])
        #expect(study.hardware.map(\.gpus) == [16, 8])
        #expect(study.workload.memoryUtilization == 0.9)
        #expect(study.workload.prefillChunk == 8192)
        #expect(study.workload.activationMemory)
        #expect(study.workload.speculative == SpeculativeDecoding(draft: .selfSpeculation(kvBudget: 4096), draftTokens: 3, acceptance: 0.75))
        #expect(study.compressions.map(\.promptOnly) == [true, false])
        #expect(study.compressions[1].retrievalHeads == 0.5 && study.compressions[1].streamingWindow == 256)
    }

    @Test("a speculative draft may be a catalog model or MTP heads")
    func speculativeDrafts() throws {
        for (draft, expected) in [("mtp", SpeculativeDecoding.Draft.multiTokenPrediction),
                                  ("llama-3.1-8b", .model(try #require(Fixtures.loader.catalog.models.first { $0.name == "llama-3.1-8b" })))] {
            let text = "title: t\nmodels: [llama-3.1-70b]\nhardware: [{preset: h100-sxm, gpus: 4}]\ncontexts: [4K]\nworkload:\n  speculative: {draft: \(draft)}\n"
            let (loaded, log) = Fixtures.load(text: text)
            let study = try #require(loaded, "\(log.summary)")
            #expect(study.workload.speculative == SpeculativeDecoding(draft: expected, draftTokens: 4, acceptance: 0.7))
        }
    }

    @Test("context ranges expand to exact token lists", arguments: [
        ("{from: 4K, to: 1M, steps: 5, scale: log}", [4096, 16384, 65536, 262_144, 1_048_576]),
        ("{from: 4K, to: 1M, steps: 5}", [4096, 16384, 65536, 262_144, 1_048_576]),
        ("{from: 1000, to: 10000, steps: 4, scale: log}", [1000, 2154, 4642, 10000]),
        ("{from: 1000, to: 2000, steps: 5, scale: linear}", [1000, 1250, 1500, 1750, 2000]),
        ("{from: 1000, to: 2000, steps: 3, scale: linear}", [1000, 1500, 2000]),
        ("{from: 1, to: 3, steps: 10, scale: linear}", [1, 2, 3]),
        ("{from: 1, to: 8, steps: 6, scale: log}", [1, 2, 3, 5, 8]),
        ("{from: 4K, to: 4K, steps: 3}", [4096]),
        ("[1M, 4K, 4096, 50_000, 4K]", [4096, 50000, 1_048_576]),
    ])
    func contextRanges(_ contexts: String, _ expected: [Int]) throws {
        let (loaded, log) = Fixtures.load(text: """
            title: t
            models: [qwen2.5-7b-1m]
            hardware: [h200-sxm]
            contexts: \(contexts)
            allow_beyond_max: true
            """)
        let study = try #require(loaded, "\(log.summary)")
        #expect(study.contexts == expected)
    }

    @Test("scenarios nest models, hardware, compression in file order; contexts ascend")
    func scenarioOrder() throws {
        let (loaded, log) = Fixtures.load("valid/every-key.study.yaml")
        let study = try #require(loaded, "\(log.summary)")
        let order = study.scenarios(mode: .peak).map { "\($0.model.name)|\($0.hardware.name)|\($0.compression.name)" }
        #expect(order.count == 18)
        #expect(Array(order.prefix(4)) == [
            "yi-34b-200k|a100-80gb-sxm|none", "yi-34b-200k|a100-80gb-sxm|kivi-2bit+h2o-20", "yi-34b-200k|a100-80gb-sxm|h2o-10",
            "yi-34b-200k|h100-sxm-x8|none",
        ])
        #expect(order.last == "mixtral-16-layers|h100-sxm-x8|h2o-10")
        #expect(study.scenarios(mode: .calibrated).allSatisfy { $0.mode == .calibrated && $0.workload == study.workload })
    }

    @Test("a baseline may name one of the study's compressions or a catalog combination")
    func baselines() throws {
        for (baseline, name, context) in [("{compression: kivi-2bit+h2o-20}", "kivi-2bit+h2o-20", 4096),
                                          ("{context: 32K}", "none", 32768)] {
            let (loaded, log) = Fixtures.load(text: """
                title: t
                models: [yi-34b-200k]
                hardware: [a100-80gb-sxm]
                contexts: [4K]
                baseline: \(baseline)
                """)
            let study = try #require(loaded, "\(log.summary)")
            #expect(study.baseline.compression.name == name)
            #expect(study.baseline.context == context)
        }
    }
}
