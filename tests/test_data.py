"""Error cases and longer checks of xsub.data, on tiny h5 fixtures written with the official file names."""
import os
import pickle
import warnings
from pathlib import Path

import h5py
import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

from xsub.data import (ClipDataset, H5Run, NETWORKS, NETWORK_COUNTS, SUBJECTS, TR, align_runs, bold_path, fmri_dir,
                       fix_nonfinite, load_runs, open_h5, parcel_networks, parse_key, plan_alignment, run_name,
                       select_keys)

P = 6  # parcels in the fixtures: nothing below the file readers assumes 1000
FRIENDS = {"s01e01a": 40, "s01e01b": 38, "s01e02a": 41, "s02e01a": 39, "s02e03b": 42}
MOVIES = {("figures01", 1): 30, ("figures01", 2): 31, ("life01", 1): 33, ("bourne01", 1): 35}


def write_bold(root: Path, subject: int, task: str, runs: dict, n_parcels: int = P, seed: int = 0) -> Path:
    "Write one subject's official h5 file: {key: array (T, P)} built from {key: T}."
    path = bold_path(root, subject, task)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, subject])
    with h5py.File(path, "w") as f:
        for key, n_trs in runs.items():
            f[key] = rng.standard_normal((n_trs, n_parcels)).astype(np.float32)
    return path


def friends_keys(subject: int, skip=(), extra_trs: int = 0) -> dict:
    "Friends keys as released; session numbers differ between subjects."
    return {f"ses-{i + 3 * subject:03d}_task-{name}": n_trs + (extra_trs if i % 2 else 0)
            for i, (name, n_trs) in enumerate(FRIENDS.items()) if name not in skip}


def movie_keys(subject: int) -> dict:
    "Movie10 keys: run-1 of a clip watched twice has `_run-1`, a clip watched once no run entity."
    keys = {}
    for i, ((clip, run), n_trs) in enumerate(MOVIES.items()):
        twice = clip.startswith(("figures", "life")) and (clip, 2) in MOVIES
        keys[f"ses-{10 + i + subject:03d}_task-{clip}" + (f"_run-{run}" if twice else "")] = n_trs
    return keys


@pytest.fixture
def root(tmp_path) -> Path:
    "A tiny `algonauts_2025.competitors` folder: sub-05 lacks s02e03b, sub-02 runs are 1 TR longer on odd runs."
    root = tmp_path / "algonauts_2025.competitors"
    for s in SUBJECTS:
        write_bold(root, s, "friends", friends_keys(s, skip=("s02e03b",) if s == 5 else (), extra_trs=int(s == 2)))
        write_bold(root, s, "movie10", movie_keys(s))
    return root


def quiet(f, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*args, **kwargs)


# ----- constants and atlas
def test_network_counts_match_table():
    networks = parcel_networks()
    assert networks.shape == (1000,)
    for hemi, sl in (("LH", slice(0, 500)), ("RH", slice(500, 1000))):
        assert [int((networks[sl] == n).sum()) for n in NETWORKS] == list(NETWORK_COUNTS[hemi])
        # each hemisphere is ordered network by network, except the atlas's last two parcels (RH_Cont_PCC_1/2)
        order = [NETWORKS.index(n) for n in networks[sl]]
        assert order == sorted(order) or (hemi == "RH" and order[:-2] == sorted(order[:-2]))
    assert networks[997:].tolist() == ["Default", "Cont", "Cont"]
    assert (sum(NETWORK_COUNTS["LH"]), sum(NETWORK_COUNTS["RH"])) == (500, 500)
    assert SUBJECTS == (1, 2, 3, 5) and TR == 1.49


def test_parcel_networks_match_atlas_labels():
    atlas = Path(os.environ.get("XSUB_ATLAS_DIR", "/work/shared/nilearn_data"))
    labels = atlas / "schaefer_2018" / "Schaefer2018_1000Parcels_7Networks_order.txt"
    if not labels.exists():
        pytest.skip(f"no Schaefer label file at {labels}")
    rows = [line.split("\t") for line in labels.read_text().splitlines() if line.strip()]
    assert [int(r[0]) for r in rows] == list(range(1, 1001))
    assert [r[1].split("_")[2] for r in rows] == parcel_networks().tolist()


def test_parcel_networks_other_size_error():
    with pytest.raises(ValueError, match="n_parcels=400"):
        parcel_networks(400)


# ----- paths, keys
def test_fmri_dir_accepts_both_folders(root):
    assert fmri_dir(root) == root / "fmri"
    assert fmri_dir(root / "fmri") == root / "fmri"
    assert quiet(load_runs, root / "fmri", progress=False).keys() == quiet(load_runs, root, progress=False).keys()


def test_error_missing_root(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nowhere does not exist.*algonauts_2025.competitors"):
        load_runs(tmp_path / "nowhere")


def test_error_missing_subject_file(root):
    bold_path(root, 3, "friends").unlink()
    with pytest.raises(FileNotFoundError, match=r"Missing data file .*sub-03_task-friends.*datalad get.*subjects"):
        load_runs(root, progress=False)


def test_key_that_does_not_parse_is_skipped_with_a_warning(root):
    before = load_runs(root, progress=False)
    with h5py.File(bold_path(root, 2, "friends"), "a") as f:
        f["s01e09a_ses-001x"] = np.zeros((5, P), np.float32)
    with pytest.warns(UserWarning, match=r"sub-02_task-friends.*skipping key 's01e09a_ses-001x'.*name-value"):
        after = load_runs(root, progress=False)
    assert list(after) == list(before)


def test_drop_run_leaves_out_runs_with_nonfinite_values(root):
    name = next(iter(load_runs(root, progress=False)))
    with h5py.File(bold_path(root, 3, "friends"), "a") as f:
        key = next(k for k in f if name in k)
        f[key][2, 5] = np.nan
    with pytest.raises(ValueError, match=r"sub-03.*NaN/Inf.*--on-nonfinite zero.*drop-run"):
        load_runs(root, progress=False)
    with pytest.warns(UserWarning, match=rf"run '{name}' left out of every subject"):
        runs = load_runs(root, on_nonfinite="drop-run", progress=False)
    assert name not in runs and runs.alignment.dropped[name] == "NaN/Inf values"


def test_error_wrong_task_key(root):
    with pytest.raises(ValueError, match=r"sub-01_task-movie10.*not a Friends run.*task='movie10'"):
        select_keys(["ses-001_task-figures01_run-1"], "friends", source=str(bold_path(root, 1, "movie10")))


def test_parse_key_by_name_not_position():
    assert parse_key("ses-012_task-figures01_run-2") == {"ses": "012", "task": "figures01", "run": "2"}
    assert parse_key("run-2_task-figures01_ses-012") == parse_key("ses-012_task-figures01_run-2")
    assert run_name("ses-004_task-figures01") == "figures01_run-1"
    assert run_name("ses-004_task-s03e04b") == run_name("ses-031_task-s03e04b") == "s03e04b"


def test_friends_filters(root):
    runs = quiet(load_runs, root, seasons=[1], progress=False)
    assert list(runs) == ["s01e01a", "s01e01b", "s01e02a"]
    runs = quiet(load_runs, root, seasons=[1, 2], episodes=[1], progress=False)
    assert list(runs) == ["s01e01a", "s01e01b", "s02e01a"]


def test_movie10_filters_and_default_run(root):
    runs = quiet(load_runs, root, "movie10", progress=False)
    assert list(runs) == ["bourne01_run-1", "figures01_run-1", "figures01_run-2", "life01_run-1"]
    assert list(quiet(load_runs, root, "movie10", movies=["figures"], runs=[2], progress=False)) == ["figures01_run-2"]
    assert list(quiet(load_runs, root, "movie10", movies=["life01", "bourne"], progress=False)) == [
        "bourne01_run-1", "life01_run-1"]
    with pytest.raises(ValueError, match="seasons= and episodes= filter Friends"):
        load_runs(root, "movie10", seasons=[1], progress=False)


def test_error_nothing_left_after_filtering(root):
    with pytest.raises(ValueError, match=r"No friends run matches \{'seasons': \[7\]\}.*Relax the filters"):
        load_runs(root, seasons=[7], progress=False)


def test_error_no_run_shared_by_all_subjects(root):
    with pytest.raises(ValueError, match=r"No friends run is shared by all.*s02e03b.*missing for sub-05"):
        quiet(load_runs, root, seasons=[2], episodes=[3], progress=False)


# ----- alignment
def test_alignment_drops_and_truncates(root):
    with pytest.warns(UserWarning, match=r"Dropped 1 of 5 runs.*s02e03b \(missing for sub-05\)"):
        runs = load_runs(root, progress=False)
    assert runs.dropped == {"s02e03b": "missing for sub-05"}
    assert runs.subjects == SUBJECTS
    assert list(runs) == ["s01e01a", "s01e01b", "s01e02a", "s02e01a"]
    assert runs["s01e01b"].shape == (4, FRIENDS["s01e01b"], P)  # sub-02's extra TR is cut
    assert runs.alignment.truncated["s01e01b"] == {2: 1}
    with h5py.File(bold_path(root, 3, "friends"), "r") as f:  # subject order on the S axis, rows as in the file
        key = next(k for k in f if k.endswith("s01e02a"))
        np.testing.assert_array_equal(runs["s01e02a"][2], f[key][:FRIENDS["s01e02a"]])


def test_error_parcel_counts_differ(root):
    write_bold(root, 5, "friends", friends_keys(5), n_parcels=P + 1)
    with pytest.raises(ValueError, match=rf"Parcel counts differ.*{P + 1} in sub-05.*same parcellation"):
        load_runs(root, progress=False)


def test_runs_of_other_widths_in_every_subject_are_not_blamed_on_subjects():
    "One run and one confound table per subject: the message named the run as the odd one, or blamed the subjects."
    shapes = {s: {"motion": (50, 6), "movie": (50, 400)} for s in ("a", "b")}
    with pytest.raises(ValueError, match=r"Runs differ in their number of columns \(6 in a run 'motion'; 400 .*"
                                         r"not a run of parcels .*or stored as \(P, T\)"):
        plan_alignment(shapes)


def test_align_runs_generic_any_subjects_and_parcels():
    rng = np.random.default_rng(0)
    per_subject = {name: {"a": rng.standard_normal((30 + i, 3)), "b": rng.standard_normal((20, 3))}
                   for i, name in enumerate(["ann", "bob", "cy"])}
    del per_subject["cy"]["b"]
    with pytest.warns(UserWarning, match=r"b \(missing for cy\)"):
        runs = align_runs(per_subject)
    assert list(runs) == ["a"] and runs["a"].shape == (3, 30, 3) and runs["a"].dtype == np.float32
    np.testing.assert_allclose(runs["a"][1], per_subject["bob"]["a"][:30], rtol=1e-6)
    assert plan_alignment({1: {"x": (5, 2)}}).lengths == {"x": 5}


# ----- values
@pytest.mark.filterwarnings("ignore:Dropped")
def test_error_nonfinite_names_subject_and_key(root):
    with h5py.File(bold_path(root, 2, "friends"), "a") as f:
        key = next(k for k in f if k.endswith("s01e02a"))
        f[key][3, 1] = np.nan
    with pytest.raises(ValueError, match=rf"sub-02 run 's01e02a' \(key '{key}' in .*sub-02.*\) has 1 NaN/Inf.*--on-nonfinite zero.*on_nonfinite="):
        quiet(load_runs, root, progress=False)
    with pytest.warns(UserWarning, match=r"sub-02 run 's01e02a'.*replaced 1 NaN/Inf values by 0"):
        runs = load_runs(root, on_nonfinite="zero", progress=False)
    assert runs["s01e02a"][1, 3, 1] == 0 and np.isfinite(runs["s01e02a"]).all()
    with pytest.warns(UserWarning) as said:  # a parcel with one finite value is not said to be empty
        fix_nonfinite(np.array([[np.nan, 1.0], [2.0, 1.0]]), "x", "zero")
    assert "no finite value" not in str(said[0].message)
    with pytest.warns(UserWarning, match=r"1 parcel\(s\) \(index 1\) had no finite value in these 2 TRs: they are "
                                         r"constant there, so an r over them is NaN"):
        fix_nonfinite(np.array([[0.5, np.nan], [2.0, np.inf]]), "x", "zero")  # (T, P): parcel 1 wholly non-finite
    with pytest.raises(ValueError, match=r"sub-02 run 's01e02a'.*NaN/Inf"):  # lazy too: the scale check reads the
        quiet(load_runs, root, lazy=True, progress=False)  # first TRs of every run at load time, before any work


def test_zscore_with_constant_parcel(root):
    with h5py.File(bold_path(root, 1, "friends"), "a") as f:
        key = next(k for k in f if k.endswith("s01e01a"))
        f[key][:, 0] = 2.5  # a constant parcel
    runs = quiet(load_runs, root, zscore=True, progress=False)
    x = runs["s01e01a"]
    np.testing.assert_array_equal(x[0, :, 0], 0)
    np.testing.assert_allclose(x.mean(axis=1), 0, atol=1e-5)
    np.testing.assert_allclose(x[1:].std(axis=1), 1, atol=1e-4)
    lazy = quiet(load_runs, root, zscore=True, lazy=True, progress=False)
    np.testing.assert_array_equal(lazy["s01e01a"][:, 4:20], x[:, 4:20])
    np.testing.assert_array_equal(np.asarray(lazy["s01e01a"]), x)


# ----- damaged files
def test_error_truncated_h5(root):
    path = bold_path(root, 3, "friends")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(OSError, match=r"Cannot read .*sub-03_task-friends.*truncated or not HDF5.*datalad get"):
        load_runs(root, progress=False)


def test_error_garbage_h5(root):
    bold_path(root, 1, "movie10").write_bytes(b"../../.git/annex/objects/not-fetched" * 3)
    with pytest.raises(OSError, match=r"Cannot read .*sub-01_task-movie10.*truncated or not HDF5"):
        load_runs(root, "movie10", progress=False)


def test_algonauts_runs_are_checked_like_generic_ones(root):
    "A bool or group 'run' in an Algonauts file is refused naming file and key (bool was read as 0/1, a group crashed)."
    path = bold_path(root, 2, "friends")
    with h5py.File(path, "a") as f:
        key = next(k for k in f if k.endswith("s01e01a"))
        shape = f[key].shape
        del f[key]
        f.create_dataset(key, data=np.ones(shape, bool))
    with pytest.raises(ValueError, match=rf"sub-02_task-friends.*'{key}' holds bool values; the Algonauts layout"):
        load_runs(root, progress=False)
    with h5py.File(path, "a") as f:
        del f[key]
        f.create_group(key)["bold"] = np.ones(shape, np.float32)
    with pytest.raises(ValueError, match=rf"'{key}' is a group; the Algonauts layout wants one 2-D dataset"):
        load_runs(root, lazy=True, progress=False)


def test_a_missing_movie10_file_offers_the_friends_validation(root):
    "The Movie10 files serve only the movie10 validation sets: the message said only 'leave its subject out'."
    from xsub.config import val_set_runs
    bold_path(root, 2, "movie10").unlink()
    with pytest.raises(FileNotFoundError, match=r"sub-02_task-movie10.*Or validate without movie10-figures \(--val-sets"):
        val_set_runs(root, "movie10-figures")


def test_a_file_held_open_for_writing_is_named_as_such(tmp_path):
    "HDF5's lock error read 'truncated or not HDF5 ... fetch it again': the wrong advice."
    import subprocess
    import sys
    path = tmp_path / "sub-01.h5"
    writer = subprocess.Popen([sys.executable, "-c", f"import h5py, sys, time; f = h5py.File({str(path)!r}, 'w'); "
                               f"print('open', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "open"
        with pytest.raises(OSError, match=r"sub-01.h5: another process has it open for writing"):
            open_h5(path)
    finally:
        writer.kill()
        writer.wait()
    (tmp_path / "sub-02.h5").mkdir()
    with pytest.raises(IsADirectoryError, match=r"sub-02.h5 is a folder, not an HDF5 data file"):
        open_h5(tmp_path / "sub-02.h5")


# ----- clips
def make_runs(n_subs=3, lengths=(50, 20, 80), n_parcels=5, seed=0) -> dict:
    rng = np.random.default_rng(seed)
    return {f"run{i}": rng.standard_normal((n_subs, n, n_parcels)).astype(np.float32) for i, n in enumerate(lengths)}


def test_error_sample_length_longer_than_every_run():
    with pytest.raises(ValueError, match=r"sample_length=100 is longer than every run \(the longest has 80 TRs\)"):
        ClipDataset(make_runs(), sample_length=100)


def test_short_runs_skipped_with_warning():
    with pytest.warns(UserWarning, match=r"Skipping 1 runs shorter than sample_length=30: run1 \(20 TRs\)"):
        ds = ClipDataset(make_runs(), sample_length=30, num_samples=50)
    assert ds.names == ["run0", "run2"]
    assert all(ds.locate(i)[0] != "run1" for i in range(len(ds)))


def test_error_runs_differ_in_parcels():
    runs = make_runs()
    runs["odd"] = np.zeros((3, 40, 7), np.float32)
    with pytest.raises(ValueError, match=r"Runs differ in subjects or parcels: .*'odd' is \(3, 40, 7\)"):
        ClipDataset(runs)


def test_clip_is_pure_function_of_seed_epoch_index():
    runs = make_runs()
    a, b = ClipDataset(runs, 10, num_samples=40, seed=1), ClipDataset(runs, 10, num_samples=40, seed=1)
    order = list(range(40))[::-1]
    assert [a.locate(i) for i in order][::-1] == [b.locate(i) for i in range(40)]  # access order does not matter
    assert [a.locate(i) for i in range(40)] == [b.locate(i) for i in range(40)]
    for i in range(40):
        name, t0, t1 = a.locate(i)
        assert t1 - t0 == 10 and 0 <= t0 and t1 <= runs[name].shape[1]
        assert torch.equal(a[i], torch.from_numpy(runs[name][:, t0:t1]))
    first = [a.locate(i) for i in range(40)]
    a.set_epoch(1)
    assert [a.locate(i) for i in range(40)] != first
    a.set_epoch(0)
    assert [a.locate(i) for i in range(40)] == first
    assert [ClipDataset(runs, 10, num_samples=40, seed=2).locate(i) for i in range(40)] != first


def test_runs_weighted_by_valid_offsets():
    runs = {"long": np.zeros((2, 1009, 3), np.float32), "short": np.zeros((2, 19, 3), np.float32)}
    ds = ClipDataset(runs, 10, num_samples=5000, seed=0)
    share = np.mean([ds.locate(i)[0] == "short" for i in range(len(ds))])
    assert 0.004 < share < 0.02  # 10 of 1010 offsets


def test_dataloader_workers_same_batches_no_duplicates():
    runs = make_runs()
    ds = ClipDataset(runs, 8, num_samples=64, seed=5)
    ds.set_epoch(3)
    serial = torch.cat(list(DataLoader(ds, batch_size=4)))
    parallel = torch.cat(list(DataLoader(ds, batch_size=4, num_workers=2)))
    assert torch.equal(serial, parallel)
    assert torch.equal(serial, torch.stack([ds[i] for i in range(64)]))


def test_persistent_workers_follow_set_epoch():
    ds = ClipDataset(make_runs(), 8, num_samples=16, seed=0)
    loader = DataLoader(ds, batch_size=16, num_workers=1, persistent_workers=True)
    epochs = []
    for epoch in range(2):
        ds.set_epoch(epoch)
        epochs.append(next(iter(loader)))
    assert torch.equal(epochs[1], torch.stack([ds[i] for i in range(16)]))
    assert not torch.equal(epochs[0], epochs[1])


def test_ordered_mode_covers_runs_without_overlap():
    runs = make_runs()
    ds = ClipDataset(runs, 16, shuffle=False)
    clips = [ds.locate(i) for i in range(len(ds))]
    assert clips[:3] == [("run0", 0, 16), ("run0", 16, 32), ("run0", 32, 48)]
    assert len(ds) == 50 // 16 + 20 // 16 + 80 // 16
    whole = ClipDataset(runs, None, shuffle=False)
    assert [tuple(whole[i].shape) for i in range(3)] == [(3, 50, 5), (3, 20, 5), (3, 80, 5)]
    with pytest.raises(ValueError, match="sample_length=None.*shuffle=False"):
        ClipDataset(runs, None)


def test_lazy_same_samples_as_in_memory_and_workers(root):
    memory = quiet(load_runs, root, zscore=True, progress=False)
    lazy = quiet(load_runs, root, zscore=True, lazy=True, progress=False)
    assert all(isinstance(r, H5Run) for r in lazy.values()) and lazy.dropped == memory.dropped
    assert {n: r.shape for n, r in lazy.items()} == {n: r.shape for n, r in memory.items()}
    pickle.loads(pickle.dumps(lazy["s01e01a"]))  # picklable: only names and keys
    a, b = ClipDataset(memory, 12, num_samples=24, seed=7), ClipDataset(lazy, 12, num_samples=24, seed=7)
    for epoch in (0, 1):
        a.set_epoch(epoch), b.set_epoch(epoch)
        expected = torch.stack([a[i] for i in range(24)])
        assert torch.equal(torch.stack([b[i] for i in range(24)]), expected)
        assert torch.equal(torch.cat(list(DataLoader(b, batch_size=6, num_workers=2))), expected)


def test_lazy_indexing(root):
    memory = quiet(load_runs, root, "movie10", progress=False)
    lazy = quiet(load_runs, root, "movie10", lazy=True, progress=False)
    x, run = memory["life01_run-1"], lazy["life01_run-1"]
    np.testing.assert_array_equal(run[:, 3:9], x[:, 3:9])
    np.testing.assert_array_equal(run[1:3, 2:20:3, [0, 4]], x[1:3, 2:20:3][:, :, [0, 4]])
    np.testing.assert_array_equal(run[2, 5], x[2, 5])
    np.testing.assert_array_equal(run[:, -1], x[:, -1])


def write_mixed_units(folder: Path, mixed: bool = True) -> Path:
    """4 subjects x 2 runs of 300 TRs x 50 parcels (a shared signal and each subject's noise), in the generic layout;
    with `mixed`, sub-02 stored as int16 x 1000 and sub-03 as float64, as data from different sites arrive."""
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True)
    shared = rng.standard_normal((2, 300, 50))  # (R, T, P)
    for label in ("01", "02", "03", "04"):
        with h5py.File(folder / f"sub-{label}.h5", "w") as f:
            for i, name in enumerate(("run1", "run2")):
                x = shared[i] + rng.standard_normal((300, 50))
                f[name] = (np.round(x * 1000).astype(np.int16) if mixed and label == "02" else
                           x if mixed and label == "03" else x.astype(np.float32))
    return folder


def test_data_in_mixed_units_give_the_answer_of_one_scale_or_a_warning(tmp_path):
    """The default config z-scores every run of every layout, so a folder whose subjects are stored in other units
    scores as the same data in one scale; with zscore off, the scale check names the odd subject."""
    from xsub.evaluate import leave_one_out_predictions
    from xsub.data import score_runs
    from xsub.config import TrainConfig, load_data

    def loo_r(folder: Path, **kwargs) -> float:
        _, val_sets = load_data(TrainConfig(data_root=str(folder), progress=False, **kwargs))
        val = next(iter(val_sets.values()))
        return float(np.mean(score_runs(leave_one_out_predictions(val), val)))
    mixed, same = write_mixed_units(tmp_path / "mixed"), write_mixed_units(tmp_path / "same", mixed=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # z-scored: nothing to warn about
        assert loo_r(mixed) == pytest.approx(loo_r(same), abs=1e-4)
    named = r"not on one scale \(typical parcel std sub-01 1.\d+, sub-02 1.\d+e\+03, sub-03 1"
    with pytest.warns(UserWarning, match=named):
        raw = loo_r(mixed, zscore=False)
    assert raw < loo_r(same) - 0.05  # what the check warns about: the loud subject swamps the mean
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loo_r(same, zscore=False)  # one scale already: no warning


def test_a_parcel_flat_in_one_run_of_a_subject_is_warned_of_and_one_flat_everywhere_is_left_to_scoring():
    "sub-03's parcel 5 constant in run b only: said by name (its r blended a flat run into a real one in silence)."
    rng = np.random.default_rng(0)
    per_subject = {s: {"a": rng.standard_normal((50, 6)), "b": rng.standard_normal((40, 6))} for s in (1, 2, 3)}
    per_subject[3]["b"][:, 5] = 2.0
    per_subject[2]["a"][:, 1] = per_subject[2]["b"][:, 1] = 0.0  # flat in every run: no r, said where it is scored
    with pytest.warns(UserWarning, match=r"constant in some runs of a subject, not in its others: sub-03 b: parcel 5\. "):
        align_runs(per_subject, zscore=True)


def test_scoring_refuses_predictions_of_another_shape(tmp_path):
    """A (1, T, P) prediction was scored against every subject (broadcast); a (T, P) run was taken for T subjects by the
    leave-one-out mean and by save_predictions (a file of 400 'subjects'). Now each is refused, naming the shapes."""
    from xsub.data import score_runs
    from xsub.evaluate import leave_one_out_predictions, save_predictions
    run = np.random.default_rng(0).standard_normal((4, 100, 5)).astype(np.float32)
    loo = leave_one_out_predictions({"a": run})
    assert score_runs(loo, {"a": run}).shape == (4, 5)
    with pytest.raises(ValueError, match=r"data of shape \(4, 100, 5\) and a prediction of shape \(1, 100, 5\)"):
        score_runs({"a": loo["a"][:1]}, {"a": run})
    with pytest.raises(ValueError, match=r"run 'a' has data of shape \(4, 100, 5\) and no prediction"):
        score_runs({}, {"a": run})
    with pytest.raises(ValueError, match=r"runs \{'a': \(100, 5\)\}; expected \(subjects >= 2, TRs, parcels\)"):
        leave_one_out_predictions({"a": run[0]})
    with pytest.raises(ValueError, match=r"predictions \{'a': \(100, 5\)\}"):
        save_predictions({"a": run[0]}, tmp_path / "never.h5")
    assert not list(tmp_path.iterdir())
