// kvplan-bench: how fast the estimator evaluates scenarios. Prints figures; asserts nothing
// (targets belong here, not in timed unit tests on a shared machine).
//
//   swift run -c release kvplan-bench [iterations]
//
// `make bench-allocations` runs it under valgrind at two iteration counts: the heap allocation
// count must not grow with the iterations (the hot path does not allocate).
import Foundation
import KVEstimator

let iterations = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 2_000_000

let yi = Model(name: "yi-34b-200k", layers: 60, hidden: 7168, heads: 56, kvHeads: 8, headDim: 128, ffn: 20480,
               vocab: 64000, maxContext: 200_000)
let gemma = Model(name: "gemma-3-27b", layers: 62, hidden: 5376, heads: 32, kvHeads: 16, headDim: 128, ffn: 21504,
                  vocab: 262_208, tiedEmbeddings: true, maxContext: 131_072,
                  attention: AttentionLayout(slidingWindow: 1024, layerPattern: "LLLLLG"))
let a100 = Hardware(name: "a100-80gb-sxm", hbmBytes: 80 * 1_073_741_824, hbmBytesPerSecond: 2039e9,
                    flopsPerSecond: PeakFLOPs(bf16: 312e12), hostLink: HostLink(name: "PCIe Gen4 x16", bytesPerSecond: 32e9))
let kivi = Compression(name: "kivi-2bit+h2o-20", tokenKeep: 0.2, kvBits: 2, groupSize: 32, residualTokens: 128)

func measure(_ name: String, _ count: Int, _ body: (Int) -> Double) {
    var sink = 0.0
    let start = DispatchTime.now().uptimeNanoseconds
    for index in 0..<count { sink += body(index) }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let perSecond = Double(count) / seconds
    print("\(name.padding(toLength: 58, withPad: " ", startingAt: 0)) \(String(format: "%12.0f", perSecond))/s  \(String(format: "%8.1f", seconds / Double(count) * 1e9)) ns  (checksum \(String(format: "%.3g", sink)))")
}

let plain = try! Estimator(Scenario(model: yi, hardware: a100))
let compressed = try! Estimator(Scenario(model: gemma, hardware: a100, compression: kivi, workload: Workload(users: 64)))
let contexts = (0..<1024).map { 4096 + $0 * 997 }

print("kvplan-bench, \(iterations) iterations per figure")
measure("KV(n): Yi-34B", iterations) { plain.kvBytes(tokens: Double(contexts[$0 & 1023])) }
measure("prefill time: Yi-34B", iterations) { plain.prefillTime(tokens: Double(contexts[$0 & 1023])).seconds }
measure("decode step: Gemma-3 (window) + KIVI + H2O, b = 64", iterations) {
    compressed.decodeStepTime(batch: 64, context: Double(contexts[$0 & 1023])).seconds
}
measure("decode of 250 tokens, closed form: Yi-34B", iterations) { plain.decodeTime(batch: 1, prompt: contexts[$0 & 1023], outputTokens: 250) }
measure("full estimate (all four costs + session): Yi-34B", iterations / 4) {
    plain.estimate(context: contexts[$0 & 1023], baselineGPUSeconds: 9.37).session.gpuSeconds
}
measure("full estimate: Gemma-3 + KIVI + H2O, 64 users", iterations / 4) {
    compressed.estimate(context: contexts[$0 & 1023], baselineGPUSeconds: 1).session.gpuSeconds
}
