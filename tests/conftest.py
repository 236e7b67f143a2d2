"Shared pytest set-up: the real atlas from ../shared, a headless matplotlib, and a private data cache."
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
REPO = Path(__file__).resolve().parents[1]
SHARED_ATLAS = REPO.parent / "shared" / "nilearn_data"
if "XSUB_ATLAS_DIR" not in os.environ and SHARED_ATLAS.is_dir():
    os.environ["XSUB_ATLAS_DIR"] = str(SHARED_ATLAS)
os.environ.setdefault("MPLBACKEND", "Agg")
