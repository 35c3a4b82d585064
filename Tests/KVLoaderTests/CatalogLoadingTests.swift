import Testing
import KVEstimator
@testable import KVLoader

/// The built-in catalog read entry by entry (issue 13: `kvplan estimate` starts without parsing
/// the whole catalog) gives exactly the entries of the whole catalog, and the same diagnostics.
struct CatalogLoadingTests {
    static let whole: Catalog = {
        guard case .success(let catalog) = Catalog.builtIn() else { fatalError("the built-in catalog is invalid") }
        return catalog
    }()

    @Test func everyEntryIsFoundByTheScanOfItsFile() {
        let counts = [Self.whole.models.count, Self.whole.hardware.count, Self.whole.compressions.count]
        for (file, count) in zip(Catalog.files, counts) {
            let scanned = EntryLines(file.text).entries
            #expect(scanned.count == count, "\(file.name): an entry that does not start `- name: ` at a line start is read with the whole catalog")
        }
    }

    @Test func everyModelReadAloneEqualsTheWholeCatalogs() throws {
        for model in Self.whole.models {
            let alone = try Catalog.builtIn(models: [model.name], hardware: [], compressions: []).get()
            #expect(alone.models == [model])
            #expect(alone.hardware.isEmpty && alone.compressions.isEmpty, "read alone, not the whole catalog")
        }
    }

    @Test func everyHardwareEntryReadAloneEqualsTheWholeCatalogs() throws {
        for hardware in Self.whole.hardware {
            let alone = try Catalog.builtIn(models: [], hardware: [hardware.name], compressions: []).get()
            #expect(alone.hardware == [hardware])
            #expect(alone.models.isEmpty && alone.compressions.isEmpty)
        }
    }

    @Test func everyCompressionReadAloneEqualsTheWholeCatalogs() throws {
        for compression in Self.whole.compressions {
            let alone = try Catalog.builtIn(models: [], hardware: [], compressions: [compression.name]).get()
            #expect(alone.compressions == [compression])
            #expect(alone.models.isEmpty && alone.hardware.isEmpty)
        }
    }

    /// An unknown name reads the whole catalog, so that its error suggests from every name.
    @Test func anUnknownNameReadsTheWholeCatalog() throws {
        let catalog = try Catalog.builtIn(models: ["yi-34b"], hardware: ["a100-80gb-sxm"], compressions: ["none"]).get()
        #expect(catalog.models.count == Self.whole.models.count)
        #expect(throws: LookupFailure.self) { try catalog.resolveModel("yi-34b") }
    }

    /// An entry composed from its own lines reports a problem at the line and column it has in
    /// the file.
    @Test func anEntryReadAloneIsDiagnosedWhereItIsInTheFile() throws {
        let text = """
        # a catalog file
        - name: first
          layers: 2
          hidden: 64
          heads: 2
          kv_heads: 2
          head_dim: 32
          ffn: 128
          vocab: 100
          source: "test"

        - name: second
          layers: -3
          hidden: 64
          heads: 2
          kv_heads: 2
          head_dim: 32
          ffn: 128
          vocab: 100
          source: "test"

        """
        let whole = DiagnosticLog(), alone = DiagnosticLog()
        var catalog = Catalog()
        catalog.read(text, path: "catalog/models.yaml", log: whole)
        let entry = try #require(EntryLines(text).text(ofEntryNamed: "second"))
        var single = Catalog()
        single.read(entry, path: "catalog/models.yaml", log: alone)
        #expect(!whole.diagnostics.isEmpty)
        #expect(alone.diagnostics.map(\.rendered) == whole.diagnostics.map(\.rendered))
        #expect(alone.diagnostics.first?.location.line == 13)
    }
}
