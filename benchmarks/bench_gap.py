"""Does a ridge beat the leave-one-out mean, or the edge of the training part? QTAB and Sherlock, with and without a gap.

A time split that trains up to the first validated TR lets a flexible fit that follows a subject's own slow
fluctuation at the end of the training part keep following it into the first validated TRs (through the other
subjects' equally slow activity). xsub's split leaves a gap of the model's receptive field (13 TRs) instead. This
script fits two ridges (sklearn PCA(100) of the others' regions at 3 delays + `RidgeCV`, as in `bench_real.py`; and
xsub's `RidgeFIR`) and the QTAB README's check of per-subject encoders (`joined_pca_encoders`) on the training part,
ending at the validated part (gap 0) or 13 TRs before it, and scores them on the same validated TRs (the last 30%),
on those after the first 13, and on its second half, next to the leave-one-out mean.

    python benchmarks/bench_gap.py                 # QTAB 16 and 64, Sherlock 16 (about 5 minutes on 2 cores)
    python benchmarks/bench_gap.py --qtab 16 96 --no-sherlock
"""
import argparse
import warnings

import numpy as np
import torch

from bench_real import plain_ridge, qtab_config
from xsub.baselines import RidgeFIR, extra_blas_single_threaded
from xsub.data import SHERLOCK_SUBJECTS, fetch_sherlock, load_folder, pearson_r, tail_length
from xsub.evaluate import leave_one_out_predictions
from xsub.models import leave_one_out_mean
from xsub.config import TrainConfig, receptive_field

GAP = receptive_field(TrainConfig())  # the default model's receptive field (13 TRs), the gap of xsub's split


@extra_blas_single_threaded()  # as xsub's baselines fit (see bench_blas.py)
def joined_pca_encoders(train: np.ndarray, val: np.ndarray, dim: int = 100) -> np.ndarray:
    """The QTAB README's check (S, T, P): each subject's block of a PCA (`dim`) of every subject's regions joined
    side by side as its encoder, a ridge (RidgeCV per region) from the others' latents averaged, plus the skip gain
    per region."""
    from sklearn.decomposition import PCA
    from sklearn.linear_model import RidgeCV
    S, T, P = train.shape
    pca = PCA(min(dim, T - 1), random_state=0).fit(train.transpose(1, 0, 2).reshape(T, S * P))  # on (T, S P)
    encoders = pca.components_.T.reshape(S, P, -1)  # (S, P, D): subject s's rows of the axes
    centre = pca.mean_.reshape(S, 1, P)

    def others(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        "(the others' latents averaged (S, T, D), the others' regions averaged (S, T, P))."
        z = np.einsum("stp,spd->std", x - centre, encoders)  # (S, T, D)
        return tuple(leave_one_out_mean(torch.as_tensor(v), dim=0).numpy() for v in (z, x))

    (z_train, loo_train), (z_val, loo_val) = others(train), others(val)
    out = np.empty_like(val)
    for s in range(S):
        gain = (loo_train[s] * train[s]).sum(0) / (loo_train[s] ** 2).sum(0)  # (P,)
        ridge = RidgeCV(alphas=np.logspace(-1, 5, 13), alpha_per_target=True)
        ridge.fit(z_train[s], train[s] - gain * loo_train[s])
        out[s] = ridge.predict(z_val[s]) + gain * loo_val[s]
    return out


def mean_r(pred: np.ndarray, data: np.ndarray, skip: int = 0) -> float:
    "Mean r over subjects and regions on the validated TRs after the first `skip`."
    return float(pearson_r(pred[:, skip:], data[:, skip:], 1).mean())


def row(name: str, x: np.ndarray) -> None:
    "One data set (S, T, P): print the leave-one-out mean and each fit, gap 0 and 13, on all / later / last-half validated TRs."
    n_val = tail_length(x.shape[1], 0.3)
    val = x[:, -n_val:]
    loo = leave_one_out_predictions({"r": val})["r"]  # (S, T_val, P)
    parts = (0, GAP, n_val // 2)  # validated TRs skipped: none, the first 13, the first half
    scores = lambda pred: " / ".join(f"{mean_r(pred, val, skip):.3f}" for skip in parts)
    print(f"{name:12s} {'leave-one-out mean':20s} {scores(loo)}", flush=True)
    fits = {"plain ridge": plain_ridge, "RidgeFIR": lambda a, b: RidgeFIR().fit({"r": a}).predict({"r": b})["r"],
            "joined PCA encoders": joined_pca_encoders}
    for method, fit in fits.items():
        cells = []
        for gap in (0, GAP):
            pred = fit(x[:, :x.shape[1] - n_val - gap], val)  # (S, T_val, P), trained up to `gap` TRs before val
            cells.append(f"gap {gap:2d}: {scores(pred)}")
        print(f"{name:12s} {method:20s} " + "   ".join(cells), flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qtab", type=int, nargs="*", default=[16, 64], help="QTAB participant counts (first S)")
    parser.add_argument("--no-sherlock", action="store_true", help="leave out Sherlock (16 subjects)")
    args = parser.parse_args(argv)
    if any(n < 2 for n in args.qtab):
        parser.error(f"--qtab {' '.join(map(str, args.qtab))}: every count must be 2 or more (one participant has no "
                     f"others to be predicted from)")
    warnings.simplefilter("ignore")
    print(f"mean r on the validated part (last 30%) / on its TRs after the first {GAP} / on its second half; fits "
          f"trained up to it (gap 0) or {GAP} TRs before it (xsub's split)")
    for n in args.qtab:
        config = qtab_config(n)
        row(f"QTAB {n}", load_folder(config.data_root, subjects=config.subjects, progress=False)["partlycloudy"])
    if not args.no_sherlock:
        row("Sherlock 16", fetch_sherlock(subjects=SHERLOCK_SUBJECTS, progress=False)["sherlock"])


if __name__ == "__main__":
    main()
