"The console scripts, run as a user runs them: each must exit 0 and write what it says (a returned value would be its exit code)."
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def run(name: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    exe = shutil.which(name) or str(Path(sys.executable).parent / name)
    assert Path(exe).exists(), f"console script {name} is not installed: pip install -e . (settings.ini console_scripts)"
    return subprocess.run([exe, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=900)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return {"XSUB_CACHE": str(tmp_path_factory.mktemp("cache"))}


def test_xsub_synth(tmp_path, cache):
    r = run("xsub_synth", "--out", str(tmp_path / "synth"), "--preset", "tiny", "--quiet", env=cache)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "synth" / "algonauts_2025.competitors" / "fmri").is_dir() and "tiny" in r.stdout


def test_xsub_train_then_xsub_plot(tmp_path, cache):
    out = tmp_path / "run"
    r = run("xsub_train", "--preset", "tiny", "--epochs", "1", "--samples_per_epoch", "64", "--out-dir", str(out),
            "--no-progress", env=cache)  # both flag spellings are accepted
    assert r.returncode == 0, r.stderr[-3000:]
    assert "of oracle" in r.stdout and "outputs" in r.stdout
    for name in ["metrics.json", "parcels.csv", "best.pt", "learning_curve.png", "r_by_network.png"]:
        assert (out / name).stat().st_size > 0, name
    (out / "r_by_network.png").unlink()
    r = run("xsub_plot", str(out), "--offline", env=cache)
    assert r.returncode == 0, r.stderr[-3000:]
    assert (out / "r_by_network.png").stat().st_size > 0
    r = run("xsub_plot", str(out), "--set-name", "friends-s9", "--offline", env=cache)  # a set the run did not validate
    assert r.returncode == 2 and "validated friends-s6" in r.stderr, r.stderr[-3000:]  # a bad argument (was exit 1)


def test_xsub_compare(tmp_path, cache):
    "The command on the built-in data; Procrustes, the slowest method (20 s here), is fitted on it in 11_baselines."
    r = run("xsub_compare", "--out", str(tmp_path / "cmp"), "--preset", "tiny", "--no-model", "--methods", "loo_mean",
            "ridge", "srm", "--quiet", env=cache)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "ridge" in r.stdout and "srm" in r.stdout and (tmp_path / "cmp" / "comparison.csv").stat().st_size > 0


def console_scripts() -> list[str]:
    "The command names settings.ini declares."
    import configparser
    cfg = configparser.ConfigParser()
    cfg.read(Path(__file__).resolve().parents[1] / "settings.ini")
    return [entry.split("=")[0] for entry in cfg["DEFAULT"]["console_scripts"].split()]


@pytest.mark.parametrize("name", console_scripts())
def test_every_command_has_help_in_one_flag_style(name):
    r = run(name, "--help")
    assert r.returncode == 0 and r.stdout.startswith("usage:"), r.stderr[-2000:]
    flags = [w.strip("[],") for w in r.stdout.split() if w.startswith(("--", "[--"))]
    assert flags and not [f for f in flags if "_" in f.split("=")[0]], f"underscores in {name}'s flags: {flags}"
    if "--out" in " ".join(flags):
        assert "--out-dir" in flags or any(f.startswith("--out-dir") for f in flags), name


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    "A generic-layout folder: 4 subjects, one 300-TR run of 30 parcels (each subject's parcels rotated)."
    from xsub.baselines import rotated_responses
    from xsub.data import save_runs
    data, _ = rotated_responses(n_subjects=4, n_trs=300, n_parcels=30, seed=7)
    return save_runs({"film": data}, tmp_path_factory.mktemp("study"), subjects=["01", "02", "03", "04"])


def test_xsub_compare_on_a_generic_folder(tmp_path, study):
    r = run("xsub_compare", "--data-root", str(study), "--subjects", "01", "02", "03", "--no-model", "--methods",
            "loo_mean", "procrustes", "--val-tail", "0.25", "--out-dir", str(tmp_path / "cmp"), "--quiet")
    assert r.returncode == 0, r.stderr[-3000:]
    assert "procrustes" in r.stdout and "tail-0.25" in r.stdout and "noise ceilings: left out" in r.stdout
    # 75 validated TRs: 2 blocks of 40 TRs, 3 swap patterns; the report says no p can be significant
    assert "every one of 3 swap patterns" in r.stdout and "none of these differences can be significant" in r.stdout
    table = (tmp_path / "cmp" / "comparison.csv").read_text()
    assert table.splitlines()[0].startswith(",tail-0.25,fit_s,peak_mb") and "procrustes" in table


@pytest.mark.parametrize("args, says", [
    (["--val-tail", "2"], "--val-tail 2"),
    (["--val-tail", "0.3", "--val-runs", "film"], "use one of them"),
    (["--methods", "knn"], "invalid choice: 'knn'"),
    (["--ridge-solver", "lapack"], "invalid choice: 'lapack'"),
    (["--run-dir", "/nonexistent/run"], "--run-dir /nonexistent/run does not exist"),
    (["--run-dir", "RUN", "--no-model"], "use one"),
    (["--subjects", "07"], "07"),
    (["--kernel-size", "4"], "--kernel-size 4"),
])
def test_xsub_compare_bad_values_are_one_line(tmp_path, study, args, says):
    args = [str(tmp_path) if a == "RUN" else a for a in args]
    r = run("xsub_compare", "--data-root", str(study), "--no-model", "--out-dir", str(tmp_path / "cmp"), *args)
    assert r.returncode in (1, 2) and len(r.stderr.strip().splitlines()) == 1, (r.returncode, r.stderr[-2000:])
    assert r.stderr.startswith("xsub_compare: error:") and says in r.stderr, r.stderr
    assert not (tmp_path / "cmp").exists()  # refused before anything was written


def test_xsub_compare_refuses_data_it_cannot_use_before_any_work(tmp_path, subject_folder):
    """Data xsub_train would refuse (one subject; runs whose inner split leaves no clip; a subject named twice) are
    refused in one line before a baseline is fitted or the model trained, and the output folder is never made."""
    three = {label: [(110, 20)] for label in ("01", "02", "03")}  # 110 TRs: a clip after the split, none after the inner
    cases = [(subject_folder("one", {"01": [(200, 20)] * 2}), [], "at least 2"),
             (subject_folder("short", three), [], "--inner-val"),
             (subject_folder("three", {label: [(200, 20)] * 2 for label in three}), ["--subjects", "01", "1", "02"],
              "name each subject once")]
    for i, (data, args, says) in enumerate(cases):
        out = tmp_path / f"cmp-{i}"
        r = run("xsub_compare", "--data-root", str(data), *args, "--out-dir", str(out), "--epochs", "1",
                "--samples-per-epoch", "16", "--methods", "loo_mean", "ridge", "--quiet")
        assert r.returncode == (2 if args else 1) and len(r.stderr.strip().splitlines()) == 1 and says in r.stderr, (i, r.stderr[-2000:])
        assert not out.exists(), (i, sorted(p.name for p in out.rglob("*")))
