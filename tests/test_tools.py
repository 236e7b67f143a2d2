"tools/same_results.py: the check that a refactor left a run's results unchanged."
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_folder(folder: Path, r: float, out_dir: str) -> Path:
    folder.mkdir()
    (folder / "metrics.json").write_text(json.dumps({"config": {"lr": 3e-4, "out_dir": out_dir, "device": "cpu"},
                                                     "sets": {"friends-s6": {"model": {"mean": r}}}}))
    (folder / "parcels.csv").write_text(f"set,subject,parcel,r_model\nfriends-s6,sub-01,1,{r}\n")
    return folder


def same_results(a: Path, b: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "tools" / "same_results.py"), str(a), str(b)],
                          capture_output=True, text=True)


def test_same_results_ignores_runtime_fields_and_names_what_differs(tmp_path):
    before = run_folder(tmp_path / "before", 0.375, "/runs/before")
    after = run_folder(tmp_path / "after", 0.375, "/runs/after")  # another folder and nothing else
    other = run_folder(tmp_path / "other", 0.376, "/runs/before")  # another result
    r = same_results(before, after)
    assert r.returncode == 0 and "same results" in r.stdout, r.stdout + r.stderr
    r = same_results(before, other)
    assert r.returncode == 1 and "metrics.json differs in sets" in r.stdout and "parcels.csv differs" in r.stdout
    r = same_results(before, tmp_path)
    assert r.returncode == 2 and "not a finished xsub_train run" in r.stderr
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "metrics.json").write_text('{"sets": {}}')  # no config: not what xsub_train writes
    (damaged / "parcels.csv").write_text("set\n")
    r = same_results(before, damaged)
    assert r.returncode == 2 and "damaged/metrics.json: not the metrics of an xsub_train run" in r.stderr, r.stderr
