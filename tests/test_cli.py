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


def test_xsub_compare(tmp_path, cache):
    r = run("xsub_compare", "--out", str(tmp_path / "cmp"), "--preset", "tiny", "--no-model", "--quiet", env=cache)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "ridge" in r.stdout and (tmp_path / "cmp" / "comparison.csv").stat().st_size > 0


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
