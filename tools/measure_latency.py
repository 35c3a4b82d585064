#!/usr/bin/env python3
"""Measure prefill, decode-step and context-switch latencies of a transformer shape.

Random weights of the real shape, no checkpoint needed. Writes kvplan's measurement CSV:

    model,hardware,phase,batch,context,seconds

phases: ``prefill`` (one prompt of ``context`` tokens, batch 1, logits for the last token only),
``decode_step`` (one step for ``batch`` sessions each holding ``context`` cached tokens) and
``context_switch`` (one session's KV copied device->host, another's host->device, sequentially
over pinned memory: 2*KV(context) bytes, half duplex).

What runs (the method of ``shared/data/measured-h100.csv``): every layer does RMSNorm, a fused
QKV projection, GQA attention, the output projection, RMSNorm and a gated (SwiGLU) MLP; then a
final RMSNorm and the LM head. RoPE and the embedding lookup are left out (elementwise, negligible);
the input hidden states are random.
- prefill: causal attention through torch's fused scaled_dot_product_attention, K/V expanded to
  the query heads; linear layers through cuBLAS; LM head on the last token only. The fused kernel
  is ``--attention`` (default ``cudnn``: cuDNN's flash-style kernel, which reproduces
  measured-h100.csv within 1% on an H100; torch's own ``flash`` (FlashAttention-2) is ~1.3x
  slower on long-prompt attention there).
- decode: one CUDA graph per step (no Python launch overhead); attention as two batched matmuls
  that read each session's K and V once (the G = heads/kv_heads query heads of a KV head are
  batched against it), softmax in fp32; the new token's K/V written in place into the cache (at
  the last of c slots, so the step attends over exactly c keys per session).
- timing: CUDA events (perf_counter on CPU); each figure is the median of the repeats.

Sliding-window models (mistral-7b: W = 4096 on every layer, as kvplan's catalog has it): beyond
W tokens the window is honoured, so rows keep meaning what the catalog id means: decode keeps a
rolling cache of W slots and reads W keys; prefill computes the windowed attention exactly with
the same fused kernel (query chunks of W: a causal block inside the chunk plus a reversed, causal
block against the previous chunk, merged by log-sum-exp).
``--no-window`` ignores the window and says so.

See tools/README.md for usage and caveats.
"""
from __future__ import annotations

import argparse
import csv
import math
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F

HEADER = ["model", "hardware", "phase", "batch", "context", "seconds"]
GIB = 1024 ** 3


@dataclass(frozen=True)
class Shape:
    layers: int
    hidden: int
    heads: int
    kv_heads: int
    head_dim: int
    ffn: int
    vocab: int
    window: int = 0  # sliding window on every layer; 0 = full attention


# Built-in shapes, keyed by kvplan catalog id (Sources/KVLoader/Resources/models.yaml).
MODELS = {
    "llama-3.1-8b": Shape(32, 4096, 32, 8, 128, 14336, 128256),
    "llama-2-7b": Shape(32, 4096, 32, 32, 128, 11008, 32000),
    "mistral-7b": Shape(32, 4096, 32, 8, 128, 14336, 32000, window=4096),
    "qwen2.5-7b-1m": Shape(28, 3584, 28, 4, 128, 18944, 152064),
    "qwen2.5-14b-1m": Shape(48, 5120, 40, 8, 128, 13824, 152064),
}

DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}


def log(msg: str) -> None:
    print(f"[measure] {msg}", file=sys.stderr, flush=True)


def parse_tokens(text: str) -> int:
    """'4096', '4K' (=4096), '1M' (=1048576), '50_000'."""
    t = text.strip().replace("_", "").upper()
    mult = 1
    if t.endswith("K"):
        mult, t = 1024, t[:-1]
    elif t.endswith("M"):
        mult, t = 1024 * 1024, t[:-1]
    value = int(t) * mult
    if value <= 0:
        raise argparse.ArgumentTypeError(f"token count must be positive: {text!r}")
    return value


def parse_list(text: str) -> list[int]:
    return [parse_tokens(x) for x in text.split(",") if x.strip()]


def parse_pairs(text: str) -> list[tuple[int, int]]:
    pairs = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        if ":" not in item:
            raise argparse.ArgumentTypeError(f"decode pairs are batch:context, got {item!r}")
        b, c = item.split(":", 1)
        pairs.append((parse_tokens(b), parse_tokens(c)))
    return pairs


# ---------------------------------------------------------------------------------------------
# Sizes (for the fit checks)


def weight_bytes(s: Shape, layers: int, nbytes: int) -> int:
    per_layer = (s.hidden * (s.heads + 2 * s.kv_heads) * s.head_dim  # fused QKV
                 + s.heads * s.head_dim * s.hidden                  # output projection
                 + 3 * s.hidden * s.ffn                             # gate, up, down
                 + 2 * s.hidden)                                    # two RMSNorm weights
    return (layers * per_layer + s.vocab * s.hidden + s.hidden) * nbytes


def kv_tokens(s: Shape, context: int) -> int:
    """Cached tokens a session keeps (the window caps it)."""
    return min(context, s.window) if s.window else context


def kv_bytes_per_token(s: Shape, layers: int, nbytes: int) -> int:
    return layers * 2 * s.kv_heads * s.head_dim * nbytes


def prefill_workspace(s: Shape, n: int, nbytes: int) -> int:
    hd = s.heads * s.head_dim
    per_token = (nbytes * ((s.heads + 2 * s.kv_heads) * s.head_dim + 6 * hd + 5 * s.ffn + 4 * s.hidden)
                 + 4 * (2 * s.hidden + 2 * hd))
    if s.window and n > s.window:
        per_token += nbytes * 4 * hd + 4 * 3 * hd  # flipped copies and the fp32 merge
    return n * per_token + GIB


def decode_workspace(s: Shape, b: int, attn_len: int, nbytes: int) -> int:
    scores = b * s.heads * attn_len * (2 * nbytes + 4)
    acts = b * (4 * s.hidden + 3 * s.ffn + (s.heads + 2 * s.kv_heads) * s.head_dim) * nbytes * 4
    return 2 * scores + acts + b * s.vocab * (nbytes + 4) + GIB


def free_bytes(device: torch.device) -> int:
    if device.type == "cuda":
        torch.cuda.empty_cache()
        return torch.cuda.mem_get_info(device)[0]
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 1 << 62


# ---------------------------------------------------------------------------------------------
# The model


class Model:
    def __init__(self, s: Shape, layers: int, dtype: torch.dtype, device: torch.device, seed: int = 0):
        self.s, self.n_layers, self.dtype, self.device = s, layers, dtype, device
        g = torch.Generator(device=device)
        g.manual_seed(seed)

        def rand(*shape, std=0.02):
            return torch.empty(shape, dtype=dtype, device=device).normal_(0.0, std, generator=g)

        d, hd, kvd = s.hidden, s.heads * s.head_dim, s.kv_heads * s.head_dim
        self.layers = []
        for _ in range(layers):
            self.layers.append({
                "ln1": 1.0 + rand(d, std=0.1),
                "wqkv": rand(hd + 2 * kvd, d),      # nn.Linear layout (out, in)
                "wo": rand(d, hd),
                "ln2": 1.0 + rand(d, std=0.1),
                "wgu": rand(2 * s.ffn, d),           # gate and up, fused
                "wdown": rand(d, s.ffn),
            })
        self.ln_f = 1.0 + rand(d, std=0.1)
        self.lm_head = rand(s.vocab, d)
        self.scale = 1.0 / math.sqrt(s.head_dim)

    # -- pieces shared by prefill and decode ----------------------------------------------------
    def rmsnorm(self, x: torch.Tensor, w: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
        xf = x.float()
        xf = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)
        return xf.to(self.dtype) * w

    def mlp(self, x: torch.Tensor, p: dict) -> torch.Tensor:
        h = self.rmsnorm(x, p["ln2"])
        gate, up = F.linear(h, p["wgu"]).chunk(2, dim=-1)
        return x + F.linear(F.silu(gate) * up, p["wdown"])

    def head(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(self.rmsnorm(x, self.ln_f), self.lm_head)

    # -- prefill ---------------------------------------------------------------------------------
    def prefill(self, x: torch.Tensor, layers: int | None = None) -> torch.Tensor:
        """x: (n, d) hidden states of one prompt; returns the last token's logits (1, vocab)."""
        s = self.s
        n = x.shape[0]
        groups = s.heads // s.kv_heads
        for p in self.layers[: self.n_layers if layers is None else layers]:
            h = self.rmsnorm(x, p["ln1"])
            q, k, v = F.linear(h, p["wqkv"]).split(
                [s.heads * s.head_dim, s.kv_heads * s.head_dim, s.kv_heads * s.head_dim], dim=-1)
            q = q.view(n, s.heads, s.head_dim).transpose(0, 1).unsqueeze(0)  # (1, H, n, dh)
            k = expand_kv(k.view(n, s.kv_heads, s.head_dim).transpose(0, 1), groups).unsqueeze(0)
            v = expand_kv(v.view(n, s.kv_heads, s.head_dim).transpose(0, 1), groups).unsqueeze(0)
            if s.window and n > s.window:
                o = window_attention(q, k, v, s.window, self.scale)
            else:
                o = causal_attention(q, k, v, self.scale)
            o = o[0].transpose(0, 1).reshape(n, s.heads * s.head_dim)
            x = x + F.linear(o, p["wo"])
            x = self.mlp(x, p)
        return self.head(x[-1:])

    # -- decode ----------------------------------------------------------------------------------
    def decode(self, x: torch.Tensor, cache_k: torch.Tensor, cache_v: torch.Tensor,
               pos: int, attn_len: int, layers: int | None = None) -> torch.Tensor:
        """One step for b sessions. x: (b, d); cache_*: (layers, b, kv_heads, slots, dh).
        Writes the new token's K/V at slot ``pos`` in place, attends over the first ``attn_len``
        slots; returns logits (b, vocab)."""
        s = self.s
        b = x.shape[0]
        groups = s.heads // s.kv_heads
        for i, p in enumerate(self.layers[: self.n_layers if layers is None else layers]):
            h = self.rmsnorm(x, p["ln1"])
            q, k, v = F.linear(h, p["wqkv"]).split(
                [s.heads * s.head_dim, s.kv_heads * s.head_dim, s.kv_heads * s.head_dim], dim=-1)
            cache_k[i, :, :, pos] = k.view(b, s.kv_heads, s.head_dim)
            cache_v[i, :, :, pos] = v.view(b, s.kv_heads, s.head_dim)
            keys = cache_k[i, :, :, :attn_len]                       # (b, Hkv, C, dh)
            vals = cache_v[i, :, :, :attn_len]
            q = (q * self.scale).view(b, s.kv_heads, groups, s.head_dim)
            scores = torch.matmul(q, keys.transpose(-1, -2))         # (b, Hkv, G, C)
            probs = torch.softmax(scores, dim=-1, dtype=torch.float32).to(self.dtype)
            o = torch.matmul(probs, vals).reshape(b, s.heads * s.head_dim)
            x = x + F.linear(o, p["wo"])
            x = self.mlp(x, p)
        return self.head(x)


def expand_kv(t: torch.Tensor, groups: int) -> torch.Tensor:
    """(Hkv, n, dh) -> (H, n, dh), each KV head repeated for its `groups` query heads."""
    if groups == 1:
        return t
    hkv, n, dh = t.shape
    return t[:, None].expand(hkv, groups, n, dh).reshape(hkv * groups, n, dh)


ATTENTION = {"backend": "cudnn"}  # set from --attention in main()


def _sdpa_backend():
    from torch.nn.attention import SDPBackend
    return {"flash": SDPBackend.FLASH_ATTENTION, "cudnn": SDPBackend.CUDNN_ATTENTION,
            "efficient": SDPBackend.EFFICIENT_ATTENTION}[ATTENTION["backend"]]


def causal_attention(q, k, v, scale):
    """Causal SDPA through the fused kernel chosen by --attention (CUDA), torch's choice on CPU."""
    if q.device.type == "cuda":
        from torch.nn.attention import sdpa_kernel
        try:
            with sdpa_kernel(_sdpa_backend()):
                return F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=scale)
        except RuntimeError as e:  # e.g. cuDNN attention unsupported on this GPU
            if ATTENTION["backend"] == "flash":
                raise
            log(f"NOTE: {ATTENTION['backend']} attention unavailable ({str(e).splitlines()[0]}); "
                "falling back to flash for the rest of the run")
            ATTENTION["backend"] = "flash"
            return causal_attention(q, k, v, scale)
    return F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=scale)


def flash_with_lse(q, k, v, scale):
    """Causal fused attention returning (out, natural-log LSE (B, H, L)); q/k/v (B, H, L, dh),
    equal lengths. Same kernel family as causal_attention (--attention)."""
    B, H, L, _ = q.shape
    if q.device.type == "cuda":
        backend = ATTENTION["backend"]
        if backend == "flash":
            r = torch.ops.aten._scaled_dot_product_flash_attention(q, k, v, 0.0, True, False, scale=scale)
        elif backend == "cudnn":
            r = torch.ops.aten._scaled_dot_product_cudnn_attention(
                q, k, v, None, True, 0.0, True, False, scale=scale)
        else:
            r = torch.ops.aten._scaled_dot_product_efficient_attention(
                q, k, v, None, True, 0.0, True, scale=scale)
    else:
        r = torch.ops.aten._scaled_dot_product_flash_attention_for_cpu(q, k, v, 0.0, True, scale=scale)
    return r[0], r[1].reshape(B, H, -1)[..., :L].float()  # some kernels pad L or add a unit dim


def window_attention(q, k, v, window: int, scale: float) -> torch.Tensor:
    """Exact sliding-window causal attention (query p sees keys p-W+1..p) with fused kernels.

    Queries are cut into chunks of W. Query a of chunk i sees keys b <= a of chunk i (a causal
    block) and keys b > a of chunk i-1; reversing both orders turns the latter into a causal block
    too (queries a = 0..W-2, keys b = 1..W-1). The two partial results merge by log-sum-exp, so the
    work is the window's n*W pairs, not a masked n^2.
    q, k, v: (1, H, n, dh) with K/V already expanded to the query heads."""
    _, H, n, dh = q.shape
    W = window
    pad = (-n) % W
    if pad:  # padded tokens sit at the end: only padded queries see them, and those are cropped
        q, k, v = (F.pad(t, (0, 0, 0, pad)) for t in (q, k, v))
    m = (n + pad) // W
    qc, kc, vc = (t[0].view(H, m, W, dh).transpose(0, 1) for t in (q, k, v))  # (m, H, W, dh)
    out, lse = flash_with_lse(qc, kc, vc, scale)
    if m > 1 and W > 1:
        qb = qc[1:, :, : W - 1].flip(2)
        kb = kc[:-1, :, 1:].flip(2)
        vb = vc[:-1, :, 1:].flip(2)
        ob, lseb = flash_with_lse(qb, kb, vb, scale)
        ob, lseb = ob.flip(2).float(), lseb.flip(-1)
        la = lse[1:, :, : W - 1]
        total = torch.logaddexp(la, lseb)
        merged = (out[1:, :, : W - 1].float() * torch.exp(la - total).unsqueeze(-1)
                  + ob * torch.exp(lseb - total).unsqueeze(-1))
        out = out.clone()
        out[1:, :, : W - 1] = merged.to(out.dtype)
    out = out.transpose(0, 1).reshape(1, H, m * W, dh)
    return out[:, :, :n]


# ---------------------------------------------------------------------------------------------
# Timing


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_calls(fn, device, repeats: int, warmup: int) -> list[float]:
    """Seconds per call of fn(); CUDA events on the GPU, perf_counter on the CPU."""
    for _ in range(warmup):
        fn()
    sync(device)
    times = []
    for _ in range(repeats):
        if device.type == "cuda":
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            end.record()
            end.synchronize()
            times.append(start.elapsed_time(end) / 1e3)
        else:
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    return times


def time_graph(fn, device, repeats: int, warmup: int, use_graph: bool) -> list[float]:
    """Capture fn() as one CUDA graph and time back-to-back replays (each with its own events)."""
    if device.type != "cuda" or not use_graph:
        return time_calls(fn, device, repeats, warmup)
    side = torch.cuda.Stream(device)
    side.wait_stream(torch.cuda.current_stream(device))
    with torch.cuda.stream(side):
        for _ in range(3):  # allocator and cuBLAS warm-up before capture
            fn()
    torch.cuda.current_stream(device).wait_stream(side)
    sync(device)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        fn()
    for _ in range(warmup):
        graph.replay()
    sync(device)
    events = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True))
              for _ in range(repeats)]
    for start, end in events:
        start.record()
        graph.replay()
        end.record()
    sync(device)
    times = [start.elapsed_time(end) / 1e3 for start, end in events]
    del graph
    return times


# ---------------------------------------------------------------------------------------------
# Phases


class Writer:
    def __init__(self, path: str | None, append: bool):
        self.rows = []
        self.file = None
        if path:
            exists = append and os.path.exists(path) and os.path.getsize(path) > 0
            self.file = open(path, "a" if exists else "w", newline="")
            self.csv = csv.writer(self.file, lineterminator="\n")
            if not exists:
                self.csv.writerow(HEADER)
                self.file.flush()

    def row(self, model, hardware, phase, batch, context, seconds):
        r = [model, hardware, phase, batch, context, f"{seconds:.6g}"]
        self.rows.append(r)
        print(",".join(str(x) for x in r), flush=True)
        if self.file:
            self.csv.writerow(r)
            self.file.flush()

    def close(self):
        if self.file:
            self.file.close()


def scaled(full: float, head_only: float | None, layers: int, measured: int) -> float:
    """Scale a run of `measured` layers (+ head) to `layers` layers."""
    if measured == layers or head_only is None:
        return full
    return head_only + (full - head_only) * layers / measured


def run_prefill(model: Model, args, out: Writer, contexts):
    s, dev, nb = model.s, model.device, model.dtype.itemsize
    for n in contexts:
        need = prefill_workspace(s, n, nb)
        free = free_bytes(dev)
        if need > free:
            log(f"skip prefill n={n}: needs ~{need / GIB:.1f} GiB of activations, {free / GIB:.1f} GiB free")
            continue
        x = torch.empty(n, s.hidden, dtype=model.dtype, device=dev).normal_()
        times = time_calls(lambda: model.prefill(x), dev, args.prefill_repeats, args.warmup)
        t = statistics.median(times)
        head = None
        if model.n_layers < s.layers:
            head = statistics.median(time_calls(lambda: model.prefill(x, layers=0), dev,
                                                args.prefill_repeats, 1))
        sec = scaled(t, head, s.layers, model.n_layers)
        log(f"prefill n={n}: {sec:.6g} s (runs {', '.join(f'{v:.4g}' for v in times)})")
        out.row(args.name, args.hardware, "prefill", 1, n, sec)
        del x


def run_decode(model: Model, args, out: Writer, pairs):
    s, dev, nb = model.s, model.device, model.dtype.itemsize
    for b, c in pairs:
        # The step attends over c keys per session: the new token's K/V is written in place at
        # the last slot (a session of c-1 tokens growing to c). Keeping the key count at c (not
        # c + 1) keeps the batched matmuls' leading dimensions aligned, as paged caches do;
        # an odd key count sends cuBLAS to slow unaligned kernels (1.5-9x slower on an H100).
        if s.window and c >= s.window:
            slots, pos, attn_len = s.window, c % s.window, s.window   # rolling window cache
        else:
            slots, pos, attn_len = c, c - 1, c
        kv = b * slots * kv_bytes_per_token(s, model.n_layers, nb)
        need = kv + decode_workspace(s, b, attn_len, nb)
        free = free_bytes(dev)
        if need > free:
            log(f"skip decode_step b={b} c={c}: KV {kv / GIB:.1f} GiB (+ workspace) does not fit "
                f"beside the weights, {free / GIB:.1f} GiB free")
            continue
        shape = (model.n_layers, b, s.kv_heads, slots, s.head_dim)
        ck = torch.empty(shape, dtype=model.dtype, device=dev).normal_()
        cv = torch.empty(shape, dtype=model.dtype, device=dev).normal_()
        x = torch.empty(b, s.hidden, dtype=model.dtype, device=dev).normal_()
        times = time_graph(lambda: model.decode(x, ck, cv, pos, attn_len), dev,
                           args.repeats, args.warmup, not args.no_graph)
        t = statistics.median(times)
        head = None
        if model.n_layers < s.layers:
            head = statistics.median(time_graph(lambda: model.decode(x, ck, cv, pos, attn_len, layers=0),
                                                dev, args.repeats, args.warmup, not args.no_graph))
        sec = scaled(t, head, s.layers, model.n_layers)
        log(f"decode_step b={b} c={c} (reads {attn_len} keys/session): {sec:.6g} s "
            f"(min {min(times):.4g}, max {max(times):.4g})")
        out.row(args.name, args.hardware, "decode_step", b, c, sec)
        del ck, cv, x


def run_context_switch(s: Shape, args, out: Writer, contexts, dtype, dev):
    """One session's KV out (device->host) then another's in (host->device), pinned buffers,
    sequential on one stream: 2*KV(n) bytes. Always full depth."""
    nb = dtype.itemsize
    pin = dev.type == "cuda"
    for n in contexts:
        shape = (s.layers, s.kv_heads, kv_tokens(s, n), s.head_dim)
        kv = 2 * math.prod(shape) * nb
        if dev.type == "cuda" and kv + GIB > free_bytes(dev):
            log(f"skip context_switch n={n}: KV {kv / GIB:.1f} GiB does not fit on the device")
            continue
        host_free = free_bytes(torch.device("cpu"))
        if 2 * kv + 2 * GIB > host_free:
            log(f"skip context_switch n={n}: needs {2 * kv / GIB:.1f} GiB of host memory")
            continue
        dk = torch.empty(shape, dtype=dtype, device=dev).normal_()
        dv = torch.empty(shape, dtype=dtype, device=dev).normal_()
        out_k, out_v, in_k, in_v = (torch.empty(shape, dtype=dtype, pin_memory=pin) for _ in range(4))
        in_k.copy_(dk)  # session B's KV: random values, filled at copy speed (not CPU normal_)
        in_v.copy_(dv)

        def swap():
            out_k.copy_(dk, non_blocking=pin)   # session A out
            out_v.copy_(dv, non_blocking=pin)
            dk.copy_(in_k, non_blocking=pin)    # session B in
            dv.copy_(in_v, non_blocking=pin)

        times = time_calls(swap, dev, args.switch_repeats, args.warmup)
        t = statistics.median(times)
        log(f"context_switch n={n}: {t:.6g} s for 2 x {kv / 1e9:.3f} GB "
            f"({2 * kv / t / 1e9:.1f} GB/s)")
        out.row(args.name, args.hardware, "context_switch", 1, n, t)
        del dk, dv, out_k, out_v, in_k, in_v


# ---------------------------------------------------------------------------------------------
# Self-check (numerics of the attention paths against a plain reference)


def self_check(dev, dtype) -> None:
    torch.manual_seed(0)
    tol = 3e-2 if dtype != torch.float32 else 1e-4
    H, n, dh, W = 4, 80, 16, 32
    q, k, v = (torch.randn(1, H, n, dh, device=dev, dtype=dtype) for _ in range(3))
    i = torch.arange(n, device=dev)
    allowed = (i[None, :] <= i[:, None]) & (i[:, None] - i[None, :] < W)
    ref = F.scaled_dot_product_attention(q.float(), k.float(), v.float(), attn_mask=allowed)
    got = window_attention(q, k, v, W, 1.0 / math.sqrt(dh)).float()
    err = (got - ref).abs().max().item()
    if err > tol:
        raise SystemExit(f"self-check failed: window attention error {err:.3g}")
    H, n, dh, W = 8, 1000, 128, 256
    q, k, v = (torch.randn(1, H, n, dh, device=dev, dtype=dtype) for _ in range(3))
    i = torch.arange(n, device=dev)
    allowed = (i[None, :] <= i[:, None]) & (i[:, None] - i[None, :] < W)
    ref = F.scaled_dot_product_attention(q.float(), k.float(), v.float(), attn_mask=allowed)
    got = window_attention(q, k, v, W, 1.0 / math.sqrt(dh)).float()
    err = (got - ref).abs().max().item()
    if err > tol:
        raise SystemExit(f"self-check failed: window attention (dh 128) error {err:.3g}")
    full = causal_attention(q, k, v, 1.0 / math.sqrt(dh)).float()
    ref = F.scaled_dot_product_attention(q.float(), k.float(), v.float(), is_causal=True)
    err = (full - ref).abs().max().item()
    if err > tol:
        raise SystemExit(f"self-check failed: causal attention error {err:.3g}")
    # GQA decode attention against expanded reference
    s = Shape(1, 32, 4, 2, 8, 64, 50)
    m = Model(s, 1, dtype, dev)
    b, c = 2, 12
    ck = torch.randn(1, b, s.kv_heads, c + 1, s.head_dim, device=dev, dtype=dtype)
    cv = torch.randn_like(ck)
    x = torch.randn(b, s.hidden, device=dev, dtype=dtype)
    got = m.decode(x, ck.clone(), cv.clone(), c, c + 1)  # write at slot c, attend c + 1 keys
    # reference: the same layer through prefill-style full attention of the one new query
    p = m.layers[0]
    h = m.rmsnorm(x, p["ln1"])
    qq, kk, vv = F.linear(h, p["wqkv"]).split([32, 16, 16], dim=-1)
    ck[0, :, :, c] = kk.view(b, 2, 8)
    cv[0, :, :, c] = vv.view(b, 2, 8)
    keys = ck[0].repeat_interleave(2, dim=1).float()
    vals = cv[0].repeat_interleave(2, dim=1).float()
    o = F.scaled_dot_product_attention(qq.view(b, 4, 1, 8).float(), keys, vals).reshape(b, 32)
    ref = m.head(m.mlp(x + F.linear(o.to(dtype), p["wo"]), p)).float()
    err = (got.float() - ref).abs().max().item() / max(ref.abs().max().item(), 1e-6)
    if err > 5 * tol:
        raise SystemExit(f"self-check failed: decode attention relative error {err:.3g}")
    log("self-check passed (window attention, GQA decode attention)")


# ---------------------------------------------------------------------------------------------


def environment(dev) -> str:
    parts = [f"torch {torch.__version__}"]
    if dev.type == "cuda":
        parts.append(f"CUDA {torch.version.cuda}")
        parts.append(torch.cuda.get_device_name(dev))
        try:
            q = subprocess.run(
                ["nvidia-smi", "--query-gpu=driver_version,clocks.sm,clocks.max.sm,clocks.mem,"
                 "power.limit,temperature.gpu", "--format=csv,noheader"],
                capture_output=True, text=True, timeout=20)
            if q.returncode == 0:
                parts.append("nvidia-smi: driver, sm clock, max sm clock, mem clock, power limit, temp = "
                             + q.stdout.strip())
        except (OSError, subprocess.SubprocessError):
            pass
    else:
        parts.append(f"CPU, {torch.get_num_threads()} threads")
    return "; ".join(parts)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description="Measure prefill / decode-step / context-switch latency of a model shape "
                    "with random weights; writes model,hardware,phase,batch,context,seconds.",
        epilog="Token counts accept K (1024) and M suffixes: 4K = 4096, 128K = 131072.")
    g = p.add_argument_group("shape")
    g.add_argument("--model", choices=sorted(MODELS), help="built-in shape (kvplan catalog id)")
    g.add_argument("--name", help="model column in the CSV (default: --model, else 'custom')")
    for flag in ("layers", "hidden", "heads", "kv-heads", "head-dim", "ffn", "vocab"):
        g.add_argument(f"--{flag}", type=int)
    g.add_argument("--sliding-window", type=int,
                   help="window W on every layer (default: the built-in model's; 0 = none)")
    g.add_argument("--no-window", action="store_true",
                   help="ignore the model's sliding window (measures full attention; rows then "
                        "differ from the catalog model beyond W tokens)")
    w = p.add_argument_group("what to measure")
    w.add_argument("--prefill-contexts", type=parse_list, default=[], metavar="N[,N...]")
    w.add_argument("--decode", type=parse_pairs, default=[], metavar="B:C[,B:C...]")
    w.add_argument("--context-switch", type=parse_list, default=[], metavar="N[,N...]")
    r = p.add_argument_group("how")
    r.add_argument("--hardware", default="unknown", help="hardware column in the CSV, e.g. h100-sxm")
    r.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu",
                   choices=["cuda", "cpu"])
    r.add_argument("--dtype", default="bf16", choices=sorted(DTYPES))
    r.add_argument("--layers-measured", type=int,
                   help="build only N layers and scale the layer time by layers/N (head timed "
                        "separately); for shapes whose weights+KV do not fit; default: all layers")
    r.add_argument("--repeats", type=int, default=20, help="decode repeats (median), default 20")
    r.add_argument("--prefill-repeats", type=int, default=3, help="prefill repeats, default 3")
    r.add_argument("--switch-repeats", type=int, default=5, help="context-switch repeats, default 5")
    r.add_argument("--warmup", type=int, default=1, help="untimed runs before each measurement")
    r.add_argument("--no-graph", action="store_true", help="decode without a CUDA graph")
    r.add_argument("--attention", default="cudnn", choices=["cudnn", "flash", "efficient"],
                   help="fused SDPA kernel for prefill attention on CUDA (default cudnn, the one "
                        "that reproduces measured-h100.csv; ignored on CPU)")
    r.add_argument("--self-check", action="store_true",
                   help="check the attention paths against a reference on tiny tensors first")
    r.add_argument("--out", help="CSV file to write (rows are also printed to stdout)")
    r.add_argument("--append", action="store_true", help="append to --out instead of replacing it")
    r.add_argument("--seed", type=int, default=0)
    return p


def resolve_shape(args, parser) -> Shape:
    overrides = {f: getattr(args, f.replace("-", "_")) for f in
                 ("layers", "hidden", "heads", "kv-heads", "head-dim", "ffn", "vocab")}
    overrides = {k.replace("-", "_"): v for k, v in overrides.items() if v is not None}
    if args.model:
        s = replace(MODELS[args.model], **overrides)
        if overrides and not args.name:
            parser.error("--model with shape overrides changes the shape: give it a --name")
        args.name = args.name or args.model
    else:
        missing = [k for k in ("layers", "hidden", "heads", "kv_heads", "head_dim", "ffn", "vocab")
                   if k not in overrides]
        if missing:
            parser.error("give --model or the whole shape; missing: "
                         + ", ".join("--" + m.replace("_", "-") for m in missing))
        s = Shape(**overrides)
        args.name = args.name or "custom"
    if args.sliding_window is not None:
        s = replace(s, window=args.sliding_window)
    if s.heads % s.kv_heads:
        parser.error("heads must be a multiple of kv_heads")
    if args.no_window and s.window:
        longest = max(args.prefill_contexts + [c for _, c in args.decode] + args.context_switch,
                      default=0)
        if longest > s.window:
            log(f"NOTE: --no-window: {args.name} has a {s.window}-token sliding window; "
                f"contexts above {s.window} are measured with full attention and do not match "
                f"the catalog model")
        s = replace(s, window=0)
    elif s.window:
        log(f"{args.name}: sliding window {s.window} honoured (prefill windowed beyond "
            f"{s.window} tokens, decode reads at most {s.window} keys per session)")
    return s


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    shape = resolve_shape(args, parser)
    dev = torch.device(args.device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda but torch sees no CUDA device")
    dtype = DTYPES[args.dtype]
    layers = args.layers_measured or shape.layers
    if not 1 <= layers <= shape.layers:
        parser.error(f"--layers-measured must be in 1..{shape.layers}")
    ATTENTION["backend"] = args.attention
    log(environment(dev))
    log(f"{args.name}: {shape}, dtype {args.dtype}, prefill attention {args.attention}, "
        f"measuring {layers}/{shape.layers} layers"
        + ("" if layers == shape.layers else " (times scaled by layers; see README)"))
    if args.self_check:
        self_check(dev, dtype)

    torch.set_grad_enabled(False)
    out = Writer(args.out, args.append)
    try:
        with torch.inference_mode():
            if args.prefill_contexts or args.decode:
                wb = weight_bytes(shape, layers, dtype.itemsize)
                free = free_bytes(dev)
                if wb + GIB > free:
                    log(f"skip prefill/decode: weights {wb / GIB:.1f} GiB do not fit "
                        f"({free / GIB:.1f} GiB free); try --layers-measured")
                else:
                    model = Model(shape, layers, dtype, dev, args.seed)
                    log(f"weights {wb / GIB:.2f} GiB allocated")
                    run_prefill(model, args, out, args.prefill_contexts)
                    run_decode(model, args, out, args.decode)
                    del model
            if args.context_switch:
                if dev.type == "cuda":
                    torch.cuda.empty_cache()
                run_context_switch(shape, args, out, args.context_switch, dtype, dev)
    finally:
        out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
