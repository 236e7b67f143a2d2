"""Training speed of xsub's CrossSubjectEncoder vs a faithful per-subject-loop port of the reference model.

Trains the reference configuration (embed 256, kernel 11, batch 16, clips of 64 TRs, P 1000, S 4) with both models in the
same run, from the same weights on the same batches, in fp32 and with bf16 autocast, and prints samples/s, the
ratio, and the final losses (which must agree: same model, same data, same number of steps). Each side trains the
way its code does: the reference model with PyTorch's default AdamW, xsub with `xsub.train.adamw` (PyTorch's fused AdamW, as
`xsub_train` uses it; same settings). A second line shows xsub's model with the reference notebook's optimizer, so the model's own
share of the speed-up shows. Then prints xsub's
samples/s for S = 4, 8, 16, 64 subjects and the cost per subject. Page faults and system time per step are printed
beside every figure: glibc's malloc returns large freed blocks to the kernel, so every step page-faults fresh
memory in, and that work grows faster than S. So by default the benchmark first calls
`xsub.train.keep_freed_memory()`, as `xsub_train` does (`--no-keep-freed-memory`: glibc's default settings);
`--jemalloc` reruns it with jemalloc preloaded and set to keep freed memory (PyTorch's CPU tuning advice).
Each applies to both models alike.

    python benchmarks/bench_models.py                 # all threads torch sees, keeping freed memory
    python benchmarks/bench_models.py --threads 2 --repeats 7
    python benchmarks/bench_models.py --no-keep-freed-memory   # glibc's default malloc settings
    python benchmarks/bench_models.py --jemalloc      # needs libjemalloc.so.2 (apt install libjemalloc2), or:
    python benchmarks/bench_models.py --jemalloc /path/to/libjemalloc.so.2
    python benchmarks/bench_models.py --threads 1 --clock cpu   # CPU seconds: steadier on a shared machine
    python benchmarks/bench_models.py --quick         # smaller, for a smoke test
"""
import argparse
import copy
import ctypes.util
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

CLOCK = time.perf_counter  # --clock cpu: time.process_time (CPU seconds of this process; robust on a shared machine)
JEMALLOC_CONF = "dirty_decay_ms:-1,muzzy_decay_ms:-1"  # keep freed pages for reuse instead of returning them

import xsub.train
from xsub.models import CrossSubjectEncoder, ReferenceModel, copy_reference_weights
from xsub.train import keep_freed_memory


def allocator(kept: bool) -> str:
    "The malloc this process uses, from its memory maps (jemalloc/tcmalloc when preloaded, else the C library's)."
    maps = Path("/proc/self/maps").read_text() if Path("/proc/self/maps").exists() else ""
    for name in ("jemalloc", "tcmalloc"):
        if name in maps:
            return f"{name} (MALLOC_CONF={os.environ.get('MALLOC_CONF', '')!r})"
    return "glibc malloc, keeping freed memory" if kept else "the C library's malloc, default settings"


def find_jemalloc(path: str | None) -> str:
    "Path of libjemalloc: the one given, or the system's."
    candidates = [path] if path else [ctypes.util.find_library("jemalloc"), "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
                                      "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2", "/usr/local/lib/libjemalloc.so.2"]
    for c in filter(None, candidates):
        if os.path.isfile(c) or (os.sep not in c and c.startswith("libjemalloc")):
            return c
    sys.exit(f"--jemalloc: no libjemalloc found (looked at {[c for c in candidates if c]}); install it "
             "(apt install libjemalloc2, conda install jemalloc) or pass its path: --jemalloc /path/libjemalloc.so.2")


def rerun_with_jemalloc(path: str) -> None:
    "Re-execute this script with jemalloc preloaded and configured to keep freed memory."
    env = dict(os.environ, LD_PRELOAD=path, MALLOC_CONF=JEMALLOC_CONF, XSUB_BENCH_REEXEC="1")
    os.execve(sys.executable, [sys.executable] + sys.argv, env)  # XSUB_BENCH_REEXEC: run, do not re-execute again


def make_batches(n_batches: int, batch_size: int, n_subjects: int, length: int, n_parcels: int, seed: int = 0):
    "Clips with a shared signal plus subject noise, so cross-subject prediction has something to learn."
    g = torch.Generator().manual_seed(seed)
    shared = torch.randn(n_batches, batch_size, 1, length, n_parcels, generator=g)  # (B, N, 1, L, P)
    noise = torch.randn(n_batches, batch_size, n_subjects, length, n_parcels, generator=g)  # (B, N, S, L, P)
    return list(shared + noise)  # B x (N, S, L, P)


def adamw(model) -> torch.optim.AdamW:
    "The reference notebook's optimizer: AdamW, lr 3e-4, weight decay 1e-3."
    return torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=1e-3)


def xsub_adamw(model) -> torch.optim.AdamW:
    "xsub's optimizer with the reference notebook's settings: `xsub.train.adamw` (fused AdamW where PyTorch has it), lr 3e-4, wd 1e-3."
    return xsub.train.adamw(model.parameters(), lr=3e-4, weight_decay=1e-3)


def final_losses(model, make_optimizer, batches, n_steps: int, bf16: bool) -> list[float]:
    "Losses of `n_steps` training steps of a copy of `model` (the model itself is left untouched)."
    model = copy.deepcopy(model)
    return train_steps(model, batches, n_steps, bf16, make_optimizer(model))[1]


def train_steps(model, batches, n_steps: int, bf16: bool,
                opt: torch.optim.Optimizer | None = None) -> tuple[list[float], list[float]]:
    "Run optimizer steps cycling over `batches` (a new `adamw` unless `opt` is given); returns (seconds per step, losses)."
    opt = opt or adamw(model)
    times, losses = [], []
    for i in range(n_steps):
        x = batches[i % len(batches)]
        t0 = CLOCK()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            pred = model(x)  # (N, S, L, P)
        loss = F.mse_loss(pred.float(), x)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        times.append(CLOCK() - t0)
        losses.append(loss.item())
    return times, losses


class Kernel:
    "Page faults and system CPU seconds of this process between `start()` and `per_step(n)`."
    def start(self) -> None:
        self.r0 = resource.getrusage(resource.RUSAGE_SELF)

    def per_step(self, n_steps: int) -> tuple[float, float]:
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        return (r1.ru_minflt - self.r0.ru_minflt) / n_steps, (r1.ru_stime - self.r0.ru_stime) / n_steps


def median_step(model, batches, bf16: bool, warmup: int, steps: int, repeats: int, kernel: Kernel | None = None,
                opt: torch.optim.Optimizer | None = None) -> float:
    "Median seconds per training step over `repeats` blocks of `steps` steps, after `warmup` steps, with one optimizer."
    opt = opt or adamw(model)
    train_steps(model, batches, warmup, bf16, opt)  # the first step also allocates the optimizer's state
    if kernel:
        kernel.start()
    blocks = [statistics.median(train_steps(model, batches, steps, bf16, opt)[0]) for _ in range(repeats)]
    return statistics.median(blocks)


def compare_with_reference(args) -> None:
    S, P, D, k, N, L = 4, 1000, args.embed_dim, args.kernel_size, args.batch_size, args.length
    print(f"\n== reference configuration: S {S}, P {P}, embed {D}, kernel {k}, batch {N}, L {L}; "
          f"{torch.get_num_threads()} threads ==")
    batches = make_batches(4, N, S, L, P)
    for bf16 in (False, True):
        torch.manual_seed(3315)
        reference = ReferenceModel(S, P, D, k)
        models = {"reference": (reference, adamw),  # the reference model and optimizer
                  "xsub": (copy_reference_weights(reference, CrossSubjectEncoder(S, P, D, k, skip=False)), xsub_adamw),
                  "xsub model, reference AdamW": (copy_reference_weights(reference, CrossSubjectEncoder(S, P, D, k, skip=False)),
                                               adamw)}
        # accuracy: same weights, same batches, same steps -> same losses
        losses = {name: final_losses(m, make, batches, args.check_steps, bf16) for name, (m, make) in models.items()}
        # speed: interleave the models so background load hits all alike
        times = {name: [] for name in models}
        faults = {name: [] for name in models}
        opts = {name: make(m) for name, (m, make) in models.items()}
        for _ in range(args.repeats):
            for name, (m, _) in models.items():
                kernel = Kernel()
                times[name].append(median_step(m, batches, bf16, 1, args.steps, 1, kernel, opts[name]))
                faults[name].append(kernel.per_step(args.steps))
        ts, tf, tm = (statistics.median(times[name]) for name in models)
        pairs = [a / b for a, b in zip(times["reference"], times["xsub"])]  # each interleaved reference/xsub pair of blocks
        tag = "bf16 autocast" if bf16 else "fp32"
        if not bf16:
            reference_fp32 = ts
        print(f"{tag:>13}: reference {N / ts:7.1f} samples/s | xsub {N / tf:7.1f} samples/s | xsub/reference {ts / tf:.2f}x "
              f"(pairs {min(pairs):.2f}-{max(pairs):.2f}x)"
              + (f" | xsub bf16 / reference fp32 {reference_fp32 / tf:.2f}x" if bf16 else ""))
        print(f"{'':>13}  xsub's model with the reference model's AdamW (not fused): {N / tm:7.1f} samples/s, {ts / tm:.2f}x the reference")
        for name, f in faults.items():
            print(f"{'':>13}  {name}: {statistics.median(x[0] for x in f):7.0f} page faults/step, "
                  f"{statistics.median(x[1] for x in f) * 1e3:5.1f} ms system time/step")
        first, last = losses["reference"][0], losses["reference"][-1]
        print(f"{'':>13}  loss after {args.check_steps} steps (first {first:.5f}): reference {last:.5f}, "
              + ", ".join(f"{name} {v[-1]:.5f} (|diff| {abs(v[-1] - last):.2e})" for name, v in losses.items()
                          if name != "reference"))


def scaling(args) -> None:
    P, D, k, N, L = 1000, args.embed_dim, args.kernel_size, args.batch_size, args.length
    print(f"\n== xsub cost vs number of subjects (P {P}, embed {D}, kernel {k}, batch {N}, L {L}, fp32) ==")
    base = None
    for S in args.subjects:
        torch.manual_seed(0)
        model = CrossSubjectEncoder(S, P, D, k)
        batches = make_batches(2, N, S, L, P)
        steps, kernel = max(3, args.steps // max(1, S // 8)), Kernel()  # fewer steps for large S, never fewer than 3
        t = median_step(model, batches, False, 2, steps, args.repeats, kernel)
        faults, system = kernel.per_step(steps * args.repeats)
        per_subject = t / S
        base = base or per_subject
        print(f"S {S:3d}: {N / t:8.1f} samples/s | {t * 1e3:8.1f} ms/step | {per_subject * 1e3:6.1f} ms per subject "
              f"({per_subject / base:.2f}x the S={args.subjects[0]} cost per subject) | {faults / S:7.0f} page faults "
              f"and {system / S * 1e3:5.1f} ms system time per step per subject")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's default)")
    p.add_argument("--embed-dim", type=int, default=256)
    p.add_argument("--kernel-size", type=int, default=11)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--length", type=int, default=64)
    p.add_argument("--steps", type=int, default=5, help="timed steps per block")
    p.add_argument("--repeats", type=int, default=5, help="blocks; the median is reported")
    p.add_argument("--check-steps", type=int, default=20, help="training steps of the accuracy check")
    p.add_argument("--subjects", type=int, nargs="+", default=[4, 8, 16, 64])
    p.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                   help="wall: elapsed time; cpu: process CPU time (use with --threads 1 on a busy machine)")
    p.add_argument("--keep-freed-memory", action=argparse.BooleanOptionalAction, default=True,
                   help="call xsub.train.keep_freed_memory() first, as xsub_train does (glibc: no page faults "
                        "every step); --no-keep-freed-memory keeps glibc's default settings")
    p.add_argument("--jemalloc", nargs="?", const="", default=None, metavar="PATH",
                   help="rerun with jemalloc preloaded (keeping freed memory); PATH defaults to the system's")
    p.add_argument("--skip-reference", action="store_true", help="only the S scaling")
    p.add_argument("--quick", action="store_true", help="few steps and subjects (smoke test)")
    args = p.parse_args(argv)
    if args.jemalloc is not None and not os.environ.get("XSUB_BENCH_REEXEC"):
        rerun_with_jemalloc(find_jemalloc(args.jemalloc or None))
    global CLOCK
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.clock == "cpu":
        CLOCK = time.process_time
    if args.quick:
        args.steps, args.repeats, args.check_steps, args.subjects = 2, 1, 3, [4, 8]
    kept = keep_freed_memory() if args.keep_freed_memory else False
    if args.keep_freed_memory and not kept:
        print("keep_freed_memory: this C library is not glibc; its malloc keeps its own settings")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {args.clock} clock, "
          f"allocator: {allocator(kept)}")
    if not args.skip_reference:
        compare_with_reference(args)
    scaling(args)


if __name__ == "__main__":
    main()
