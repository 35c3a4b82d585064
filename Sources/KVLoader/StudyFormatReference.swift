import KVStudy
import Foundation

extension Schema {
    /// Every map a study file may contain, in the order the reference presents them.
    public static let studyFormat: [MapSchema] = [
        study, contextRange, workload, precision, speculative, baseline, reference, measurement, measurementsFile, cell, kvTiers, kvTier, plan, planPrompt, planOutput, planTargets,
        model, moe, mla, ssm, attention, hardware, flops, hostLink, efficiency, compression,
    ]

    /// A study that uses most keys; the reference shows it and a test loads it.
    public static let exampleStudy = """
        title: Yi-34B-200K — what 200K context costs beside 4K
        description: |
          The seed paper's running example, swept from 4K to the model's limit.
        models:
          - yi-34b-200k
          - {preset: yi-34b-200k, layers: 24, name: yi-34b-24-layers}
        hardware:
          - a100-80gb-sxm
          - {preset: h100-sxm, gpus: 8}
        compression: [none, kivi-2bit, kivi-2bit+h2o-20]
        contexts: {from: 4K, to: 200_000, steps: 12, scale: log}
        workload:
          output_tokens: 250
          users: 20
          precision: {weights: bf16, kv: bf16}
          reserve: 2 GiB
        baseline: {context: 4K, compression: none}
        mode: peak
        units: decimal
        measurements:
          - {model: yi-34b-200k, hardware: a100-80gb-sxm, phase: prefill, batch: 1, context: 4K, seconds: 0.95}
        cells:
          - markdown: "## Why 200K costs more than 4K"
          - chart: concurrency
            series: compression
          - table: cost
            title: Cost of one session
        """

    /// The study-format reference as Markdown: every key with its type, default and meaning,
    /// generated from the same tables the loader checks against (`kvplan schema`; the README's
    /// copy is tested to be equal, so the two cannot drift).
    public static func markdownReference() -> String {
        var lines = [
            "## Study file format",
            "",
            "A study is one YAML file named `*.study.yaml`. `kvplan check` validates studies and reports every mistake as `file:line:column: error: message`, with a did-you-mean for misspelt keys, presets, units and kinds. This reference is printed by `kvplan schema`.",
            "",
            "```yaml",
            exampleStudy,
            "```",
            "",
            "- **Quantities**: sizes `80 GiB`, `80GB` (GB = 10^9 B, GiB = 2^30 B); bandwidths `2039 GB/s`, `400 Gb/s` (bits); FLOP/s `312 TFLOP/s`, `989e12`. Token counts `4096`, `50_000`, `4K` = 4,096 and `1M` = 1,048,576 (K = 1024); write a model's limit exactly (`200_000`).",
            "- **Sweep**: models × hardware × compression × contexts, nested in that order (models outermost, each list in file order, contexts ascending), once per mode (`both`: peak, then calibrated); at most \(Units.written(StudyLoader.pointLimit)) points; a rendered report takes at most \(Units.written(SweepLimits.report.scenarios)) scenarios and draws a study of more than \(Units.written(SweepLimits.preview.points)) points or 1_000 contexts at an even spread of its contexts (its CSV and JSON downloads hold every point); `serve` previews at most \(Units.written(SweepLimits.preview.points)) points.",
            "- **Names**: entries are referred to by `name` (a preset's name; `{preset: h100-sxm, gpus: 8}` is `h100-sxm-x8`); names are unique per list.",
            "- **Beyond the maximum**: a context beyond a model's `max_context` is a warning; the estimate still runs and reports mark the point. `allow_beyond_max: true` silences the warning.",
            "- **Cells**: each cell is a map with exactly one of `markdown: prose`, `chart: kind` (plus optional `x`, `series`, `scale`, `title`, and `at: <context>` when `x` is not context), `table: kind` (plus optional `title`, and `x` with `at` for a figure's table across models, hardware or compression), `methodology: true` or `formulas: <challenge or all>`; `measured` charts and tables need `measurements`.",
            "- **Measurements CSV**: the header `\(measurement.names.joined(separator: ","))` in any order, one row per line; `\"quoted, fields\"` allowed; blank lines and lines starting with `#` are skipped.",
            "- **Measurements from serving engines**: `measurements: bench/vllm-c1.json`, or entries `{file: …, format: …, model: …, hardware: …}` among the rows, read result files of vLLM, SGLang, GuideLLM and AIPerf / GenAI-Perf; each run becomes prefill and decode-step rows (see \"Measurements from serving engines\").",
            "- **Calibration in use and the data's own fit**: a hardware entry's `efficiency` is the calibration in use, wherever it came from (`kvplan calibrate` on these measurements, or carried from another study with `kvplan validate --carry-from`); there is no key naming its source. The report fits the entry's measurements again and, when any term differs from that fit as printed, sets each term in use beside the fit with its 95% interval; the band drawn around calibrated figures is always the error of the factors in use on the study's rows.",
        ]
        for schema in studyFormat {
            lines += ["", "### \(schema.title)", "", "| key | type | default | description |", "|---|---|---|---|"]
            for key in schema.keys {
                lines.append("| `\(key.name)` | \(cell(key.type)) | \(cell(key.defaultValue)) | \(cell(key.doc)) |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Text safe inside a Markdown table cell.
    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }
}
