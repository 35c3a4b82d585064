#!/usr/bin/env python3
"""`make bench`: every figure of issue 13's table, as `name: value unit` lines and a JSON file.

Wall times on a shared machine are noisy, so the estimator's figure is also given in
instructions (callgrind, when valgrind is installed), and the llm-analysis comparison runs both
tools in the same run. Nothing here passes or fails: it prints what it measured, and says so
when something could not be measured (no valgrind, no PyPI, a time limit reached).

    python3 tools/bench.py [--quick] [--plan] [--json PATH]

`--quick` skips the 200-study site and the 1,000,000-point study (minutes each); `--plan` runs
only the planner's figures.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE = os.path.join(ROOT, ".build", "release")
KVPLAN = os.path.join(RELEASE, "kvplan")
BENCH = os.path.join(RELEASE, "kvplan-bench")

figures = {}
last_stderr = ""  # of the last time_v command (kvplan's own messages included)


def report(name, value, unit, note=None):
    figures[name] = {"value": value, "unit": unit, **({"note": note} if note else {})}
    text = f"{value:.4g}" if isinstance(value, float) else str(value)
    print(f"{name}: {text} {unit}" + (f"  # {note}" if note else ""), flush=True)


def run(args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


def bench_lines(*args):
    out = run([BENCH, *args]).stdout
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^(\S+):\s+(\S+) ", out, re.M)}


def callgrind_instructions(args):
    """Instructions the program executes (callgrind's `Collected`), or None without valgrind."""
    if shutil.which("valgrind") is None:
        return None
    with tempfile.TemporaryDirectory() as scratch:
        result = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={scratch}/out", *args],
            capture_output=True, text=True)
        found = re.search(r"Collected : (\d+)", result.stderr)
        return int(found.group(1)) if found else None


def wall(args, repeat=5, **kwargs):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold_starts(args, repeat):
    """Wall time, CPU time (user + system) in ms and minor page faults of each of `repeat`
    starts of a command (its output discarded), from the kernel's accounting of the child."""
    starts = {"wall": [], "cpu": [], "faults": []}
    for _ in range(repeat):
        start = time.perf_counter()
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        starts["wall"].append((time.perf_counter() - start) * 1e3)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise subprocess.CalledProcessError(process.returncode, args)
        starts["cpu"].append((usage.ru_utime + usage.ru_stime) * 1e3)
        starts["faults"].append(usage.ru_minflt)
    return starts


def time_v(args, limit, memory_mb=None):
    """/usr/bin/time -v of a command: (wall s, max RSS MB, CPU share, finished). With `memory_mb`
    the command's address space is capped (a shared machine: a runaway render must not swap)."""
    def cap():
        if memory_mb:
            import resource
            resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
    try:
        # Standard output to /dev/null: read through a pipe, the figure would time this script's
        # reading of 1.6 GB of JSON, not kvplan (the writer stalls on a full pipe).
        result = subprocess.run(["/usr/bin/time", "-v", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True, timeout=limit, preexec_fn=cap)
    except subprocess.TimeoutExpired:
        return limit, None, None, False
    global last_stderr
    text = last_stderr = result.stderr
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    elapsed = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    parts = [float(p) for p in elapsed.split(":")]
    seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    cpu = int(re.search(r"Percent of CPU this job got: (\d+)%", text).group(1))
    return seconds, rss, cpu, result.returncode == 0


def estimator():
    lines = bench_lines("2000000")
    for name in ("estimate-yi", "estimate-gemma-kivi"):
        key = name.replace("-", "_")
        report(f"{key}_per_second", lines[f"{name}_per_second"], "1/s")
        report(f"{key}_time", lines[f"{name}_time"], "ns")
        low, high = 2_000, 22_000  # iterations; the figure runs iterations/4 estimates
        a = callgrind_instructions([BENCH, str(low), "--only", name])
        b = callgrind_instructions([BENCH, str(high), "--only", name])
        if a is None or b is None:
            report(f"{key}_instructions", "not measured", "", "valgrind is not installed")
        else:
            report(f"{key}_instructions", round((b - a) / ((high - low) / 4)), "instructions/estimate")
    return lines


def llm_analysis(lines):
    """The same 1,002-configuration sweep through llm-analysis 0.2.2, in a throwaway venv."""
    sweep_seconds = lines["sweep_time"] / 1e9
    report("sweep_1002_kvplan_time", sweep_seconds * 1e6, "µs")
    venv = tempfile.mkdtemp(prefix="kvplan-llm-analysis-")
    try:
        subprocess.run([sys.executable, "-m", "venv", venv], check=True, capture_output=True)
        pip = subprocess.run([f"{venv}/bin/pip", "install", "-q", "llm-analysis==0.2.2"], capture_output=True, text=True)
        if pip.returncode != 0:
            report("llm_analysis_ratio", "not measured", "", "llm-analysis 0.2.2 could not be installed: "
                   + (pip.stderr.strip().splitlines() or ["pip failed"])[-1])
            return
        script = r"""
import logging, sys, time
from llm_analysis.analysis import LLMAnalysis
from llm_analysis.config import get_model_config_by_name, get_gpu_config_by_name, get_dtype_config_by_name
from llm_analysis.logger import logger
logger.setLevel(logging.ERROR)
model = get_model_config_by_name("NousResearch_Llama-2-7b-hf")
gpu = get_gpu_config_by_name("a100-sxm-80gb")
dtype = get_dtype_config_by_name("w16a16e16")
prompts = [128 + 7 * i for i in range(501)]
def sweep():
    total = 0.0
    for batch in (1, 8):
        analysis = LLMAnalysis(model, gpu, dtype)  # once per batch size, as kvplan builds one estimator
        for prompt in prompts:
            total += analysis.inference(batch_size_per_gpu=batch, seq_len=prompt, num_tokens_to_generate=250)["total_decode_latency"]
    return total
sweep()
runs = int(sys.argv[1])
start = time.perf_counter()
for _ in range(runs): sweep()
print((time.perf_counter() - start) / runs)
"""
        python = f"{venv}/bin/python"
        seconds = float(run([python, "-c", script, "3"]).stdout.split()[-1])
        report("sweep_1002_llm_analysis_time", seconds * 1e3, "ms")
        report("llm_analysis_ratio", seconds / sweep_seconds, "×", "llm-analysis time / kvplan time, same sweep, same run")
        kvplan_instructions = None
        a = callgrind_instructions([BENCH, "4000", "--only", "sweep"])  # 1 sweep
        b = callgrind_instructions([BENCH, "12000", "--only", "sweep"])  # 3 sweeps
        if a is not None and b is not None:
            kvplan_instructions = (b - a) / 2
            report("sweep_1002_kvplan_instructions", round(kvplan_instructions / 1002), "instructions/estimate",
                   "callgrind, one full estimate per configuration of the sweep")
            p0 = callgrind_instructions([python, "-c", script, "0"])
            p1 = callgrind_instructions([python, "-c", script, "1"])
            if p0 is not None and p1 is not None:
                report("llm_analysis_ratio_instructions", (p1 - p0) / kvplan_instructions, "×",
                       "callgrind instructions of one sweep, llm-analysis / kvplan")
    finally:
        shutil.rmtree(venv, ignore_errors=True)


def plan():
    """The planner (issue 14): candidate×rate evaluations per second on one core (this thread's CPU
    clock, and the wall clock beside it: on a shared machine the wall clock counts the others'
    work too), instructions per evaluation (callgrind), the whole search of the example in
    process, and `kvplan plan` on the example study end to end (median wall time of 5 runs)."""
    lines = bench_lines("4000000", "--only", "plan_verdict")
    report("plan_evaluations_per_cpu_second", lines["plan_verdict_per_cpu_second"], "1/s", "target ≥ 1,000,000 on one core")
    report("plan_evaluation_cpu_time", lines["plan_verdict_cpu_time"], "ns")
    report("plan_evaluation_wall_time", lines["plan_verdict_wall_time"], "ns")
    low, high = 40_000, 440_000  # iterations; the figure runs iterations/4 evaluations
    a = callgrind_instructions([BENCH, str(low), "--only", "plan_verdict"])
    b = callgrind_instructions([BENCH, str(high), "--only", "plan_verdict"])
    if a is None or b is None:
        report("plan_evaluation_instructions", "not measured", "", "valgrind is not installed")
    else:
        report("plan_evaluation_instructions", round((b - a) / ((high - low) / 4)), "instructions/evaluation")
    lines = bench_lines("2000000", "--only", "plan_search")
    report("plan_search_cpu_time", lines["plan_search_cpu_time"] / 1e6, "ms", "the example's 144 candidates, in process")
    report("plan_search_wall_time", lines["plan_search_wall_time"] / 1e6, "ms")
    example = os.path.join(ROOT, "examples", "plan-long-context-chat.study.yaml")
    report("plan_example_time", wall([KVPLAN, "plan", example, "--json"]) * 1e3, "ms",
           "kvplan plan on the example, end to end (search, context sweep, JSON); target < 500 ms")


def write_study(path, title, models, hardware, compression, contexts, users=4):
    with open(path, "w") as f:
        f.write(f'title: "{title}"\nmodels: [{", ".join(models)}]\nhardware: [{", ".join(hardware)}]\n'
                f'compression: [{", ".join(compression)}]\ncontexts: {contexts}\n'
                f'workload: {{output_tokens: 250, users: {users}}}\nbaseline: {{context: 4K, compression: none}}\n'
                f'allow_beyond_max: true\n')


def outputs(scratch, quick):
    # estimate --json per point, over a study of 100,000 points.
    study = os.path.join(scratch, "sweep.study.yaml")
    write_study(study, "sweep", ["yi-34b-200k", "llama-3.1-8b"], ["a100-80gb-sxm", "h100-sxm"], ["none", "kivi-2bit"],
                "{from: 1K, to: 128K, steps: 12500, scale: linear}")
    points = int(run([KVPLAN, "estimate", "--study", study, "--json"]).stdout.count("\n"))
    seconds, rss, _, _ = time_v([KVPLAN, "estimate", "--study", study, "--json"], limit=600)
    report("estimate_json_points", points, "points")
    report("estimate_json_per_point", seconds / points * 1e6, "µs", f"{points} points in {seconds:.2f} s")
    report("estimate_json_max_rss", rss, "MB")
    # The same stream at 1,000,000 points: ten times the scenarios over the same 12,500 contexts
    # (the loader holds the context list, so more contexts would grow the study, not the stream).
    million = os.path.join(scratch, "sweep-1m.study.yaml")
    write_study(million, "sweep", ["yi-34b-200k", "llama-3.1-8b", "llama-3.1-70b", "qwen2-72b", "qwen2.5-7b-1m", "qwen2.5-14b-1m",
                                   "mistral-7b", "mixtral-8x7b", "gemma-3-27b", "command-r"],
                ["a100-80gb-sxm", "h100-sxm", "h200-sxm", "b200"], ["none", "kivi-2bit"],
                "{from: 1K, to: 128K, steps: 12500, scale: linear}")
    seconds, rss, _, done = time_v([KVPLAN, "estimate", "--study", million, "--json"], limit=600)
    report("estimate_json_1m_per_point", seconds / 1e6 * 1e6, "µs", f"1,000,000 points in {seconds:.2f} s" if done else "did not finish")
    report("estimate_json_1m_max_rss", rss, "MB", "constant memory: compare estimate_json_max_rss at 100,000 points")

    # Cold start: one estimate from the command line. The target is the median of many starts,
    # not the best; CPU time (user + system) is what the start itself costs, whatever else runs.
    arguments = ["estimate", "--model", "yi-34b-200k", "--hardware", "a100-80gb-sxm", "--context", "4096"]
    starts = cold_starts([KVPLAN, *arguments], repeat=51)
    report("cold_start", statistics.median(starts["wall"]), "ms", "median of 51 starts")
    report("cold_start_best", min(starts["wall"]), "ms")
    report("cold_start_cpu", statistics.median(starts["cpu"]), "ms", "user + system, median of 51 starts")
    report("cold_start_page_faults", round(statistics.median(starts["faults"])), "page faults")
    # valgrind 3.19 cannot read the release binary's debug information: count a stripped copy.
    stripped = os.path.join(scratch, "kvplan-stripped")
    if shutil.which("strip") and subprocess.run(["strip", "-g", "-o", stripped, KVPLAN]).returncode == 0:
        instructions = callgrind_instructions([stripped, *arguments])
        if instructions is not None:
            report("cold_start_instructions", instructions, "instructions")
            bare = callgrind_instructions([stripped, "--version"])
            if bare is not None:
                report("cold_start_version_instructions", bare, "instructions", "`kvplan --version`: the start every command pays")
        # estimate --json per point in instructions: two sweeps of 2,000 and 10,000 points, so
        # that what every run pays once (start, catalog, the study) cancels out.
        counts = []
        for steps in (250, 1250):
            small = os.path.join(scratch, f"sweep-{steps}.study.yaml")
            write_study(small, "sweep", ["yi-34b-200k", "llama-3.1-8b"], ["a100-80gb-sxm", "h100-sxm"], ["none", "kivi-2bit"],
                        f"{{from: 1K, to: 128K, steps: {steps}, scale: linear}}")
            counts.append(callgrind_instructions([stripped, "estimate", "--study", small, "--json"]))
        if None not in counts:
            report("estimate_json_instructions_per_point", round((counts[1] - counts[0]) / 8000), "instructions/point")
        else:
            report("estimate_json_instructions_per_point", "not measured", "", "a callgrind run failed")

    # render examples
    out = os.path.join(scratch, "site")
    report("render_examples", wall([KVPLAN, "render", "examples", "--out", out], repeat=5, cwd=ROOT), "s")

    if quick:
        return
    # 200 studies: the examples twenty times over.
    many = os.path.join(scratch, "many")
    os.makedirs(many)
    examples = sorted(f for f in os.listdir(os.path.join(ROOT, "examples")) if f.endswith(".study.yaml"))
    for copy in range(20):
        for name in examples:
            text = open(os.path.join(ROOT, "examples", name)).read()
            text = text.replace("examples/data/", os.path.join(ROOT, "examples", "data") + "/")
            with open(os.path.join(many, f"{copy:02d}-{name}"), "w") as f:
                f.write(text)
    if os.path.isdir(os.path.join(ROOT, "examples", "data")):
        shutil.copytree(os.path.join(ROOT, "examples", "data"), os.path.join(many, "data"))
    seconds, rss, cpu, done = time_v([KVPLAN, "render", many, "--out", os.path.join(scratch, "many-site")], limit=300)
    report("render_200_studies", seconds, "s", None if done else "did not finish")
    report("render_200_studies_cpu", cpu if cpu is not None else "not measured", "%", "100% = one core busy")

    one_million_points(scratch)


def one_million_points(scratch):
    """One study of 1,000,000 points: laid out at a spread of its contexts, every point streamed
    into its CSVs and JSON (issue 13). The address space is capped so a regression cannot swap."""
    million = os.path.join(scratch, "million.study.yaml")
    write_study(million, "one million points", ["llama-3.1-8b"], ["h100-sxm"], ["none"],
                "{from: 1K, to: 1M, steps: 1000000, scale: linear}")
    million_site = os.path.join(scratch, "million-site")
    seconds, rss, cpu, done = time_v([KVPLAN, "render", million, "--out", million_site], limit=600, memory_mb=4096)
    report("render_1m_points", seconds, "s", None if done else
           "did not finish: over 600 s or over a 4 GB address space: " + (last_stderr.strip().splitlines() or [""])[0][:200])
    report("render_1m_points_max_rss", rss if rss is not None else "not measured", "MB")
    if cpu is not None:
        user = float(re.search(r"User time \(seconds\): (\S+)", last_stderr).group(1))
        system = float(re.search(r"System time \(seconds\): (\S+)", last_stderr).group(1))
        report("render_1m_points_cpu_time", user + system, "s",
               f"user {user:.2f} s + system {system:.2f} s over all threads (the CSVs' and the JSON's pieces made on both cores, "
               f"their SHA-256 beside); {cpu}% of one core in this run")
    if done:
        written = sum(os.path.getsize(os.path.join(folder, name)) for folder, _, names in os.walk(million_site) for name in names)
        report("render_1m_points_written", written / 1e6, "MB")
    shutil.rmtree(million_site, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--plan", action="store_true", help="only the planner's figures (issue 14)")
    parser.add_argument("--json", default=os.path.join(ROOT, ".build", "bench.json"))
    options = parser.parse_args()
    plan()
    if options.plan:
        return
    lines = estimator()
    llm_analysis(lines)
    with tempfile.TemporaryDirectory(prefix="kvplan-bench-") as scratch:
        outputs(scratch, options.quick)
    os.makedirs(os.path.dirname(options.json), exist_ok=True)
    with open(options.json, "w") as f:
        json.dump(figures, f, indent=2)
    print(f"# figures written to {os.path.relpath(options.json, ROOT)}")


if __name__ == "__main__":
    main()
