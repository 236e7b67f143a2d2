"""Groups of subjects that follow different signals: how often `check_data`'s tests name them, and never real subjects.

On random windows of the training parts of Sherlock and QTAB (`xsub_train`'s splits), for 4 to 16 subjects and 150 to
253 TRs: windows where `split_groups` names a group as recorded (false warnings), and windows with the second half of the
window's subjects read half a window later (another part of the film, as a swap of runs would give them): named by
`split_groups`, by the time-locking test (`unlocked_subjects`), or by neither. Prints one line per cell.

    python benchmarks/bench_groups.py               # 40 windows per cell, about a minute
    python benchmarks/bench_groups.py --windows 5   # quick
"""
import argparse
import warnings

import numpy as np

from xsub.config import TrainConfig, load_data, split_groups, unlocked_subjects
from xsub.data import data_home

DATA = {"sherlock": dict(dataset="sherlock"), "qtab": dict(data_root=str(data_home() / "qtab_dev"))}
NEEDS = {"sherlock": "sherlock_pmc", "qtab": "qtab_dev"}  # folders of $XSUB_DATA (offline: never fetched here)


def named(x: np.ndarray) -> tuple[bool, bool]:
    "(a group named, a subject named out of step) in the window `x` (S, T, P), as `check_data` tests it."
    unlocked = unlocked_subjects({"x": x})
    return bool(split_groups(x, skip=[i for _, i, _, _ in unlocked])), bool(unlocked)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=40, help="random windows per cell")
    parser.add_argument("--subjects", type=int, nargs="+", default=[4, 5, 6, 8, 16])
    parser.add_argument("--trs", type=int, nargs="+", default=[150, 200, 253])
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    false = windows = 0
    for name, where in DATA.items():
        if not (data_home() / NEEDS[name]).is_dir():
            print(f"{name}: {data_home() / NEEDS[name]} absent, left out (set XSUB_DATA)")
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            train, _ = load_data(TrainConfig(**where, progress=False))
        x = np.asarray(next(iter(train.values())))  # (S, T, P): the training part
        for n_subjects in args.subjects:
            for n_trs in args.trs:
                counts = {"false": 0, "group": 0, "unlocked": 0, "neither": 0}
                for _ in range(args.windows):
                    start = rng.integers(0, x.shape[1] - n_trs + 1)
                    window = x[rng.choice(len(x), n_subjects, replace=False), start:start + n_trs]  # (S, T, P)
                    counts["false"] += named(window)[0]
                    moved = window.copy()
                    moved[n_subjects // 2:] = np.roll(moved[n_subjects // 2:], n_trs // 2, axis=1)
                    group, unlocked = named(moved)
                    counts["group"] += group
                    counts["unlocked"] += unlocked
                    counts["neither"] += not (group or unlocked)
                false, windows = false + counts["false"], windows + args.windows
                print(f"{name} {n_subjects:2d} subjects x {n_trs} TRs: as recorded, a group named in {counts['false']} "
                      f"of {args.windows} | half moved: group {counts['group']}, out of step {counts['unlocked']}, "
                      f"neither {counts['neither']} ({1 - counts['neither'] / args.windows:.0%} named)", flush=True)
    print(f"false warnings: {false} of {windows} windows")


if __name__ == "__main__":
    main()
