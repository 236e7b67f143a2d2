"""The baselines' fit time with scipy's BLAS held to one thread (as their `fit` does) against both pools at full threads.

numpy and scipy wheels each bundle an OpenBLAS with its own thread pool, whose idle threads spin for a while after
every call. scikit-learn's randomized PCA (in `RidgeFIR`), himalaya and fmralign (in `FunctionalAlignment`) multiply in
numpy and factorise in scipy, so the two pools fight for the cores. Each baseline's `fit` runs inside
`xsub.baselines.extra_blas_single_threaded`; this script fits every baseline that way and without it (the undecorated
`fit.__wrapped__`), in the same run, on random subjects who see one shared response through their own rotation
(`rotated_responses`), and prints seconds each way, the ratio, and each fit's mean r on 100 held-out TRs (equal unless
the fit is not unique: plain Procrustes with fewer TRs than parcels rotates freely where the data never go).

    python benchmarks/bench_blas.py                                       # 32 subjects x 266 TRs x 293 parcels (QTAB)
    python benchmarks/bench_blas.py --subjects 4 --trs 800 --parcels 1000  # Algonauts-like parcels, few subjects
"""
import argparse
import time

import numpy as np
from threadpoolctl import threadpool_info

from xsub.baselines import FunctionalAlignment, RidgeFIR, rotated_responses
from xsub.data import pearson_r

BASELINES = {"ridge": lambda: RidgeFIR(), "procrustes": lambda: FunctionalAlignment("procrustes"),
             "srm": lambda: FunctionalAlignment("srm")}


def timed(fit, baseline, runs: dict) -> float:
    "Seconds `fit(baseline, runs)` takes."
    start = time.perf_counter()
    fit(baseline, runs)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subjects", type=int, default=32)
    parser.add_argument("--trs", type=int, default=266, help="training TRs (one run); 100 more are held out")
    parser.add_argument("--parcels", type=int, default=293)
    parser.add_argument("--baselines", nargs="+", choices=list(BASELINES), default=list(BASELINES))
    args = parser.parse_args()
    if args.subjects < 2:
        parser.error(f"--subjects {args.subjects}: at least 2 (each subject is predicted from the others)")
    components = RidgeFIR().n_components  # the ridge baseline's PCA of the other subjects' parcels
    if min(args.trs, (args.subjects - 1) * args.parcels) < components:
        parser.error(f"--trs {args.trs} --subjects {args.subjects} --parcels {args.parcels}: the ridge baseline keeps "
                     f"{components} principal components, so it needs at least {components} training TRs and "
                     f"(subjects - 1) x parcels of at least {components}")

    data, _ = rotated_responses(n_subjects=args.subjects, n_trs=args.trs + 100, n_parcels=args.parcels, rank=10)
    train, held = {"run": data[:, :args.trs]}, {"run": data[:, args.trs:]}  # (S, T, P) each
    pools = "; ".join(f"{i['filepath'].split('/')[-2]}/{i['internal_api']} {i['num_threads']} threads"
                      for i in threadpool_info() if i["user_api"] == "blas")
    print(f"{args.subjects} subjects x {args.trs} training TRs x {args.parcels} parcels; BLAS: {pools}")
    for name in args.baselines:
        one, both = BASELINES[name](), BASELINES[name]()
        one_s = timed(type(one).fit, one, train)  # scipy's pool on one thread, as the baselines run
        both_s = timed(type(both).fit.__wrapped__, both, train)  # both pools at full threads
        r_one, r_both = (float(np.nanmean(pearson_r(fitted.predict(held)["run"], held["run"], 1))) for fitted in (one, both))
        print(f"{name:>10}: scipy's BLAS on one thread {one_s:6.1f} s | both at full threads {both_s:6.1f} s | "
              f"ratio {both_s / one_s:.2f}x | held-out r {r_one:.4f} / {r_both:.4f}")


if __name__ == "__main__":
    main()
