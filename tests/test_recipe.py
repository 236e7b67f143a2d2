"The training recipe: choices made inside the training data only, and never worse than doing nothing."
import dataclasses
import json
import re

import numpy as np
import pytest
import torch
from scipy.ndimage import gaussian_filter1d

from xsub.experiment import run_experiment
from xsub.config import TrainConfig
from xsub.train import load_checkpoint


def movie(seed: int, n_subjects: int = 6, n_trs: int = 500, n_parcels: int = 40, shared_rank: int | None = 4,
          noise: float = 1.5) -> np.ndarray:
    "Synthetic (S, T, P) data: a smooth shared signal (low-rank across parcels, or independent per parcel) + noise."
    rng = np.random.default_rng(seed)
    if shared_rank:  # parcels share a few directions: there is cross-parcel structure to learn
        signal = gaussian_filter1d(rng.standard_normal((n_trs, shared_rank)), 2, axis=0) @ rng.standard_normal((shared_rank, n_parcels))
    else:  # every parcel on its own: the leave-one-out mean is already the best linear predictor
        signal = gaussian_filter1d(rng.standard_normal((n_trs, n_parcels)), 2, axis=0)
    signal /= signal.std(0)
    x = signal + noise * gaussian_filter1d(rng.standard_normal((n_subjects, n_trs, n_parcels)), 1.5, axis=1) * 2
    return ((x - x.mean(1, keepdims=True)) / x.std(1, keepdims=True)).astype(np.float32)


QUICK = dict(epochs=2, samples_per_epoch=32, progress=False)


def test_choices_never_read_the_reported_validation_part(tmp_path):
    """Replacing the validation segment by noise changes no choice: alpha, epochs and the final weights are the same.
    (zscore off: z-scoring uses each whole run's mean and std, the validated TRs' too, as when files are read.)"""
    x = movie(0)
    scrambled = x.copy()
    n_val = 150  # the last 30% of 500 TRs
    scrambled[:, -n_val:] = np.random.default_rng(9).standard_normal(scrambled[:, -n_val:].shape)
    runs = []
    for name, data in (("a", x), ("b", scrambled)):
        config = TrainConfig(out_dir=str(tmp_path / name), zscore=False, **QUICK)
        runs.append(run_experiment(config, runs={"movie": data}, figures=False))
    (a, b) = (json.loads(d["paths"]["metrics"].read_text())["training"] for d in runs)
    assert runs[0]["summary"]["data"]["source"].startswith("runs given in memory")  # not the config's synthetic preset
    assert a["start"]["alpha"] == b["start"]["alpha"] and a["gradient_epochs"] == b["gradient_epochs"]
    assert a["inner_r_by_epoch"] == b["inner_r_by_epoch"]
    wa, wb = (load_checkpoint(tmp_path / n / "best.pt")["model"] for n in "ab")
    assert all(torch.equal(wa[k], wb[k]) for k in wa)
    assert runs[0]["summary"]["sets"]["tail-0.3"]["model"]["mean"] != runs[1]["summary"]["sets"]["tail-0.3"]["model"]["mean"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_shared_structure_beyond_the_baseline_costs_nothing(tmp_path, seed):
    """Each parcel shares only its own signal: the leave-one-out mean is the best there is. The model must not be
    below it on held-out data by more than 0.005 (the spread of r over such seeds is about 0.01)."""
    x = movie(seed, shared_rank=None)
    done = run_experiment(TrainConfig(out_dir=str(tmp_path / "run"), **QUICK), runs={"movie": x}, figures=False)
    entry = done["summary"]["sets"]["tail-0.3"]
    assert entry["model"]["mean"] >= entry["baseline"]["mean"] - 0.005, (entry["model"]["mean"], entry["baseline"]["mean"])
    for path in [*(tmp_path / "run").rglob("*.json"), *(tmp_path / "run").rglob("*.jsonl")]:  # strict JSON: no NaN,
        for line in path.read_text().splitlines() if path.suffix == ".jsonl" else [path.read_text()]:  # no Infinity
            json.loads(line, parse_constant=lambda token: pytest.fail(f"{path.name} holds {token}, which is not JSON"))
    start = json.loads((tmp_path / "run" / "metrics.json").read_text())["training"]["start"]
    assert start["alpha"] == "inf" or np.isfinite(start["alpha"])  # the start's infinite alpha, written as JSON can


def test_shared_structure_is_learned(tmp_path):
    "With a low-rank shared signal the model beats the leave-one-out mean on held-out data (the recipe can learn)."
    done = run_experiment(TrainConfig(out_dir=str(tmp_path / "run"), **QUICK), runs={"movie": movie(3)}, figures=False)
    entry = done["summary"]["sets"]["tail-0.3"]
    assert entry["model"]["mean"] > entry["baseline"]["mean"] + 0.02, (entry["model"]["mean"], entry["baseline"]["mean"])


def test_runs_given_in_memory_that_cannot_be_read_are_refused_by_what_is_wrong(tmp_path):
    "Runs of different subject or parcel counts (one run's extra subject was dropped in silence), no runs, a bare array, no numbers."
    config = TrainConfig(out_dir=str(tmp_path / "run"), **QUICK)
    with pytest.raises(ValueError, match=r"different numbers of subjects \('a': 3, 'b': 4\)"):
        run_experiment(config, runs={"a": movie(0, n_subjects=3), "b": movie(1, n_subjects=4)}, figures=False)
    with pytest.raises(ValueError, match=r"different numbers of parcels \('a': \d+, 'b': 7\)") as e:
        run_experiment(config, runs={"a": movie(0), "b": movie(1)[..., :7]}, figures=False)
    assert "sub-<label>.h5" not in str(e.value)  # said of arrays, not of files (it named files that do not exist)
    for runs, said in (({}, "got dict (empty)"), (movie(0), "got ndarray"),
                       ({"a": movie(0) > 0}, "runs {'a': 'bool'}: expected numbers"),  # a mask, not BOLD (was read as 0/1)
                       ({"a": movie(0).astype(str)}, "expected numbers")):  # text (was read as numbers in silence)
        with pytest.raises(ValueError, match=re.escape(said)):
            run_experiment(config, runs=runs, figures=False)
    assert not (tmp_path / "run").exists() or not any((tmp_path / "run").iterdir())


def test_python_route_mistakes_are_refused_by_name(tmp_path):
    """From the fourth robustness sweep (the Python API): a Runs whose labels do not match its subject axis (a subject's
    data dropped, or relabelled); subjects= with runs given in memory (it was checked against the built-in set);
    a Path for out_dir (a JSON error at the end of the run); a field of the wrong type (a TypeError deep inside)."""
    import pathlib
    from xsub.data import Runs
    with pytest.raises(ValueError, match=r"Runs: 3 subject labels, but run\(s\) \{'a': \(6, 500, 40\)\}"):
        Runs({"a": movie(0)}, [1, 2, 3])
    with pytest.raises(ValueError, match=r"name a subject twice"):
        Runs({"a": movie(0)}, [1, 1, 2, 3, 4, 5])
    config = TrainConfig(out_dir=str(tmp_path / "run"), **QUICK)
    with pytest.raises(ValueError, match=r"subjects=\(1, 2\): TrainConfig.subjects chooses among"):
        run_experiment(dataclasses.replace(config, subjects=(1, 2)), runs={"a": movie(0)}, figures=False)
    assert not (tmp_path / "run").exists()
    as_path = TrainConfig(out_dir=pathlib.Path(tmp_path / "p"), data_root=pathlib.Path("/data"), subjects="sub-01",
                          val_runs=["r2"], embed_dim=np.int64(16))
    assert (as_path.out_dir, as_path.data_root, as_path.subjects, as_path.val_runs) == (
        str(tmp_path / "p"), "/data", ("sub-01",), ("r2",))  # a Path as text, one name as a one-name tuple
    assert type(as_path.embed_dim) is int and json.loads(json.dumps(as_path.to_dict()))["embed_dim"] == 16
    for wrong, said in ((dict(embed_dim="32"), "embed_dim='32'): expected a whole number"),
                        (dict(kernel_size=7.5), "expected a whole number"), (dict(zscore="no"), "expected True or False"),
                        (dict(subjects=3), "subjects=(3,) for that one alone"), (dict(lr=True), "expected a number")):
        with pytest.raises(TypeError, match=re.escape(said)):
            TrainConfig(**wrong)
    from xsub.config import check_data
    from xsub.models import CrossSubjectEncoder, predict_runs
    with pytest.raises(ValueError, match=r"check_data: runs \{'a': \(500, 40\)\}; expected \(subjects, TRs, parcels\)"):
        check_data(TrainConfig(), {"a": movie(0)[0]})  # was: '--inner-val 0.2 leaves no training clip'
    with pytest.raises(ValueError, match=r"predict_runs: chunk=0; expected a number of TRs >= 1"):
        predict_runs(CrossSubjectEncoder(6, 40, 8, 3), {"a": movie(0)}, chunk=0)
    from xsub.config import split_groups, time_locking
    from xsub.evaluate import score_methods
    from xsub.plotting import plot_learning_curve
    for call, said in ((lambda: time_locking({"a": movie(0)}), "time_locking: one run (S, T, P), not a dict of runs"),
                       (lambda: split_groups({"a": movie(0)}), "split_groups: one run (S, T, P), not a dict of runs"),
                       (lambda: score_methods({"a": movie(0)}, {"a": movie(0)}), "predictions['a'] is not a dict of runs"),
                       (lambda: plot_learning_curve([]), "plot_learning_curve: no epochs")):
        with pytest.raises((TypeError, ValueError), match=re.escape(said)):
            call()
    holed = movie(0)
    holed[1, 10, :5] = np.nan  # 0.1% NaN spread to 85% of the prediction in silence
    with pytest.raises(ValueError, match=re.escape("predict_runs: run 'a' holds NaN or Inf (subject index [1])")):
        predict_runs(CrossSubjectEncoder(6, 40, 8, 3), {"a": holed})
