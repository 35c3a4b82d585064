#!/usr/bin/env python3
"""Mutation fuzzing of kvplan's study loader, estimator and renderer (`make fuzz`).

A seeded mutator turns the examples (examples/*.study.yaml) into mutants: hostile numbers, YAML
aliases and anchors, control characters and Unicode line breaks, long strings, lines deleted,
duplicated or swapped, keys renamed, text truncated. Mutants are written 1,000 to a folder and
checked with one `kvplan check folder/` per batch; only a batch that fails is re-run file by file.
Accepted mutants (no error) then go through `kvplan estimate --study` one by one and
`kvplan render` a batch at a time.

A failure is: a signal (a Swift trap is SIGILL/SIGTRAP), an exit code other than 0, 1 or 64, a
run past its time bound, or a diagnostic without a `path:line:column` position. Failing mutants
are kept under --keep. The summary counts outcomes per command by exit code.

    tools/fuzz.py --kvplan .build/debug/kvplan --count 100000 --seed 1 --time-limit 3600
"""
import argparse
import collections
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HOSTILE_NUMBERS = [
    "-1e19", "1e19", "1e308", "-1e308", "1e-300", "5e-324", "2.2250738585072014e-308", "999_999_999_999_999",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808", "0", "-0", "-1", "0.0", "1e-9",
    "1099511627776", "1099511627777", "1.5", "0.5", "nan", ".nan", ".inf", "-.inf", "1e400", "0x10", "1_0_0",
    "4K", "1M", "1.5M", "1e15K", "8191M", "2", "3", "1000000", "65537", "16777217", "1e21 FLOP/s", "1 EiB",
    "2 EiB", "1e-300 GB/s", "1e30 GB/s", "0 GiB", "-80 GiB", "1e18 TB", "80 GiB", "0.000001", "1.0000000001",
]
HOSTILE_STRINGS = [
    "\x1b[31mred\x1b[0m", "a\u2028b", "a\u2029b", "a\u0085b", "\u202eevil", "=cmd|' /C calc'!A0", "+1", "-1.5",
    "@SUM(1)", "<script>x</script>", "javascript:alert(1)", "~", "null", "", "''", '"', "'", "{", "[", "&a",
    "*a", "!!binary", "? x", "- ", ": ", "#", "%", "|", ">", "x" * 300, "é" * 50, "\t", "\r", "\\", "`",
]
YAML_SNIPPETS = [
    "&a x", "*a", "{? *a : 1}", "[*a, *a, *a]", "&b [*a, *a, *a, *a]", "!!str 1", "!!int x", "!!float .inf",
    "{a: 1, a: 2}", "[", "]", "{", "}", "---", "...", "<<: *a", "? [1, 2]\n: 3",
]
KEYS = [
    "title", "models", "hardware", "compression", "contexts", "workload", "baseline", "mode", "units", "allow_html",
    "allow_beyond_max", "headline", "references", "measurements", "cells", "from", "to", "steps", "scale",
    "output_tokens", "users", "max_batch", "precision", "reserve", "short_context", "long_fraction", "arrival_rate",
    "chunk", "kv_block", "preset", "name", "layers", "hidden", "heads", "kv_heads", "head_dim", "ffn", "vocab",
    "max_context", "gpus", "hbm", "hbm_bandwidth", "flops", "host_link", "kv_bits", "token_keep", "token_budget",
    "chart", "table", "markdown", "x", "series", "context", "seconds", "batch", "phase", "quantity", "value",
]
LINE_BREAKS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\u0085"]
VALUE = re.compile(r"(:\s+|\[|,\s*|-\s+)([^\s,\]\}\[\{:#][^,\]\}\n]*)")


def mutate(text, rng):
    """One to four random edits of `text`."""
    for _ in range(rng.randint(1, 4)):
        text = rng.choice(MUTATORS)(text, rng)
    return text


def replace_value(text, rng):
    matches = list(VALUE.finditer(text))
    if not matches:
        return text
    m = rng.choice(matches)
    pool = HOSTILE_NUMBERS if rng.random() < 0.7 else HOSTILE_STRINGS + YAML_SNIPPETS
    return text[:m.start(2)] + rng.choice(pool) + text[m.end(2):]


def scale_number(text, rng):
    numbers = list(re.finditer(r"\d[\d_]*(\.\d+)?", text))
    if not numbers:
        return text
    m = rng.choice(numbers)
    factor = rng.choice(["e9", "e15", "e19", "e300", "e-300", "000000", "e-9"])
    return text[:m.end()] + factor + text[m.end():]


def insert_snippet(text, rng):
    pos = rng.randrange(len(text) + 1)
    pool = rng.choice([HOSTILE_STRINGS, YAML_SNIPPETS, HOSTILE_NUMBERS, KEYS])
    piece = rng.choice(pool)
    if pool is KEYS:
        piece = piece + ": " + rng.choice(HOSTILE_NUMBERS + HOSTILE_STRINGS)
    return text[:pos] + piece + text[pos:]


def line_edit(text, rng):
    lines = text.split("\n")
    if len(lines) < 2:
        return text
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    kind = rng.randrange(4)
    if kind == 0:
        del lines[i]
    elif kind == 1:
        lines.insert(j, lines[i])
    elif kind == 2:
        lines[i], lines[j] = lines[j], lines[i]
    else:
        lines[i] = " " * rng.choice([1, 2, 4]) + lines[i]
    return "\n".join(lines)


def rename_key(text, rng):
    keys = list(re.finditer(r"^(\s*-?\s*)([a-z_]+):", text, re.M))
    if not keys:
        return text
    m = rng.choice(keys)
    new = rng.choice(KEYS) if rng.random() < 0.8 else m.group(2)[:-1]
    return text[:m.start(2)] + new + text[m.end(2):]


def line_breaks(text, rng):
    pos = rng.randrange(len(text) + 1)
    return text[:pos] + rng.choice(LINE_BREAKS) + text[pos:]


def character(text, rng):
    if not text:
        return text
    pos = rng.randrange(len(text))
    kind = rng.randrange(3)
    if kind == 0:
        return text[:pos] + text[pos + 1:]
    if kind == 1:
        return text[:pos] + chr(rng.choice([0, 7, 8, 0x1b, 0x7f, 0x85, 0xa0, 0x2028, 0xfeff, rng.randrange(32, 0x2fff)])) + text[pos:]
    return text[:pos] + rng.choice("{}[],:&*!|>-?#'\"%@` \t") + text[pos:]


def truncate(text, rng):
    return text[:rng.randrange(len(text) + 1)]


def repeat(text, rng):
    """Blow-up shapes: many list items, long names, many keys on one line."""
    kind = rng.randrange(4)
    if kind == 0:
        return text + "\ncontexts: [" + ", ".join(str(rng.randrange(1, 10**6)) for _ in range(rng.randint(10, 500))) + "]\n"
    if kind == 1:
        return re.sub(r"name: ([^\n]*)", lambda m: "name: " + "n" * rng.randint(100, 3000), text, count=1)
    if kind == 2:
        return text + "\nbogus: {" + ", ".join(f"k{i}: {i}" for i in range(rng.randint(10, 2000))) + "}\n"
    anchors = "a0: &a0 [x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]\n" for i in range(1, rng.randint(2, 9)))
    return anchors + text + rng.choice(["\nk: {? *a1 : 1}\n", "\nk: *a1\n", "\ntitle: *a0\n"])


MUTATORS = [replace_value] * 5 + [scale_number] * 2 + [insert_snippet] * 3 + [line_edit] * 2 + [rename_key] * 2 + \
    [line_breaks, character, character, truncate, repeat]

POSITIONED = re.compile(r"^.+:\d+:\d+: (error|warning): ")


def unpositioned(stderr):
    """Diagnostic lines without a position (`error: …` on its own, or a trap's message)."""
    bad = []
    for line in stderr.splitlines():
        if re.match(r"^(error|warning|internal error|Fatal error|Error)\b", line) or "Fatal error:" in line:
            bad.append(line)
    return bad


def run(args, timeout, cwd=None):
    start = time.monotonic()
    try:
        proc = subprocess.run(args, capture_output=True, timeout=timeout, cwd=cwd,
                              env=dict(os.environ, SWIFT_BACKTRACE="enable=no"))
        return proc.returncode, proc.stderr.decode("utf-8", "replace"), time.monotonic() - start
    except subprocess.TimeoutExpired:
        return "hang", "", time.monotonic() - start


def outcome_name(code):
    if code == "hang":
        return "hang"
    if code < 0:
        return f"signal {signal.Signals(-code).name}"
    return f"exit {code}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kvplan", default=".build/debug/kvplan")
    parser.add_argument("--examples", default="examples")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--time-limit", type=float, default=600, help="seconds for the whole campaign")
    parser.add_argument("--hang", type=float, default=10, help="seconds one study may take in one command")
    parser.add_argument("--render-every", type=int, default=1, help="render one accepted mutant in N")
    parser.add_argument("--keep", default="fuzz-failures")
    args = parser.parse_args()

    kvplan = os.path.abspath(args.kvplan)
    seeds = sorted(os.path.join(args.examples, name) for name in os.listdir(args.examples) if name.endswith(".study.yaml"))
    texts = [open(path, encoding="utf-8").read() for path in seeds]
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="kvplan-fuzz-")
    counts = {command: collections.Counter() for command in ("check", "estimate", "render")}
    failures = []
    started = time.monotonic()
    made = 0

    def fail(command, path, what, detail=""):
        os.makedirs(args.keep, exist_ok=True)
        kept = os.path.join(args.keep, f"{len(failures):04d}-{command}-{os.path.basename(path)}")
        shutil.copy(path, kept)
        failures.append((command, kept, what, detail[:300]))
        print(f"FAIL {command} {what}: {kept} {detail[:200]}", file=sys.stderr, flush=True)

    def judge(command, path, code, stderr):
        counts[command][outcome_name(code)] += 1
        if code == "hang":
            fail(command, path, "hang")
        elif code < 0 or code not in (0, 1, 64):
            fail(command, path, outcome_name(code), stderr[-300:])
        elif unpositioned(stderr):
            fail(command, path, "unpositioned diagnostic", unpositioned(stderr)[0])
        elif code == 1 and not POSITIONED.search(stderr.split("\n")[0] if stderr else ""):
            # An accepted study that a later command rejects must still say where.
            if not any(POSITIONED.match(line) and ": error: " in line for line in stderr.splitlines()):
                fail(command, path, "exit 1 without a positioned error", stderr[-300:])

    try:
        while made < args.count and time.monotonic() - started < args.time_limit:
            batch_dir = os.path.join(work, f"batch-{made // args.batch:05d}")
            shutil.rmtree(batch_dir, ignore_errors=True)
            os.makedirs(batch_dir)
            # Measurement CSVs are named relative to their study.
            shutil.copytree(os.path.join(args.examples, "data"), os.path.join(batch_dir, "data"))
            paths = []
            for index in range(min(args.batch, args.count - made)):
                seed_index = rng.randrange(len(texts))
                path = os.path.join(batch_dir, f"m{made + index:07d}-{os.path.basename(seeds[seed_index])}")
                with open(path, "w", encoding="utf-8", newline="", errors="surrogatepass") as handle:
                    handle.write(mutate(texts[seed_index], rng))
                paths.append(path)
            made += len(paths)

            # One process for the whole batch; file by file only when it fails.
            code, stderr, _ = run([kvplan, "check", batch_dir], timeout=args.hang * len(paths) / 10 + 60)
            rejected = {p for p in paths if re.search(re.escape(p) + r":\d+:\d+: error: ", stderr)}
            if code in (0, 1) and not unpositioned(stderr):
                for path in paths:
                    counts["check"]["exit 1" if path in rejected else "exit 0"] += 1
            else:
                rejected = set()
                for path in paths:
                    one, one_stderr, _ = run([kvplan, "check", path], timeout=args.hang)
                    judge("check", path, one, one_stderr)
                    if one != 0:
                        rejected.add(path)
            accepted = [p for p in paths if p not in rejected]

            for path in accepted:
                code, stderr, _ = run([kvplan, "estimate", "--study", path], timeout=args.hang)
                judge("estimate", path, code, stderr)

            chosen = accepted[::max(1, args.render_every)]
            if chosen:
                render_dir = os.path.join(work, "render")
                os.makedirs(render_dir, exist_ok=True)
                for path in chosen:
                    os.link(path, os.path.join(render_dir, os.path.basename(path)))
                shutil.copytree(os.path.join(args.examples, "data"), os.path.join(render_dir, "data"), dirs_exist_ok=True)
                out = os.path.join(work, "site")
                code, stderr, _ = run([kvplan, "render", render_dir, "--out", out], timeout=args.hang * len(chosen) + 60)
                if code == 0:
                    counts["render"]["exit 0"] += len(chosen)
                else:
                    for path in chosen:
                        one, one_stderr, _ = run([kvplan, "render", path, "--out", out + "-one"], timeout=args.hang)
                        judge("render", path, one, one_stderr)
                shutil.rmtree(render_dir, ignore_errors=True)
                shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(batch_dir, ignore_errors=True)
            elapsed = time.monotonic() - started
            print(f"{made:7d} mutants, {elapsed:6.0f} s: " + "; ".join(
                f"{command} {dict(sorted(counter.items()))}" for command, counter in counts.items()), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nseed {args.seed}: {made} mutants in {time.monotonic() - started:.0f} s")
    for command, counter in counts.items():
        print(f"  {command:8s} " + ", ".join(f"{name}: {count}" for name, count in sorted(counter.items())))
    print(f"  failures: {len(failures)}")
    for command, kept, what, detail in failures[:50]:
        print(f"    {command} {what}: {kept} {detail[:160]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
