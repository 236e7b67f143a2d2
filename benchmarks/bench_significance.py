"""Per-parcel significance: time of 1000 null draws on 1000 parcels x 4 subjects, against a plain loop.

`xsub.evaluate.shift_null` (every circular shift at once through the FFT) and `swap_null` (block swaps through per-block
sums and one matrix product) next to the obvious implementation, a Python loop of `np.roll` / block swaps and
Pearson r per draw, timed on fewer draws and scaled to 1000. Prints seconds and the ratio.

    python benchmarks/bench_significance.py [--trs 1000] [--loop-draws 20]
"""
import argparse
import time

import numpy as np

from xsub.data import pearson_r
from xsub.evaluate import shift_null, swap_null


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trs", type=int, default=1000, help="TRs of the joined validation runs")
    parser.add_argument("--loop-draws", type=int, default=20, help="draws timed for the loop reference")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    shape = (4, args.trs, 1000)  # (S, T, P)
    pred, other, target = (rng.standard_normal(shape).astype(np.float32) for _ in range(3))
    shifts = rng.integers(args.trs // 10, args.trs - args.trs // 10, size=args.loop_draws)
    rows = []

    t0 = time.perf_counter()
    shift_null(pred, target, n_draws=1000)
    fast = time.perf_counter() - t0
    t0 = time.perf_counter()
    for k in shifts:
        pearson_r(pred, np.roll(target, k, axis=1), 1)
    rows.append(("circular shifts", fast, (time.perf_counter() - t0) * 1000 / args.loop_draws))

    t0 = time.perf_counter()
    swap_null(pred, other, target, n_draws=1000)
    fast = time.perf_counter() - t0
    block = np.repeat(np.arange(-(-args.trs // 40)), 40)[:args.trs]  # block of every TR
    t0 = time.perf_counter()
    for _ in range(args.loop_draws):
        swap = rng.integers(0, 2, block.max() + 1).astype(bool)[block][None, :, None]  # (1, T, 1)
        a, b = np.where(swap, other, pred), np.where(swap, pred, other)
        pearson_r(a, target, 1) - pearson_r(b, target, 1)
    rows.append(("block swaps", fast, (time.perf_counter() - t0) * 1000 / args.loop_draws))

    print(f"1000 null draws, {shape[0]} subjects x {shape[2]} parcels x {shape[1]} TRs")
    for name, xsub_s, loop_s in rows:
        print(f"  {name:16s} xsub {xsub_s:6.2f} s | loop {loop_s:7.1f} s (from {args.loop_draws} draws) | "
              f"{loop_s / xsub_s:5.0f}x faster")


if __name__ == "__main__":
    main()
