import ArgumentParser
import KVEstimator
import KVStudy
import KVLoader
import KVReport

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List the built-in models, hardware, compression presets and KV tiers, with their sources."
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case models, hardware, compression
        case kvTiers = "kv-tiers"
    }

    @Argument(help: "models, hardware, compression or kv-tiers (all of them when omitted).")
    var kind: Kind?

    @Flag(help: "One JSON object per entry, one per line.")
    var json = false

    func run() throws {
        let catalog = try builtInCatalog()
        let kinds = kind.map { [$0] } ?? Kind.allCases
        for (index, kind) in kinds.enumerated() {
            switch (kind, json) {
            case (.models, true): catalog.models.forEach { print(CatalogRecord.model($0).text) }
            case (.hardware, true): catalog.hardware.forEach { print(CatalogRecord.hardware($0).text) }
            case (.compression, true): catalog.compressions.forEach { print(CatalogRecord.compression($0).text) }
            case (.kvTiers, true): KVTierCatalog.tiers.forEach { print(KVTierRecord.json($0).text) }
            case (.kvTiers, false):
                if index > 0 { print("") }
                print(KVTierRecord.table(KVTierCatalog.tiers))
            case (_, false):
                if index > 0 { print("") }
                print(CatalogRecord.table(kind.rawValue, (catalog.models, catalog.hardware, catalog.compressions)))
            }
        }
    }
}
