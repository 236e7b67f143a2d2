"Shared pytest set-up: the real atlas and data sets from ../shared, a headless matplotlib, and a private data cache."
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
if "XSUB_ATLAS_DIR" not in os.environ and (SHARED / "nilearn_data").is_dir():
    os.environ["XSUB_ATLAS_DIR"] = str(SHARED / "nilearn_data")
if "XSUB_DATA" not in os.environ and (SHARED / "datasets").is_dir():
    os.environ["XSUB_DATA"] = str(SHARED / "datasets")  # fetch_sherlock finds sherlock_pmc/ there: no download
os.environ.setdefault("MPLBACKEND", "Agg")
