"Tests of xsub.baselines: ceiling formulas on constructed data, ridge vs leave-one-out, leakage, SRM, the command."
import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge
from sklearn.model_selection import GroupKFold

from xsub.baselines import (LeaveOneOutMean, RidgeFIR, SharedResponse, cc_max, compare, fold_summaries,
                            grouped_cv_alphas, held_out_sse, noise_ceilings, read_model_scores, repeat_pairs,
                            ridge_weights, signal_power, spearman_brown, split_half_r)
from xsub.data import delayed, load_runs, pearson_r
from xsub.evaluate import score_methods, write_results
from xsub.synthetic import make_synthetic, oracle_r
from xsub.config import TrainConfig, load_data


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    "The tiny synthetic set, its training runs and validation sets."
    root = make_synthetic("tiny", out=tmp_path_factory.mktemp("tiny"), seed=0, progress=False)
    train_runs, val_sets = load_data(TrainConfig(data_root=str(root), progress=False))
    return root, train_runs, val_sets


def orthogonal_repeats(n_repeats: int, signal_var: float, noise_var: float, n_trs: int = 300) -> np.ndarray:
    "Repeats (N, T, 1) = signal + noise, every series of zero mean and exactly orthogonal to the others."
    basis = np.column_stack([np.ones(n_trs), np.random.default_rng(0).normal(size=(n_trs, n_repeats + 1))])
    q = np.linalg.qr(basis)[0][:, 1:] * np.sqrt(n_trs)  # (T, N + 1) unit variance, mean 0, orthogonal
    signal, noise = q[:, 0] * np.sqrt(signal_var), q[:, 1:] * np.sqrt(noise_var)
    return (signal[:, None] + noise).T[:, :, None]  # (N, T, 1)


def test_spearman_brown_known_values():
    np.testing.assert_allclose(spearman_brown([0.0, 0.5, 1.0, -0.2]), [0.0, 2 / 3, 1.0, -0.4 / 0.8])
    np.testing.assert_allclose(spearman_brown(1 / 3, factor=3), 0.6)


@pytest.mark.parametrize("n_repeats", [2, 3, 5])
def test_signal_power_and_cc_max_known_answer(n_repeats):
    repeats = orthogonal_repeats(n_repeats, signal_var=1.0, noise_var=3.0)
    power = signal_power(repeats, axis=0)  # time is axis 0 of each repeat (T, 1)
    np.testing.assert_allclose([power["SP"][0], power["TP"][0], power["NP"][0]], [1.0, 4.0, 3.0], atol=1e-9)
    np.testing.assert_allclose(cc_max(repeats, axis=0), [0.5], atol=1e-9)  # single run: sqrt(SP / TP)
    np.testing.assert_allclose(cc_max(repeats, n_average=n_repeats, axis=0),  # Schoppe's CC_max for the mean
                               [1 / np.sqrt(1 + 3.0 / n_repeats)], atol=1e-9)
    mean = repeats.mean(0)[:, 0]  # the mean response; with orthogonal noise its r with the signal is CC_max
    signal = orthogonal_repeats(n_repeats, 1.0, 0.0)[0, :, 0]
    np.testing.assert_allclose(np.corrcoef(mean, signal)[0, 1], cc_max(repeats, n_repeats, axis=0)[0], atol=1e-9)


def test_two_repeats_signal_power_is_covariance_and_split_half_is_sp_over_tp():
    rng = np.random.default_rng(1)
    y = rng.normal(size=(2, 3, 200, 5)) + rng.normal(size=(1, 3, 200, 5))  # (N, S, T, P)
    power = signal_power(y)  # time axis -2
    cov = ((y[0] - y[0].mean(1, keepdims=True)) * (y[1] - y[1].mean(1, keepdims=True))).mean(1)  # (S, P)
    np.testing.assert_allclose(power["SP"], cov, atol=1e-12)
    np.testing.assert_allclose(power["TP"], y.var(axis=2).mean(0), atol=1e-12)
    r = split_half_r(y[0], y[1])  # (S, P)
    np.testing.assert_allclose(r, power["SP"] / np.sqrt(y[0].var(1) * y[1].var(1)), atol=1e-12)


def test_cc_max_without_signal_is_zero_and_needs_two_repeats():
    repeats = orthogonal_repeats(2, signal_var=0.0, noise_var=1.0)  # SP = 0 exactly (or a hair below)
    assert cc_max(repeats, axis=0)[0] == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(ValueError, match="at least 2 repeats"):
        signal_power(repeats[:1], axis=0)


def test_ridge_weights_match_sklearn_per_target():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(150, 6)), rng.normal(size=(150, 4))
    alphas = np.array([0.1, 1.0, 10.0, 100.0])
    w = ridge_weights((x.T @ x)[None], (x.T @ y).T, alphas)  # shared design, one alpha per target
    for p, alpha in enumerate(alphas):
        np.testing.assert_allclose(w[p], Ridge(alpha=alpha, fit_intercept=False).fit(x, y[:, p]).coef_, atol=1e-8)


def test_grouped_cv_gives_noise_targets_the_largest_alpha():
    rng = np.random.default_rng(3)
    stats = []
    for _ in range(5):
        x = rng.normal(size=(80, 4))
        y = np.stack([x @ np.ones(4) + 0.5 * rng.normal(size=80), rng.normal(size=80)], 1)  # driven, noise
        stats.append(((x.T @ x)[None], (x.T @ y).T, (y * y).sum(0)))
    grid = np.logspace(-3, 3, 7)
    best, errors = grouped_cv_alphas(stats, grid)
    assert best[1] == len(grid) - 1 and best[0] < 3
    assert errors.shape == (7, 2)


def test_delayed_shifts_and_zero_fills():
    x = np.arange(1, 5.0)[:, None]  # (T=4, F=1)
    np.testing.assert_array_equal(delayed(x, [1, -2, 9])[:, :, 0], [[0, 3, 0], [1, 4, 0], [2, 0, 0], [3, 0, 0]])


@pytest.mark.parametrize("features", ["pca", "parcel"])
def test_ridge_beats_leave_one_out_mean_on_tiny(tiny, features):
    "Fitted on Friends s1-5 only; better than the leave-one-out mean on Friends s6 for every subject."
    _, train_runs, val_sets = tiny
    runs = val_sets["friends-s6"]
    ridge = RidgeFIR(features=features, n_components=32).fit(train_runs)
    scores = score_methods({"ridge": ridge.predict(runs), "loo": LeaveOneOutMean().predict(runs)}, runs)
    assert (scores["ridge"].mean(1) > scores["loo"].mean(1) + 0.01).all(), {k: v.mean(1) for k, v in scores.items()}


def test_ridge_prediction_never_reads_the_target(tiny):
    "Changing a subject's own validation data leaves its prediction unchanged (no leak), but changes the others'."
    _, train_runs, val_sets = tiny
    ridge = RidgeFIR(features="parcel").fit(train_runs)
    name, run = next(iter(val_sets["friends-s6"].items()))
    changed = run.copy()
    changed[0] = np.random.default_rng(4).normal(size=changed[0].shape)
    before, after = ridge.predict({name: run})[name], ridge.predict({name: changed})[name]  # (S, T, P)
    np.testing.assert_allclose(after[0], before[0], atol=1e-5)
    assert not np.allclose(after[1], before[1])


def test_ridge_errors():
    with pytest.raises(ValueError, match="'pca' or 'parcel'"):
        RidgeFIR(features="voxels")
    with pytest.raises(RuntimeError, match="before fit"):
        RidgeFIR().predict({})
    with pytest.raises(ValueError, match="at least 2 groups of training data"):  # one run, one block: no CV
        RidgeFIR(features="parcel", n_folds=1).fit({"a": np.zeros((4, 30, 1000), np.float32)})


def test_ridge_one_run_uses_blocked_cv():
    "A single training run (Sherlock-like) is cross-validated over time blocks; the choice tracks the data."
    rng = np.random.default_rng(0)
    shared = rng.standard_normal((1, 300, 20))
    signal = (shared + 0.7 * rng.standard_normal((4, 300, 20))).astype(np.float32)  # (S, T, P) shared + noise
    noise = rng.standard_normal((4, 300, 20)).astype(np.float32)  # nothing shared
    fit_signal = RidgeFIR(features="parcel").fit({"run": signal})
    fit_noise = RidgeFIR(features="parcel").fit({"run": noise})
    assert np.median(fit_noise.alpha_index_[0]) > np.median(fit_signal.alpha_index_[0])  # more shrinkage on noise


@pytest.mark.parametrize("n_runs", [1, 4])
def test_himalaya_solver_agrees_with_xsubs(n_runs):
    """The same design, folds and alpha grid through himalaya's RidgeCV (the default) and xsub's solver: the same r on
    new data, mostly the same alphas (near ties may differ: himalaya's grid is relative to all training data's feature
    energy, xsub's to each fold's training part) and close weights where the alpha is the same."""
    rng = np.random.default_rng(1)
    shared = rng.standard_normal((1, 400, 30))
    data = (shared + rng.standard_normal((5, 400, 30)) * np.linspace(0.3, 3, 30)).astype(np.float32)  # (S, T, P)
    runs = {f"run-{i}": x for i, x in enumerate(np.array_split(data, n_runs, axis=1))}
    ours = RidgeFIR(n_components=8, solver="xsub").fit(runs)
    theirs = RidgeFIR(n_components=8, device="cpu").fit(runs)
    assert (ours.solver_, theirs.solver_) == ("xsub", "himalaya")
    test = {"test": (shared[:, :200] + rng.standard_normal((5, 200, 30)) * np.linspace(0.3, 3, 30)).astype(np.float32)}
    r = {name: score_methods({"ridge": m.predict(test)}, test)["ridge"] for name, m in (("ours", ours), ("theirs", theirs))}
    np.testing.assert_allclose(r["theirs"].mean(), r["ours"].mean(), atol=5e-3)
    for s in range(5):
        assert (ours.alpha_index_[s] == theirs.alpha_index_[s]).mean() > 0.6
        same = ours.alpha_index_[s] == theirs.alpha_index_[s]
        np.testing.assert_allclose(theirs.coef_[s][same], ours.coef_[s][same], atol=0.05 * np.abs(ours.coef_[s]).max())
    with pytest.raises(ValueError, match="one design shared by all targets"):
        RidgeFIR(features="parcel", solver="himalaya")
    assert RidgeFIR(features="parcel").fit(runs).solver_ == "xsub"  # one design per parcel: xsub's solver


@pytest.mark.parametrize("lengths", [(150,) * 8, (90, 200, 130, 170, 60, 240), (700,)])
def test_fold_summaries_give_himalaya_the_same_fit(lengths):
    """himalaya's RidgeCV on each fold's summary rows and on every TR: the same alpha per target, the same weights,
    with runs of unequal length, and one run (one fold; Ridge on one summary of everything)."""
    from himalaya.ridge import Ridge, RidgeCV
    rng = np.random.default_rng(5)
    weights = rng.standard_normal((30, 200)) * np.logspace(-2.5, 0, 200)  # (F, P)
    pieces = []
    for n in lengths:
        x = rng.standard_normal((n, 30))
        y = x @ weights + rng.standard_normal((n, 200))
        pieces.append((x - x.mean(0), y - y.mean(0)))
    x_all, y_all = (np.concatenate(a) for a in zip(*pieces))
    if len(pieces) == 1:
        rows_x, rows_y, splits = fold_summaries(pieces, None)
        assert rows_x.shape == (30, 30) and splits[0][0].size == 0
        np.testing.assert_allclose(Ridge(alpha=50.0).fit(rows_x, rows_y).coef_, Ridge(alpha=50.0).fit(x_all, y_all).coef_,
                                   atol=1e-10)
        return
    rows_x, rows_y, splits = fold_summaries(pieces, 4)
    assert len(rows_x) <= 4 * 30 and len(splits) == 4
    run_of_tr = np.repeat(np.arange(len(pieces)), lengths)
    tr_splits = [(np.flatnonzero(~np.isin(run_of_tr, held)), np.flatnonzero(np.isin(run_of_tr, held)))
                 for _, held in GroupKFold(4).split(np.arange(len(pieces)), groups=np.arange(len(pieces)))]
    grid, score = np.logspace(-1, 5, 13), {"score_func": held_out_sse}
    on_trs = RidgeCV(alphas=grid, cv=tr_splits, solver_params=score).fit(x_all, y_all)
    on_rows = RidgeCV(alphas=grid, cv=splits, solver_params=score).fit(rows_x, rows_y)
    np.testing.assert_array_equal(on_rows.best_alphas_, on_trs.best_alphas_)
    np.testing.assert_allclose(on_rows.coef_, on_trs.coef_, atol=1e-10)
    assert len(np.unique(on_trs.best_alphas_)) > 5


def test_spearman_brown_moves_split_half_toward_truth(tiny):
    root, _, _ = tiny
    movie = load_runs(root, "movie10", movies=["figures", "life"], progress=False)
    first, second, clips = repeat_pairs(movie)
    truth = oracle_r(root, [f"{c}_run-1" for c in clips])  # (S, P)
    est = noise_ceilings(first, second)
    err = {name: np.abs(v - truth).mean() for name, v in est.items()}
    assert err["spearman_brown"] < err["split_half"], err
    assert (est["split_half"] - truth).mean() < 0  # the raw split-half is a lower bound on average
    assert err["cc_max"] < err["spearman_brown"], err


def test_repeat_pairs_needs_repeats(tiny):
    _, _, val_sets = tiny
    with pytest.raises(ValueError, match="run-1 and run-2"):
        repeat_pairs(val_sets["friends-s6"])


def test_srm_baseline(tiny):
    pytest.importorskip("brainiak.funcalign.srm", reason="BrainIAK is not installed (pip install mpich brainiak): "
                                                         "the SRM baseline is not tested")
    _, train_runs, val_sets = tiny
    runs = val_sets["friends-s6"]
    srm = SharedResponse(features=16, n_iter=5).fit(train_runs)
    preds = srm.predict(runs)
    scores = score_methods({"srm": preds, "loo": LeaveOneOutMean().predict(runs)}, runs)
    assert next(iter(preds.values())).shape == next(iter(runs.values())).shape
    assert scores["srm"].mean() > scores["loo"].mean()


def test_compare_reads_a_model_run_and_writes_tables(tiny, tmp_path):
    "The command's path without training: the model's scores read from an xsub_train-style parcels.csv."
    root, train_runs, val_sets = tiny
    fake = {name: {"model": score_methods({"m": LeaveOneOutMean().predict(runs)}, runs)["m"]}
            for name, runs in val_sets.items()}
    write_results(tmp_path / "run", fake, train_runs.subjects)
    read = read_model_scores(tmp_path / "run", train_runs.subjects)
    for name in val_sets:
        np.testing.assert_allclose(read[name], fake[name]["model"], atol=1e-4)
    done = compare(tmp_path / "out", TrainConfig(data_root=str(root), progress=False), run_dir=tmp_path / "run",
                   baselines={"loo_mean": LeaveOneOutMean()})
    table = pd.read_csv(tmp_path / "out" / "comparison.csv", index_col=0)
    assert list(table.index) == ["model", "loo_mean", "oracle"]
    np.testing.assert_allclose(table.loc["model", list(val_sets)], table.loc["loo_mean", list(val_sets)], atol=1e-4)
    saved = json.loads((tmp_path / "out" / "comparison.json").read_text())
    assert set(saved["ceiling_errors"]) == {"split_half", "spearman_brown", "cc_max"}
    assert done["ceiling_errors"].loc["split_half", "all"] < 0
    with pytest.raises(FileNotFoundError, match="parcels.csv"):
        read_model_scores(tmp_path / "nothing")


def test_others_side_by_side_matches_concatenation():
    from xsub.baselines import _others_side_by_side
    rng = np.random.default_rng(0)
    runs = {f"r{i}": rng.standard_normal((4, 50 + i, 7)).astype(np.float32) for i in range(3)}
    for s in range(4):
        expected = np.concatenate([np.concatenate(list(np.delete(runs[n], s, 0)), 1) for n in runs])  # (sum T, 3 P)
        np.testing.assert_array_equal(_others_side_by_side(runs, list(runs), s), expected)


@pytest.mark.parametrize("method", ["procrustes", "srm"])
def test_alignment_recovers_rotated_subjects(method):
    "Known truth: each subject's parcels mix one shared response by its own rotation; the LOO mean cannot see it."
    from xsub.baselines import FunctionalAlignment, rotated_responses
    data, truth = rotated_responses(n_subjects=5, n_trs=800, n_parcels=40, seed=3)
    train, held = {"run": data[:, :600]}, {"run": data[:, 600:]}
    oracle = float(np.mean(pearson_r(truth[:, 600:], data[:, 600:], 1)))
    loo = score_methods({"m": LeaveOneOutMean().predict(held)}, held)["m"].mean()
    aligner = FunctionalAlignment(method).fit(train)
    r = score_methods({"m": aligner.predict(held)}, held)["m"].mean()
    assert loo < 0.2 * oracle and r > 0.8 * oracle, (method, loo, r, oracle)
    assert aligner.chosen()["pieces"] == 1  # a rotation of every parcel: cross-validation keeps the brain whole
    again = FunctionalAlignment(method).fit(train).predict(held)["run"]  # the same seed, the same numbers
    np.testing.assert_array_equal(again, aligner.predict(held)["run"])


def test_alignment_never_reads_the_target_and_alpha_gives_the_loo_mean():
    from xsub.baselines import FunctionalAlignment
    rng = np.random.default_rng(0)
    train = {"run": rng.standard_normal((4, 300, 12)).astype(np.float32)}
    held = rng.standard_normal((4, 80, 12)).astype(np.float32)
    aligner = FunctionalAlignment("procrustes", pieces=(1,), alphas=(0.5,)).fit(train)
    changed = held.copy()
    changed[2] = rng.standard_normal(changed[2].shape)  # subject 2's held-out data replaced
    a, b = aligner.predict({"r": held})["r"], aligner.predict({"r": changed})["r"]
    np.testing.assert_allclose(a[2], b[2], atol=1e-6)  # its own prediction does not move
    loo_like = FunctionalAlignment("procrustes", pieces=(1,), alphas=(1e8,)).fit(train).predict({"r": held})["r"]
    loo = LeaveOneOutMean().predict({"r": held})["r"]
    np.testing.assert_allclose(loo_like, loo - loo.mean(1, keepdims=True), atol=1e-4)  # the identity: the LOO mean


def test_difference_significance_finds_a_better_predictor_and_not_a_tie():
    from xsub.baselines import difference_significance
    rng = np.random.default_rng(1)
    signal = rng.standard_normal((3, 400, 6)).astype(np.float32)
    runs = {"run": signal + rng.standard_normal(signal.shape).astype(np.float32)}
    good, bad = {"run": signal}, {"run": signal + 3 * rng.standard_normal(signal.shape).astype(np.float32)}
    better = difference_significance(good, bad, runs, n_draws=200)
    assert better["difference"] > 0.2 and better["p"] < 0.01 and better["parcels_q05"] == 6
    worse = difference_significance(bad, good, runs, n_draws=200)
    assert worse["p"] > 0.9
    chunked = difference_significance(good, bad, runs, n_draws=200, max_bytes=1)  # one parcel per chunk
    assert chunked["p"] == better["p"] and abs(chunked["difference"] - better["difference"]) < 1e-6


def test_compare_on_a_generic_folder_with_a_run_dir(tmp_path):
    "xsub_compare reads a generic folder as xsub_train does, on the same TRs, and refuses a run on other data."
    from xsub.baselines import default_baselines
    from xsub.data import save_runs
    from xsub.experiment import run_experiment
    from xsub.cli import UsageError
    data, _ = rotated_responses_for_folder()
    save_runs({"film": data}, tmp_path / "study", subjects=["a", "b", "c", "d"])
    config = TrainConfig(data_root=str(tmp_path / "study"), progress=False, epochs=0, out_dir=str(tmp_path / "run"))
    trained = run_experiment(config, figures=False)
    done = compare(tmp_path / "cmp", config, run_dir=tmp_path / "run", n_draws=100,
                   baselines=default_baselines(methods=["loo_mean", "procrustes"]))
    (set_name, scores), = done["scores"].items()
    assert set_name == "tail-0.3" and list(scores) == ["model", "loo_mean", "procrustes"]
    np.testing.assert_allclose(scores["model"], trained["scores"][set_name]["model"], atol=1e-5)  # the same TRs
    saved = json.loads((tmp_path / "cmp" / "comparison.json").read_text())
    assert saved["data"]["val_trs"] == trained["summary"]["data"]["val_trs"] and saved["ceilings"] is None
    assert set(saved["costs"]) == {"loo_mean", "procrustes"} and saved["costs"]["procrustes"]["fit_s"] > 0
    assert set(saved["significance"][set_name]["vs_loo_mean"]) == {"model", "procrustes"}
    assert (tmp_path / "cmp" / "comparison.png").stat().st_size > 0
    with pytest.raises(UsageError, match="val_tail"):
        compare(tmp_path / "cmp2", replace(config, val_tail=0.2), run_dir=tmp_path / "run")


def test_compare_refuses_a_run_dir_whose_model_does_not_fit_the_data(tmp_path):
    """--run-dir on a folder whose files changed since the run: another fourth subject (same count, so the model would
    quietly predict sub-e with sub-d's encoder), or another parcellation, is refused before any fit or file."""
    from xsub.data import save_runs
    from xsub.experiment import run_experiment
    data, _ = rotated_responses_for_folder()
    study = save_runs({"film": data}, tmp_path / "study", subjects=["a", "b", "c", "d"])
    config = TrainConfig(data_root=str(study), progress=False, epochs=0, out_dir=str(tmp_path / "run"))
    run_experiment(config, figures=False)
    (study / "sub-d.h5").rename(study / "sub-e.h5")
    with pytest.raises(ValueError, match="trained on sub-a, sub-b, sub-c, sub-d"):
        compare(tmp_path / "cmp", config, run_dir=tmp_path / "run", baselines={"loo_mean": LeaveOneOutMean()})
    assert not (tmp_path / "cmp").exists()
    (study / "sub-e.h5").unlink()
    save_runs({"film": data[..., :20]}, study, subjects=["a", "b", "c", "d"])  # the same subjects in 20 parcels
    with pytest.raises(ValueError, match="20 parcels per TR"):
        compare(tmp_path / "cmp", config, run_dir=tmp_path / "run", baselines={"loo_mean": LeaveOneOutMean()})
    assert not (tmp_path / "cmp").exists()


def rotated_responses_for_folder():
    "Four subjects, one run of 400 TRs, 30 parcels, as rotated_responses makes them."
    from xsub.baselines import rotated_responses
    return rotated_responses(n_subjects=4, n_trs=400, n_parcels=30, seed=5)


def test_ridge_pca_is_cut_to_what_the_data_hold():
    "Two other subjects of 20 parcels hold 40 columns: the PCA keeps 40 (with a warning), not sklearn's error for 64."
    rng = np.random.default_rng(0)
    runs = {name: rng.standard_normal((3, 200, 20)).astype(np.float32) for name in ("a", "b")}
    with pytest.warns(UserWarning, match=r"n_components=64 is more than .* \(400 TRs x 40 parcels side by side\): 40 used"):
        model = RidgeFIR(progress=False).fit(runs)
    assert model.n_components_ == 40 and model.predict(runs)["a"].shape == (3, 200, 20)


def test_baselines_refuse_to_predict_other_subjects_or_parcels():
    """From the fourth robustness sweep: FunctionalAlignment fitted on 5 subjects and given 4 paired each one's data with
    another's map (r -0.09 where its own give 0.63), in silence; RidgeFIR given another count dropped or mixed subjects."""
    from xsub.baselines import FunctionalAlignment, RidgeFIR, rotated_responses
    data, _ = rotated_responses(n_subjects=5, n_trs=600, n_parcels=20, seed=0)
    train, held = {"a": data[:, :400]}, {"b": data[:, 400:]}
    for model in (FunctionalAlignment("procrustes", pieces=(1,), alphas=(0.0,), progress=False), RidgeFIR(progress=False)):
        model.fit(train)
        assert model.predict(held)["b"].shape == (5, 200, 20)
        name = type(model).__name__
        with pytest.raises(ValueError, match=rf"{name}.predict: runs of 4 subjects x 20 parcels; it was fitted on 5 x 20"):
            model.predict({"b": data[1:, 400:]})
        with pytest.raises(ValueError, match=rf"{name}.predict: runs of 5 subjects x 10 parcels"):
            model.predict({"b": data[:, 400:, :10]})
    with pytest.raises(ValueError, match="RidgeFIR needs at least 2 subjects"):
        RidgeFIR(progress=False).fit({"a": data[:1]})
