"""Shared pytest set-up: the real atlas and data sets from ../shared, a headless matplotlib, a private data cache, a
private temp folder, and a check that no test writes into the repository, into ~/.cache/xsub or into the temp folder."""
import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import h5py
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
HOME_CACHE = Path.home() / ".cache" / "xsub"
# The system temp folder is shared with every other process on the machine, so a before/after listing of it cannot tell
# what these tests left from what others made meanwhile. This session gets a fresh folder inside it instead: this process
# (tempfile.tempdir) and its children (TMPDIR) make their temp files there, so whatever is still in it at the end, but
# this file's own cache and atlas folders, was left by a test. It is reported, and removed when the session exits.
# pytest's own basetemp stays in the system temp folder (PYTEST_DEBUG_TEMPROOT), with pytest's keep-the-last-3 rule.
os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", tempfile.gettempdir())
SESSION_TMP = Path(tempfile.mkdtemp(prefix="xsub_pytest_tmp_"))
atexit.register(shutil.rmtree, SESSION_TMP, ignore_errors=True)
os.environ["TMPDIR"] = tempfile.tempdir = str(SESSION_TMP)
OWN_TMP = set()  # the folders this file makes in SESSION_TMP: not leaks
LIBRARY_CACHES = ("torchinductor_",)  # one per user, reused by every run (torch makes it at an optimizer's first step)
if "XSUB_ATLAS_DIR" not in os.environ and (SHARED / "nilearn_data").is_dir():
    os.environ["XSUB_ATLAS_DIR"] = str(SHARED / "nilearn_data")
if "XSUB_DATA" not in os.environ and (SHARED / "datasets").is_dir():
    os.environ["XSUB_DATA"] = str(SHARED / "datasets")  # fetch_sherlock finds sherlock_pmc/ there: no download
if "XSUB_CACHE" not in os.environ:  # synthetic data sets go into a temp folder, removed at the end, never ~/.cache/xsub
    os.environ["XSUB_CACHE"] = tempfile.mkdtemp(prefix="xsub_test_cache_")
    OWN_TMP.add(Path(os.environ["XSUB_CACHE"]).name)
os.environ.setdefault("MPLBACKEND", "Agg")


def _atlas_for_tests() -> None:
    "Without XSUB_ATLAS_DIR or an atlas in nilearn's folders, fetch it into a temp folder (online); offline, tests skip."
    from xsub.plotting import download_atlas, find_atlas_dir
    try:
        find_atlas_dir()
    except FileNotFoundError:
        folder = tempfile.mkdtemp(prefix="xsub_test_atlas_")
        OWN_TMP.add(Path(folder).name)
        try:
            download_atlas(folder)
        except OSError:  # no network: the atlas tests and notebook 06 skip, saying how to run them
            return
        os.environ["XSUB_ATLAS_DIR"] = folder


_atlas_for_tests()


@pytest.fixture
def subject_folder(tmp_path):
    "A maker of small generic-layout folders in tmp_path: (name, {label: [(T, P) of each run]}) -> the folder."
    rng = np.random.default_rng(0)

    def make(name: str, shapes: dict) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for label, runs in shapes.items():  # one sub-<label>.h5 per subject, a random (T, P) dataset per run
            with h5py.File(folder / f"sub-{label}.h5", "w") as f:
                for i, shape in enumerate(runs, 1):
                    f[f"run{i}"] = rng.standard_normal(shape).astype(np.float32)
        return folder
    return make


def repository_state() -> set[str] | None:
    "What `git status` lists, ignored files included (None outside a git checkout): tests must not change it."
    try:
        r = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=REPO, capture_output=True, text=True)
    except OSError:
        return None
    noise = (".pytest_cache", "__pycache__", ".egg-info")
    return None if r.returncode else {line for line in r.stdout.splitlines() if not any(n in line for n in noise)}


def home_cache_state() -> list[str]:
    "The files under ~/.cache/xsub (tests use $XSUB_CACHE, so this must not change)."
    return sorted(str(p) for p in HOME_CACHE.rglob("*")) if HOME_CACHE.is_dir() else []


def temp_state() -> list[str]:
    "The entries of the session's temp folder that this file did not make (tests must remove what they put there)."
    if not SESSION_TMP.is_dir():
        return []
    return sorted(str(p) for p in SESSION_TMP.iterdir() if p.name not in OWN_TMP and not p.name.startswith(LIBRARY_CACHES))


def pytest_sessionstart(session):
    session.config.xsub_before = (repository_state(), home_cache_state(), temp_state())


def pytest_sessionfinish(session, exitstatus):
    (repo_before, home_before, temp_before) = session.config.xsub_before
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    repo_after, home_after = repository_state(), home_cache_state()
    wrote = sorted(repo_after - repo_before) if repo_before is not None and repo_after is not None else []
    wrote += sorted(set(home_after) - set(home_before))
    wrote += sorted(set(temp_state()) - set(temp_before))  # left in the temp folder (removed at exit all the same)
    if wrote:
        reporter.write_line(f"FAILED: the tests wrote outside their temporary folders, or left files in the temp "
                            f"folder: {wrote}", red=True)
        session.exitstatus = 1
