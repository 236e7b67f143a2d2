#!/usr/bin/env python
"""Whether two `xsub_train` run folders hold the same results: `metrics.json` (but its runtime fields) and `parcels.csv`.

A change that should not change results (a refactor, a speed-up) is checked by running the same command before and
after it and comparing the two folders: `python tools/same_results.py BEFORE AFTER` prints what differs and exits 1,
or says they are the same and exits 0. Runtime fields are the settings that change speed or where outputs go
(`xsub.config.RUNTIME_FIELDS`: device, workers, out_dir, ...), dropped wherever they appear in metrics.json.
"""
import argparse
import json
import sys
from pathlib import Path

from xsub.config import RUNTIME_FIELDS


def comparable(value):
    "`value` (parsed JSON) without the keys named in `RUNTIME_FIELDS`, at any depth."
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if k not in RUNTIME_FIELDS}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return value


def differences(a: Path, b: Path) -> list[str]:
    "What differs between the results of run folders `a` and `b` (empty: the same)."
    out = []
    metrics = [comparable(json.loads((folder / "metrics.json").read_text())) for folder in (a, b)]
    if metrics[0] != metrics[1]:
        keys = sorted(k for k in set(metrics[0]) | set(metrics[1]) if metrics[0].get(k) != metrics[1].get(k))
        out.append(f"metrics.json differs in {', '.join(keys)}")
    if (a / "parcels.csv").read_bytes() != (b / "parcels.csv").read_bytes():
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
    found = differences(args.before, args.after)
    print("\n".join(found) if found else f"same results: {args.before} and {args.after} (metrics.json but runtime "
          f"fields, parcels.csv byte for byte)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
