"""Shared pytest set-up: the real atlas and data sets from ../shared, a headless matplotlib, a private data cache, and a
check that no test writes into the repository or into ~/.cache/xsub."""
import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
HOME_CACHE = Path.home() / ".cache" / "xsub"
if "XSUB_ATLAS_DIR" not in os.environ and (SHARED / "nilearn_data").is_dir():
    os.environ["XSUB_ATLAS_DIR"] = str(SHARED / "nilearn_data")
if "XSUB_DATA" not in os.environ and (SHARED / "datasets").is_dir():
    os.environ["XSUB_DATA"] = str(SHARED / "datasets")  # fetch_sherlock finds sherlock_pmc/ there: no download
if "XSUB_CACHE" not in os.environ:  # synthetic data sets go into a temp folder, removed at the end, never ~/.cache/xsub
    os.environ["XSUB_CACHE"] = tempfile.mkdtemp(prefix="xsub_test_cache_")
    atexit.register(shutil.rmtree, os.environ["XSUB_CACHE"], ignore_errors=True)
os.environ.setdefault("MPLBACKEND", "Agg")


def _atlas_for_tests() -> None:
    "Without XSUB_ATLAS_DIR or an atlas in nilearn's folders, fetch it into a temp folder (online); offline, tests skip."
    from xsub.plotting import download_atlas, find_atlas_dir
    try:
        find_atlas_dir()
    except FileNotFoundError:
        folder = tempfile.mkdtemp(prefix="xsub_test_atlas_")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        try:
            download_atlas(folder)
        except OSError:  # no network: the atlas tests and notebook 06 skip, saying how to run them
            return
        os.environ["XSUB_ATLAS_DIR"] = folder


_atlas_for_tests()


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


def pytest_sessionstart(session):
    session.config.xsub_before = (repository_state(), home_cache_state())


def pytest_sessionfinish(session, exitstatus):
    (repo_before, home_before), reporter = session.config.xsub_before, session.config.pluginmanager.get_plugin("terminalreporter")
    repo_after, home_after = repository_state(), home_cache_state()
    wrote = sorted(repo_after - repo_before) if repo_before is not None and repo_after is not None else []
    wrote += sorted(set(home_after) - set(home_before))
    if wrote:
        reporter.write_line(f"FAILED: the tests wrote outside their temporary folders: {wrote}", red=True)
        session.exitstatus = 1
