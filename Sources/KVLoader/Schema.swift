import KVStudy
import KVEstimator

/// One key a study or catalog map accepts. The loader checks keys against these tables and the
/// README's study-format reference is generated from them (`kvplan schema`), so the two cannot drift.
public struct KeySpec: Sendable {
    public var name: String
    public var type: String
    public var defaultValue: String
    public var doc: String

    init(_ name: String, _ type: String, _ defaultValue: String = "—", _ doc: String) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.doc = doc
    }
}

/// A map's keys, with the title of its section in the reference.
public struct MapSchema: Sendable {
    public var title: String
    public var keys: [KeySpec]

    public var names: [String] { keys.map(\.name) }
}

public enum Schema {
    // MARK: Study files

    public static let study = MapSchema(title: "study (the top level of a `*.study.yaml` file)", keys: [
        KeySpec("title", "string", "required", "The report's title."),
        KeySpec("description", "Markdown", "—", "Prose under the title; raw HTML is dropped unless `allow_html`."),
        KeySpec("models", "list of models", "required", "Catalog names, presets with overrides (`{preset: yi-34b-200k, layers: 24, name: yi-34b-24-layers}`) or inline definitions; names must be unique."),
        KeySpec("hardware", "list of hardware", "required", "Catalog names, presets with overrides (`{preset: h100-sxm, gpus: 8}`) or inline definitions; names must be unique."),
        KeySpec("compression", "list of compressions", "[none]", "Preset names, `a+b` combinations of presets on different axes, presets with overrides or inline definitions."),
        KeySpec("contexts", "list of tokens, or range", "required", "Context lengths (`[4K, 50_000, 1M]`) or a range `{from, to, steps, scale}`; sorted ascending, duplicates dropped."),
        KeySpec("workload", "map", "all defaults", "Output length, users, batching, precisions, reserve and the mixed-workload keys."),
        KeySpec("baseline", "map", "{context: 4K, compression: none}", "What relative costs are measured against."),
        KeySpec("mode", "peak | calibrated | both", "peak", "Datasheet peaks, the hardware's `efficiency` factors, or both side by side."),
        KeySpec("units", "decimal | binary", "decimal", "Report sizes in GB (1e9) or GiB (2^30)."),
        KeySpec("allow_html", "bool", "false", "Let raw HTML in `description` and markdown cells through to the report."),
        KeySpec("allow_beyond_max", "bool", "false", "A context beyond a model's `max_context` is a warning (the estimate runs and reports mark the point); `true` says it is intended and silences the warning."),
        KeySpec("headline", "concurrency | prefill | decode | switching | cost | measured | sharing", "what the study varies", "Which finding and figure stand for the study on the site's index."),
        KeySpec("references", "list of published figures", "—", "Figures published elsewhere (a paper, a vendor) to show beside kvplan's own, with the difference."),
        KeySpec("measurements", "path, `{file: …}` entry, or list of rows and entries", "—", "Measured latencies: a CSV file (relative to the study) with the header `model,hardware,phase,batch,context,seconds`, inline rows with those keys, or result files of vLLM, SGLang, GuideLLM or AIPerf / GenAI-Perf (see \"Measurements from serving engines\")."),
        KeySpec("kv_tiers", "map", "—", "Where the KV lives: tiers below HBM (host DRAM, NVMe, a remote store), the new tokens of a returning turn, a shared prefix and a population of conversations."),
        KeySpec("cells", "list of cells", "the default layout", "The notebook: `markdown`, `chart` and `table` cells in order."),
        KeySpec("plan", "map", "—", "A workload and its latency targets: `kvplan plan` and the report's Plan section find the cheapest deployment of the study's hardware and compressions that meets them."),
    ])

    public static let plan = MapSchema(title: "plan", keys: [
        KeySpec("model", "model name", "the study's only model", "The study model that serves the traffic; required when the study lists several."),
        KeySpec("arrival_rate", "number", "—", "Requests per second over the whole service, arriving as a Poisson process (one of this and `daily_profile`)."),
        KeySpec("daily_profile", "list of 24 numbers", "—", "Hourly arrival rates (requests per second); the plan serves the peak hour."),
        KeySpec("prompts", "list of `{context, share}`", "required", "Prompt lengths as classes whose shares sum to 1 (most requests short, a few huge); a class may set its own `ttft_p99`."),
        KeySpec("outputs", "list of `{tokens, share}`", "required", "Output lengths as classes whose shares sum to 1."),
        KeySpec("targets", "map", "required", "Latency targets every replica must meet: `ttft_p99`, `tpot_p99` (or `itl_p99`), optionally `ttft_p50`."),
        KeySpec("gpus_per_replica", "list of integers", "[1, 2, 4, 8]", "GPUs per replica to try, each a tensor-parallel group (counts that do not divide the model's heads are skipped)."),
        KeySpec("precisions", "list of `{weights, kv}`", "the workload's precision", "Weight and KV-cache precisions to try."),
        KeySpec("chunks", "list of tokens", "[2048]", "Prefill chunk sizes to try (vLLM's `max_num_batched_tokens`, SGLang's `chunked_prefill_size`)."),
    ])

    public static let planPrompt = MapSchema(title: "plan.prompts (one class)", keys: [
        KeySpec("context", "tokens", "required", "Prompt length of the class."),
        KeySpec("share", "fraction", "required", "Fraction of requests in the class."),
        KeySpec("ttft_p99", "duration", "`targets.ttft_p99`", "This class's own TTFT p99 target (a 128K prompt cannot start within a chat's second)."),
    ])

    public static let planOutput = MapSchema(title: "plan.outputs (one class)", keys: [
        KeySpec("tokens", "tokens", "required", "Output length of the class."),
        KeySpec("share", "fraction", "required", "Fraction of requests in the class."),
    ])

    public static let planTargets = MapSchema(title: "plan.targets", keys: [
        KeySpec("ttft_p99", "duration", "required", "99th percentile of the time to first token, per prompt class (`2s`, `800ms`, or seconds)."),
        KeySpec("tpot_p99", "duration", "required (or `itl_p99`)", "99th percentile of the gap between two output tokens (vLLM's inter-token latency; a request's mean TPOT is at or below it)."),
        KeySpec("itl_p99", "duration", "—", "Another name for `tpot_p99`."),
        KeySpec("ttft_p50", "duration", "—", "Median time to first token, for each prompt class without its own `ttft_p99`."),
    ])

    public static let contextRange = MapSchema(title: "contexts (as a range)", keys: [
        KeySpec("from", "tokens", "required", "First context length."),
        KeySpec("to", "tokens", "required", "Last context length (at least `from`)."),
        KeySpec("steps", "integer", "required", "Points including both ends (at most 1,000,000), rounded to whole tokens."),
        KeySpec("scale", "log | linear", "log", "Spacing of the points."),
    ])

    public static let workload = MapSchema(title: "workload", keys: [
        KeySpec("output_tokens", "integer", "250", "Tokens generated per session (m)."),
        KeySpec("users", "integer", "1", "Concurrent users U competing for the GPU."),
        KeySpec("max_batch", "integer", "unlimited", "Largest decode batch the server runs."),
        KeySpec("precision", "map", "{weights: bf16, kv: bf16}", "Storage precision of weights and KV elements."),
        KeySpec("reserve", "bytes", "0", "HBM held back per GPU for the runtime and activations."),
        KeySpec("short_context", "tokens", "—", "Mixed workload: context of the short sessions sharing the GPU."),
        KeySpec("long_fraction", "fraction", "—", "Mixed workload: fraction p of arriving sessions that are long."),
        KeySpec("arrival_rate", "number", "—", "Mixed workload: sessions arriving per second (λ)."),
        KeySpec("chunk", "tokens", "—", "Mixed workload: prompt tokens per chunked-prefill iteration."),
        KeySpec("kv_block", "tokens", "—", "Paged KV: tokens per cache block (B)."),
        KeySpec("memory_utilization", "fraction", "1", "Share of each GPU's HBM the engine may use (vLLM's `gpu_memory_utilization`, 0.9 there); `reserve` comes out of it."),
        KeySpec("prefill_chunk", "tokens", "the whole prompt", "Prompt tokens per prefill iteration (chunked prefill, vLLM's `max_num_batched_tokens`): bounds the prefill's activation memory."),
        KeySpec("activation_memory", "bool", "false", "Take the prefill's peak activation memory (`prefill_peak_memory_bytes`, flash attention) out of the KV budget; off in the paper's peak, where `reserve` stands for it."),
        KeySpec("speculative", "map", "—", "Speculative decoding: `{draft, draft_tokens, acceptance}`."),
    ])

    public static let speculative = MapSchema(title: "workload.speculative", keys: [
        KeySpec("draft", "string", "required", "A catalog model (a small draft of the same family), `self-<tokens>` (the target drafting on a KV of that many tokens: TriForce, MagicDec) or `mtp` (multi-token-prediction heads, DeepSeek-V3)."),
        KeySpec("draft_tokens", "integer", "4", "γ: tokens drafted per target step."),
        KeySpec("acceptance", "number", "0.7", "α: probability the target accepts a drafted token, in [0, 1]; tokens per step (1 − α^(γ+1))/(1 − α)."),
    ])

    public static let precision = MapSchema(title: "workload.precision", keys: [
        KeySpec("weights", "precision", "bf16", "One of \(precisionNames)."),
        KeySpec("kv", "precision", "bf16", "One of \(precisionNames); a compression's `kv_bits` replaces it."),
    ])

    public static let baseline = MapSchema(title: "baseline", keys: [
        KeySpec("context", "tokens", "4K", "Context of the reference session."),
        KeySpec("compression", "compression", "none", "A compression of the study (by name), a preset or an `a+b` combination."),
    ])

    public static let measurement = MapSchema(title: "measurements (one row)", keys: [
        KeySpec("model", "string", "required", "Name of one of the study's models."),
        KeySpec("hardware", "string", "required", "Name of one of the study's hardware entries."),
        KeySpec("phase", "prefill | decode_step | context_switch", "required", "What was timed."),
        KeySpec("batch", "integer", "required", "Sessions in the batch."),
        KeySpec("context", "tokens", "required", "Tokens per session."),
        KeySpec("seconds", "number", "required", "Measured wall time."),
    ])

    public static let measurementsFile = MapSchema(title: "measurements (one file entry)", keys: [
        KeySpec("file", "path", "required", "A measurements CSV or a serving benchmark's result file, relative to the study."),
        KeySpec("format", "csv | vllm | sglang | guidellm | aiperf | genai-perf", "from the content", "Which tool wrote the file; detected from its keys when absent."),
        KeySpec("model", "string", "the model the file names", "The study's model the runs were measured on, when the file's model id does not name one of them."),
        KeySpec("hardware", "string", "the study's only hardware", "The study's hardware entry the runs were measured on (result files never name the GPU)."),
    ])

    public static let reference = MapSchema(title: "references (one published figure)", keys: [
        KeySpec("quantity", Reference.quantities.joined(separator: " | "), "required", "Which of kvplan's figures it compares with (its `--json` key)."),
        KeySpec("context", "tokens", "required", "The context length it was published for."),
        KeySpec("value", "number (bytes: a size)", "required", "The published value, in the quantity's base unit (seconds, sessions, bytes)."),
        KeySpec("source", "string", "required", "Where it was published."),
        KeySpec("note", "string", "\"\"", "What the source assumed, or why it differs."),
        KeySpec("model", "string", "the first model", "Name of one of the study's models."),
        KeySpec("hardware", "string", "the first hardware", "Name of one of the study's hardware entries."),
        KeySpec("compression", "string", "the first compression", "Name of one of the study's compression entries."),
    ])

    public static let cell = MapSchema(title: "cells (one cell)", keys: [
        KeySpec("markdown", "Markdown", "—", "A prose cell."),
        KeySpec("chart", "chart kind", "—", "A chart cell: \(ChartCell.Kind.allCases.map(\.rawValue).joined(separator: ", "))."),
        KeySpec("table", "table kind", "—", "A table cell: \(TableCell.Kind.allCases.map(\.rawValue).joined(separator: ", "))."),
        KeySpec("x", "dimension", "context", "Chart x axis, or what a figure's table lists down its side: \(ChartCell.Dimension.allCases.map(\.rawValue).joined(separator: ", "))."),
        KeySpec("series", "dimension", "the listed dimension with most entries", "One line or bar group per model, hardware or compression."),
        KeySpec("scale", "log | linear", "log", "Chart x scale."),
        KeySpec("title", "string", "generated", "Caption of a chart or table cell."),
        KeySpec("at", "tokens", "the longest context within every model's maximum", "The context a chart or table whose `x` is not context shows (one of the study's contexts)."),
        KeySpec("methodology", "bool", "—", "`methodology: true`: the methodology and assumptions, as in the default layout."),
        KeySpec("formulas", "\(FormulasCell.allCases.map(\.rawValue).joined(separator: " | "))", "—", "The formulas of one challenge (or all), with this study's values substituted."),
    ])

    static var precisionNames: String { Precision.allCases.map(\.rawValue).joined(separator: ", ") }

    // MARK: Entries

    public static let model = MapSchema(title: "model (entries of `models`)", keys: [
        KeySpec("name", "string", "the preset's", "Identifier that measurements and cells refer to."),
        KeySpec("preset", "catalog model", "—", "Start from a catalog model and override the keys given."),
        KeySpec("label", "string", "name", "Display name in reports."),
        KeySpec("layers", "integer", "required", "Transformer layers L. Overriding it on a preset drops a declared `params`."),
        KeySpec("hidden", "integer", "required", "Hidden size d."),
        KeySpec("heads", "integer", "required", "Query heads H."),
        KeySpec("kv_heads", "integer", "required (MLA: heads)", "KV heads Hkv; must divide `heads`."),
        KeySpec("head_dim", "integer", "required (MLA: nope + rope)", "Head dimension dh (never derived from hidden/heads)."),
        KeySpec("ffn", "integer", "required", "FFN width of dense layers (gated MLP: 3 matrices)."),
        KeySpec("vocab", "integer", "required", "Vocabulary V."),
        KeySpec("tied_embeddings", "bool", "false", "LM head shares the embedding table."),
        KeySpec("max_context", "tokens", "none", "Advertised maximum context (exact integer, e.g. 200_000); contexts beyond it are marked. Without it, none are."),
        KeySpec("params", "number", "computed", "Declared total parameters, overriding the computed count."),
        KeySpec("active_params", "number", "computed", "Declared active parameters per token (MoE)."),
        KeySpec("moe", "map", "—", "Mixture of experts: `experts, active, shared, expert_ffn, dense_layers, every`."),
        KeySpec("mla", "map", "—", "Multi-head latent attention: `q_lora_rank, kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim, v_head_dim`."),
        KeySpec("ssm", "map", "—", "State-space (Mamba) layers: `d_state, d_conv, expand`."),
        KeySpec("attention", "map", "all global", "`sliding_window, chunk_size, layer_pattern` (letters G, L, C, S repeated over layers)."),
        KeySpec("source", "string", "\"\"", "Where the figures come from (config.json URL)."),
        KeySpec("notes", "string", "\"\"", "Anything a reader should know."),
    ])

    public static let moe = MapSchema(title: "model.moe", keys: [
        KeySpec("experts", "integer", "required", "Routed experts E per MoE layer."),
        KeySpec("active", "integer", "required", "Routed experts k a token activates."),
        KeySpec("shared", "integer", "0", "Shared experts S every token passes through."),
        KeySpec("expert_ffn", "integer", "required", "FFN width of one expert."),
        KeySpec("dense_layers", "integer", "0", "Leading dense layers."),
        KeySpec("every", "integer", "1", "After them, every `every`-th layer is MoE."),
    ])

    public static let mla = MapSchema(title: "model.mla", keys: [
        KeySpec("q_lora_rank", "integer", "0 (none)", "Low-rank query projection."),
        KeySpec("kv_lora_rank", "integer", "required", "Latent KV rank r."),
        KeySpec("qk_nope_head_dim", "integer", "required", "Non-RoPE part of the query/key head."),
        KeySpec("qk_rope_head_dim", "integer", "required", "RoPE part dr, cached beside the latent."),
        KeySpec("v_head_dim", "integer", "required", "Value head dimension."),
    ])

    public static let ssm = MapSchema(title: "model.ssm", keys: [
        KeySpec("d_state", "integer", "required", "SSM state size."),
        KeySpec("d_conv", "integer", "required", "Convolution width."),
        KeySpec("expand", "integer", "required", "Inner dimension = expand · hidden."),
    ])

    public static let attention = MapSchema(title: "model.attention", keys: [
        KeySpec("sliding_window", "tokens", "—", "Window W of `L` layers."),
        KeySpec("chunk_size", "tokens", "—", "Chunk C of `C` layers (Llama-4)."),
        KeySpec("layer_pattern", "string", "G (L with only a window)", "Layer kinds repeated cyclically: G global, L local, C chunked, S state-space."),
    ])

    public static let hardware = MapSchema(title: "hardware (entries of `hardware`)", keys: [
        KeySpec("name", "string", "the preset's (+ `-xG` for G GPUs)", "Identifier that measurements refer to."),
        KeySpec("preset", "catalog hardware", "—", "Start from a catalog GPU and override the keys given."),
        KeySpec("label", "string", "name", "Display name in reports."),
        KeySpec("gpus", "integer", "1", "GPUs serving one replica: tensor parallel g = gpus/pp per pipeline stage; g must divide the query heads."),
        KeySpec("pp", "integer", "1", "Pipeline stages: layers split over `pp` stages of gpus/pp GPUs; the decode bubble is 1 − min(b, pp)/pp."),
        KeySpec("ep", "integer", "1", "Expert parallel (MoE): routed experts spread over `ep` GPUs of a stage, reached by all-to-all dispatch and combine."),
        KeySpec("attention_parallel", "tensor | data", "tensor", "`tensor`: heads split over the GPUs (KV heads replicated when g > Hkv; an MLA latent on every rank). `data`: attention weights replicated, each GPU holds its own sessions' KV (SGLang DP attention)."),
        KeySpec("gpus_per_node", "integer", "8", "GPUs in one NVLink domain; collectives and stage sends beyond it use `network`."),
        KeySpec("hbm", "bytes", "required", "HBM capacity per GPU (`80 GiB`)."),
        KeySpec("hbm_bandwidth", "bandwidth", "required", "HBM bandwidth per GPU (`2039 GB/s`)."),
        KeySpec("flops", "FLOP/s or map", "required", "Dense bf16 peak, or `{bf16, fp8, int8, fp4}`."),
        KeySpec("host_link", "link", "required", "`pcie-gen4-x16`, `pcie-gen5-x16`, `nvlink-c2c`, a bandwidth per direction, or `{name, bandwidth}`."),
        KeySpec("duplex", "half | full", "half", "Half duplex adds swap-out and swap-in times (the paper's convention)."),
        KeySpec("host_memory", "bytes", "—", "Host memory that parks swapped sessions."),
        KeySpec("interconnect", "bandwidth", "host_link", "GPU–GPU bandwidth as vendors quote it, both directions together (NVLink 4: 900 GB/s); collectives run at half of it each way."),
        KeySpec("network", "bandwidth", "host_link", "Network bandwidth per GPU (`400 Gb/s`): disaggregated KV transfer and collectives across nodes."),
        KeySpec("price_per_hour", "number", "—", "Price of one GPU-hour; costs are in GPU-seconds without it."),
        KeySpec("efficiency", "map", "1 each", "`{matmul, attention, memory, link}` fractions of peak and a per-layer decode `kernel_overhead`, applied in calibrated mode."),
        KeySpec("source", "string", "\"\"", "Datasheet the figures come from."),
        KeySpec("notes", "string", "\"\"", "Anything a reader should know."),
    ])

    public static let flops = MapSchema(title: "hardware.flops", keys: [
        KeySpec("bf16", "FLOP/s", "required", "Dense bf16 tensor-core peak."),
        KeySpec("fp8", "FLOP/s", "—", "Dense fp8 peak (used for fp8 weights)."),
        KeySpec("int8", "FLOP/s", "—", "Dense int8 peak (used for int8 weights)."),
        KeySpec("fp4", "FLOP/s", "—", "Dense fp4 peak (used for fp4 weights)."),
    ])

    public static let hostLink = MapSchema(title: "hardware.host_link", keys: [
        KeySpec("name", "string", "\"host link\"", "What the link is."),
        KeySpec("bandwidth", "bandwidth", "required", "Per direction."),
    ])

    public static let efficiency = MapSchema(title: "hardware.efficiency", keys: [
        KeySpec("matmul", "fraction", "1", "Of peak FLOP/s, for linear layers."),
        KeySpec("attention", "fraction", "1", "Of peak FLOP/s, for attention."),
        KeySpec("memory", "fraction", "1", "Of HBM bandwidth."),
        KeySpec("link", "fraction", "1", "Of host-link bandwidth."),
        KeySpec("kernel_overhead", "seconds", "0", "Per layer, added to every decode step: kernel launches and synchronisation (`kvplan calibrate` fits it where it helps held-out models)."),
    ])

    public static let compression = MapSchema(title: "compression (entries of `compression`)", keys: [
        KeySpec("name", "string", "the preset's", "Identifier; `a+b` in a list combines presets on different axes."),
        KeySpec("preset", "catalog compression", "—", "Start from a catalog preset and override the keys given."),
        KeySpec("label", "string", "name", "Display name in reports."),
        KeySpec("axis", "string", "\"\"", "layer, head, token or hidden."),
        KeySpec("layer_share", "integer", "—", "s adjacent layers share one KV (CLA)."),
        KeySpec("kv_layers", "fraction", "—", "Fraction of layers that keep KV."),
        KeySpec("retrieval_heads", "fraction", "—", "Heads that keep full KV; the rest keep `streaming_window` tokens."),
        KeySpec("streaming_window", "tokens", "—", "Tokens the streaming heads keep."),
        KeySpec("token_keep", "fraction", "—", "Kept tokens = min(n, max(budget, keep·n))."),
        KeySpec("token_budget", "tokens", "—", "Token budget (SnapKV, StreamingLLM)."),
        KeySpec("recent_window", "tokens", "—", "Recent tokens always kept (part of the budget)."),
        KeySpec("prompt_only", "bool", "false", "The prompt is evicted once after prefill and every generated token is kept (SnapKV): the cache grows by one token per output token."),
        KeySpec("kv_bits", "number", "—", "Bits per KV element."),
        KeySpec("group_size", "integer", "—", "Quantization group: an fp16 scale and zero add 32/group bits per element."),
        KeySpec("residual_tokens", "integer", "—", "Most recent tokens kept at full precision (KIVI)."),
        KeySpec("kv_rank", "fraction", "—", "Fraction of the KV rank kept (low rank)."),
        KeySpec("citation", "string", "\"\"", "The paper the technique comes from."),
        KeySpec("notes", "string", "\"\"", "Reported accuracy caveats."),
    ])
}
