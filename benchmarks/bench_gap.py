"""Does a ridge beat the leave-one-out mean, or the edge of the training part? QTAB and Sherlock, with and without a gap.

A time split that trains up to the first validated TR lets a flexible fit that follows a subject's own slow
fluctuation at the end of the training part keep following it into the first validated TRs (through the other
subjects' equally slow activity). xsub's split leaves a gap of the model's receptive field (13 TRs) instead. This
script fits two ridges (sklearn PCA(100) of the others' regions at 3 delays + `RidgeCV`, as in `bench_real.py`; and
xsub's `RidgeFIR`) on the training part, ending at the validated part (gap 0) or 13 TRs before it, and scores both on
the same validated TRs (the last 30%), and on those after the first 13, next to the leave-one-out mean.

    python benchmarks/bench_gap.py                 # QTAB 16 and 64, Sherlock 16 (about 4 minutes on 2 cores)
    python benchmarks/bench_gap.py --qtab 16 --no-sherlock
"""
import argparse
import warnings

import numpy as np

from bench_real import plain_ridge, qtab_config
from xsub.baselines import RidgeFIR
from xsub.data import SHERLOCK_SUBJECTS, fetch_sherlock, load_folder, pearson_r, tail_length
from xsub.evaluate import leave_one_out_predictions
from xsub.config import TrainConfig, receptive_field

GAP = receptive_field(TrainConfig())  # the default model's receptive field (13 TRs), the gap of xsub's split


def mean_r(pred: np.ndarray, data: np.ndarray, skip: int = 0) -> float:
    "Mean r over subjects and regions on the validated TRs after the first `skip`."
    return float(pearson_r(pred[:, skip:], data[:, skip:], 1).mean())


def row(name: str, x: np.ndarray) -> None:
    "One data set (S, T, P): print the leave-one-out mean and both ridges, gap 0 and 13, on all / later validated TRs."
    n_val = tail_length(x.shape[1], 0.3)
    val = x[:, -n_val:]
    loo = leave_one_out_predictions({"r": val})["r"]  # (S, T_val, P)
    cells = [f"loo {mean_r(loo, val):.3f} / {mean_r(loo, val, GAP):.3f}"]
    for gap in (0, GAP):
        train = x[:, :x.shape[1] - n_val - gap]
        ridges = {"plain ridge": plain_ridge(train, val), "RidgeFIR": RidgeFIR().fit({"r": train}).predict({"r": val})["r"]}
        cells += [f"gap {gap:2d} {k} {mean_r(p, val):.3f} / {mean_r(p, val, GAP):.3f}" for k, p in ridges.items()]
    print(f"{name:12s} " + " | ".join(cells), flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qtab", type=int, nargs="*", default=[16, 64], help="QTAB participant counts (first S)")
    parser.add_argument("--no-sherlock", action="store_true", help="leave out Sherlock (16 subjects)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    print(f"mean r on the validated part (last 30%) / on its TRs after the first {GAP}; ridges trained up to it (gap 0) "
          f"or {GAP} TRs before it (xsub's split)")
    for n in args.qtab:
        config = qtab_config(n)
        row(f"QTAB {n}", load_folder(config.data_root, subjects=config.subjects, progress=False)["partlycloudy"])
    if not args.no_sherlock:
        row("Sherlock 16", fetch_sherlock(subjects=SHERLOCK_SUBJECTS, progress=False)["sherlock"])


if __name__ == "__main__":
    main()
