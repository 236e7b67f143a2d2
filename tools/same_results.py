#!/usr/bin/env python
"""Whether two `xsub_train` run folders hold the same results: `metrics.json` (but its runtime fields) and `parcels.csv`.

A change that should not change results (a refactor, a speed-up) is checked by running the same command before and
after it and comparing the two folders: `python tools/same_results.py BEFORE AFTER` prints what differs and exits 1,
or says they are the same and exits 0. Runtime fields are the settings that change speed or where outputs go
(`xsub.config.RUNTIME_FIELDS`: device, workers, out_dir, ...), dropped from the run's config in metrics.json.
The resume tests (tests/test_runs.py) compare runs with the same `comparable`.
"""
import argparse
import json
import sys
from pathlib import Path

from xsub.config import RUNTIME_FIELDS


def comparable(run_dir: Path) -> tuple[dict, bytes]:
    "What must equal between two runs of the same settings: metrics.json (but `RUNTIME_FIELDS`) and parcels.csv."
    metrics = json.loads((Path(run_dir) / "metrics.json").read_text())
    for name in RUNTIME_FIELDS:  # the folder, the device, ...: how a run ran, not what it found
        metrics["config"].pop(name, None)
    return metrics, (Path(run_dir) / "parcels.csv").read_bytes()


def differences(a: tuple[dict, bytes], b: tuple[dict, bytes]) -> list[str]:
    "What differs between the `comparable` results of two run folders (empty: the same)."
    (metrics_a, parcels_a), (metrics_b, parcels_b) = a, b
    out = []
    if metrics_a != metrics_b:
        keys = sorted(k for k in set(metrics_a) | set(metrics_b) if metrics_a.get(k) != metrics_b.get(k))
        out.append(f"metrics.json differs in {', '.join(keys)}")
    if parcels_a != parcels_b:
        out.append("parcels.csv differs")
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("before", type=Path, help="a run folder")
    p.add_argument("after", type=Path, help="another run folder")
    args = p.parse_args(argv)
    for folder in (args.before, args.after):
        missing = [n for n in ("metrics.json", "parcels.csv") if not (folder / n).is_file()]
        if missing:
            print(f"{folder}: no {' or '.join(missing)}: not a finished xsub_train run", file=sys.stderr)
            return 2
    results = []
    for folder in (args.before, args.after):
        try:
            results.append(comparable(folder))
        except (ValueError, KeyError, TypeError, AttributeError) as e:  # not JSON, or JSON without a run's "config"
            print(f"{folder / 'metrics.json'}: not the metrics of an xsub_train run ({type(e).__name__}: {e}); compare "
                  f"two folders that xsub_train wrote", file=sys.stderr)
            return 2
    found = differences(*results)
    print("\n".join(found) if found else f"same results: {args.before} and {args.after} (metrics.json but runtime "
          f"fields, parcels.csv byte for byte)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
