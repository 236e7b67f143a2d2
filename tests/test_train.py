"Unit tests of xsub.train on the tiny synthetic preset and random arrays: errors, determinism, resume, checkpoints."
import dataclasses
import json
import os

import numpy as np
import pytest
import torch

import xsub.config
import xsub.train
from xsub.config import TrainConfig, config_parser, load_data, parse_config, resolve_device, val_set_runs
from xsub.data import pearson_r, score_runs
from xsub.models import CrossSubjectEncoder, predict_runs
from xsub.train import load_checkpoint, load_model, save_checkpoint, train, validate

FAST = dict(preset="tiny", embed_dim=8, kernel_size=3, samples_per_epoch=32, batch_size=8, sample_length=32,
            val_sets=("friends-s6", "movie10-life"), device="cpu", progress=False)


@pytest.fixture(scope="module")
def tiny():
    "Training runs and validation sets of the tiny preset (Friends s1-2 only, to keep it quick)."
    cfg = TrainConfig(**FAST, train_seasons=(1, 2))
    train_runs, val_sets = load_data(cfg)
    return cfg, train_runs, val_sets


def _weights(path):
    return load_checkpoint(path)["model"]


def _assert_same_weights(a, b):
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k


def test_nonfinite_loss_names_the_step(tmp_path):
    runs = {"run-a": np.random.default_rng(0).normal(size=(3, 40, 10)).astype(np.float32)}
    runs["run-a"][1, 20:, 3] = np.nan
    cfg = TrainConfig(**{**FAST, "sample_length": 32}, epochs=1, init="baseline")
    with pytest.raises(FloatingPointError, match=r"epoch 1, step \d+"):
        train(cfg, runs, {}, out_dir=tmp_path)
    with pytest.raises(FloatingPointError, match="NaN or Inf values, so the closed-form start"):
        train(dataclasses.replace(cfg, init="closed-form"), runs, {}, out_dir=tmp_path)


def test_deterministic_on_cpu(tiny, tmp_path):
    cfg, train_runs, val_sets = tiny
    cfg = dataclasses.replace(cfg, epochs=2)
    a = train(cfg, train_runs, val_sets, out_dir=tmp_path / "a")
    b = train(cfg, train_runs, val_sets, out_dir=tmp_path / "b")
    _assert_same_weights(_weights(tmp_path / "a" / "last.pt"), _weights(tmp_path / "b" / "last.pt"))
    strip = lambda ms: [{k: v for k, v in m.items() if k not in ("time_s", "samples_per_s")} for m in ms]
    assert strip(a.metrics) == strip(b.metrics)
    assert a.metrics[-1]["train_loss"] is not None


def test_resume_gives_the_uninterrupted_result(tiny, tmp_path, monkeypatch):
    cfg, train_runs, val_sets = tiny
    full = dataclasses.replace(cfg, epochs=2, patience=0)
    train(full, train_runs, val_sets, out_dir=tmp_path / "full")
    calls = []

    def killed_in_epoch_2(*args):  # the process dies while epoch 2 is validated, after epoch 1's checkpoints
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return validate(*args)

    monkeypatch.setattr(xsub.train, "validate", killed_in_epoch_2)
    with pytest.raises(KeyboardInterrupt):
        train(full, train_runs, val_sets, out_dir=tmp_path / "part")
    monkeypatch.undo()
    assert load_checkpoint(tmp_path / "part" / "last.pt")["epoch"] == 1
    resumed = train(full, train_runs, val_sets, out_dir=tmp_path / "part", resume=tmp_path / "part" / "last.pt")
    _assert_same_weights(_weights(tmp_path / "full" / "last.pt"), _weights(tmp_path / "part" / "last.pt"))
    full_opt = load_checkpoint(tmp_path / "full" / "last.pt")["optimizer"]["state"]
    part_opt = load_checkpoint(tmp_path / "part" / "last.pt")["optimizer"]["state"]
    for i in full_opt:
        assert torch.equal(full_opt[i]["exp_avg"], part_opt[i]["exp_avg"])
    assert [m["epoch"] for m in resumed.metrics] == [0, 1, 2]
    lines = (tmp_path / "part" / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(line)["epoch"] for line in lines] == [0, 1, 2]


def test_resume_with_other_settings_is_an_error_naming_them(tiny, tmp_path):
    cfg, train_runs, val_sets = tiny
    cfg = dataclasses.replace(cfg, epochs=1)
    train(cfg, train_runs, val_sets, out_dir=tmp_path / "a")
    for change, said in ((dict(lr=1e-3), "lr: checkpoint 0.0003, now 0.001"), (dict(seed=1), "seed: checkpoint"),
                         (dict(epochs=3), "epochs: checkpoint 1, now 3")):
        with pytest.raises(ValueError, match=said):
            train(dataclasses.replace(cfg, **change), train_runs, val_sets, out_dir=tmp_path / "a",
                  resume=tmp_path / "a" / "last.pt")
    # settings that change only speed or output may differ
    train(dataclasses.replace(cfg, progress=False, num_workers=0, device="cpu"), train_runs, val_sets,
          out_dir=tmp_path / "a", resume=tmp_path / "a" / "last.pt")


def test_resume_into_a_new_folder_brings_the_best_checkpoint(tiny, tmp_path):
    cfg, train_runs, val_sets = tiny
    cfg = dataclasses.replace(cfg, epochs=1)
    train(cfg, train_runs, val_sets, out_dir=tmp_path / "a")
    result = train(cfg, train_runs, val_sets, out_dir=tmp_path / "b", resume=tmp_path / "a" / "last.pt")
    assert result.best_checkpoint.is_file() and result.best_checkpoint.parent == tmp_path / "b"


def test_incompatible_checkpoint_is_a_clear_error(tiny, tmp_path):
    cfg, train_runs, val_sets = tiny
    cfg = dataclasses.replace(cfg, epochs=1)
    train(cfg, train_runs, val_sets, out_dir=tmp_path)
    with pytest.raises(ValueError, match="embed_dim: checkpoint 8, now 16"):
        train(dataclasses.replace(cfg, embed_dim=16), train_runs, val_sets, resume=tmp_path / "last.pt")
    three = {n: x[:3] for n, x in train_runs.items()}  # 3 subjects instead of 4
    with pytest.raises(ValueError, match="n_subjects"):
        train(cfg, three, {}, resume=tmp_path / "last.pt", out_dir=tmp_path / "three")


def test_checkpoint_from_before_the_skip_conv_loads_and_refuses_to_resume(tiny, tmp_path):
    "A checkpoint without `skip_conv_weight` (written before the skip path had a conv) predicts as it did, at the identity."
    cfg, train_runs, val_sets = tiny
    cfg = dataclasses.replace(cfg, epochs=1)
    train(cfg, train_runs, val_sets, out_dir=tmp_path / "a")
    state = torch.load(tmp_path / "a" / "last.pt", weights_only=True)
    assert "skip_conv_weight" in state["model"]
    old = dict(state, model={k: v for k, v in state["model"].items() if k != "skip_conv_weight"})
    torch.save(old, tmp_path / "old.pt")
    model = load_model(tmp_path / "old.pt")
    for name, value in old["model"].items():  # everything as stored...
        assert torch.equal(model.state_dict()[name], value), name
    identity = torch.zeros_like(model.skip_conv_weight)  # ...and the skip conv at the identity: the model it was
    identity[..., model.kernel_size // 2] = 1.0
    assert torch.equal(model.skip_conv_weight, identity)
    with pytest.raises(ValueError, match=r"lacks \[.skip_conv_weight.\], written by an older xsub"):
        train(cfg, train_runs, val_sets, out_dir=tmp_path / "b", resume=tmp_path / "old.pt")


def test_checkpoints_load_safely_and_atomically(tiny, tmp_path):
    cfg, train_runs, val_sets = tiny
    result = train(dataclasses.replace(cfg, epochs=1), train_runs, val_sets, out_dir=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["best.pt", "config.json", "last.pt", "metrics.jsonl"]
    state = torch.load(tmp_path / "last.pt", weights_only=True)
    assert set(state) >= {"config", "model_args", "model", "optimizer", "epoch", "rng", "metrics"}
    assert TrainConfig.from_dict(state["config"]) == dataclasses.replace(cfg, epochs=1)
    model = load_model(result.best_checkpoint)
    assert isinstance(model, CrossSubjectEncoder) and not model.training
    x = torch.randn(1, 4, 20, model.n_parcels)
    with torch.no_grad():
        torch.testing.assert_close(model(x), result.model(x))
    with pytest.raises(FileNotFoundError, match="No checkpoint"):
        load_checkpoint(tmp_path / "nope.pt")
    save_checkpoint(tmp_path / "other.pt", {"a": torch.ones(2)})
    with pytest.raises(ValueError, match="not an xsub checkpoint"):
        load_checkpoint(tmp_path / "other.pt")
    assert not list(tmp_path.glob("*.tmp"))


def test_best_model_never_below_untrained_and_early_stopping(tiny, tmp_path):
    cfg, train_runs, val_sets = tiny
    stuck = dataclasses.replace(cfg, lr=0.0, epochs=5, patience=1)  # nothing improves: stop after 1 epoch
    result = train(stuck, train_runs, val_sets, out_dir=tmp_path)
    assert [m["epoch"] for m in result.metrics] == [0, 1]
    assert result.best_epoch == 0
    assert result.best_r == result.metrics[0]["val"]["friends-s6"]["r"]


def test_training_stops_when_the_gain_falls_below_min_delta_not_at_the_cap(tiny, tmp_path, monkeypatch):
    """Rises smaller than min_delta do not count: on a curve that climbs by 0.0005 per epoch, min_delta 0.001 stops
    after `patience` epochs, min_delta 0 trains to the cap; the defaults stop on the curve (cap 50)."""
    cfg, train_runs, val_sets = tiny
    calls = []

    def slow_climb(model, sets, device=None):  # r = 0.3, 0.3005, 0.301, ... one call per epoch
        calls.append(1)
        r = 0.3 + 0.0005 * (len(calls) - 1)
        return {name: {"r": r, "r_subjects": [r] * 4} for name in sets}
    monkeypatch.setattr(xsub.train, "validate", slow_climb)
    climbing = dataclasses.replace(cfg, init="baseline", epochs=5, patience=2, samples_per_epoch=8,
                                   early_stop="friends-s6")
    free = train(dataclasses.replace(climbing, min_delta=0.0), train_runs, val_sets, out_dir=tmp_path / "free")
    assert [m["epoch"] for m in free.metrics] == [0, 1, 2, 3, 4, 5]
    calls.clear()
    strict = train(dataclasses.replace(climbing, min_delta=0.001), train_runs, val_sets, out_dir=tmp_path / "strict")
    assert [m["epoch"] for m in strict.metrics] == [0, 1, 2]  # two epochs of +0.0005 each: a plateau
    assert strict.best_epoch == 2  # the best model is still the best epoch
    assert TrainConfig().epochs >= 50 and TrainConfig().min_delta == 0.001  # the default stops on the curve


def test_early_stop_set_must_be_validated(tiny, tmp_path):
    cfg, train_runs, val_sets = tiny
    with pytest.raises(ValueError, match="early_stop"):
        train(dataclasses.replace(cfg, early_stop="movie10-figures"), train_runs, val_sets, out_dir=tmp_path)


def test_val_set_names(tiny):
    cfg, train_runs, val_sets = tiny
    root = load_data.__globals__["data_root"](cfg)
    assert all(n.startswith("s06") for n in val_sets["friends-s6"])
    assert list(val_set_runs(root, "movie10-life")) == ["life01_run-1"]
    for bad in ("friends", "friends-6", "movie10-", "imagenet-val"):
        with pytest.raises(ValueError, match="not understood"):
            val_set_runs(root, bad)


def test_pearson_r_numpy_and_torch():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(50, 3, 4)), rng.normal(size=(50, 3, 4))
    r = pearson_r(a, b, 0)
    assert r.shape == (3, 4)
    np.testing.assert_allclose(r[1, 2], np.corrcoef(a[:, 1, 2], b[:, 1, 2])[0, 1])
    rt = pearson_r(torch.tensor(a), torch.tensor(b), dim=0)
    np.testing.assert_allclose(rt.numpy(), r)
    assert np.isnan(pearson_r(np.ones(5), np.arange(5.0)))


def test_predict_runs_whole_runs_and_chunks():
    torch.manual_seed(0)
    model = CrossSubjectEncoder(3, 6, 4, kernel_size=3, causal=True, skip=False)
    runs = {"a": np.random.default_rng(0).normal(size=(3, 25, 6)).astype(np.float32),
            "b": np.random.default_rng(1).normal(size=(3, 17, 6)).astype(np.float32)}
    pred = predict_runs(model, runs)
    assert {k: v.shape for k, v in pred.items()} == {"a": (3, 25, 6), "b": (3, 17, 6)}
    with torch.no_grad():
        np.testing.assert_allclose(pred["a"], model(torch.tensor(runs["a"])[None])[0].numpy())
    chunked = predict_runs(model, runs, chunk=10)
    np.testing.assert_allclose(chunked["a"][:, :10], pred["a"][:, :10], rtol=1e-5, atol=1e-6)
    assert score_runs(pred, runs).shape == (3, 6)


def test_config_flags_round_trip():
    cfg = parse_config(["--embed-dim", "32", "--no-skip", "--val-sets", "friends-s6", "--lr", "0.01",
                        "--data-root", "/data/algonauts_2025.competitors", "--bf16"])
    assert (cfg.embed_dim, cfg.skip, cfg.val_sets, cfg.lr, cfg.bf16) == (32, False, ("friends-s6",), 0.01, True)
    assert cfg.data_root == "/data/algonauts_2025.competitors"
    here = parse_config(["--data-root", "data/"]).data_root  # kept relative, --resume from elsewhere did not find it
    assert here == os.path.join(os.getcwd(), "data") and os.path.isabs(here)
    assert parse_config([]) == TrainConfig()
    assert TrainConfig.from_dict(json.loads(json.dumps(cfg.to_dict()))) == cfg
    flags = {a.option_strings[0] for a in config_parser()._actions if a.option_strings}
    assert {"--embed-dim", "--kernel-size", "--samples-per-epoch", "--early-stop", "--num-workers"} <= flags
    with pytest.raises(SystemExit):
        parse_config(["--embed-dim", "many"])


def test_bf16_training_runs(tiny, tmp_path):
    cfg, train_runs, val_sets = tiny
    result = train(dataclasses.replace(cfg, epochs=1, bf16=True), train_runs, {}, out_dir=tmp_path)
    assert np.isfinite(result.metrics[-1]["train_loss"])


def test_device_resolution():
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("auto").type in ("cuda", "mps", "cpu")


def test_start_aligns_rotated_subjects():
    """Known truth: every subject's parcels carry one shared response under its own rotation. The chosen start
    (per-subject encoders) recovers most of the oracle r, the shared start cannot, and the encoders differ."""
    from xsub.baselines import rotated_responses
    from xsub.start import closed_form_start
    data, truth = rotated_responses(n_subjects=10, n_trs=800, n_parcels=40, noise=3.0, seed=3)
    fit_part, held = {"run": data[:, :600]}, {"run": data[:, 600:]}
    oracle = float(np.mean(pearson_r(truth[:, 600:], data[:, 600:], 1)))
    r = {}
    for name, choice in (("shared", {"encoder": "shared", "dim": 8, "alpha": 1.0}), ("chosen", None)):
        model = CrossSubjectEncoder(10, 40, 8, 7)
        info = closed_form_start(model, fit_part, gap=13, choice=choice)
        r[name] = float(score_runs(predict_runs(model, held), held).mean())
    assert info["encoder"] == "per-subject", info
    assert r["chosen"] > 0.85 * oracle and r["shared"] < 0.6 * oracle, (r, oracle)
    encoders = model.enc_weight[:, :info["dim"]]  # (S, k, P)
    assert (encoders[0] - encoders[1]).abs().max() > 0.1  # each subject its own map


def test_start_never_reads_held_out_blocks_and_is_deterministic():
    """The start's choice comes from the data it is given: TRs after them cannot change it, and the same data give
    the same weights."""
    from xsub.baselines import rotated_responses
    from xsub.start import closed_form_start
    data, _ = rotated_responses(n_subjects=4, n_trs=500, n_parcels=30, seed=1)
    a, b = CrossSubjectEncoder(4, 30, 8, 7), CrossSubjectEncoder(4, 30, 8, 7)
    info_a = closed_form_start(a, {"run": data[:, :400]}, gap=13)
    other = data.copy()
    other[:, 400:] = np.random.default_rng(5).standard_normal(other[:, 400:].shape)  # the part never given
    info_b = closed_form_start(b, {"run": other[:, :400]}, gap=13)
    assert info_a == info_b
    _assert_same_weights(a.state_dict(), b.state_dict())


def test_start_keeps_the_leave_one_out_mean_without_shared_signal():
    "Pure noise: the one-standard-error rule keeps the rescaled leave-one-out mean (no decoder)."
    from xsub.start import closed_form_start
    noise = np.random.default_rng(2).standard_normal((5, 400, 30)).astype(np.float32)
    model = CrossSubjectEncoder(5, 30, 8, 7)
    info = closed_form_start(model, {"run": noise}, gap=13)
    assert (info["encoder"], info["alpha"]) == ("shared", float("inf")), info
    assert model.dec_weight.abs().max() == 0
    assert info["skip_kernel"] is None  # nor a skip kernel: the skip conv stays at the identity
    centre = model.skip_conv_weight[..., 3]
    assert torch.equal(centre, torch.ones_like(centre)) and model.skip_conv_weight.abs().sum() == centre.numel()


def test_start_fits_a_skip_kernel_where_the_shared_signal_is_slow():
    """Known truth: a slow shared response under white noise of each subject's own. One kernel on the skip path
    averages the others' mean over neighbouring TRs: cross-validation keeps it, and it predicts new TRs better than
    the identity. With a white shared response there is nothing to average, and the identity stays."""
    import scipy.ndimage
    from xsub.start import closed_form_start
    rng = np.random.default_rng(4)
    for slow, kept in ((True, True), (False, False)):
        shared = rng.standard_normal((1, 900, 30))
        shared = scipy.ndimage.gaussian_filter1d(shared, 2.0, axis=1) * 3.0 if slow else shared  # (1, T, P)
        data = (shared + 2.0 * rng.standard_normal((5, 900, 30))).astype(np.float32)  # (S, T, P)
        fit_part, held = {"run": data[:, :600]}, {"run": data[:, 600:]}
        model = CrossSubjectEncoder(5, 30, 8, 7)
        info = closed_form_start(model, fit_part, gap=13)
        assert (info["skip_kernel"] is not None) == kept, info
        if kept:
            r_kernel = score_runs(predict_runs(model, held), held).mean()
            with torch.no_grad():
                model.skip_conv_weight.zero_()[..., 3] = 1.0
            assert r_kernel > score_runs(predict_runs(model, held), held).mean() + 0.02
            assert sum(v > 0.05 for v in info["skip_kernel"]) >= 3, info  # spread over several TRs, not one



def test_the_built_in_data_say_their_missing_runs_are_on_purpose():
    "The built-in set leaves out runs as the real one does; its warning says so, and still lists them."
    with pytest.warns(UserWarning, match=r"Dropped 3 of 10 runs .*\(missing for sub-05\).* \(on purpose: the built-in"):
        xsub.config.load_dataset(TrainConfig(preset="tiny", progress=False))


def test_runs_too_short_for_a_clip_are_said_once_in_the_training_runs_terms(tmp_path):
    """A run shorter than a clip after the split, and one shorter only before the inner split: one warning names
    both with the training TRs they have (ClipDataset would name the parts it is given, twice)."""
    import warnings
    from xsub.train import fit_model
    rng = np.random.default_rng(0)
    shared = rng.standard_normal((1, 400, 20)).astype(np.float32)
    runs = {n: shared[:, :t] + rng.standard_normal((3, t, 20)).astype(np.float32)
            for n, t in (("long", 400), ("short", 57), ("mid", 71))}
    config = TrainConfig(epochs=1, samples_per_epoch=16, embed_dim=4, sample_length=64, out_dir=str(tmp_path),
                         progress=False)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        fit_model(config, runs)
    messages = [str(w.message) for w in said if "shorter" in str(w.message)]
    assert len(messages) == 1 and "short (57 training TRs)" in messages[0], messages
    assert "mid (43 of its 71 training TRs before the inner part)" in messages[0], messages


def test_a_subject_a_few_trs_late_is_said_to_be_whichever_test_names_it():
    """sub-01 3 TRs late in 2 runs of fast signal (the first robustness sweep's case): time-locking names it in one run,
    the parcel-order test in the other, and both warnings give the lag that fits (before, the order test blamed only
    parcel order)."""
    import warnings
    from xsub.config import ParcelOrderWarning, UnlockedSubjectWarning, warn_out_of_step
    from xsub.data import Runs
    rng = np.random.default_rng(0)
    runs = {}
    for name in ("run-1", "run-2"):
        shared = np.apply_along_axis(np.convolve, 0, rng.standard_normal((320, 50)), np.ones(3) / 3, mode="same")
        shared /= shared.std(0)
        runs[name] = np.stack([shared[10 - lag:310 - lag] + rng.standard_normal((300, 50)) for lag in (3, 0, 0, 0)])
    runs = Runs({n: ((x - x.mean(1, keepdims=True)) / x.std(1, keepdims=True)).astype(np.float32)
                 for n, x in runs.items()}, ["01", "02", "03", "04"])
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        unlocked, grouped, misordered = warn_out_of_step(runs)
    assert grouped == []
    assert {(n, i) for n, i, _, _ in unlocked + misordered} == {("run-1", 0), ("run-2", 0)}, (unlocked, misordered)
    for category in {UnlockedSubjectWarning if unlocked else None, ParcelOrderWarning if misordered else None} - {None}:
        text = [str(w.message) for w in said if w.category is category]
        assert len(text) == 1 and "with its data read 3 TRs later" in text[0], text


def test_subjects_in_two_groups_that_follow_different_signals_are_said_to_be():
    """Three subjects follow one signal and two another, in each of 4 runs (the third robustness sweep's swapped runs):
    each one's leave-one-out mean holds a partner, so time-locking passes them all; the smaller group is named. Two
    unrelated groups' averages beat a share of the far time shifts that is uniform from 0 to 1, so a run is named 3
    times in 4 (here 3 of the 4). The same five following one signal, or a group already named out of step, are not."""
    import warnings
    from xsub.config import SplitGroupsWarning, split_groups, warn_out_of_step
    from xsub.data import Runs
    rng = np.random.default_rng(0)
    runs = {}
    for name in ("run-1", "run-2", "run-3", "run-4"):
        signal = rng.standard_normal((2, 300, 40))
        runs[name] = np.stack([signal[k] + 0.8 * rng.standard_normal((300, 40))
                               for k in (0, 0, 0, 1, 1)]).astype(np.float32)  # (5, T, P): pairs r 0.6 within
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        unlocked, grouped, misordered = warn_out_of_step(Runs(runs, [f"sub-0{i}" for i in range(1, 6)]))
    assert unlocked == [] and misordered == [], (unlocked, misordered)
    assert [(name, group, others) for name, group, others, *_ in grouped] == [
        (name, [3, 4], [0, 1, 2]) for name in ("run-2", "run-3", "run-4")]
    text = [str(w.message) for w in said if w.category is SplitGroupsWarning]
    assert len(text) == 1 and "sub-04 and sub-05 in run-2 follow each other" in text[0], text
    assert "not the other 3, sub-01, sub-02 and sub-03" in text[0], text
    one = np.stack([signal[0] + 0.8 * rng.standard_normal((300, 40)) for _ in range(5)]).astype(np.float32)
    assert split_groups(one) == []  # one signal: one group
    assert split_groups(runs["run-2"], skip=[3]) == []  # sub-04 already named: sub-05 alone is no group
    assert split_groups(runs["run-2"][:, :149]) == []  # runs under MIN_GROUP_TRS are not tested


def test_near_copies_are_pairs_closer_than_to_anyone_else_not_groups_that_follow_another_signal():
    """Three subjects follow one signal and two another (swapped runs, another film), at strong signal (pairs r 0.6):
    no near copy (the first rule, against the median pair, named all four pairs); sub-01 again with noise is one."""
    from xsub.config import near_copies
    rng = np.random.default_rng(0)
    signal = rng.standard_normal((2, 300, 40))
    groups = np.stack([signal[k] + 0.8 * rng.standard_normal((300, 40)) for k in (0, 0, 0, 1, 1)])  # (5, T, P)
    assert near_copies({"run": groups}) == []
    again = np.concatenate([groups, groups[:1] + 0.4 * rng.standard_normal((1, 300, 40))])  # sub-06 = sub-01 + noise
    assert [(i, j) for i, j, _, _ in near_copies({"run": again})] == [(0, 5)]
    assert near_copies({"run": groups[:2]}) == []  # a pair alone: nothing to compare it with
