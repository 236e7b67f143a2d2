"""Runs you can trust: a run folder is a unit (refuse, lock, overwrite), a killed run resumes to the same result, and
every mistake on the command line is one line with exit code 2 (bad arguments) or 1 (a failed run)."""
import importlib.util
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest
import torch

import xsub.files
import xsub.plotting
from xsub.data import save_runs
from xsub.files import atomic_write, run_lock
from xsub.train import load_model

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("same_results", REPO / "tools" / "same_results.py")
same_results = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(same_results)
comparable = same_results.comparable  # what must equal between two runs of the same settings
TINY = ["--preset", "tiny", "--epochs", "2", "--samples-per-epoch", "64", "--no-progress", "--offline"]


def exe(name: str) -> str:
    return shutil.which(name) or str(Path(sys.executable).parent / name)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    "A private HOME, cache and (empty) atlas folder: nothing a run writes can land elsewhere, and --offline is kept."
    base = tmp_path_factory.mktemp("env")
    for name in ("home", "cache", "atlas"):
        (base / name).mkdir()
    return {**os.environ, "HOME": str(base / "home"), "XSUB_CACHE": str(base / "cache"),
            "XSUB_ATLAS_DIR": str(base / "atlas"), "XSUB_DEBUG": ""}


def cli(env, *args, cwd=None) -> subprocess.CompletedProcess:
    name, *rest = args
    return subprocess.run([exe(name), *rest], capture_output=True, text=True, env=env, cwd=cwd, timeout=900)


def one_line(r: subprocess.CompletedProcess) -> str:
    "The command's stderr, checked to be exactly one line and no traceback."
    lines = [line for line in r.stderr.splitlines() if line.strip() and "warning:" not in line]
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr[-3000:]
    return lines[0]


@pytest.fixture(scope="module")
def finished(env, tmp_path_factory):
    "An uninterrupted tiny run: the reference every resumed run must equal."
    out = tmp_path_factory.mktemp("runs") / "reference"
    r = cli(env, "xsub_train", *TINY, "--out-dir", str(out))
    assert r.returncode == 0, r.stderr[-3000:]
    assert not any(Path(env["XSUB_ATLAS_DIR"]).iterdir())  # --offline kept
    atlas_lines = [line for line in (r.stdout + r.stderr).splitlines() if env["XSUB_ATLAS_DIR"] in line]
    assert len(atlas_lines) == 1, atlas_lines  # the maps and the parcel names, in one line
    assert atlas_lines[0].startswith("brain maps and parcel names (parcels.csv) skipped: "), atlas_lines[0]
    assert len(r.stdout) + len(r.stderr) < 20_000, "a log (not a terminal) must stay readable: no progress bars"
    return out


# --- the run folder -------------------------------------------------------------------------------------------------

def test_a_second_run_into_a_run_folder_is_refused_and_changes_nothing(env, finished, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(finished, run)
    before = {p.name: p.read_bytes() for p in run.iterdir() if p.is_file()}
    r = cli(env, "xsub_train", *TINY, "--out-dir", str(run), "--lr-schedule", "cosine")
    assert r.returncode == 2
    assert "holds another run" in one_line(r) and "--resume" in r.stderr and "--overwrite" in r.stderr
    assert {p.name: p.read_bytes() for p in run.iterdir() if p.is_file()} == before


def test_overwrite_keeps_the_old_run_until_the_new_one_has_its_data(env, finished, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(finished, run)
    before = {p.name: p.read_bytes() for p in run.iterdir() if p.is_file()}
    r = cli(env, "xsub_train", *TINY, "--out-dir", str(run), "--overwrite", "--val-runs", "s04e01a")  # fails on its data
    assert r.returncode == 1 and "s04e01a was dropped when the data were read (missing for sub-05)" in one_line(r)
    assert {p.name: p.read_bytes() for p in run.iterdir() if p.is_file()} == before
    r = cli(env, "xsub_train", *TINY, "--out-dir", str(run), "--overwrite", "--seed", "1")
    assert r.returncode == 0, r.stderr[-3000:]
    assert json.loads((run / "config.json").read_text())["seed"] == 1
    assert json.loads((run / "metrics.json").read_text())["config"]["seed"] == 1
    assert torch.load(run / "best.pt", weights_only=True)["config"]["seed"] == 1


def test_a_folder_in_use_is_refused_naming_its_holder(env, tmp_path):
    with run_lock(tmp_path / "busy"):
        r = cli(env, "xsub_train", *TINY, "--out-dir", str(tmp_path / "busy"))
    assert r.returncode == 2 and f"in use by another run (pid {os.getpid()}" in one_line(r)
    assert not (tmp_path / "busy" / "config.json").exists()


def test_a_lock_left_by_a_killed_run_is_not_in_the_way(tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / ".xsub.lock").write_text("pid 999999 on elsewhere, since long ago")  # its holder is gone
    with run_lock(tmp_path / "run"):
        pass
    assert not (tmp_path / "run" / ".xsub.lock").exists()


# --- killed runs resume to the uninterrupted result -----------------------------------------------------------------

KILL_IN_WRITE = """
import os, signal, sys, torch
import xsub.experiment
calls, save = [0], torch.save
def killed_in_write(state, path, *args, **kwargs):  # the Nth checkpoint write dies half way, as under kill -9
    calls[0] += 1
    if calls[0] == int(os.environ["KILL_AT_WRITE"]):
        with open(path, "wb") as f:
            f.write(b"PK\\x03\\x04 half a checkpoint")
            f.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    return save(state, path, *args, **kwargs)
torch.save = killed_in_write
sys.argv[0] = "xsub_train"
xsub.experiment.xsub_train()
"""


def kill_during_write(env, out: Path, n: int) -> None:
    r = subprocess.run([sys.executable, "-c", KILL_IN_WRITE, *TINY, "--out-dir", str(out)], capture_output=True,
                       text=True, env={**env, "KILL_AT_WRITE": str(n)}, timeout=900)
    assert r.returncode == -signal.SIGKILL, r.stderr[-3000:]


def kill_at(env, out: Path, delay: float) -> None:
    "Start a run, wait until it has a config.json, then SIGKILL it `delay` seconds later (if it is still running)."
    process = subprocess.Popen([exe("xsub_train"), *TINY, "--out-dir", str(out)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=env)
    while not (out / "config.json").exists() and process.poll() is None:
        time.sleep(0.01)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=900)


def test_killed_runs_resume_to_the_uninterrupted_result(env, finished, tmp_path):
    delays = random.Random(0).sample([0.5, 1.0, 1.5, 2.0, 3.0, 4.0], 2)  # seconds after config.json: several moments
    for i, kill in enumerate([lambda out: kill_during_write(env, out, 3), lambda out: kill_during_write(env, out, 6),
                              *[lambda out, d=d: kill_at(env, out, d) for d in delays]]):
        out = tmp_path / f"killed-{i}"
        kill(out)
        assert not (out / "metrics.json").exists() or i >= 2, "the run ended before it was killed"
        r = cli(env, "xsub_train", "--resume", str(out))
        assert r.returncode == 0, r.stderr[-3000:]
        assert comparable(out) == comparable(finished), f"kill {i} (delay {delays[i - 2] if i >= 2 else 'write'})"
        assert not list(out.rglob("*.tmp")) and not (out / ".xsub.lock").exists()
        for name in ("learning_curve.png", "r_by_network.png", "best.pt"):
            assert (out / name).stat().st_size > 0


def test_resume_with_another_setting_is_refused_naming_it(env, finished, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(finished, run)
    r = cli(env, "xsub_train", "--resume", str(run), "--lr", "0.001")
    assert r.returncode == 2 and "--lr" in one_line(r) and "0.0003" in r.stderr
    r = cli(env, "xsub_train", "--resume", str(run), "--device", "cpu", "--num-workers", "0")  # speed only: fine
    assert r.returncode == 0, r.stderr[-3000:]
    assert comparable(run) == comparable(finished)


def test_resume_without_best_pt_names_it_and_the_fix(env, finished, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(finished, run)
    (run / "best.pt").unlink()
    r = cli(env, "xsub_train", "--resume", str(run))
    assert r.returncode != 0 and "best.pt is missing" in one_line(r), r.stderr[-2000:]
    assert "Restore it, or train again (xsub_train --out-dir" in one_line(r) and "--overwrite" in one_line(r)


def test_stale_temp_files_are_removed_and_writes_are_fsynced(tmp_path, monkeypatch):
    (tmp_path / "last.pt.999999.tmp").write_bytes(b"half")  # a write whose process is gone
    (tmp_path / f"best.pt.{os.getpid()}.tmp").write_bytes(b"ours")  # this process's: kept
    assert xsub.files.remove_stale_temp_files(tmp_path) == [tmp_path / "last.pt.999999.tmp"]
    assert (tmp_path / f"best.pt.{os.getpid()}.tmp").exists()
    synced = []
    monkeypatch.setattr(xsub.files.os, "fsync", lambda fd: synced.append(fd))
    with atomic_write(tmp_path / "x.txt") as tmp:
        tmp.write_text("x")
    assert len(synced) == 2  # the file, then its folder


def test_a_damaged_checkpoint_names_itself_and_never_advises_unsafe_loading(tmp_path):
    path = tmp_path / "x.pt"
    path.write_bytes(np.random.default_rng(0).bytes(4096))
    with pytest.raises(ValueError, match=r"x\.pt is not an xsub checkpoint") as e:
        load_model(path)
    assert "weights_only=False" not in str(e.value)
    torch.save({"model": {}}, path)  # another program's file
    with pytest.raises(ValueError, match=r"x\.pt is not an xsub checkpoint: it lacks"):
        load_model(path)


# --- one clear line per mistake, checked before any data is read -----------------------------------------------------

BAD = {"negative epochs": ["--epochs", "-1"], "no clips": ["--samples-per-epoch", "0"], "no latent": ["--embed-dim", "0"],
       "unknown schedule": ["--lr-schedule", "linear"], "not a number": ["--epochs", "x"],
       "tail of 1.5": ["--val-tail", "1.5"], "even kernel": ["--kernel-size", "4"],
       "training on the validation season": ["--train-seasons", "6"], "missing data": ["--data-root", "/nowhere"],
       "no run to resume": ["--resume", "/nowhere"], "resume and overwrite": ["--resume", "x", "--overwrite"],
       "unknown flag": ["--epocs", "3"]}
if not torch.cuda.is_available():
    BAD["no GPU"] = ["--device", "cuda"]


@pytest.mark.parametrize("args", BAD.values(), ids=BAD.keys())
def test_bad_arguments_are_one_line_and_exit_2_before_any_data_is_read(env, tmp_path, args):
    cache = tmp_path / "cache"
    r = cli({**env, "XSUB_CACHE": str(cache)}, "xsub_train", "--preset", "tiny", "--out-dir", str(tmp_path / "run"),
             *args)
    assert r.returncode == 2, r.stderr[-3000:]
    assert one_line(r).startswith("xsub_train: error: ")
    assert not cache.exists(), "the synthetic data were made before the arguments were checked"


def test_an_unwritable_out_dir_is_one_line(env, tmp_path):
    (tmp_path / "file").write_text("")
    r = cli(env, "xsub_train", *TINY, "--out-dir", str(tmp_path / "file" / "run"))
    assert r.returncode == 2 and "cannot write there" in one_line(r)


def test_debug_shows_the_traceback(env, tmp_path):
    r = cli(env, "xsub_train", "--epochs", "-1", "--debug")
    assert r.returncode == 1 and "Traceback" in r.stderr and "UsageError" in r.stderr


@pytest.fixture
def nan_folder(tmp_path):
    rng = np.random.default_rng(0)
    runs = {f"run-{i}": rng.standard_normal((3, 200, 12)).astype(np.float32) for i in (1, 2, 3)}
    runs["run-2"][1, 5, 3] = np.nan
    return save_runs(runs, tmp_path / "data")


def test_a_failed_run_is_one_line_exit_1_and_names_the_flag_that_fixes_it(env, nan_folder, tmp_path):
    args = ["--data-root", str(nan_folder), "--epochs", "0", "--no-progress", "--sample-length", "32"]
    r = cli(env, "xsub_train", *args, "--out-dir", str(tmp_path / "a"))
    assert r.returncode == 1 and "--on-nonfinite zero" in one_line(r) and "run-2" in r.stderr
    r = cli(env, "xsub_train", *args, "--out-dir", str(tmp_path / "b"), "--on-nonfinite", "drop-run")
    assert r.returncode == 0, r.stderr[-3000:]
    assert "left out of every subject" in r.stderr and json.loads((tmp_path / "b" / "metrics.json").read_text())
    r = cli(env, "xsub_train", *args, "--out-dir", str(tmp_path / "c"), "--on-nonfinite", "zero")
    assert r.returncode == 0 and "replaced 1 NaN/Inf values by 0" in r.stderr


# --- offline, the atlas and xsub_plot -------------------------------------------------------------------------------

def test_a_failed_atlas_download_leaves_nothing_behind(tmp_path, monkeypatch):
    def fails_half_way(data_dir, **kwargs):
        (Path(data_dir) / "schaefer_2018").mkdir(parents=True)
        (Path(data_dir) / "schaefer_2018" / xsub.plotting.schaefer_file_names()[1]).write_bytes(b"partial")
        raise ConnectionError("no network")
    monkeypatch.setattr(xsub.plotting.datasets, "fetch_atlas_schaefer_2018", fails_half_way)
    with pytest.raises(ConnectionError):
        xsub.plotting.download_atlas(tmp_path / "atlas")
    assert [p.name for p in (tmp_path / "atlas").rglob("*")] == []


def test_a_damaged_atlas_is_an_error_not_a_skip(finished, tmp_path):
    atlas = tmp_path / "atlas" / "schaefer_2018"
    atlas.mkdir(parents=True)
    labels, volume = xsub.plotting.schaefer_file_names()
    (atlas / labels).write_text("".join(f"{i}\t7Networks_LH_Vis_{i}\t0\t0\t0\t0\n" for i in range(1, 1001)))
    (atlas / volume).write_bytes(b"not a NIfTI file")
    run = tmp_path / "run"
    shutil.copytree(finished, run)
    with pytest.raises(Exception, match=volume.split(".")[0]):
        xsub.plotting.plot_run(run, data_dir=tmp_path / "atlas")


def test_xsub_plot_names_what_is_missing_or_damaged(env, finished, tmp_path):
    r = cli(env, "xsub_plot", str(tmp_path))
    assert r.returncode == 2 and "has no parcels.csv or metrics.json" in one_line(r)
    run = tmp_path / "run"
    shutil.copytree(finished, run)
    with open(run / "selection" / "metrics.jsonl", "a") as f:
        f.write('{"epoch": 9, "val": {\n')
    r = cli(env, "xsub_plot", str(run), "--offline")
    assert r.returncode == 1 and "metrics.jsonl, line" in one_line(r) and "damaged" in r.stderr


def test_commands_write_nothing_outside_their_folders(env, tmp_path):
    "A command and a notebook run from the repository, with the cache elsewhere: git status and ~/.cache/xsub unchanged."
    status = lambda: subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=REPO, capture_output=True,
                                    text=True)
    if status().returncode:
        pytest.skip("not a git checkout")
    home_cache = Path(env["HOME"]) / ".cache" / "xsub"
    before = status().stdout
    r = cli(env, "xsub_train", *TINY, "--out-dir", str(tmp_path / "run"), cwd=REPO)
    assert r.returncode == 0, r.stderr[-3000:]
    r = subprocess.run([exe("nbdev_test"), "--path", "nbs/05_models.ipynb"], cwd=REPO, env=env, capture_output=True,
                       text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    assert status().stdout == before and not home_cache.exists()


# --- xsub_predict ---------------------------------------------------------------------------------------------------

def test_xsub_predict_scores_new_runs_as_the_run_scored_them(env, finished, tmp_path):
    import h5py
    import pandas as pd
    from xsub.config import TrainConfig, load_data
    _, val_sets = load_data(TrainConfig(preset="tiny", progress=False))
    s6 = val_sets["friends-s6"]  # the run's own validation episodes, as a folder of new runs
    data = save_runs(s6, tmp_path / "new", s6.subjects)
    r = cli(env, "xsub_predict", str(finished), "--data-root", str(data), "--out-dir", str(tmp_path / "pred"), "--quiet")
    assert r.returncode == 0, r.stderr[-3000:]
    new, reported = pd.read_csv(tmp_path / "pred" / "parcels.csv"), pd.read_csv(finished / "parcels.csv")
    np.testing.assert_allclose(new.r_model, reported.query("set == 'friends-s6'").r_model, atol=2e-5)
    assert {"p_model", "q_mean_model", "r_baseline"} <= set(new.columns)
    name = next(iter(s6))
    with h5py.File(tmp_path / "pred" / "predictions.h5", "r") as f:
        assert f[f"sub-01/{name}"].shape == np.shape(s6[name])[1:]  # (T, P)
    assert set(json.loads((tmp_path / "pred" / "metrics.json").read_text())["runs"]) == set(s6)
    r = cli(env, "xsub_predict", str(finished), "--out-dir", str(tmp_path / "x"))
    assert r.returncode == 2 and "--data-root is required" in one_line(r)
    r = cli(env, "xsub_predict", str(finished), "--data-root", str(data), "--out-dir", str(tmp_path / "pred"))
    assert r.returncode == 2 and "--overwrite" in one_line(r)
    other = save_runs({n: np.asarray(x)[..., :10] for n, x in s6.items()}, tmp_path / "ten", s6.subjects)
    r = cli(env, "xsub_predict", str(finished), "--data-root", str(other), "--out-dir", str(tmp_path / "y"))
    assert r.returncode == 1 and "10 parcels" in one_line(r)
    two = list(s6)[:2]
    r = cli(env, "xsub_predict", str(finished), "--data-root", ".", "--out-dir", str(tmp_path / "spaced"), "--quiet",
            "--runs", f"{two[0]}, {two[1]}", cwd=data)  # spaces after commas: the names (was 'no file has run  s06...')
    spaced = json.loads((tmp_path / "spaced" / "metrics.json").read_text())
    assert r.returncode == 0 and set(spaced["runs"]) == set(two)
    assert list(spaced["sets"]) == ["new"] and spaced["data_root"] == str(data.resolve())  # "." gave the set name ""
    r = cli(env, "xsub_predict", str(finished), "--data-root", str(data), "--out-dir", str(tmp_path / "comma"), "--runs", ",")
    assert r.returncode == 2 and "names no run" in one_line(r)
    more = save_runs({n: np.concatenate([x, x[:1]]) for n, x in s6.items()}, tmp_path / "more", (*s6.subjects, "sub-09"))
    r = cli(env, "xsub_predict", str(finished), "--data-root", str(more), "--out-dir", str(tmp_path / "more_out"),
            "--quiet", "--runs", two[0])  # a subject the model has no encoder for: left out, and said (was silent)
    assert r.returncode == 0 and "sub-09 left out: the model" in r.stderr, r.stderr[-2000:]
    holed = {n: np.array(x) for n, x in s6.items()}
    holed[name][1, 5, 3] = np.nan
    holed = save_runs(holed, tmp_path / "holed", s6.subjects)
    r = cli(env, "xsub_predict", str(finished), "--data-root", str(holed), "--out-dir", str(tmp_path / "nan"), "--quiet")
    assert r.returncode == 1 and "as the run was trained (on_nonfinite='raise'" in one_line(r)
    assert "--on-nonfinite" not in r.stderr  # xsub_train's flag, which xsub_predict does not have
    fewer = save_runs({n: np.asarray(x)[:3] for n, x in s6.items()}, tmp_path / "three", s6.subjects[:3])
    r = cli(env, "xsub_predict", str(finished), "--data-root", str(fewer), "--out-dir", str(tmp_path / "z"))
    assert r.returncode == 2 and "has no file for sub-05" in one_line(r) and "every one of them" in one_line(r)
    said = lambda r: r.stderr.split("was trained on")[1].split("held-out")[0]  # the runs the warning names
    train_runs, _ = load_data(TrainConfig(preset="tiny", progress=False, zscore=False))  # as on disk
    first = next(iter(train_runs))  # a training episode, saved again elsewhere: known by its data, wherever it lies
    mixed = save_runs({first: train_runs[first], name: s6[name]}, tmp_path / "mixed", s6.subjects)
    r = cli(env, "xsub_predict", str(finished), "--data-root", str(mixed), "--out-dir", str(tmp_path / "v"), "--quiet")
    assert r.returncode == 0 and "is not a held-out score" in r.stderr, r.stderr
    assert first in said(r) and name not in said(r), r.stderr
    r = cli(env, "xsub_predict", str(finished), "--data-root", str(data), "--out-dir", str(tmp_path / "u"), "--quiet")
    assert "held-out score" not in r.stderr, r.stderr  # the run's own validation episodes
    trained_here = tmp_path / "trained_here"  # an older run (no signatures), as if trained on the folder it predicts
    shutil.copytree(finished, trained_here)
    config = json.loads((trained_here / "config.json").read_text())
    (trained_here / "config.json").write_text(json.dumps({**config, "data_root": str(data), "val_runs": [name]}))
    metrics = json.loads((trained_here / "metrics.json").read_text())
    (trained_here / "metrics.json").write_text(json.dumps({k: v for k, v in metrics.items() if k != "train_signatures"}))
    r = cli(env, "xsub_predict", str(trained_here), "--data-root", str(data), "--out-dir", str(tmp_path / "w"), "--quiet")
    assert r.returncode == 0 and "is not a held-out score" in r.stderr and name not in said(r), r.stderr



def test_xsub_predict_tests_time_locking_in_the_models_space_and_names_swapped_and_misordered_subjects(env, tmp_path):
    """Brains that are each their own rotation of one response: parcel by parcel every subject looks out of step, in
    the trained model's shared space none is; two subjects' files swapped are named, as a pair, and nobody else; one
    subject's parcels in another order are named, alone; two subjects with another part of the run, as a group."""
    from xsub.baselines import rotated_responses
    data, _ = rotated_responses(n_subjects=5, n_trs=900, n_parcels=40, noise=1.0, seed=2)  # (S, T, P)
    runs = {f"run-{k + 1}": data[:, 300 * k:300 * (k + 1)] for k in range(3)}
    labels = ["01", "02", "03", "04", "05"]
    folder = save_runs(runs, tmp_path / "data", labels)
    r = cli(env, "xsub_train", "--data-root", str(folder), "--val-runs", "run-3", "--epochs", "1", "--samples-per-epoch",
            "32", "--out-dir", str(tmp_path / "run"), "--offline", "--no-progress")
    assert r.returncode == 0 and "parcel by parcel" in r.stderr, r.stderr[-3000:]  # before any model: parcel by parcel
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["training"]["start"]["encoder"] == "per-subject"
    predict = lambda root, out: cli(env, "xsub_predict", str(tmp_path / "run"), "--data-root", str(root), "--runs",
                                    "run-3", "--out-dir", str(tmp_path / out), "--quiet")
    misordered = "Parcels out of order, in the model's shared space"
    r = predict(folder, "as_recorded")
    assert r.returncode == 0 and "Not time-locked" not in r.stderr and "each other's names" not in r.stderr, r.stderr
    assert misordered not in r.stderr, r.stderr
    swapped = save_runs({n: x[[1, 0, 2, 3, 4]] for n, x in runs.items()}, tmp_path / "swapped", labels)
    r = predict(swapped, "swapped")
    assert r.returncode == 0 and "Data under each other's names" in r.stderr, r.stderr
    named = r.stderr.split("Data under each other's names")[1].split(". Each one's")[0]
    assert "sub-01 and sub-02 in run-3" in named and not any(f"sub-0{k}" in named for k in (3, 4, 5)), named
    assert misordered not in r.stderr, r.stderr  # the swapped pair is warned of once, as a pair
    checks = json.loads((tmp_path / "swapped" / "metrics.json").read_text())["checks"]
    assert checks["swapped"] == [["sub-01", "sub-02", "run-3"]] and checks["trained_on"] == [], checks
    order = np.random.default_rng(1).permutation(40)  # sub-03's parcels in another order that stays time-locked in the
    # model's space (as 5 of seeds 0-11 do; others are warned of as out of step): no pair, no time-locking warning
    shuffled = save_runs({n: np.stack([*x[:2], x[2][:, order], *x[3:]]) for n, x in runs.items()}, tmp_path / "shuffled",
                         labels)
    r = predict(shuffled, "shuffled")
    assert r.returncode == 0 and misordered in r.stderr and "each other's names" not in r.stderr, r.stderr
    named = r.stderr.split(misordered)[1].split(". Their data")[0]
    assert "sub-03 in run-3" in named and not any(f"sub-0{k}" in named for k in (1, 2, 4, 5)), named
    checks = json.loads((tmp_path / "shuffled" / "metrics.json").read_text())["checks"]
    assert checks["parcels_out_of_order"] == [["sub-03", "run-3"]] and checks["swapped"] == [], checks
    assert checks["groups"] == [], checks
    moved = save_runs({n: np.concatenate([x[:3], np.roll(x[3:], 150, axis=1)]) if n == "run-3" else x
                       for n, x in runs.items()}, tmp_path / "moved", labels)  # sub-04, sub-05: another part of run-3
    r = predict(moved, "moved")  # each one's others hold its partner: no check named them before the group test
    assert r.returncode == 0 and "Subjects in groups that follow different signals, in the model's shared space" in (
        r.stderr), r.stderr
    assert "sub-04 and sub-05 in run-3 follow each other" in r.stderr, r.stderr
    checks = json.loads((tmp_path / "moved" / "metrics.json").read_text())["checks"]
    assert checks["groups"] == [[["sub-04", "sub-05"], "run-3"]], checks
    assert checks["not_time_locked"] == checks["swapped"] == checks["parcels_out_of_order"] == [], checks


def test_a_run_refused_on_its_data_claims_nothing_and_the_retry_runs(env, tmp_path):
    """One subject is refused before any training, leaving no config.json or selection/ behind; once a second
    subject's file is there, the same command runs without --overwrite."""
    rng = np.random.default_rng(0)
    data = tmp_path / "data"
    data.mkdir()

    def write(label):  # two runs of 200 TRs, 20 parcels: a shared signal and the subject's noise
        shared = rng.standard_normal((2, 200, 20)).astype(np.float32)
        with h5py.File(data / f"sub-{label}.h5", "w") as f:
            for i, name in enumerate(("run1", "run2")):
                f[name] = shared[i] + rng.standard_normal((200, 20)).astype(np.float32)
    write("01")
    out = tmp_path / "out"
    args = ("--data-root", str(data), "--out-dir", str(out), "--epochs", "1", "--samples-per-epoch", "16",
            "--sample-length", "32", "--no-progress", "--offline")
    r = cli(env, "xsub_train", *args)
    assert r.returncode == 1 and "at least 2" in one_line(r), r.stderr
    assert not out.exists() or not any(p.name != ".xsub.lock" for p in out.iterdir()), list(out.iterdir())
    write("02")
    r = cli(env, "xsub_train", *args)
    assert r.returncode == 0, r.stderr
    assert (out / "metrics.json").is_file()


def test_a_subject_named_twice_is_refused_before_the_run_claims_its_folder(env, tmp_path, subject_folder):
    "--subjects 01 1 02 names sub-01 twice: the data would quietly hold 2 subjects for 3 names; refused, nothing claimed."
    data = subject_folder("data", {label: [(200, 20)] * 2 for label in ("01", "02", "03")})
    out = tmp_path / "out"
    r = cli(env, "xsub_train", "--data-root", str(data), "--subjects", "01", "1", "02", "--out-dir", str(out),
            "--epochs", "0", "--no-progress", "--offline")
    assert r.returncode == 2 and "name each subject once" in one_line(r), r.stderr[-2000:]  # a bad argument
    assert not out.exists()


def test_validation_runs_of_another_parcellation_are_refused_before_the_run_claims_its_folder(tmp_path):
    """A Movie10 file in another parcellation than the Friends files: the validation set is refused with the data,
    before config.json claims the folder (it used to fail at the first validation, the folder claimed)."""
    import dataclasses
    from xsub.experiment import run_experiment
    from xsub.synthetic import make_synthetic
    from xsub.config import TrainConfig
    source = make_synthetic("tiny", progress=False)
    root = tmp_path / "algonauts_2025.competitors"
    for path in (source / "fmri").rglob("*.h5"):
        copy = root / path.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        if "movie10" not in path.name:
            copy.symlink_to(path)
            continue
        with h5py.File(path, "r") as f, h5py.File(copy, "w") as g:
            for key in f:
                g[key] = f[key][:, :10]  # (T, 10) instead of (T, 1000)
    config = TrainConfig(data_root=str(root), epochs=0, progress=False, out_dir=str(tmp_path / "run"))
    with pytest.raises(ValueError, match="Validation set movie10-figures"):
        run_experiment(config, figures=False)
    assert not (tmp_path / "run" / "config.json").exists()
    done = run_experiment(dataclasses.replace(config, val_sets=("friends-s6",)), figures=False)  # the Friends runs
    assert list(done["summary"]["sets"]) == ["friends-s6"]


def test_messages_say_what_is_true_about_the_data_root_and_subjects(env, tmp_path):
    """--data-root naming a file says it is a file and names both layouts; --subjects by number finds sub-01.h5; the
    outputs printed are the files written (no metrics.jsonl without gradient epochs)."""
    rng = np.random.default_rng(1)
    data = tmp_path / "data"
    data.mkdir()
    shared = rng.standard_normal((2, 200, 20)).astype(np.float32)
    for label in ("01", "02", "03"):
        with h5py.File(data / f"sub-{label}.h5", "w") as f:
            for i, name in enumerate(("run1", "run2")):
                f[name] = shared[i] + rng.standard_normal((200, 20)).astype(np.float32)
    r = cli(env, "xsub_train", "--data-root", str(data / "sub-01.h5"), "--out-dir", str(tmp_path / "a"), "--offline")
    line = one_line(r)
    assert r.returncode == 2 and "is a file, not a folder" in line and "sub-<label>.h5" in line and "algonauts" in line
    r = cli(env, "xsub_train", "--data-root", str(data), "--subjects", "1", "4", "--out-dir", str(tmp_path / "a"),
            "--offline")  # no sub-04.h5: a bad argument, said before any data is read
    assert r.returncode == 2 and "no file for subject '4': it has 3 (sub-01, sub-02, sub-03)" in one_line(r), r.stderr
    r = cli(env, "xsub_train", "--subjects", "1", "9", "--out-dir", str(tmp_path / "a"), "--offline")
    assert r.returncode == 2 and "the built-in synthetic set has the Algonauts 2025 release's subjects 1 2 3 5" in \
        one_line(r), r.stderr
    assert not (tmp_path / "a").exists()
    out = tmp_path / "b"
    r = cli(env, "xsub_train", "--data-root", str(data), "--subjects", "1", "3", "--out-dir", str(out), "--epochs", "0",
            "--no-progress", "--offline")
    assert r.returncode == 0, r.stderr
    summary = json.loads((out / "metrics.json").read_text())
    assert summary["subjects"] == ["sub-01", "sub-03"], summary["subjects"]
    assert summary["data_root"] == str(data), summary["data_root"]  # the folder read (it was null for a time split)
    printed = [line.split()[-1] for line in r.stdout.split("outputs", 1)[1].splitlines() if line.strip()]
    assert printed and all(Path(p).exists() for p in printed), printed


def test_resume_and_compare_refuse_training_data_changed_since_the_run(env, tmp_path, subject_folder):
    """A file rewritten after training: --resume refused (it mixed the old run's inner-split history with scores of the
    new data), and xsub_compare --run-dir too (it compared the old model on data it never saw as if trained on them)."""
    data = subject_folder("data", {label: [(200, 20)] * 2 for label in ("01", "02", "03")})
    out = tmp_path / "run"
    args = ["--data-root", str(data), "--epochs", "1", "--samples-per-epoch", "16", "--sample-length", "32",
            "--no-progress", "--offline"]
    r = cli(env, "xsub_train", *args, "--out-dir", str(out))
    assert r.returncode == 0, r.stderr[-3000:]
    with h5py.File(data / "sub-02.h5", "a") as f:
        f["run1"][...] = np.random.default_rng(9).standard_normal((200, 20)).astype(np.float32)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    r = cli(env, "xsub_train", "--resume", str(out), "--no-progress")
    assert r.returncode == 1 and "the training data differ from those it was trained on (run run1" in one_line(r)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != "config.json"} == \
        {k: v for k, v in before.items() if k != "config.json"}
    r = cli(env, "xsub_compare", "--run-dir", str(out), "--out-dir", str(tmp_path / "cmp"), "--methods", "loo_mean",
            "--quiet", "--offline")
    assert r.returncode == 1 and "run1" in one_line(r) and "differ" in one_line(r), r.stderr[-2000:]
