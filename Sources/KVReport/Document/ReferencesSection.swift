import KVEstimator
import KVStudy

/// "Published figures beside kvplan's": each of the study's `references` next to the value
/// kvplan computes for the same scenario and context, and the difference. The published numbers
/// are the study's data (with their sources); kvplan's come from the estimator.
struct ReferencesSection: ReportSection {
    let layout: Layout

    func blocks() -> [Block] {
        let rows = evaluation.references.map { ($0.reference, $0.label, $0.computed) }
        guard !rows.isEmpty else { return [] }
        let format = self.format
        let shown = { (quantity: String, value: Double) -> String in
            if quantity.hasSuffix("_bytes") || quantity == "kv_bytes_per_token" { return format.bytes(value) }
            if quantity.hasSuffix("_seconds") { return Format.seconds(value) }
            if quantity == "relative_cost" { return Format.factor(value) }
            if value == value.rounded(), abs(value) < 1e15 { return Format.integer(Int(value)) }
            return Format.fixed(value, significant: 4)
        }
        let difference = { (published: Double, computed: Double) -> String in
            guard published != 0 else { return "—" }
            let change = (computed - published) / published * 100
            return (change >= 0 ? "+" : "") + Format.decimalString(change, decimals: 1)
        }
        return [
            .paragraph("Figures published elsewhere for the same setups, beside what kvplan computes; the difference is kvplan's value relative to the published one."),
            .table(layout.table(caption: "Published figures beside kvplan's", columns: [
                .init(title: "quantity", numeric: false, shown: rows.map(\.0.quantity), raw: rows.map(\.0.quantity)),
                .init(title: "scenario", numeric: false, shown: rows.map(\.1), raw: rows.map(\.1)),
                .init(title: "context (tokens)", numeric: true, shown: rows.map { Format.tokens($0.0.context) }, raw: rows.map { String($0.0.context) }),
                .init(title: "published", numeric: true, shown: rows.map { shown($0.0.quantity, $0.0.value) }, raw: rows.map { TableBuilder.raw($0.0.value) }),
                .init(title: "kvplan", numeric: true, shown: rows.map { shown($0.0.quantity, $0.2) }, raw: rows.map { TableBuilder.raw($0.2) }),
                .init(title: "difference (%)", numeric: true, shown: rows.map { difference($0.0.value, $0.2) }, raw: rows.map { TableBuilder.raw($0.0.value == 0 ? nil : ($0.2 - $0.0.value) / $0.0.value * 100) }),
                .init(title: "published in", numeric: false, shown: rows.map(\.0.source), raw: rows.map(\.0.source)),
                .init(title: "note", numeric: false, shown: rows.map(\.0.note), raw: rows.map(\.0.note)),
            ])),
        ]
    }
}
