import KVEstimator

/// The findings of "Where the KV lives" (`kv_tiers`): where loading starts to win, how many turns
/// the best tier catches and what that does to the busiest place, and the capacity the target
/// hit rate needs — each naming its model, GPU and tier.
extension Findings {
    func kvPlacementFindings() -> [Finding] {
        guard let placement = evaluation.kvPlacement, !placement.scenarios.isEmpty else { return [] }
        let p = placement.placement
        var findings: [Finding] = []
        let name = { (entry: KVPlacementEvaluation.ScenarioPlacement) in "\(entry.scenario.model.label) on \(entry.scenario.hardware.label)" }
        // The latest break-even of the study: the tier and scenario where loading needs the longest context to win.
        let breakEvens = placement.scenarios.flatMap { entry in zip(p.tiers, entry.breakEvens).map { (entry, $0.0, $0.1) } }
        if let latest = breakEvens.filter({ ($0.2 ?? 0) > 1 }).max(by: { ($0.2 ?? 0) < ($1.2 ?? 0) }), let n = latest.2 {
            let same = breakEvens.filter { $0.1.name == latest.1.name && $0.2 == n }.map { name($0.0) }
            findings.append((.note, "Loading a returning session's KV from \(latest.1.name) beats recomputing it for \(DocumentBuilder.list(same)) only from \(Format.integer(n)) cached tokens (\(Format.tokens(p.newTokens)) new ones), the longest break-even of any tier in this study."))
        } else if let never = breakEvens.first(where: { $0.2 == nil }) {
            findings.append((.note, "From \(never.1.name) loading never beats recomputing for \(name(never.0)) within \(Format.tokens(never.0.breakEvenLimit)) tokens."))
        }
        if let population = p.population, let entry = placement.scenarios.first,
           let index = entry.contexts.firstIndex(of: entry.sweepContext), entry.turns.indices.contains(index) {
            let row = Array(zip(placement.alternatives, zip(entry.turns[index], entry.traffic[index])))
            if let best = row.min(by: { $0.1.0.ttftSeconds < $1.1.0.ttftSeconds }) {
                let (turns, traffic) = best.1
                let busiest = traffic.busiest
                let load = busiest.utilisation >= 1
                    ? ", but the \(busiest.name) would have to be \(Format.fixed(busiest.utilisation, significant: 2))× as fast: one replica cannot carry \(Format.integer(population.sessions)) returning conversations (about \(TurnTraffic.needed(busiest.utilisation)) \(busiest.name == "replica" ? "replicas" : "of it") would)"
                    : ", with the \(busiest.name) \(Axis.percent(busiest.utilisation)) busy"
                findings.append((.note, "With \(best.0.name) below HBM, \(Axis.percent(turns.hitRate)) of \(name(entry))'s returning turns at \(Format.tokens(entry.sweepContext)) tokens find their KV, for an expected TTFT of \(Format.seconds(turns.ttftSeconds)) on an idle system\(load)."))
                findings.append((.note, "For \(Axis.percent(p.targetHitRate)) of those turns to hit, one level below HBM must hold \(format.bytes(turns.capacityForTarget)) for \(name(entry)) (each of \(Format.integer(population.sessions)) sessions stored whole)."))
            }
        }
        return findings
    }
}
