"""Scale (issue 14): micro-batches give the whole batch's gradients, significance in parcel chunks gives the same p, a log
line stays a line with many subjects, and `torchrun` with 2 gloo processes equals one process."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from xsub.evaluate import parcel_significance
from xsub.config import TrainConfig
from xsub.train import _log_line, load_checkpoint, rank_batches, train

SMALL = dict(embed_dim=8, kernel_size=3, samples_per_epoch=48, batch_size=12, sample_length=24, epochs=2,
             init="baseline", device="cpu", progress=False, seed=7)


def _runs(n_subjects: int = 6, n_parcels: int = 30, seed: int = 0) -> tuple[dict, dict]:
    "Random training and validation runs with a shared signal."
    rng = np.random.default_rng(seed)
    def run(n_trs):
        return (rng.standard_normal((1, n_trs, n_parcels)) + rng.standard_normal((n_subjects, n_trs, n_parcels))
                ).astype(np.float32)
    return {"a": run(120), "b": run(100)}, {"val": {"c": run(80)}}


def test_micro_batches_give_the_whole_batch_gradients(tmp_path):
    train_runs, val_sets = _runs()
    whole = train(TrainConfig(**SMALL), train_runs, val_sets, out_dir=tmp_path / "whole")
    pieces = train(TrainConfig(**SMALL, micro_batch=5), train_runs, val_sets, out_dir=tmp_path / "pieces")  # 5+5+2
    a, b = (load_checkpoint(tmp_path / d / "last.pt")["model"] for d in ("whole", "pieces"))
    for name in a:
        torch.testing.assert_close(a[name], b[name], rtol=1e-4, atol=1e-5)
    assert [m["train_loss"] for m in whole.metrics][1:] == pytest.approx([m["train_loss"] for m in pieces.metrics][1:],
                                                                           rel=1e-5)


def test_significance_in_chunks_equals_all_parcels_at_once():
    rng = np.random.default_rng(1)
    target = {"r": rng.standard_normal((3, 200, 50)).astype(np.float32)}
    model = {"r": target["r"] + 2 * rng.standard_normal((3, 200, 50)).astype(np.float32)}
    baseline = {"r": target["r"] + 3 * rng.standard_normal((3, 200, 50)).astype(np.float32)}
    whole = parcel_significance(model, baseline, target, n_draws=200)
    seven_parcels = 3 * 8 * (8 * 200 + 12 * 200) * 7  # bytes of work arrays for 7 parcels of 3 subjects and 200 TRs
    chunked = parcel_significance(model, baseline, target, n_draws=200, max_bytes=seven_parcels)
    assert whole.keys() == chunked.keys()
    for key in whole:
        np.testing.assert_array_equal(whole[key], chunked[key], err_msg=key)


def test_log_line_stays_short_with_many_subjects():
    r = list(np.linspace(0.1, 0.5, 289))
    line = _log_line({"epoch": 1, "train_loss": 0.5, "val": {"val": {"r": 0.3, "r_subjects": r}}, "time_s": 1.0,
                      "samples_per_s": 10.0}, 3)
    assert "289 subjects: min 0.100, median 0.300, max 0.500" in line and len(line) < 200
    few = _log_line({"epoch": 1, "train_loss": 0.5, "val": {"val": {"r": 0.3, "r_subjects": [0.1, 0.2]}},
                     "time_s": 1.0, "samples_per_s": 10.0}, 3)
    assert "[0.100 0.200]" in few


def test_ranks_share_out_each_batch():
    one = rank_batches(50, 16)
    for world in (2, 3):
        shares = [rank_batches(50, 16, rank, world) for rank in range(world)]
        assert [sorted(sum((s[i] for s in shares), [])) for i in range(len(one))] == one  # the same clips, once each
        assert all(not set(shares[0][i]) & set(shares[1][i]) for i in range(len(one)))  # different clips per rank


def _torchrun_available() -> bool:
    return shutil.which("xsub_train") is not None and torch.distributed.is_available() and \
        torch.distributed.is_gloo_available()


@pytest.mark.skipif(not _torchrun_available(), reason="needs the xsub_train console script (pip install -e .) and "
                                                      "torch.distributed with gloo")
def test_torchrun_two_gloo_processes_equal_one_process(tmp_path):
    args = ["--preset", "tiny", "--device", "cpu", "--offline", "--no-progress", "--inner-val", "0", "--epochs", "2",
            "--samples-per-epoch", "64"]
    (tmp_path / "tmp").mkdir()  # torchrun's agent leaves its torchelastic_* folder in the temp folder: this one
    env = os.environ | {"OMP_NUM_THREADS": "1", "TMPDIR": str(tmp_path / "tmp")}
    one = subprocess.run([shutil.which("xsub_train"), *args, "--out-dir", str(tmp_path / "one")], env=env,
                         capture_output=True, text=True, timeout=600)
    assert one.returncode == 0, one.stderr[-2000:]
    two = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
                          "--no-python", shutil.which("xsub_train"), *args, "--out-dir", str(tmp_path / "two")],
                         env=env, capture_output=True, text=True, timeout=600)
    assert two.returncode == 0, two.stderr[-2000:]
    assert two.stdout.count("mean Pearson r on the validated TRs") == 1  # process 0 alone reports
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == sorted(p.name for p in (tmp_path / "two").iterdir())
    epochs = [[json.loads(line) for line in (tmp_path / d / "metrics.jsonl").read_text().splitlines()]
              for d in ("one", "two")]
    assert [m["train_loss"] for m in epochs[0]][1:] == pytest.approx([m["train_loss"] for m in epochs[1]][1:], rel=1e-5)
    a, b = (pd.read_csv(tmp_path / d / "parcels.csv") for d in ("one", "two"))
    assert np.abs(a.r_model - b.r_model).max() <= 1e-4  # the same global batches: equal up to float sums
    assert np.abs(a.r_model - a.r_baseline).max() > 1e-3  # and the model did train away from the baseline
