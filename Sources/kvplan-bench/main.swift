// kvplan-bench: how fast the estimator evaluates scenarios. Prints figures as `name: value unit`
// lines; asserts nothing (targets belong here, not in timed unit tests on a shared machine).
//
//   swift run -c release kvplan-bench [iterations] [--only NAME]
//
// `--only NAME` runs one figure (`estimate-yi`, `sweep`, …), which is how `tools/bench.py` counts
// its instructions under callgrind. `make bench-allocations` runs it under valgrind at two
// iteration counts: the heap allocation count must not grow with the iterations (the hot path
// does not allocate).
import Foundation
import KVEstimator

let arguments = Array(CommandLine.arguments.dropFirst())
let onlyFlag = arguments.firstIndex(of: "--only")
/// The one figure to run (`--only NAME`), or nil for all.
let only: String? = onlyFlag.flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
let iterations = arguments.enumerated().first { index, argument in
    Int(argument) != nil && onlyFlag.map { index != $0 + 1 } ?? true
}.flatMap { Int($0.element) } ?? 2_000_000

let yi = Model(name: "yi-34b-200k", layers: 60, hidden: 7168, heads: 56, kvHeads: 8, headDim: 128, ffn: 20480,
               vocab: 64000, maxContext: 200_000)
let gemma = Model(name: "gemma-3-27b", layers: 62, hidden: 5376, heads: 32, kvHeads: 16, headDim: 128, ffn: 21504,
                  vocab: 262_208, tiedEmbeddings: true, maxContext: 131_072,
                  attention: AttentionLayout(slidingWindow: 1024, layerPattern: "LLLLLG"))
/// Llama-2-7B as llm-analysis 0.2.2 ships it (`NousResearch_Llama-2-7b-hf.json`), for the sweep
/// both tools run in `make bench`.
let llama2 = Model(name: "llama-2-7b", layers: 32, hidden: 4096, heads: 32, kvHeads: 32, headDim: 128, ffn: 11008,
                   vocab: 32000, maxContext: 4096)
let a100 = Hardware(name: "a100-80gb-sxm", hbmBytes: 80 * 1_073_741_824, hbmBytesPerSecond: 2039e9,
                    flopsPerSecond: PeakFLOPs(bf16: 312e12), hostLink: HostLink(name: "PCIe Gen4 x16", bytesPerSecond: 32e9))
let kivi = Compression(name: "kivi-2bit+h2o-20", tokenKeep: 0.2, kvBits: 2, groupSize: 32, residualTokens: 128)

/// Runs `body` `count` times and prints the rate and the time per call.
@MainActor func measure(_ name: String, _ count: Int, _ body: (Int) -> Double) {
    guard only == nil || only == name else { return }
    var sink = 0.0
    let start = DispatchTime.now().uptimeNanoseconds
    for index in 0..<count { sink += body(index) }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    // Fixed widths: the same text length at any iteration count, so `make bench-allocations`
    // sees the same allocations from printing (a longer number can cost one more).
    print("\(name)_per_second: \(String(format: "%14.0f", Double(count) / seconds)) 1/s")
    print("\(name)_time: \(String(format: "%14.1f", seconds / Double(count) * 1e9)) ns")
    if sink.isNaN { print("checksum: nan") }
}

let plain = try! Estimator(Scenario(model: yi, hardware: a100))
let compressed = try! Estimator(Scenario(model: gemma, hardware: a100, compression: kivi, workload: Workload(users: 64)))
let contexts = (0..<1024).map { 4096 + $0 * 997 }

/// The sweep `tools/bench.py` also runs through llm-analysis: Llama-2-7B on one A100-80GB,
/// 501 prompt lengths (128 to 3,628 tokens) × batch 1 and 8, 250 output tokens: 1,002 configurations.
let sweepPrompts = (0..<501).map { 128 + 7 * $0 }
let sweepEstimators = [1, 8].map { batch in
    try! Estimator(Scenario(model: llama2, hardware: a100, workload: Workload(outputTokens: 250, users: batch, maxBatch: batch)))
}

if only == nil { print("# kvplan-bench, \(iterations) iterations per figure") }
measure("kv_bytes", iterations) { plain.kvBytes(tokens: Double(contexts[$0 & 1023])) }
measure("prefill_time", iterations) { plain.prefillTime(tokens: Double(contexts[$0 & 1023])).seconds }
measure("decode_step_windowed_compressed", iterations) {
    compressed.decodeStepTime(batch: 64, context: Double(contexts[$0 & 1023])).seconds
}
measure("decode_time_closed_form", iterations) { plain.decodeTime(batch: 1, prompt: contexts[$0 & 1023], outputTokens: 250) }
measure("estimate-yi", iterations / 4) {
    plain.estimate(context: contexts[$0 & 1023], baselineGPUSeconds: 9.37).session.gpuSeconds
}
measure("estimate-gemma-kivi", iterations / 4) {
    compressed.estimate(context: contexts[$0 & 1023], baselineGPUSeconds: 1).session.gpuSeconds
}
// One call = the whole 1,002-configuration sweep.
measure("sweep", max(1, iterations / 4000)) { _ in
    var total = 0.0
    for estimator in sweepEstimators {
        for prompt in sweepPrompts { total += estimator.estimate(context: prompt).decodeSeconds }
    }
    return total
}
planFigures(iterations: iterations)
