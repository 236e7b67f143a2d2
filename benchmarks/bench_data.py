"""Clip throughput of xsub's shuffled ClipDataset vs the reference notebook's per-sample np.stack, through a DataLoader.

Both read the same random in-memory data (subjects x runs x TRs x parcels, float32) in the same run:
- reference: per-subject dicts of arrays; __getitem__ does np.stack([data[s][run][t0:t0 + L] for s in subjects]).
- xsub: one contiguous (S, T, P) array per run; a clip is a view, copied once by the DataLoader's collate.

    python benchmarks/bench_data.py                      # 4 subjects x 30 runs x 480 TRs x 1000 parcels
    python benchmarks/bench_data.py --num-workers 2 --repeats 5
"""
import argparse
import time

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from xsub.data import ClipDataset


class ReferenceClips(Dataset):
    "The reference notebook's approach: random run and offset, then a per-sample stack of per-subject slices."
    def __init__(self, data: dict, subjects: list, sample_length: int, num_samples: int, seed: int = 0):
        self.data, self.subjects, self.sample_length, self.num_samples = data, subjects, sample_length, num_samples
        self.names = sorted(data[subjects[0]])
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return self.num_samples

    def __getitem__(self, index: int) -> torch.Tensor:
        run = self.names[self.rng.integers(len(self.names))]
        n_trs = min(self.data[s][run].shape[0] for s in self.subjects)
        t0 = int(self.rng.integers(n_trs - self.sample_length + 1))
        clip = np.stack([self.data[s][run][t0:t0 + self.sample_length] for s in self.subjects])  # (S, L, P)
        return torch.from_numpy(clip)


def one_pass(loader: DataLoader) -> tuple[float, int, int]:
    "Seconds, clips and bytes of one pass over `loader`."
    start = time.perf_counter()
    n_bytes = n_clips = 0
    for batch in loader:  # (N, S, L, P)
        n_bytes += batch.numel() * batch.element_size()
        n_clips += batch.shape[0]
    return time.perf_counter() - start, n_clips, n_bytes


def compare(datasets: dict, batch_size: int, num_workers: int, repeats: int) -> dict:
    "Best-of-`repeats` (clips/s, MB/s) of each dataset through a DataLoader, passes interleaved (fair under load)."
    loaders = {label: DataLoader(ds, batch_size=batch_size, shuffle=False, num_workers=num_workers,
                                 persistent_workers=num_workers > 0) for label, ds in datasets.items()}
    for loader in loaders.values():
        next(iter(loader))  # warm-up (worker start, first allocations)
    best = {label: (float("inf"), 0, 0) for label in loaders}
    for _ in range(repeats):
        for label, loader in loaders.items():
            best[label] = min(best[label], one_pass(loader))
    return {label: (n_clips / t, n_bytes / t / 1e6) for label, (t, n_clips, n_bytes) in best.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=4)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--trs", type=int, default=480)
    parser.add_argument("--parcels", type=int, default=1000)
    parser.add_argument("--sample-length", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--num-samples", type=int, default=2000, help="clips per pass")
    parser.add_argument("--num-workers", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=5, help="passes of each, interleaved; the best is reported")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (collate's torch.stack)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    rng = np.random.default_rng(0)
    subjects = list(range(args.subjects))
    # runs 1-2 TRs longer in some subjects, as in the real data
    data = {s: {f"run{r:02d}": rng.standard_normal((args.trs + int(rng.integers(3)), args.parcels), dtype=np.float32)
                for r in range(args.runs)} for s in subjects}
    runs = {name: np.stack([data[s][name][:min(data[t][name].shape[0] for t in subjects)] for s in subjects])
            for name in data[0]}  # (S, T, P), what load_runs returns
    size_mb = sum(x.nbytes for x in runs.values()) / 1e6
    print(f"data: {args.subjects} subjects x {args.runs} runs x ~{args.trs} TRs x {args.parcels} parcels "
          f"({size_mb:.0f} MB); clips ({args.subjects}, {args.sample_length}, {args.parcels}) float32, "
          f"batch {args.batch_size}, {args.num_samples} clips per pass, num_workers {args.num_workers}, "
          f"torch threads {args.threads}, best of {args.repeats}")

    reference = ReferenceClips(data, subjects, args.sample_length, args.num_samples)
    ours = ClipDataset(runs, args.sample_length, num_samples=args.num_samples, shuffle=True, seed=0)
    results = compare({"reference (per-sample np.stack)": reference, "xsub ClipDataset": ours},
                      args.batch_size, args.num_workers, args.repeats)
    for label, (clips_s, mb_s) in results.items():
        print(f"{label:28s} {clips_s:9.0f} clips/s {mb_s:9.0f} MB/s")
    ratio = results["xsub ClipDataset"][0] / results["reference (per-sample np.stack)"][0]
    print(f"ratio xsub / reference: {ratio:.2f}x")


if __name__ == "__main__":
    main()
