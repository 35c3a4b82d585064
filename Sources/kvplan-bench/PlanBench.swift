import Foundation
import KVEstimator

/// The planner's figures (issue 14), on the example study's search
/// (`examples/plan-long-context-chat.study.yaml`: Qwen2.5-14B-1M on A100/H100/H200 × 1, 2, 4, 8
/// GPUs × two compressions × two precisions × three chunks = 144 candidates):
/// - `plan_verdict`: one candidate at one arrival rate (`ReplicaModel.verdict`), the search's step,
///   round-robin over the candidates and 64 rates — the rate the search evaluates at;
/// - `plan_search`: the whole exhaustive search, candidates built and every one's replicas found.
@MainActor func planFigures(iterations: Int) {
    let qwen = Model(name: "qwen2.5-14b-1m", layers: 48, hidden: 5120, heads: 40, kvHeads: 8, headDim: 128, ffn: 13824,
                     vocab: 152_064, maxContext: 1_010_000)
    let pcie4 = HostLink(name: "PCIe Gen4 x16", bytesPerSecond: 32e9), pcie5 = HostLink(name: "PCIe Gen5 x16", bytesPerSecond: 64e9)
    let hardware = [
        Hardware(name: "a100-80gb-sxm", hbmBytes: 80 * 1_073_741_824, hbmBytesPerSecond: 2039e9, flopsPerSecond: PeakFLOPs(bf16: 312e12),
                 hostLink: pcie4, interconnectBytesPerSecond: 600e9, networkBytesPerSecond: 25e9, pricePerHour: 1.8),
        Hardware(name: "h100-sxm", hbmBytes: 80 * 1_073_741_824, hbmBytesPerSecond: 3350e9, flopsPerSecond: PeakFLOPs(bf16: 989e12, fp8: 1979e12),
                 hostLink: pcie5, interconnectBytesPerSecond: 900e9, networkBytesPerSecond: 50e9, pricePerHour: 2.5),
        Hardware(name: "h200-sxm", hbmBytes: 141 * 1_073_741_824, hbmBytesPerSecond: 4800e9, flopsPerSecond: PeakFLOPs(bf16: 989e12, fp8: 1979e12),
                 hostLink: pcie5, interconnectBytesPerSecond: 900e9, networkBytesPerSecond: 50e9, pricePerHour: 3.5),
    ]
    let kivi = Compression(name: "kivi-2bit", kvBits: 2, groupSize: 32, residualTokens: 128)
    let traffic = PlanWorkload(
        arrivalsPerSecond: 6,
        prompts: [PromptClass(tokens: 2048, share: 0.75), PromptClass(tokens: 16384, share: 0.2), PromptClass(tokens: 131_072, share: 0.05, ttftP99Seconds: 30)],
        outputs: [LengthShare(tokens: 300, share: 0.8), LengthShare(tokens: 1000, share: 0.2)],
        targets: PlanTargets(ttftP99Seconds: 2, tpotP99Seconds: 0.06, ttftP50Seconds: 0.5))
    var workload = Workload()
    workload.memoryUtilization = 0.9
    let space = PlanSpace(model: qwen, hardware: hardware, compressions: [.none, kivi], precisions: [(.bf16, .bf16), (.fp8, .fp8)],
                          chunks: [512, 2048, 8192], workload: workload)
    let replicas = space.candidates(for: traffic).map(\.replica)
    let rates = (0..<64).map { traffic.arrivalsPerSecond / Double(1 + $0) }
    let count = iterations / 4
    measureCPU("plan_verdict", count) { index in
        replicas[index % replicas.count].verdict(arrivalsPerSecond: rates[(index / replicas.count) & 63], targets: traffic.targets).ratio
    }
    measureCPU("plan_search", max(1, iterations / 200_000)) { _ in
        let plan = Plan(traffic: traffic, candidates: space.candidates(for: traffic))
        return Double(plan.evaluations) + (plan.cheapest?.dollarsPerHour ?? 0)
    }
}

/// `measure`, timed by this thread's CPU clock as well as the wall clock: on a machine shared with
/// other builds the wall clock counts their time too, the CPU clock only this core's work.
@MainActor func measureCPU(_ name: String, _ count: Int, _ body: (Int) -> Double) {
    guard only == nil || only == name else { return }
    func cpuSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
    var sink = 0.0
    let wallStart = DispatchTime.now().uptimeNanoseconds, cpuStart = cpuSeconds()
    for index in 0..<count { sink += body(index) }
    let cpu = cpuSeconds() - cpuStart, wall = Double(DispatchTime.now().uptimeNanoseconds - wallStart) / 1e9
    print("\(name)_per_cpu_second: \(String(format: "%14.0f", Double(count) / cpu)) 1/s")
    print("\(name)_cpu_time: \(String(format: "%14.1f", cpu / Double(count) * 1e9)) ns")
    print("\(name)_wall_time: \(String(format: "%14.1f", wall / Double(count) * 1e9)) ns")
    if sink.isNaN { print("checksum: nan") }
}
