"""The model on real brains, next to every baseline of `xsub_compare`: Sherlock and QTAB.

Sherlock (../shared/datasets/sherlock_pmc/README.md; 16 subjects, 481 PMC voxels): TRs 1..1926, every subject
z-scored, the first 70% of TRs (1348) on the training side and the last 30% (578) validated. Grid: S = 4, 8, 16
subjects (the first S of subjects 1-4, 6-17) x 266, 700, 1348 training TRs (the shorter ones are the first TRs of the
training side). The validated part is the same in every cell.

QTAB (../shared/datasets/qtab_dev/README.md; 96 adolescents, 293 whole-brain regions, one 380-TR run): the first S =
16, 64, 96 participants (file-name order), split exactly as `xsub_train --data-root qtab_dev` splits them (the last
30% validated, the training part ending the model's receptive field before it: 253 training TRs).

Score: mean Pearson r over subjects and voxels (regions) on the validated part.

Methods, all trained on the same TRs (the model's are what `xsub_train` trains on: its training part ends a gap of
the model's receptive field before the validated part, so the others get those TRs too only where said):
- loo: the leave-one-out mean of the other subjects, same voxel (no parameters).
- ridge_fir: xsub's `RidgeFIR` (PCA of the others' voxels, FIR delays, alpha per voxel by blocked CV in time, fitted
  by himalaya's `RidgeCV`).
- ridge_plain (only with --methods): sklearn PCA(100) of the others' voxels, delays -1/0/+1 TR, RidgeCV (alphas
  1e-1..1e5, one per voxel).
- procrustes, srm: `xsub.baselines.FunctionalAlignment` (fmralign; Procrustes pulled toward the identity, pieces and
  alpha by blocked CV in the training part; SRM with K by the same CV).
- model: `xsub.experiment.run_experiment` with the default `TrainConfig` (what `xsub_train` runs).

Each method runs in a child process of its own: the peak resident memory printed is that process's (data included).

    python benchmarks/bench_real.py                          # both tables (about 25 minutes on 2 cores, run alone)
    python benchmarks/bench_real.py --data sherlock --subjects 16 --train-trs 1348 --methods loo model
    python benchmarks/bench_real.py --data qtab --subjects 16
"""
import argparse
import multiprocessing as mp
import os
import resource
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from xsub.data import SHERLOCK_SUBJECTS, fetch_sherlock, pearson_r, tail_length

METHODS = ("loo", "ridge_fir", "ridge_plain", "procrustes", "srm", "model")
DEFAULT_METHODS = ("loo", "ridge_fir", "procrustes", "srm", "model")  # the methods of xsub_compare's table
QTAB = "qtab_dev"
QTAB_RUN = "partlycloudy"  # the one run of every QTAB file


def qtab_config(n_subjects: int, **kwargs):
    "The `TrainConfig` of `xsub_train --data-root qtab_dev --subjects <the first n_subjects>`."
    from xsub.data import data_home
    from xsub.config import TrainConfig
    folder = data_home() / QTAB
    labels = tuple(sorted(p.stem for p in folder.glob("sub-*.h5"))[:n_subjects])
    if len(labels) < n_subjects:
        raise SystemExit(f"{folder} holds {len(labels)} participants, not {n_subjects}: set XSUB_DATA to the folder "
                         f"that holds {QTAB}/ (../shared/datasets).")
    return TrainConfig(data_root=str(folder), subjects=labels, progress=False, **kwargs)


def cell_data(n_subjects: int, n_train: int | None, gap: int = 0) -> tuple[np.ndarray, np.ndarray]:
    "(training part (S, n_train - gap, P), validated part (S, 578, P)) of the first `n_subjects` subjects (QTAB: n_train None)."
    if n_train is None:  # QTAB: xsub_train's own split
        from xsub.config import load_data
        train_runs, val_sets = load_data(qtab_config(n_subjects))
        (val,) = val_sets.values()
        return np.asarray(train_runs[QTAB_RUN]), np.asarray(val[QTAB_RUN])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x = fetch_sherlock(subjects=SHERLOCK_SUBJECTS[:n_subjects], progress=False)["sherlock"]  # (S, 1926, P)
    n_val = tail_length(x.shape[1], 0.3)
    return x[:, :n_train - gap], x[:, x.shape[1] - n_val:]


def plain_ridge(train: np.ndarray, val: np.ndarray) -> np.ndarray:
    "Each subject from sklearn PCA(100) of the others' voxels at delays -1, 0, +1 TR, RidgeCV per voxel: (S, T, P)."
    from sklearn.decomposition import PCA
    from sklearn.linear_model import RidgeCV
    from xsub.baselines import extra_blas_single_threaded
    from xsub.data import delayed
    out = np.empty_like(val)
    with extra_blas_single_threaded():  # as xsub's baselines fit (see bench_blas.py)
        for s in range(len(train)):
            others_train = np.delete(train, s, 0).transpose(1, 0, 2).reshape(train.shape[1], -1)  # (T, (S-1) P)
            others_val = np.delete(val, s, 0).transpose(1, 0, 2).reshape(val.shape[1], -1)
            pca = PCA(min(100, *others_train.shape), random_state=0).fit(others_train)
            features = [delayed(pca.transform(o), (-1, 0, 1)).reshape(len(o), -1) for o in (others_train, others_val)]
            ridge = RidgeCV(alphas=np.logspace(-1, 5, 13), alpha_per_target=True).fit(features[0], train[s])
            out[s] = ridge.predict(features[1])
    return out


def run_method(method: str, n_subjects: int, n_train: int, queue) -> None:
    "Fit one method on one cell and put (mean r, r per subject, seconds, peak RSS in MB, note) on `queue`."
    try:
        queue.put(fit_and_score(method, n_subjects, n_train))
    except BaseException as e:  # the parent waits on the queue: send the failure instead of dying silently
        queue.put(e)
        raise


def fit_and_score(method: str, n_subjects: int, n_train: int) -> tuple:
    "(mean r, r per subject, seconds, peak RSS in MB, note) of one method on one cell."
    import torch
    from threadpoolctl import threadpool_limits
    threads = int(os.environ.get("XSUB_BENCH_THREADS", "2"))
    torch.set_num_threads(threads)
    threadpool_limits(threads)  # numpy's BLAS too: more threads than free cores slows ridge ten-fold on a shared machine
    note = ""
    if method == "model":
        import contextlib
        import io
        from xsub.experiment import run_experiment
        from xsub.config import TrainConfig
        scratch = tempfile.TemporaryDirectory(prefix="bench_real_")  # the run's files: removed once scored
        out_dir = str(Path(scratch.name) / "run")
        t0 = time.perf_counter()
        if n_train is None:  # QTAB: what xsub_train --data-root qtab_dev --subjects ... runs
            config, runs = qtab_config(n_subjects, out_dir=out_dir, keep_freed_memory=True), None
            val_trs = cell_data(n_subjects, None)[1].shape[1]
        else:
            train, val = cell_data(n_subjects, n_train)
            whole = np.concatenate([train, val], axis=1)  # the cell's training TRs, then the validated part
            config = TrainConfig(progress=False, out_dir=out_dir, keep_freed_memory=True, zscore=False,  # as given to
                                 val_tail=val.shape[1] / whole.shape[1])  # every method (z-scored over 1926 TRs); 578 validated
            runs, val_trs = {"sherlock": whole}, val.shape[1]
        with contextlib.redirect_stdout(io.StringIO()):  # the training log
            done = run_experiment(config, runs=runs, figures=False)
        seconds = time.perf_counter() - t0
        (set_name, scores), = done["scores"].items()  # the one time-split validation set
        assert done["summary"]["data"]["val_trs"][set_name] == val_trs
        r = scores["model"]  # (S, P)
        start = done["result"].start
        note = (f"model: {start.get('encoder')} encoders, {start.get('dim')} dims, alpha {start.get('alpha', float('nan')):g}, "
                f"skip kernel {'kept' if start.get('skip_kernel') else 'not kept'}, {done['result'].best_epoch} gradient epochs")
        scratch.cleanup()
    else:
        train, val = cell_data(n_subjects, n_train)
        t0 = time.perf_counter()
        if method == "loo":
            from xsub.evaluate import leave_one_out_predictions
            pred = leave_one_out_predictions({"sherlock": val})["sherlock"]  # (S, T, P)
        elif method == "ridge_fir":
            from xsub.baselines import RidgeFIR
            pred = RidgeFIR().fit({"sherlock": train}).predict({"sherlock": val})["sherlock"]
        elif method in ("procrustes", "srm"):
            from xsub.baselines import FunctionalAlignment
            aligner = FunctionalAlignment(method).fit({"run": train})
            pred = aligner.predict({"run": val})["run"]
            note = f"{method}: " + ", ".join(f"{k} {v:g}" for k, v in aligner.chosen().items())
        else:
            pred = plain_ridge(train, val)
        seconds = time.perf_counter() - t0
        r = pearson_r(pred, val, 1)  # (S, P)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return float(np.nanmean(r)), np.nanmean(r, 1).tolist(), seconds, peak, note


def measure(method: str, n_subjects: int, n_train: int) -> tuple:
    "Run `run_method` in a fresh child process (its own peak memory)."
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=run_method, args=(method, n_subjects, n_train, queue))
    child.start()
    out = queue.get()
    child.join()
    if isinstance(out, BaseException):
        raise RuntimeError(f"{method} failed on S={n_subjects}, {n_train} training TRs") from out
    return out


def table(name: str, cells: list[tuple[int, int | None]], methods: list[str], per_subject: bool) -> None:
    "Measure and print one data set's table: a row per (S, training TRs) cell, a column per method."
    print(f"\n{name}; threads {os.environ.get('XSUB_BENCH_THREADS', '2')}")
    print(f"{'S':>3} {'train TRs':>9} " + " ".join(f"{m:>11}" for m in methods) + "   time s / peak MB per method")
    rows = []
    for n_subjects, n_train in cells:
        results = {m: measure(m, n_subjects, n_train) for m in methods}
        n_train = n_train or cell_data(n_subjects, None)[0].shape[1]  # QTAB: the training TRs of xsub_train's split
        rows.append((n_subjects, n_train, results))
        cost = ", ".join(f"{m} {res[2]:.0f}/{res[3]:.0f}" for m, res in results.items())
        notes = "; ".join(res[4] for res in results.values() if res[4])
        print(f"{n_subjects:>3} {n_train:>9} " + " ".join(f"{res[0]:>11.3f}" for res in results.values())
              + f"   {cost}" + (f"  ({notes})" if notes else ""), flush=True)
        if per_subject and {"model", "loo"} <= set(results):
            diff = np.subtract(results["model"][1], results["loo"][1])
            print(f"      model - loo per subject: min {diff.min():+.3f}, " + " ".join(f"{d:+.3f}" for d in diff))
    if "model" in methods and len(methods) > 1:
        others = [m for m in methods if m != "model"]
        print("model - best other method:  " + "  ".join(
            f"S{s}/{t}: {res['model'][0] - max(res[m][0] for m in others):+.3f} ({max(others, key=lambda m: res[m][0])})"
            for s, t, res in rows))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", nargs="+", default=["sherlock", "qtab"], choices=["sherlock", "qtab"])
    parser.add_argument("--subjects", type=int, nargs="+", help="S per cell (default: 4 8 16 Sherlock, 16 64 96 QTAB)")
    parser.add_argument("--train-trs", type=int, nargs="+", default=[266, 700, 1348], help="Sherlock's training TRs")
    parser.add_argument("--methods", nargs="+", default=list(DEFAULT_METHODS), choices=METHODS)
    parser.add_argument("--per-subject", action="store_true", help="also print r per subject (model and loo)")
    args = parser.parse_args(argv)
    if "sherlock" in args.data:
        table("Sherlock PMC, validated on the last 578 of TRs 1..1926",
              [(s, t) for s in args.subjects or [4, 8, 16] for t in args.train_trs], args.methods, args.per_subject)
    if "qtab" in args.data:
        table("QTAB Partly Cloudy, xsub_train's split (the last 30% validated, after a gap)",
              [(s, None) for s in args.subjects or [16, 64, 96]], args.methods, args.per_subject)


if __name__ == "__main__":
    main()
