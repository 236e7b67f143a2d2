"""xsub_sweep (issue 14): a two-trial sweep on `tiny` writes the ablation table next to the baselines, and processes that
run the same command share one Optuna study (SQLite) without running a trial twice."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

optuna = pytest.importorskip("optuna", reason="xsub_sweep needs Optuna: pip install 'xsub[sweep]' (in [dev])")

ARGS = ["--preset", "tiny", "--epochs", "2", "--quiet"]


def sweep(*args: str, out: Path, threads: int | None = None) -> subprocess.Popen:
    "xsub_sweep on `tiny`, started in the background; `threads`: its torch and BLAS threads (OMP_NUM_THREADS)."
    exe = shutil.which("xsub_sweep") or str(Path(sys.executable).parent / "xsub_sweep")
    env = os.environ if threads is None else {**os.environ, "OMP_NUM_THREADS": str(threads)}
    return subprocess.Popen([exe, *ARGS, *args, "--out-dir", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


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
    runs = [sweep("--trials", "1", out=tmp_path, threads=1) for _ in range(2)]  # at the same time, on one study.db,
    # a core each as the README advises (at full threads each, the two fight over the cores: 69 s instead of 26 s here)
    for run in runs:
        _, err = run.communicate(timeout=900)
        assert run.returncode == 0, err[-3000:]
    trials = finished(tmp_path)
    assert len(trials) == 2 and trials[0].params != trials[1].params  # two queued variants, each run once
    clash = subprocess.run([shutil.which("xsub_sweep") or "xsub_sweep", "--preset", "tiny", "--epochs", "3", "--quiet",
                            "--trials", "1", "--out-dir", str(tmp_path)], capture_output=True, text=True, timeout=900)
    assert clash.returncode == 2 and "other settings (epochs)" in clash.stderr


def test_a_dead_trial_is_failed_and_queued_again(tmp_path):
    """A RUNNING trial whose heartbeat stopped (its process was killed) is marked FAIL when another process starts a
    trial, and queued again once with the same parameters and its ablation mark."""
    import time
    import warnings

    from xsub.sweep import _study_storage
    storage = _study_storage(tmp_path / "study.db", heartbeat_s=1, grace_s=1)
    study = optuna.create_study(study_name="xsub", storage=storage, direction="maximize")
    study.enqueue_trial({"embed_dim": 32}, user_attrs={"ablation": True})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "heartbeats are for Study.optimize": xsub_sweep uses optimize, this test ask
        trial = study.ask()  # the queued variant, now RUNNING
    trial.suggest_categorical("embed_dim", [16, 32, 64])  # as run_trial does
    storage.record_heartbeat(trial._trial_id)  # it beat once, then its process died
    time.sleep(2.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        optuna.storages.fail_stale_trials(study)  # what every process does before it starts a trial
    dead, again = study.get_trials()
    assert (dead.state, again.state) == (optuna.trial.TrialState.FAIL, optuna.trial.TrialState.WAITING)
    assert again.user_attrs == {"ablation": True} and again.system_attrs["fixed_params"] == {"embed_dim": 32}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rerun = study.ask()  # the next trial is the retry, with the same parameter
    assert rerun.number == again.number and rerun.suggest_categorical("embed_dim", [16, 32, 64]) == 32


def test_bad_data_is_refused_before_the_first_trial(tmp_path, subject_folder):
    """One subject, or runs whose inner split leaves no training clip: refused in one line before any trial trains,
    with no study.db (or anything else) in --out-dir for a retry to trip on."""
    exe = shutil.which("xsub_sweep") or str(Path(sys.executable).parent / "xsub_sweep")
    for name, shapes, says in [("one", {"01": [(200, 20)] * 2}, "at least 2"),
                               ("short", {s: [(110, 20)] for s in ("01", "02", "03")}, "--inner-val")]:
        out = tmp_path / f"sweep-{name}"
        r = subprocess.run([exe, "--data-root", str(subject_folder(name, shapes)), "--epochs", "1", "--trials", "1",
                            "--quiet", "--out-dir", str(out)], capture_output=True, text=True, timeout=900)
        assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1 and says in r.stderr, r.stderr[-2000:]
        assert not out.exists(), sorted(p.name for p in out.rglob("*"))


def test_short_runs_are_swept_with_the_flags_the_refusal_names(tmp_path, subject_folder):
    "Runs of 110 TRs leave no 64-TR clip before the inner split: --sample-length (which the refusal names) makes them fit."
    exe = shutil.which("xsub_sweep") or str(Path(sys.executable).parent / "xsub_sweep")
    data = subject_folder("short", {s: [(110, 20)] for s in ("01", "02", "03")})
    r = subprocess.run([exe, "--data-root", str(data), "--trials", "0", "--sample-length", "16", "--inner-val", "0.25",
                        "--quiet", "--out-dir", str(tmp_path / "sweep")], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0 and (tmp_path / "sweep" / "ablation.csv").is_file(), r.stderr[-2000:]
    r = subprocess.run([exe, "--inner-val", "0", "--quiet", "--out-dir", str(tmp_path / "zero")], capture_output=True,
                       text=True, timeout=900)
    assert r.returncode == 2 and "--inner-val 0" in r.stderr and not (tmp_path / "zero").exists(), r.stderr[-2000:]
