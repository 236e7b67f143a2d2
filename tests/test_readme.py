"README.md is generated from nbs/index.ipynb and must not drift from it."
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_matches_index_notebook():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "make_readme.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr + r.stdout


def test_readme_has_two_setup_commands():
    text = (ROOT / "README.md").read_text()
    cmds = [l for l in text.splitlines() if l.startswith("pip install torch")]
    assert len(cmds) == 2, f"README.md should give exactly two set-up commands, found {cmds}"
    assert any(c.rstrip().endswith("xsub_train") for c in cmds) and any(c.rstrip().endswith("pytest") for c in cmds), cmds


def test_notebooks_stay_light():
    "Stored figures are small (inline JPEG at a low dpi in 09_plotting): every notebook stays under 500 KB."
    sizes = {nb.name: nb.stat().st_size for nb in (ROOT / "nbs").glob("*.ipynb")}
    assert max(sizes.values()) < 500_000, sizes
