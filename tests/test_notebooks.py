"Every notebook in nbs/ runs top to bottom, as `nbdev_test` runs it (cells flagged `slow` skipped, IN_TEST=1)."
import socket
import tempfile
from pathlib import Path

import pytest
from nbdev.config import get_config
from nbdev.test import test_nb as run_notebook

from xsub.data import data_home
from xsub.plotting import find_atlas_dir

NBS = sorted((Path(__file__).resolve().parents[1] / "nbs").glob("*.ipynb"))
OFFLINE = {"12_sherlock"}  # real data read from disk: any network use is a failure
SHERLOCK = data_home() / "sherlock_pmc" / "pmc_nn_sherlock_movie_s1.mat"


@pytest.mark.parametrize("nb", NBS, ids=[p.stem for p in NBS])
def test_notebook_runs(nb: Path, monkeypatch, tmp_path):
    if nb.stem == "12_sherlock" and not SHERLOCK.is_file():
        pytest.skip(f"12_sherlock needs the Sherlock files: set XSUB_DATA to a folder holding sherlock_pmc/ "
                    f"(CI: ../shared/datasets), or run xsub.data.fetch_sherlock() once with a network")
    if nb.stem == "09_plotting":
        try:
            find_atlas_dir()
        except FileNotFoundError as missing:
            pytest.skip(f"09_plotting draws on the Schaefer atlas, which is not on disk: set XSUB_ATLAS_DIR to a folder "
                        f"holding schaefer_2018/ (CI: ../shared/nilearn_data) or fetch it once with "
                        f"xsub.plotting.load_atlas(download=True) ({str(missing).split(':')[0]})")
    if nb.stem in OFFLINE:
        def refuse(*args, **kwargs):
            raise OSError(f"{nb.name} tried to use the network")
        monkeypatch.setattr(socket.socket, "connect", refuse)
        monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the lesson's scratch folders (mkdtemp) go in tmp_path,
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # and those of the commands it runs
    cfg = get_config()
    ok, secs = run_notebook(nb, skip_flags=cfg.tst_flags.split(), basepath=cfg.config_path, showerr=True)
    assert ok, f"{nb.name} failed under test (traceback above); run `nbdev_test --path nbs/{nb.name}` to see it alone"
