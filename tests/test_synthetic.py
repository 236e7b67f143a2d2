"Tests of xsub.synthetic: layout, determinism, caching, truth alignment and the acceptance checks on `small`."
import json
import os
from pathlib import Path

import h5py
import numpy as np
import pytest

from xsub.data import NETWORKS, SUBJECTS, bold_path, data_home, fetch_sherlock, load_runs, parcel_networks
from xsub.baselines import repeat_pairs, split_half_r
from xsub.data import pearson_r
from xsub.synthetic import (PRESETS, autocorrelation, load_truth, make_synthetic, oracle_r, shared_parameters,
                            subject_noise, subject_parameters, subject_runs, synthetic_runs)

# Real BOLD (Sherlock, posterior medial cortex, 16 subjects, measured per TR of 1.5 s): mean autocorrelation of the
# series at lags 1/2/3 = 0.74/0.48/0.28, of each subject's residual after regressing out the others' mean (mostly
# its own noise) = 0.70/0.42/0.22; lag 5 about 0.05-0.09.
REAL_RESIDUAL_ACF = np.array([0.70, 0.42, 0.22])
SHERLOCK_DIR = data_home() / "sherlock_pmc"  # conftest points XSUB_DATA at ../shared/datasets when it is there

def h5_contents(path: Path) -> dict:
    "Every dataset of an h5 file: {key: array}."
    with h5py.File(path, "r") as f:
        return {k: f[k][()] for k in f}


@pytest.fixture(scope="session")
def tiny(tmp_path_factory) -> Path:
    return make_synthetic("tiny", out=tmp_path_factory.mktemp("tiny"), seed=0, progress=False)


@pytest.fixture(scope="session")
def small(tmp_path_factory) -> Path:
    "The `small` preset, generated once per session (reused from $XSUB_CACHE when it is set)."
    out = (Path(os.environ["XSUB_CACHE"]) / "synthetic" / "small-seed0" if os.environ.get("XSUB_CACHE")
           else tmp_path_factory.mktemp("small"))
    return make_synthetic("small", out=out, seed=0, progress=False)


def test_layout_keys_dtype_shapes(tiny):
    cfg = PRESETS["tiny"]
    for s in SUBJECTS:
        fdir = tiny / "fmri" / f"sub-{s:02d}" / "func"
        assert sorted(p.name for p in fdir.iterdir()) == [
            f"sub-{s:02d}_task-friends_space-MNI152NLin2009cAsym_atlas-Schaefer18_parcel-1000Par7Net"
            "_desc-s123456_bold.h5",
            f"sub-{s:02d}_task-movie10_space-MNI152NLin2009cAsym_atlas-Schaefer18_parcel-1000Par7Net_bold.h5"]
        missing = {run for sub, run in cfg.missing if sub == s}
        for task in ("friends", "movie10"):
            with h5py.File(bold_path(tiny, s, task), "r") as f:
                tasks = sorted(k.split("_task-")[1] for k in f)
                for k in f:
                    ses, rest = k.split("_", 1)
                    assert ses.startswith("ses-") and len(ses) == 7 and ses[4:].isdigit(), k
                    assert f[k].dtype == np.float32 and f[k].ndim == 2 and f[k].shape[1] == 1000, k
                    lo, hi = cfg.friends_trs if task == "friends" else cfg.movie_trs
                    assert lo - 2 <= f[k].shape[0] <= hi, k
            expected = sorted(r.replace("_run-1", "") if r.startswith(("bourne", "wolf")) else r
                              for r in synthetic_runs(cfg)[task] if r not in missing)
            assert tasks == expected
    with h5py.File(bold_path(tiny, 1, "movie10"), "r") as f:
        task_entities = {k.split("_task-")[1] for k in f}
    assert {"bourne01", "wolf01", "figures01_run-1", "figures01_run-2", "life01_run-1", "life01_run-2"} == task_entities
    assert not list(tiny.rglob("*truth*")) and (tiny.parent / "truth" / "params.json").exists()


def test_value_scale(tiny):
    x = h5_contents(bold_path(tiny, 1, "friends"))
    x = next(iter(x.values()))  # (T, P)
    assert np.abs(x.mean(0)).max() < 1e-4
    assert 0.25 < x.std(0).mean() < 0.45


def test_session_numbers_differ_between_subjects(tiny):
    sessions = {}
    for s in SUBJECTS:
        with h5py.File(bold_path(tiny, s, "friends"), "r") as f:
            sessions[s] = {k.split("_task-")[1]: k.split("_")[0] for k in f}
    assert len({tuple(sorted(v.items())) for v in sessions.values()}) > 1


def test_missing_and_shorter_runs(tiny):
    lengths = {}
    for s in SUBJECTS:
        with h5py.File(bold_path(tiny, s, "friends"), "r") as f:
            lengths[s] = {k.split("_task-")[1]: f[k].shape[0] for k in f}
    for sub, run in PRESETS["tiny"].missing:
        assert run not in lengths[sub] and all(run in lengths[s] for s in SUBJECTS if s != sub)
    common = set.intersection(*(set(v) for v in lengths.values()))
    spans = [max(lengths[s][r] for s in SUBJECTS) - min(lengths[s][r] for s in SUBJECTS) for r in common]
    assert max(spans) in (1, 2) and min(spans) == 0


def test_deterministic(tiny, tmp_path):
    again = make_synthetic("tiny", out=tmp_path / "again", seed=0, progress=False)
    other = make_synthetic("tiny", out=tmp_path / "other", seed=1, progress=False)
    for s in SUBJECTS:
        for task in ("friends", "movie10"):
            assert bold_path(again, s, task).read_bytes() == bold_path(tiny, s, task).read_bytes()
    for name in ("drive.h5", "subjects.h5", "params.json"):
        assert (again.parent / "truth" / name).read_bytes() == (tiny.parent / "truth" / name).read_bytes()
    a, b = h5_contents(bold_path(tiny, 1, "friends")), h5_contents(bold_path(other, 1, "friends"))
    run = next(k for k in a if k.endswith("s01e01a"))
    run_other = next(k for k in b if k.endswith("s01e01a"))
    n = min(len(a[run]), len(b[run_other]))
    assert not np.allclose(a[run][:n], b[run_other][:n])


def test_run_is_its_own_stream(tiny):
    "A run's values are its truth plus noise drawn from its own (seed, subject, run) stream, whatever came before."
    cfg = PRESETS["tiny"]
    params = subject_parameters(cfg, 0, 3, shared_parameters(cfg, 0))
    key, n_trs = subject_runs(cfg, 0, 3, "friends")["s06e01b"]
    truth = load_truth(tiny, ["s06e01b"], subjects=(3,))["s06e01b"][0]  # (T, P), subject 3 alone: untruncated
    with h5py.File(bold_path(tiny, 3, "friends"), "r") as f:
        stored = f[key][()]
    np.testing.assert_array_equal(stored, truth + subject_noise(cfg, 0, 3, "s06e01b", n_trs, params))


def test_cache_reuse(tmp_path):
    root = make_synthetic("tiny", out=tmp_path, progress=False)
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    mtimes = {p: p.stat().st_mtime_ns for p in files}
    assert make_synthetic("tiny", out=tmp_path, progress=False) == root
    assert {p: p.stat().st_mtime_ns for p in files} == mtimes
    assert not list(tmp_path.rglob("*.tmp"))
    with pytest.raises(FileExistsError, match="overwrite=True"):
        make_synthetic("tiny", out=tmp_path, seed=3, progress=False)
    marker = json.loads((tmp_path / "synthetic.json").read_text())
    assert (marker["preset"], marker["seed"]) == ("tiny", 0)


def test_interrupted_run_is_regenerated(tmp_path):
    root = make_synthetic("tiny", out=tmp_path, progress=False)
    (tmp_path / "synthetic.json").unlink()  # as if killed before the end
    path = bold_path(root, 1, "friends")
    path.write_bytes(b"half a file")
    make_synthetic("tiny", out=tmp_path, progress=False)
    assert h5_contents(path)


def test_unknown_preset(tmp_path):
    with pytest.raises(ValueError, match="unknown preset 'huge'"):
        make_synthetic("huge", out=tmp_path)


def test_truth_alignment(tiny):
    with pytest.warns(UserWarning, match="s05e01b"):  # the data layer says which runs it dropped
        runs = load_runs(tiny, "friends", progress=False)
    names = list(runs)
    truth = load_truth(tiny, names)
    assert list(truth) == names
    for name in names:
        assert truth[name].shape == runs[name].shape and truth[name].dtype == np.float32
        noise = runs[name] - truth[name]  # (S, T, P): what is left is not shared by the subjects
        r_noise = pearson_r(noise[0], noise[1]).mean()
        assert abs(r_noise) < 0.05
    # the truth of a subject subset is the same subject's truth
    sub = load_truth(tiny, names[:1], subjects=(3,))
    assert sub[names[0]].shape[1] >= truth[names[0]].shape[1]
    np.testing.assert_array_equal(sub[names[0]][0, : truth[names[0]].shape[1]], truth[names[0]][2])
    movie = load_runs(tiny, "movie10", movies=["figures"], progress=False)
    t = load_truth(tiny, list(movie))
    a, b = t["figures01_run-1"], t["figures01_run-2"]  # same drive, same subject -> same stimulus-driven part
    n = min(a.shape[1], b.shape[1])
    np.testing.assert_allclose(a[:, :n], b[:, :n], atol=0.05)


def test_truth_errors(tiny, tmp_path):
    with pytest.raises(KeyError, match="missing for subject"):
        load_truth(tiny, ["s05e01b"])
    with pytest.raises(FileNotFoundError, match="make_synthetic"):
        load_truth(tmp_path, ["s01e01a"])


def test_oracle_r(tiny):
    missing = {run for _, run in PRESETS["tiny"].missing}
    names = [r for r in synthetic_runs(PRESETS["tiny"])["friends"] if r not in missing]
    r = oracle_r(tiny, names)
    assert r.shape == (len(SUBJECTS), 1000)
    assert oracle_r(tiny / "fmri", names[:2], subjects=(2,)).shape == (1, 1000)
    assert r.max() < 0.95 and r.mean() > 0.15


def test_small_loads_like_h5py(small):
    "The data layer reads exactly what is in the files (runs, shapes and values)."
    for task in ("friends", "movie10"):
        if task == "friends":
            with pytest.warns(UserWarning, match="Dropped"):  # small has missing Friends runs
                runs = load_runs(small, task, progress=False)
        else:
            runs = load_runs(small, task, progress=False)
        raw = {s: {} for s in SUBJECTS}
        for s in SUBJECTS:
            with h5py.File(bold_path(small, s, task), "r") as f:
                for k in f:
                    entities = k.split("_task-")[1]
                    name = entities + "_run-1" if task == "movie10" and "_run-" not in entities else entities
                    raw[s][name] = f[k][()]
        common = sorted(set.intersection(*(set(v) for v in raw.values())))
        assert list(runs) == common
        for name in common:
            n = min(len(raw[s][name]) for s in SUBJECTS)
            np.testing.assert_array_equal(runs[name], np.stack([raw[s][name][:n] for s in SUBJECTS]))


def test_small_oracle_beats_leave_one_out_mean(small):
    runs = load_runs(small, "friends", seasons=[6], progress=False)
    names = list(runs)
    oracle = oracle_r(small, names)  # (S, P)
    data = np.concatenate([runs[n] for n in names], axis=1)  # (S, T, P)
    loo = np.stack([pearson_r(data[s], np.delete(data, s, axis=0).mean(0)) for s in range(len(SUBJECTS))])
    networks = parcel_networks()
    for net in NETWORKS:
        assert oracle[:, networks == net].mean() > loo[:, networks == net].mean(), net
    assert oracle[:, networks == "Vis"].mean() > oracle[:, networks == "Limbic"].mean()



def test_noise_is_smooth_like_real_bold(tiny):
    "The noise (data minus truth) is autocorrelated like real BOLD noise, not white: lags 1-3 within 0.1 of real."
    runs = load_runs(tiny, "friends", seasons=[1, 2, 3], progress=False)
    truth = load_truth(tiny, list(runs))
    noise_acf = np.mean([autocorrelation(runs[n] - truth[n], 5, axis=1) for n in runs], 0)  # (6,)
    # ~120-TR runs: removing the mean biases every lag down by about (1 + 2 sum of acf) / T = 0.03
    np.testing.assert_allclose(noise_acf[1:4], REAL_RESIDUAL_ACF, atol=0.1)
    assert noise_acf[5] < 0.15  # and it forgets within a few TRs, as real noise does (0.05)


def test_small_split_half_and_isc_like_real_data(small):
    "Split-half r of the repeated Movie10 clips near the published 0.16 (life) - 0.23 (figures); Default ISC ~ PMC's."
    networks = parcel_networks()
    for movie in ("figures", "life"):
        first, second, _ = repeat_pairs(load_runs(small, "movie10", movies=[movie], progress=False))
        assert 0.13 < split_half_r(first, second).mean() < 0.26, movie
    runs = load_runs(small, "friends", seasons=[6], progress=False)
    data = np.concatenate(list(runs.values()), axis=1)  # (S, T, P)
    isc = np.stack([pearson_r(data[s], np.delete(data, s, axis=0).mean(0)) for s in range(len(SUBJECTS))])
    default = isc[:, networks == "Default"].mean()
    assert 0.12 < default < 0.3  # Sherlock PMC among 4 subjects: 0.26, a reliable part of the default network
    by_net = [isc[:, networks == n].mean() for n in NETWORKS]
    assert by_net[NETWORKS.index("Vis")] == max(by_net) and by_net[NETWORKS.index("Limbic")] < default


@pytest.mark.skipif(not (SHERLOCK_DIR / "pmc_nn_sherlock_movie_s1.mat").exists(),
                    reason=f"no Sherlock files in {SHERLOCK_DIR}: set XSUB_DATA (CI: ../shared/datasets)")
def test_small_autocorrelation_matches_sherlock(small):
    """Data and residual autocorrelation of `small` at lags 1-3 within 0.08 of real BOLD measured now on Sherlock.

    The residual's autocorrelation depends a little on how many others are averaged (3 here, 15 for Sherlock: in
    Sherlock's quartets of subjects it ranges 0.67-0.74 at lag 1), hence the tolerance."""
    real = fetch_sherlock(download=False, progress=False)["sherlock"].astype(np.float64)  # (16, 1926, 481)
    runs = load_runs(small, "friends", seasons=[6], progress=False)

    def acf_and_residual(x):
        others = np.stack([np.delete(x, s, 0).mean(0) for s in range(len(x))])  # (S, T, P)
        x, others = x - x.mean(1, keepdims=True), others - others.mean(1, keepdims=True)
        resid = x - (x * others).sum(1, keepdims=True) / (others**2).sum(1, keepdims=True) * others
        return autocorrelation(x, 3, axis=1), autocorrelation(resid, 3, axis=1)
    real_acf, real_resid = acf_and_residual(real)
    np.testing.assert_allclose(real_resid[1:], REAL_RESIDUAL_ACF, atol=0.03)  # the numbers quoted above
    synth = [acf_and_residual(np.asarray(x, dtype=np.float64)) for x in runs.values()]
    np.testing.assert_allclose(np.mean([a for a, _ in synth], 0)[1:], real_acf[1:], atol=0.08)
    np.testing.assert_allclose(np.mean([r for _, r in synth], 0)[1:], real_resid[1:], atol=0.08)
