import ArgumentParser
import KVStudy
import KVLoader

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the study-file reference (every key, type, default and meaning) as Markdown."
    )

    func run() {
        print(Schema.markdownReference(), terminator: "")
    }
}
