"""xsub_sweep (issue 14): a two-trial sweep on `tiny` writes the ablation table next to the baselines, and processes that
run the same command share one Optuna study (SQLite) without running a trial twice."""
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

optuna = pytest.importorskip("optuna", reason="xsub_sweep needs Optuna: pip install 'xsub[sweep]' (in [dev])")

ARGS = ["--preset", "tiny", "--epochs", "2", "--quiet"]


def sweep(*args: str, out: Path) -> subprocess.Popen:
    exe = shutil.which("xsub_sweep") or str(Path(sys.executable).parent / "xsub_sweep")
    return subprocess.Popen([exe, *ARGS, *args, "--out-dir", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def finished(out: Path) -> list:
    study = optuna.load_study(study_name="xsub", storage=f"sqlite:///{out / 'study.db'}")
    return [t for t in study.trials if t.state.is_finished()]


def test_two_trial_sweep_writes_the_ablation_table(tmp_path):
    run = sweep("--trials", "2", out=tmp_path)
    out, err = run.communicate(timeout=900)
    assert run.returncode == 0, err[-3000:]
    table = pd.read_csv(tmp_path / "ablation.csv")
    assert list(table.variant) == ["default", "embed_dim=16", "leave-one-out mean", "ridge (FIR, PCA)"]
    assert list(table.kind) == ["ablation", "ablation", "baseline", "baseline"]
    assert table.loc[0, "change_inner"] == 0 and table[["r_inner", "r_friends-s6"]].notna().all().all()
    assert (tmp_path / "ablation.png").stat().st_size > 10_000 and "embed_dim=16" in out
    assert len(finished(tmp_path)) == 2


def test_processes_share_one_study(tmp_path):
    runs = [sweep("--trials", "1", out=tmp_path) for _ in range(2)]  # at the same time, on one study.db
    for run in runs:
        _, err = run.communicate(timeout=900)
        assert run.returncode == 0, err[-3000:]
    trials = finished(tmp_path)
    assert len(trials) == 2 and trials[0].params != trials[1].params  # two queued variants, each run once
    clash = subprocess.run([shutil.which("xsub_sweep") or "xsub_sweep", "--preset", "tiny", "--epochs", "3", "--quiet",
                            "--trials", "1", "--out-dir", str(tmp_path)], capture_output=True, text=True, timeout=900)
    assert clash.returncode == 2 and "other settings (epochs)" in clash.stderr
