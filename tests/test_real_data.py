"Real data in the box: the Sherlock fetcher (offline, from ../shared), the generic sub-<label>.h5 layout, time splits."
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import h5py
import numpy as np
import pytest

from xsub.data import (SHERLOCK_SHA256, SHERLOCK_SUBJECTS, SHERLOCK_TRS, data_home, fetch_file, fetch_sherlock,
                       load_folder, save_runs, sherlock_files)

SHERLOCK = data_home() / "sherlock_pmc"
needs_sherlock = pytest.mark.skipif(not (SHERLOCK / "pmc_nn_sherlock_movie_s1.mat").is_file(),
                                    reason=f"Sherlock files not in {SHERLOCK}: set XSUB_DATA to a folder holding "
                                           f"sherlock_pmc/ (CI: ../shared/datasets) or run fetch_sherlock() online")


def xsub_cli(name: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    exe = shutil.which(name) or str(Path(sys.executable).parent / name)
    return subprocess.run([exe, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=900)


@pytest.fixture
def no_network(monkeypatch):
    "Any download attempt fails the test."
    def refuse(*args, **kwargs):
        raise AssertionError(f"a download was attempted: {args[:1]}")
    monkeypatch.setattr(urllib.request, "urlopen", refuse)


@needs_sherlock
def test_fetch_sherlock_reads_disk_without_download(no_network):
    runs = fetch_sherlock(progress=False)
    x = runs["sherlock"]
    assert runs.subjects == SHERLOCK_SUBJECTS and x.shape == (16, SHERLOCK_TRS, 481) and x.dtype == np.float32
    np.testing.assert_allclose(x.std(1), 1, atol=1e-3)


@needs_sherlock
def test_sherlock_padding_is_cut_with_a_warning(no_network):
    with pytest.warns(UserWarning, match=r"sub-05 run 'sherlock': TRs 1926-1975 repeat TR 1925"):
        runs = fetch_sherlock(subjects=[4, 5], n_trs=None, progress=False)
    x = runs["sherlock"]
    assert x.shape == (2, 1926, 481)  # every subject cut where subject 5's padding starts
    assert (np.diff(x[1], axis=0) != 0).any(axis=1).all()  # no repeated TR is left


@needs_sherlock
def test_checksum_mismatch_names_file_and_fix(tmp_path, no_network):
    folder = tmp_path / "sherlock_pmc"
    folder.mkdir()
    (folder / "pmc_nn_sherlock_movie_s1.mat").write_bytes(b"not the file")
    with pytest.raises(ValueError, match=r"pmc_nn_sherlock_movie_s1.mat has SHA-256 .* Delete it to download it again"):
        sherlock_files(tmp_path, subjects=[1])


def test_failed_download_names_address_and_place(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(OSError, match=r"Could not download pmc_nn_sherlock_movie_s2.mat from https://.*put it at"):
        sherlock_files(tmp_path, subjects=[2], progress=False)
    assert not list((tmp_path / "sherlock_pmc").glob("*"))  # nothing half-written left behind


def test_fetch_file_downloads_checks_and_renames(tmp_path, monkeypatch):
    import hashlib
    import io
    payload = b"x" * 100_000

    class Response(io.BytesIO):
        headers = {"Content-Length": str(len(payload))}
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: Response(payload))
    path = fetch_file("https://example.org/f", tmp_path / "f.bin", hashlib.sha256(payload).hexdigest(), progress=False)
    assert path.read_bytes() == payload and sorted(p.name for p in tmp_path.iterdir()) == ["f.bin"]
    assert len(SHERLOCK_SHA256) == 17


def test_generic_layout_round_trip_bit_for_bit(tmp_path):
    rng = np.random.default_rng(0)
    runs = {"a": rng.standard_normal((3, 80, 12)).astype(np.float32), "b": rng.standard_normal((3, 50, 12)).astype(np.float32)}
    save_runs(runs, tmp_path, ["x1", "x2", "x3"])
    back = load_folder(tmp_path, progress=False)
    assert back.subjects == ("sub-x1", "sub-x2", "sub-x3")
    for name in runs:
        np.testing.assert_array_equal(back[name], runs[name])


def test_generic_layout_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="has no sub-<label>.h5 files"):
        load_folder(tmp_path)
    save_runs({"a": np.ones((1, 10, 3), np.float32) * np.arange(10)[:, None]}, tmp_path, ["1"])
    with h5py.File(tmp_path / "sub-1.h5", "a") as f:
        f.create_dataset("b", data=np.zeros(10, np.float32))
    with pytest.raises(ValueError, match=r"sub-1.h5: 'b' is shaped \(10,\); the generic layout wants one 2-D dataset"):
        load_folder(tmp_path)
    with h5py.File(tmp_path / "sub-1.h5", "a") as f:
        del f["b"]
        f.create_dataset("mask", data=np.ones((10, 3), bool))  # not BOLD: was read as 0/1 in silence
    with pytest.raises(ValueError, match=r"sub-1.h5: 'mask' holds bool values; the generic layout wants numbers"):
        load_folder(tmp_path)
    with pytest.raises(ValueError, match=r"no file has run c \(asked for by runs=, or --runs\); the runs in its files: a, mask"):
        load_folder(tmp_path, runs=["a", "c"])  # was 'no run in common' (or the runs found, c passed over)


def test_generic_layout_says_what_it_leaves_out(tmp_path):
    "Files named almost sub-<label>.h5, and a run with no 3 usable TRs in a row, were left out without a word."
    rng = np.random.default_rng(0)
    runs = {"r1": rng.standard_normal((3, 60, 4)).astype(np.float32), "r2": rng.standard_normal((3, 60, 4)).astype(np.float32)}
    runs["r2"][1, 1:] = 0  # one subject's r2 repeats a value from TR 1 on, but for two isolated TRs
    runs["r2"][1, [20, 40]] = 1
    save_runs(runs, tmp_path, ["01", "02", "03"])
    (tmp_path / "sub-03.h5").rename(tmp_path / "SUB-03.h5")
    (tmp_path / "sub-04.hdf5").write_bytes(b"")
    with pytest.warns(UserWarning, match=r"SUB-03.h5, sub-04.hdf5 left out: the generic layout reads files named exactly"):
        two = load_folder(tmp_path, progress=False)
    assert two.subjects == ("sub-01", "sub-02")
    with pytest.warns(UserWarning, match=r"Run 'r2' left out of every subject: once the constant stretches are cut"):
        two = load_folder(tmp_path, progress=False)
    assert list(two) == ["r1"] and "constant stretches" in two.dropped["r2"]


def test_constant_subject_is_an_error(tmp_path):
    x = np.random.default_rng(0).standard_normal((2, 40, 5)).astype(np.float32)
    x[1] = 3.0  # subject 2 never changes
    save_runs({"run": x}, tmp_path)
    with pytest.raises(ValueError, match=r"sub-02 run 'run' is constant.*Leave the subject out"):
        load_folder(tmp_path)


def test_no_common_run_is_an_error(tmp_path):
    x = np.random.default_rng(0).standard_normal((1, 40, 5)).astype(np.float32)
    save_runs({"a": x}, tmp_path, ["1"])
    save_runs({"b": x}, tmp_path, ["2"])
    with pytest.raises(ValueError, match="have no run in common"):
        load_folder(tmp_path)


def test_xsub_train_on_a_generic_folder(tmp_path):
    rng = np.random.default_rng(1)
    shared = rng.standard_normal((1, 300, 30))
    x = (shared + rng.standard_normal((3, 300, 30))).astype(np.float32)  # (S, T, P): a shared signal plus noise
    save_runs({"movie": x}, tmp_path / "data")
    out = tmp_path / "run"
    r = xsub_cli("xsub_train", "--data-root", str(tmp_path / "data"), "--val-tail", "0.3", "--out", str(out),
                 "--epochs", "1", "--samples-per-epoch", "32", "--no-progress")
    assert r.returncode == 0, r.stderr[-3000:]
    metrics = json.loads((out / "metrics.json").read_text())
    entry = metrics["sets"]["tail-0.3"]
    assert {"model", "baseline"} <= set(entry) and list(entry["model"]["per_subject"]) == ["sub-01", "sub-02", "sub-03"]
    assert metrics["data"]["val_trs"] == {"tail-0.3": 90}  # exactly the last 30%


def test_commands_warn_once_of_a_subject_out_of_time(tmp_path):
    rng = np.random.default_rng(0)
    shared = rng.standard_normal((1, 300, 30))
    x = (shared + rng.standard_normal((4, 300, 30))).astype(np.float32)  # (S, T, P): a shared signal plus noise
    x[3] = x[3, ::-1]  # sub-04's run reversed in time: warned (p 0.92; such a subject is warned 3 times in 4)
    save_runs({"movie": x}, tmp_path / "data")
    quick = ("--epochs", "1", "--samples-per-epoch", "32", "--no-progress")
    said = "Not time-locked with the others, parcel by parcel, in the training runs: sub-04 in movie (r = "
    r = xsub_cli("xsub_train", "--data-root", str(tmp_path / "data"), "--out-dir", str(tmp_path / "run"), *quick)
    assert r.returncode == 0 and r.stderr.count(said) == 1, r.stderr[-3000:]
    r = xsub_cli("xsub_compare", "--data-root", str(tmp_path / "data"), "--out-dir", str(tmp_path / "cmp"), *quick,
                 "--methods", "loo_mean", "ridge", "--quiet")  # baselines, then the model trained as xsub_train does
    assert r.returncode == 0 and r.stderr.count(said) == 1, r.stderr[-3000:]


@pytest.mark.parametrize("args, message", [
    (["--val-tail", "1.5"], "--val-tail 1.5: use a fraction strictly between 0 and 1"),
    (["--val-tail", "0.95"], "No training clip fits"),
])
def test_xsub_train_bad_split(tmp_path, args, message):
    save_runs({"movie": np.random.default_rng(2).standard_normal((2, 100, 4)).astype(np.float32)}, tmp_path / "d")
    r = xsub_cli("xsub_train", "--data-root", str(tmp_path / "d"), "--out", str(tmp_path / "run"), "--no-progress", *args)
    assert r.returncode != 0 and message in r.stderr, r.stderr[-2000:]


@needs_sherlock
def test_xsub_train_dataset_sherlock(tmp_path):
    out = tmp_path / "sherlock"
    r = xsub_cli("xsub_train", "--dataset", "sherlock", "--out", str(out), "--epochs", "1", "--samples-per-epoch", "32",
                 "--no-progress")
    assert r.returncode == 0, r.stderr[-3000:]
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["data"]["source"] == "dataset sherlock" and metrics["data"]["val_trs"] == {"tail-0.3": 578}
    assert len(metrics["subjects"]) == 16 and "baseline" in metrics["sets"]["tail-0.3"]


QTAB = data_home() / "qtab_dev"
needs_qtab = pytest.mark.skipif(not (QTAB / "sub-0001.h5").is_file(),
                                reason=f"QTAB files not in {QTAB}: set XSUB_DATA to a folder holding qtab_dev/ "
                                       f"(CI: ../shared/datasets)")


@needs_sherlock
@needs_qtab
def test_near_copies_are_warned_of_and_no_pair_of_real_people_is():
    "No pair of QTAB's 96 (twins among them) or Sherlock's 16 is a near copy; a participant again with noise is."
    from xsub.config import near_copies, subject_pair_r
    qtab = load_folder(QTAB, zscore=True, progress=False)["partlycloudy"]  # (96, 380, 293)
    sherlock = fetch_sherlock(progress=False)["sherlock"]  # (16, 1926, 481)
    assert near_copies({"qtab": qtab}) == [] and near_copies({"sherlock": sherlock}) == []
    highest = max(np.triu(subject_pair_r({"x": x}), 1).max() for x in (qtab, sherlock))
    assert 0.2 < highest < 0.3, highest  # the notebook's and the warning's figure: no real pair above 0.29
    again = np.concatenate([qtab[:8], qtab[:1] + np.random.default_rng(0).normal(0, 0.5, qtab[:1].shape)])  # r 0.9
    assert [(i, j) for i, j, _, _ in near_copies({"qtab": again})] == [(0, 8)]


@needs_sherlock
@needs_qtab
def test_time_locking_warns_on_shifted_subjects_never_on_real_ones():
    "No real subject of either data set is warned as not time-locked; reversed or shifted ones are (04_config's numbers)."
    import warnings
    from xsub.config import (UNLOCKED_P, TrainConfig, UnlockedSubjectWarning, check_data, load_data, time_locking,
                             unlocked_subjects)
    from xsub.data import tail_length
    labels = tuple(sorted(p.stem for p in QTAB.glob("sub-*.h5")))
    config = TrainConfig(data_root=str(QTAB), subjects=labels, progress=False)
    (qtab,) = load_data(config)[0].values()  # (96, 253, 293): xsub_train's training part
    sherlock = fetch_sherlock(progress=False)["sherlock"]  # (16, 1926, 481)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnlockedSubjectWarning)
        check_data(config, {"partlycloudy": qtab})
    (qtab_validated,) = load_data(config)[1]["tail-0.3"].values()  # (96, 114, 293)
    validated = {"qtab": qtab_validated, "sherlock": sherlock[:, -tail_length(sherlock.shape[1], 0.3):]}
    # one real participant is out of step over QTAB's validated 91 s (r -0.108, and 0.077 over the training part, the
    # lowest of the 96): the warning is true of it; no one else in either validated part (114 and 578 TRs)
    assert [(name, labels[i] if name == "qtab" else i) for name, i, _, _ in unlocked_subjects(validated)] == [
        ("qtab", "sub-0055")]
    p_real = {f"qtab {len(qtab)}": time_locking(qtab)[1].max()}
    p_real |= {f"sherlock {s} x {t}": time_locking(sherlock[:s, :t])[1].max() for s in (4, 16) for t in (266, 700)}
    assert max(p_real.values()) < UNLOCKED_P, p_real
    assert p_real["qtab 96"] < 0.01 and p_real["sherlock 4 x 266"] < 0.15, p_real  # the notebook's 0.005 and 0.13

    def p_first(x: np.ndarray, change) -> float:  # the first subject's p once `change` is done to it
        x = x.copy()
        x[0] = change(x[0])
        return time_locking(x)[1][0]
    reverse, late = (lambda a: a[::-1]), (lambda a: np.roll(a, 20, axis=0))
    p_changed = {"qtab reversed": p_first(qtab[:16], reverse), "qtab 20 TRs late": p_first(qtab[:16], late),
                 "sherlock 20 TRs late": p_first(sherlock[:, :266], late)}
    p_changed["sherlock reversed"] = p_first(sherlock[:, :266], reverse)
    assert min(p_changed.values()) >= UNLOCKED_P, p_changed


@needs_qtab
@needs_sherlock
def test_parcel_order_warns_on_shuffled_subjects_never_on_real_ones():
    """No real subject is taken for one whose parcels are out of order, parcel by parcel (check_data's test), in the
    training or the validated parts; one subject's parcels shuffled is named (04_config's numbers)."""
    import warnings
    from xsub.config import ParcelOrderWarning, TrainConfig, check_data, load_data, misordered_subjects
    from xsub.data import tail_length
    labels = tuple(sorted(p.stem for p in QTAB.glob("sub-*.h5")))
    config = TrainConfig(data_root=str(QTAB), subjects=labels, progress=False)
    qtab_train, qtab_val = load_data(config)
    sherlock = fetch_sherlock(progress=False)["sherlock"]  # (16, 1926, 481)
    cut = sherlock.shape[1] - tail_length(sherlock.shape[1], 0.3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ParcelOrderWarning)
        check_data(config, qtab_train)  # (96, 253, 293)
        check_data(TrainConfig(progress=False), {"sherlock": sherlock[:, :cut]})  # (16, 1348, 481)
    real = {"qtab": next(iter(qtab_val["tail-0.3"].values())), "sherlock": sherlock[:, cut:], "sherlock 4 x 266":
            sherlock[:4, :266], "qtab 16 x 100": next(iter(qtab_train.values()))[:16, :100]}
    # QTAB's sub-0055, out of step over the validated part (the time-locking test's one warning, which check_data
    # gives instead), is the only one: its parcels follow the others' no better than in a random order
    assert [(name, labels[i] if name == "qtab" else i) for name, i, _, _ in misordered_subjects(real)] == [
        ("qtab", "sub-0055")]
    shuffled = {}
    for name, x in real.items():
        x = x.copy()
        x[1] = x[1][:, np.random.default_rng(0).permutation(x.shape[2])]  # the second subject's parcels shuffled
        shuffled[name] = x
    named = {(name, i) for name, i, _, _ in misordered_subjects(shuffled)}
    assert {(name, 1) for name in real} <= named, named  # 19 in 20 expected for each: these seeds find all four


@needs_qtab
@needs_sherlock
def test_split_groups_never_on_real_subjects_and_found_where_half_follow_another_part():
    """No group of real subjects is said to follow its own signal: the whole training parts, and 10 random windows of 4
    and 8 subjects x 150 and 253 TRs of each data set (04_config's numbers); half of Sherlock's 16 with their data read
    half a run later (another part of the episode) are named, and the time-locking test, which needs a majority in
    step, names no one."""
    from xsub.config import TrainConfig, load_data, split_groups, unlocked_subjects
    labels = tuple(sorted(p.stem for p in QTAB.glob("sub-*.h5")))
    (qtab,) = load_data(TrainConfig(data_root=str(QTAB), subjects=labels, progress=False))[0].values()  # (96, 253, 293)
    (sherlock,) = load_data(TrainConfig(dataset="sherlock", progress=False))[0].values()  # (16, 1335, 481)
    assert split_groups(qtab) == [] and split_groups(sherlock) == []
    rng = np.random.default_rng(0)
    for x in (qtab, sherlock):
        for n_subjects in (4, 8):
            for n_trs in (150, 253):
                for _ in range(10):
                    start = rng.integers(0, x.shape[1] - n_trs + 1)
                    window = x[rng.choice(len(x), n_subjects, replace=False), start:start + n_trs]  # (S, T, P)
                    assert split_groups(window) == [], (x.shape, n_subjects, n_trs, start)
    half = sherlock[:, :700].copy()
    half[8:] = np.roll(half[8:], 350, axis=1)  # (16, 700, 481): sub-09 ... sub-16 from another part of the episode
    assert unlocked_subjects({"half": half}) == []
    assert [(group, others) for group, others, *_ in split_groups(half)] == [(list(range(8)), list(range(8, 16)))]
