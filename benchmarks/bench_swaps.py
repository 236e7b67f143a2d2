"""Can a trained model tell subjects' data apart? `xsub_predict`'s checks, measured on real and built-in data.

For each trained run (`xsub_train` defaults, the validated part of its data), as recorded and with random pairs of
subjects swapped (their data under each other's names):
- time-locking (`xsub.config.time_locking`) parcel by parcel and in the model's shared space (its latents): the
  largest p of any subject (p >= 0.25 warns);
- `xsub.experiment.encoder_fit`: how far each subject's own encoder leads the best other one (as recorded), and for
  each swap, whether `swapped_subjects` names the pair (and nobody else), and what the swap costs in mean r;
- the same on pieces of 50, 100 and 200 TRs of the validated part: pairs named as recorded (false) and swaps found;
- `xsub.config.parcel_order` (each subject's data against random orders of its parcels), parcel by parcel (as
  `check_data` runs it) and in the model's space (as `xsub_predict` does), on overlapping pieces of 100 and 200 TRs
  and on the whole part: time-locked subjects named as recorded (false), and one subject per piece with its parcels
  shuffled: named by the order test, by time-locking in the same space, by either; and what one subject's parcels
  shuffled in the whole part cost in mean r.

    python benchmarks/bench_swaps.py                 # trains Sherlock 16, QTAB 96 and `small` (about 6 minutes;
                                                     # a data set not in $XSUB_DATA is left out, with a line)
    python benchmarks/bench_swaps.py --run-dir RUN   # runs already trained (their stored data and split)
"""
import argparse
import contextlib
import functools
import io
import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch

from xsub.config import ORDER_DRAWS, UNLOCKED_P, parcel_order, time_locking
from xsub.data import data_home, pearson_r
from xsub.experiment import (MIN_SWAP_TRS, checked_data, encoder_fit, run_latents, stored_config, swapped_subjects,
                             xsub_train)
from xsub.models import predict_runs
from xsub.train import load_model

TRAIN = {"sherlock": ["--dataset", "sherlock"], "qtab": ["--data-root", str(data_home() / "qtab_dev")], "small": []}
NEEDS = {"sherlock": "sherlock_pmc", "qtab": "qtab_dev"}  # folders of $XSUB_DATA (offline: never fetched here)


def mean_r(model, run: np.ndarray) -> np.ndarray:
    "Each subject's mean r (S,) of the model's prediction of one run (S, T, P)."
    return pearson_r(predict_runs(model, {"x": run})["x"], run, 1).mean(1)


def swap(run: np.ndarray, i: int, j: int) -> np.ndarray:
    "The run with subjects i and j exchanged (S, T, P)."
    out = run.copy()
    out[[i, j]] = out[[j, i]]
    return out


def report(run_dir: Path, n_swaps: int = 10) -> None:
    "Print the checks of one trained run on its validated part."
    model = load_model(run_dir / "best.pt")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, val_sets = checked_data(stored_config(run_dir), train_model=False)
    name, run = next(iter(next(iter(val_sets.values())).items()))
    run = np.asarray(run, dtype=np.float32)  # (S, T, P)
    S, T, _ = run.shape
    p_parcels, p_latents = time_locking(run)[1], time_locking(run_latents(model, run))[1]
    fit = encoder_fit(model, run)
    lead = np.diag(fit) - np.where(np.eye(S, dtype=bool), -np.inf, fit).max(1)  # (S,) own encoder - best other
    print(f"\n{run_dir.name} ({name}: {S} subjects, {T} TRs): time-locking p max parcel by parcel {np.nanmax(p_parcels):.3f} "
          f"({(p_parcels >= UNLOCKED_P).sum()} warned), in the model's space {np.nanmax(p_latents):.3f} "
          f"({(p_latents >= UNLOCKED_P).sum()} warned); own encoder leads the best other by {lead.min():.3f} to "
          f"{lead.max():.3f}; pairs named as recorded: {len(swapped_subjects(model, {name: run}))}")
    rng = np.random.default_rng(0)
    pairs = [tuple(rng.choice(S, 2, replace=False)) for _ in range(n_swaps)]
    base = mean_r(model, run)
    found, costs, pair_costs = 0, [], []
    for i, j in pairs:
        swapped = swap(run, i, j)
        named = {(a, b) for _, a, b, _, _ in swapped_subjects(model, {name: swapped})}
        found += named == {(min(i, j), max(i, j))}
        r = mean_r(model, swapped)
        costs.append(base.mean() - r.mean())
        pair_costs.append(base[[i, j]].mean() - r[[i, j]].mean())
    print(f"  {n_swaps} random swaps: the pair named alone in {found}; mean r {base.mean():.3f}, a swap costs "
          f"{np.mean(costs):.3f} on average (the swapped pair {np.min(pair_costs):.3f} to {np.max(pair_costs):.3f})")
    for length in (50, 100, 200):
        starts = range(0, T - length + 1, length)
        false = sum(bool(swapped_subjects(model, {name: run[:, t:t + length]}, min_trs=0)) for t in starts)
        hits = 0
        for k, t in enumerate(starts):
            i, j = pairs[k % len(pairs)]
            named = {(a, b) for _, a, b, _, _ in swapped_subjects(model, {name: swap(run[:, t:t + length], i, j)},
                                                                   min_trs=0)}
            hits += (min(i, j), max(i, j)) in named
        print(f"  pieces of {length} TRs ({len(starts)}{'' if length >= MIN_SWAP_TRS else ', below the tested floor'}): "
              f"a pair named as recorded in {false}, the swap found in {hits}")
    order_report(model, run)


def order_report(model, run: np.ndarray) -> None:
    """The parcel-order test on overlapping pieces of a run, parcel by parcel and in the model's space: false warnings as
    recorded, and shuffled subjects found (by it, by time-locking in the same space, by either)."""
    S, T, P = run.shape
    named = lambda p: p > 1 / (ORDER_DRAWS + 1)  # as misordered_subjects names them
    spaces = {"parcel by parcel": lambda x: x, "in the model's space": functools.partial(run_latents, model)}
    for where, encode in spaces.items():
        rng = np.random.default_rng(1)  # the same shuffles in both spaces
        for length in sorted({min(100, T), min(200, T), T}):
            starts = range(0, T - length + 1, max(length // 5, 1))
            false = locked = found = by_time = by_either = 0
            for k, t in enumerate(starts):
                piece = run[:, t:t + length]  # (S, length, P)
                ok = time_locking(encode(piece))[1] < UNLOCKED_P  # (S,): the subjects the test would judge
                false += int(named(parcel_order(piece, encode, seed=k)[1])[ok].sum())
                locked += int(ok.sum())
                s = k % S
                shuffled = piece.copy()
                shuffled[s] = shuffled[s][:, rng.permutation(P)]  # subject s's parcels in a random order
                order_named = bool(named(parcel_order(shuffled, encode, seed=k)[1][s]))
                time_named = bool(time_locking(encode(shuffled))[1][s] >= UNLOCKED_P)
                found, by_time, by_either = found + order_named, by_time + time_named, by_either + (order_named or time_named)
            print(f"  parcel order {where}, pieces of {length} TRs ({len(starts)}): time-locked subjects named as "
                  f"recorded {false} of {locked}; a subject's parcels shuffled: named by the order test in {found}, by "
                  f"time-locking in {by_time}, by either in {by_either}")
    shuffled = run.copy()
    shuffled[0] = shuffled[0][:, np.random.default_rng(2).permutation(P)]
    base, r = mean_r(model, run), mean_r(model, shuffled)  # (S,) each
    print(f"  the first subject's parcels shuffled in the whole part cost {base.mean() - r.mean():.3f} of mean r "
          f"({base[0] - r[0]:.3f} its own, {(base[1:] - r[1:]).mean():.3f} the others')")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run-dir", nargs="+", type=Path, help="trained runs (default: train Sherlock, QTAB, small)")
    parser.add_argument("--swaps", type=int, default=10, help="random pairs swapped per run")
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    with tempfile.TemporaryDirectory(prefix="bench_swaps_") as scratch:
        run_dirs = args.run_dir or []
        if not run_dirs:
            for data, flags in TRAIN.items():
                if data in NEEDS and not (data_home() / NEEDS[data]).is_dir():
                    print(f"{data} left out: no {data_home() / NEEDS[data]} (set XSUB_DATA to a folder holding it)")
                    continue
                out = Path(scratch) / data
                with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    xsub_train([*flags, "--out-dir", str(out), "--offline", "--no-progress"])
                run_dirs.append(out)
        for run_dir in run_dirs:
            report(Path(run_dir), args.swaps)


if __name__ == "__main__":
    main()
