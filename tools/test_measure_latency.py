"""CPU test of tools/measure_latency.py with a tiny shape: runs the script as a user would and
checks the CSV it writes. It needs PyTorch (the CPU build is enough), which kvplan's own build
and CI do not install — run it where the script itself will run:

    pip install torch pytest && python3 -m pytest tools/test_measure_latency.py
"""
import csv
import importlib.util
import math
import os
import subprocess
import sys

import pytest

import torch  # noqa: E402 — a missing torch is an error here, not a skip

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "measure_latency.py")
HEADER = ["model", "hardware", "phase", "batch", "context", "seconds"]
PHASES = {"prefill", "decode_step", "context_switch"}
TINY = ["--layers", "2", "--hidden", "64", "--heads", "4", "--kv-heads", "2", "--head-dim", "16",
        "--ffn", "128", "--vocab", "256"]


def run_script(tmp_path, *args):
    out = tmp_path / "m.csv"
    proc = subprocess.run(
        [sys.executable, SCRIPT, *args, "--device", "cpu", "--hardware", "cpu-test",
         "--repeats", "3", "--prefill-repeats", "2", "--switch-repeats", "2", "--out", str(out)],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    with open(out, newline="") as f:
        rows = list(csv.reader(f))
    return rows, proc


def check_rows(rows):
    assert rows[0] == HEADER  # exact header
    body = rows[1:]
    for r in body:
        assert len(r) == len(HEADER)
        assert r[2] in PHASES
        assert int(r[3]) >= 1 and int(r[4]) >= 1
        sec = float(r[5])
        assert math.isfinite(sec) and sec > 0
    return body


def test_tiny_shape_writes_the_csv_format(tmp_path):
    rows, proc = run_script(tmp_path, *TINY, "--name", "tiny", "--dtype", "fp32", "--self-check",
                            "--prefill-contexts", "32,64", "--decode", "1:32,2:64",
                            "--context-switch", "32")
    body = check_rows(rows)
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in body] == [
        ("tiny", "cpu-test", "prefill", "1", "32"),
        ("tiny", "cpu-test", "prefill", "1", "64"),
        ("tiny", "cpu-test", "decode_step", "1", "32"),
        ("tiny", "cpu-test", "decode_step", "2", "64"),
        ("tiny", "cpu-test", "context_switch", "1", "32"),
    ]
    assert "self-check passed" in proc.stderr
    # rows are echoed on stdout too
    assert "tiny,cpu-test,prefill,1,32," in proc.stdout


def test_window_scaling_and_suffixes(tmp_path):
    # sliding window on (prefill beyond W uses the chunked exact path), fewer layers measured and
    # scaled, K suffix, bf16
    rows, proc = run_script(tmp_path, *TINY, "--sliding-window", "16", "--layers-measured", "1",
                            "--dtype", "bf16", "--prefill-contexts", "40", "--decode", "2:1K")
    body = check_rows(rows)
    assert [(r[0], r[2], r[3], r[4]) for r in body] == [
        ("custom", "prefill", "1", "40"), ("custom", "decode_step", "2", "1024")]
    assert "reads 16 keys/session" in proc.stderr
    assert "measuring 1/2 layers" in proc.stderr


def test_builtin_model_needs_name_when_overridden(tmp_path):
    proc = subprocess.run([sys.executable, SCRIPT, "--model", "llama-3.1-8b", "--layers", "2",
                           "--device", "cpu"], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "--name" in proc.stderr


def _module():
    spec = importlib.util.spec_from_file_location("measure_latency", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("measure_latency", mod)  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def test_builtin_shapes_match_the_catalog():
    m = _module().MODELS
    assert (m["llama-3.1-8b"].layers, m["llama-3.1-8b"].kv_heads, m["llama-3.1-8b"].vocab) == (32, 8, 128256)
    assert (m["llama-2-7b"].kv_heads, m["llama-2-7b"].ffn) == (32, 11008)
    assert (m["mistral-7b"].vocab, m["mistral-7b"].window) == (32000, 4096)
    assert (m["qwen2.5-7b-1m"].layers, m["qwen2.5-7b-1m"].hidden, m["qwen2.5-7b-1m"].kv_heads) == (28, 3584, 4)
    assert (m["qwen2.5-14b-1m"].layers, m["qwen2.5-14b-1m"].heads, m["qwen2.5-14b-1m"].ffn) == (48, 40, 13824)


def test_window_attention_is_exact():
    mod = _module()
    torch.manual_seed(1)
    H, n, dh, W = 2, 50, 8, 16  # n not a multiple of W: exercises the padding
    q, k, v = (torch.randn(1, H, n, dh) for _ in range(3))
    i = torch.arange(n)
    allowed = (i[None, :] <= i[:, None]) & (i[:, None] - i[None, :] < W)
    ref = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
    got = mod.window_attention(q, k, v, W, 1.0 / math.sqrt(dh))
    assert torch.allclose(got, ref, atol=1e-5)


def test_token_parsing():
    mod = _module()
    assert mod.parse_list("1K,4096,128K") == [1024, 4096, 131072]
    assert mod.parse_pairs("1:4K, 32:32768") == [(1, 4096), (32, 32768)]
