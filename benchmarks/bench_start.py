"""The closed-form start at scale: time of `choose_start` (the cross-validated choice of encoders, latent size and alpha)
and of each of its stages, and of `choose_skip_kernel` (the skip kernel's cross-validation, which follows it), against
one pass over the same data (a reference measured in the same run).

Random data with a shared signal, in the shapes that matter: Algonauts-like runs (4 subjects x 1000 parcels, runs of
460 TRs; `full` has 242 training runs) and many subjects (289 x 293, one run of 266 TRs). Each stage's total time
comes from wrapping the functions `choose_start` calls; "passes" is the start's time over that of one pass (masking
the training TRs of every run and multiplying them by a (P, 32) map, as every stage must at least do).

    python benchmarks/bench_start.py [--sizes 4x1000x24,289x293x1] [--trs 460]
"""
import argparse
import time
from collections import defaultdict

import numpy as np
import torch

import xsub.start as start
from xsub.config import TrainConfig, receptive_field


def random_runs(n_subjects: int, n_parcels: int, n_runs: int, n_trs: int) -> list[np.ndarray]:
    "`n_runs` runs (S, T, P) of a shared signal plus each subject's noise."
    rng = np.random.default_rng(0)
    return [rng.standard_normal((1, n_trs, n_parcels), dtype=np.float32)
            + 2 * rng.standard_normal((n_subjects, n_trs, n_parcels), dtype=np.float32) for _ in range(n_runs)]


def one_pass_s(runs: list[np.ndarray], gap: int) -> float:
    "Seconds of one reference pass: every run's training TRs of the first fold, times a (P, 32) map."
    masks = start.fold_masks([x.shape[1] for x in runs], 5, gap)[0][0]
    e = torch.randn(runs[0].shape[2], 32)
    t0 = time.perf_counter()
    for x in start._pieces(runs, masks):  # (S, t, P)
        x @ e  # (S, t, 32)
    return time.perf_counter() - t0


def timed_stages(runs: list[np.ndarray], gap: int) -> tuple[float, dict, dict, list]:
    """(seconds of choose_start, the folds' PCAs included, {stage: seconds}, the choice, the folds' PCAs), each stage
    timed where it is called; the PCAs are computed once for both cross-validations, as `closed_form_start` does."""
    spent, originals = defaultdict(float), {}
    names = ("group_mean_pca", "shared_response_maps", "decoder_stats", "fit_gain_and_decoder", "held_out_r")

    def timer(name, fn):
        def wrapped(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - t0
        return wrapped

    for name in names:
        originals[name] = getattr(start, name)
        setattr(start, name, timer(name, originals[name]))
    try:
        t0 = time.perf_counter()
        pcas = start.fold_pcas(runs, 32, 5, gap)
        choice, _ = start.choose_start(runs, 32, 5, gap, pcas=pcas)
        total = time.perf_counter() - t0
    finally:
        for name, fn in originals.items():
            setattr(start, name, fn)
    return total, dict(spent), choice, pcas


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="4x1000x24,289x293x1", help="SxPxRUNS, comma-separated")
    parser.add_argument("--trs", type=int, default=460, help="TRs per run of the 4-subject sizes (266 for the others)")
    args = parser.parse_args()
    torch.manual_seed(0)
    gap = receptive_field(TrainConfig())
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; gap {gap} TRs; 5 folds")
    for size in args.sizes.split(","):
        S, P, R = map(int, size.split("x"))
        runs = random_runs(S, P, R, args.trs if S <= 16 else 266)
        reference = min(one_pass_s(runs, gap) for _ in range(2))
        total, spent, choice, pcas = timed_stages(runs, gap)
        t0 = time.perf_counter()
        kept, _ = start.choose_skip_kernel(runs, choice, start.skip_lags(TrainConfig().kernel_size), 5, gap, pcas)
        kernel_s = time.perf_counter() - t0
        stages = ", ".join(f"{name} {s:.1f} s" for name, s in sorted(spent.items(), key=lambda kv: -kv[1]))
        print(f"{S} subjects x {P} parcels x {R} runs of {runs[0].shape[1]} TRs: choose_start {total:.1f} s = "
              f"{total / reference:.0f} passes (one pass {reference:.2f} s); chose {choice['encoder']} {choice['dim']}; "
              f"choose_skip_kernel {kernel_s:.1f} s = {kernel_s / reference:.0f} passes ({'kept' if kept else 'not kept'})")
        print(f"  {stages}")


if __name__ == "__main__":
    main()
