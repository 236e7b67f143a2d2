"""Many subjects: training throughput and peak memory of a whole run as the number of subjects S and parcels P grow.

Each size runs in a fresh process (so its peak is its own): random data with a shared signal, one training run of 266
TRs and a validation run of 130 TRs (the size of a 289-subject movie data set), then `run_experiment` with the
default model and recipe cut to one epoch of `--steps` batches: closed-form start (also timed alone: its
cross-validated choice of encoders, latent size and alpha), training, evaluation, the leave-one-
out baseline and per-parcel significance (1000 null draws). Prints, per size: samples/s and subject-clips/s of
training, the peak resident memory of the process (and of the GPU on cuda), the memory of the imports and the data
alone, and the memory above it per subject, with its ratio to the smallest S at the same P (1.0: linear in S).

    python benchmarks/bench_subjects.py [--device cpu] [--steps 4] [--sizes 16x300,64x300,289x300,4x1000]
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def peak_rss_gb() -> float:
    "Peak resident memory of this process so far, in GB (Linux: ru_maxrss is in KiB)."
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9


def measure(n_subjects: int, n_parcels: int, device: str, steps: int, out_dir: str) -> dict:
    "One size in this process: data, then a whole `run_experiment`; figures of throughput and memory."
    import numpy as np
    import torch
    from xsub.data import Runs
    from xsub.experiment import run_experiment
    from xsub.config import TrainConfig

    rng = np.random.default_rng(0)

    def run(n_trs: int) -> np.ndarray:  # (S, T, P): a shared signal plus each subject's noise
        shared = rng.standard_normal((1, n_trs, n_parcels), dtype=np.float32)
        return shared + 2 * rng.standard_normal((n_subjects, n_trs, n_parcels), dtype=np.float32)

    runs = Runs({"train": run(266), "val": run(130)}, range(1, n_subjects + 1))
    floor = peak_rss_gb()  # imports and data
    config = TrainConfig(epochs=1, samples_per_epoch=16 * steps, inner_val=0.0, val_runs=("val",), device=device,
                         progress=False, out_dir=out_dir)
    from xsub.models import CrossSubjectEncoder
    from xsub.config import receptive_field
    from xsub.start import closed_form_start
    t0 = time.perf_counter()  # the closed-form start alone (run_experiment fits it again, inside the whole run)
    start = closed_form_start(CrossSubjectEncoder(n_subjects, n_parcels, config.embed_dim, config.kernel_size),
                              {"train": runs["train"]}, gap=receptive_field(config))
    start_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_experiment(config, runs, figures=False)
    seconds = time.perf_counter() - t0
    epoch = [json.loads(line) for line in Path(out_dir, "metrics.jsonl").read_text().splitlines()][-1]
    return {"S": n_subjects, "P": n_parcels, "samples_per_s": epoch["samples_per_s"],
            "subject_clips_per_s": epoch["samples_per_s"] * n_subjects, "run_s": seconds, "start_s": start_s,
            "start": f"{start['encoder']} {start['dim']}", "floor_gb": floor,
            "peak_gb": peak_rss_gb(), "gpu_peak_gb": torch.cuda.max_memory_allocated() / 1e9
            if torch.cuda.is_available() and device.startswith("cuda") else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", help="torch device for training and prediction (cpu, cuda)")
    parser.add_argument("--steps", type=int, default=4, help="training batches of 16 clips (one epoch)")
    parser.add_argument("--sizes", default="16x300,64x300,289x300,4x1000", help="SxP, comma-separated")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure one size in this process
    args = parser.parse_args()
    if args.one:
        s, p = map(int, args.one.split("x"))
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(measure(s, p, args.device, args.steps, str(Path(tmp) / "run"))))
        return
    print(f"device {args.device}, {args.steps} batches of 16 clips (64 TRs), whole run_experiment per size", flush=True)
    rows = []
    for size in args.sizes.split(","):
        done = subprocess.run([sys.executable, __file__, "--one", size, "--device", args.device, "--steps",
                               str(args.steps)], capture_output=True, text=True, env=os.environ | {"PYTHONWARNINGS": "ignore"})
        if done.returncode:
            sys.exit(f"{size} failed:\n{done.stderr[-3000:]}")
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        row = rows[-1]
        smallest = min((r for r in rows if r["P"] == row["P"]), key=lambda r: r["S"])
        per_subject = (row["peak_gb"] - row["floor_gb"]) / row["S"]
        ratio = per_subject / ((smallest["peak_gb"] - smallest["floor_gb"]) / smallest["S"])
        gpu = f" | GPU peak {row['gpu_peak_gb']:.2f} GB" if row["gpu_peak_gb"] is not None else ""
        print(f"S {row['S']:4d} P {row['P']:5d} | {row['samples_per_s']:8.1f} samples/s "
              f"({row['subject_clips_per_s']:7.0f} subject-clips/s) | closed-form start {row['start_s']:5.1f} s ({row['start']}) | "
              f"whole run {row['run_s']:6.1f} s | peak "
              f"{row['peak_gb']:.2f} GB (imports + data {row['floor_gb']:.2f} GB; above it {1000 * per_subject:.1f} MB "
              f"per subject, {ratio:.2f}x S={smallest['S']}'s){gpu}", flush=True)


if __name__ == "__main__":
    main()
