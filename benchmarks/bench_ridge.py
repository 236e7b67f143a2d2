"""RidgeFIR's two solvers: himalaya's `RidgeCV` on fold summaries (the default) and xsub's sufficient statistics.

Fits the default ridge baseline (PCA of the other subjects, delays -3..3, alpha per parcel by leave-runs-out CV) with
each solver on Sherlock (16 subjects, 481 voxels, 1348 training TRs; needs $XSUB_DATA or a network) and on a synthetic
preset, and prints fit time, mean r on the validation data, the share of parcels given the same alpha, and the ratio
of fit times (himalaya / xsub).

    python benchmarks/bench_ridge.py [--preset small] [--device auto] [--skip-sherlock]
"""
import argparse
import time
import warnings

import numpy as np

from xsub.baselines import RidgeFIR
from xsub.data import fetch_sherlock, split_tail
from xsub.evaluate import score_methods
from xsub.config import TrainConfig, load_data


def compare_solvers(name: str, train_runs: dict, val_sets: dict, device: str) -> None:
    "Fit both solvers on `train_runs`, score on `val_sets`, print one line each and their agreement."
    fitted = {}
    for solver in ("xsub", "himalaya"):
        t0 = time.perf_counter()
        model = RidgeFIR(solver=solver, device=device).fit(train_runs)
        secs = time.perf_counter() - t0
        r = {s: float(score_methods({"ridge": model.predict(runs)}, runs)["ridge"].mean()) for s, runs in val_sets.items()}
        fitted[solver] = (model, secs)
        print(f"{name:10s} {solver:8s} fit {secs:7.1f} s | " + " | ".join(f"{s} r {v:.4f}" for s, v in r.items()),
              flush=True)
    (a, ta), (b, tb) = fitted["xsub"], fitted["himalaya"]
    same = np.mean([(a.alpha_index_[s] == b.alpha_index_[s]).mean() for s in a.alpha_index_])
    print(f"{name:10s} same alpha for {same:.1%} of parcels; fit time himalaya / xsub {tb / ta:.2f}x", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="small", choices=["tiny", "small", "full"])
    parser.add_argument("--device", default="auto", help="himalaya's device: auto (a GPU when there is one), cpu, cuda")
    parser.add_argument("--skip-sherlock", action="store_true", help="the synthetic preset only (no real data)")
    args = parser.parse_args()
    warnings.simplefilter("ignore", UserWarning)  # runs dropped by alignment: not what is measured here
    if not args.skip_sherlock:
        train, val = split_tail(fetch_sherlock(progress=False), 0.3, gap=13)
        compare_solvers("sherlock", train, {"tail-0.3": val}, args.device)
    train_runs, val_sets = load_data(TrainConfig(preset=args.preset, progress=False))
    compare_solvers(f"synthetic {args.preset}", train_runs, val_sets, args.device)


if __name__ == "__main__":
    main()
