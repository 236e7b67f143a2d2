"Tests of xsub.plotting that do not belong in the lesson: atlas errors, offline use, every figure's PNG."
import json
import os
import shutil
import socket
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from nilearn.maskers import NiftiLabelsMasker

from xsub.data import NETWORKS, SUBJECTS, parcel_networks
import xsub.plotting
from xsub.plotting import (ATLAS_ENV, N_PARCELS, check_q, load_atlas, network_scores, parcel_means, parcel_table,
                           parcel_values_to_img, plot_difference_map, plot_glass_map, plot_learning_curve,
                           plot_network_scores, plot_run, plot_subject_maps, plot_surface_map, plot_temporal_kernels,
                           plot_timecourses, plot_volume_map, run_q_values, save_figure, schaefer_file_names,
                           significant_values, threshold_label, threshold_title, xsub_plot)

SHARED = Path(__file__).resolve().parents[2] / "shared"  # ../shared from the repository root
# the atlas folder conftest.py found: $XSUB_ATLAS_DIR, ../shared/nilearn_data, or a copy fetched into a temp folder
ATLAS_DIR = Path(os.environ.get(ATLAS_ENV) or SHARED / "nilearn_data")
NO_ATLAS = (f"no atlas: {ATLAS_DIR}/schaefer_2018 is absent (offline without ../shared; set XSUB_ATLAS_DIR to a folder "
            f"holding schaefer_2018/, or run with a network)")
TEMPLATEFLOW_TSV = SHARED / "atlas" / "tpl-MNI152NLin2009cAsym_atlas-Schaefer2018_desc-1000Parcels7Networks_dseg.tsv"
# parcels per hemisphere and network, copied from the count table of shared/docs/algonauts2025.md
DOC_COUNTS = {"LH": dict(zip(NETWORKS, (81, 91, 61, 55, 29, 57, 126))),
              "RH": dict(zip(NETWORKS, (81, 103, 61, 66, 31, 72, 86)))}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

needs_atlas = pytest.mark.skipif(not (ATLAS_DIR / "schaefer_2018").is_dir(), reason=NO_ATLAS)


@pytest.fixture
def atlas_env(monkeypatch):
    "Point XSUB_ATLAS_DIR at the atlas folder."
    monkeypatch.setenv(ATLAS_ENV, str(ATLAS_DIR))
    return ATLAS_DIR


@pytest.fixture(scope="module")
def atlas():
    if not (ATLAS_DIR / "schaefer_2018").is_dir():
        pytest.skip(NO_ATLAS)
    return load_atlas(ATLAS_DIR)


@pytest.fixture
def no_network(monkeypatch):
    "Any attempt to open a socket (a download) raises."
    def refuse(*args, **kwargs):
        raise RuntimeError("network access attempted during an offline test")
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _is_png(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 1000 and path.read_bytes()[:8] == PNG_MAGIC


@needs_atlas
def test_round_trip(atlas):
    values = np.random.default_rng(1).normal(0.2, 0.3, N_PARCELS).astype(np.float32)
    img = parcel_values_to_img(values, atlas)
    assert img.shape == atlas.labels.shape
    assert np.isnan(img.get_fdata()[atlas.labels == 0]).all()
    assert np.isfinite(img.get_fdata()[atlas.labels > 0]).all()
    np.testing.assert_allclose(parcel_means(img, atlas), values, rtol=0, atol=1e-6)
    masked = np.ravel(NiftiLabelsMasker(labels_img=atlas.img).fit_transform(img))  # nilearn's own parcel means
    np.testing.assert_allclose(masked, values, rtol=0, atol=1e-6)


@needs_atlas
def test_network_counts_match_docs(atlas):
    counts = pd.crosstab(atlas.table.hemisphere, atlas.table.network)
    assert {h: {n: int(counts.loc[h, n]) for n in NETWORKS} for h in ("LH", "RH")} == DOC_COUNTS
    assert atlas.table.parcel.tolist() == list(range(1, N_PARCELS + 1))
    assert (atlas.table.hemisphere[:500] == "LH").all() and (atlas.table.hemisphere[500:] == "RH").all()


@needs_atlas
def test_network_per_parcel_matches_data_layer(atlas):
    "The data layer's parcel_networks() (no atlas needed) must name the same network as the atlas for every parcel."
    ours, theirs = atlas.table.network.to_numpy(), parcel_networks()
    differ = np.flatnonzero(ours != theirs)
    assert differ.size == 0, (
        f"xsub.data.parcel_networks() disagrees with the atlas labels at parcels {(differ + 1).tolist()} (1-based): "
        f"atlas {ours[differ].tolist()} vs parcel_networks {theirs[differ].tolist()}; the Schaefer order is not "
        f"contiguous by network (RH parcels 999-1000 are Cont after the Default block)")


@pytest.mark.skipif(not TEMPLATEFLOW_TSV.is_file(), reason=f"{TEMPLATEFLOW_TSV} is absent")
@needs_atlas
def test_table_matches_templateflow_table(atlas):
    "The Algonauts parcellation's TemplateFlow table has the same hemisphere and network for every index."
    tf = parcel_table(pd.read_csv(TEMPLATEFLOW_TSV, sep="\t").sort_values("index").name)
    pd.testing.assert_frame_equal(tf[["parcel", "hemisphere", "network"]], atlas.table[["parcel", "hemisphere", "network"]])


@needs_atlas
def test_labels_as_bytes_or_str(atlas):
    names = atlas.table.name.tolist()
    pd.testing.assert_frame_equal(parcel_table([b"Background"] + [n.encode() for n in names]), atlas.table)
    pd.testing.assert_frame_equal(parcel_table(names), atlas.table)
    with pytest.raises(ValueError, match="7Networks_LH_Vis_1"):
        parcel_table(["Background"] + [n.replace("_LH_", "_XX_") for n in names])


@needs_atlas
def test_load_atlas_offline(atlas_env, no_network):
    atlas = load_atlas()
    assert len(atlas.table) == N_PARCELS and atlas.labels.max() == N_PARCELS
    assert load_atlas(resolution_mm=1).labels.shape == (182, 218, 182)


def test_empty_atlas_dir_clear_error(tmp_path, monkeypatch, no_network):
    monkeypatch.setenv(ATLAS_ENV, str(tmp_path))
    with pytest.raises(FileNotFoundError) as err:
        load_atlas()
    message = str(err.value)
    for part in (str(tmp_path / "schaefer_2018"), *schaefer_file_names(2), ATLAS_ENV, "download=True"):
        assert part in message, f"{part!r} missing from the error: {message}"
    with pytest.raises(FileNotFoundError, match="1mm"):
        load_atlas(tmp_path, resolution_mm=1)


@needs_atlas
def test_algonauts_parcellation(tmp_path, atlas_env):
    path = tmp_path / "sub-01_space-MNI152NLin2009cAsym_atlas-Schaefer18_parcel-1000Par7Net_desc-dseg_parcellation.nii.gz"
    shutil.copy(ATLAS_DIR / "schaefer_2018" / schaefer_file_names(1)[1], path)
    atlas = load_atlas(parcellation=path)
    assert atlas.labels.shape == (182, 218, 182) and atlas.labels.max() == N_PARCELS
    with pytest.raises(FileNotFoundError, match="parcellation file"):
        load_atlas(parcellation=tmp_path / "missing.nii.gz")


@needs_atlas
def test_bad_values_shape(atlas):
    with pytest.raises(ValueError, match="one per parcel"):
        parcel_values_to_img(np.zeros((4, N_PARCELS)), atlas)
    with pytest.raises(ValueError, match=r"\(S, P\)"):
        plot_subject_maps(np.zeros(N_PARCELS), atlas)


def _values(seed: int = 0) -> np.ndarray:
    "A network-structured demo vector (P,): network mean plus noise."
    rng = np.random.default_rng(seed)
    means = dict(zip(NETWORKS, (0.5, 0.4, 0.35, 0.25, 0.1, 0.15, 0.3)))
    return np.array([means[n] for n in parcel_networks()]) + rng.normal(0, 0.05, N_PARCELS)


BRAIN_FIGURES = {
    "volume_ortho": lambda atlas, out: plot_volume_map(_values(), atlas, title="test", out=out, dpi=50),
    "volume_axial": lambda atlas, out: plot_volume_map(_values(), atlas, "axial", title="test", out=out, dpi=50),
    "glass": lambda atlas, out: plot_glass_map(_values(), atlas, title="test", out=out, dpi=50),
    "surface": lambda atlas, out: plot_surface_map(_values(), atlas, title="test", out=out, dpi=50),
    "subjects": lambda atlas, out: plot_subject_maps(np.stack([_values(0), _values(1)]), atlas, subjects=(1, 2),
                                                     out=out, dpi=50),
    "difference": lambda atlas, out: plot_difference_map(_values(0), _values(1), atlas=atlas, out=out, dpi=50),
}


@needs_atlas
@pytest.mark.parametrize("name", BRAIN_FIGURES)
def test_brain_figure_offline_png(name, atlas, no_network, tmp_path):
    out = tmp_path / "new" / "folder" / f"{name}.png"
    BRAIN_FIGURES[name](atlas, out)
    assert _is_png(out)
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]  # no temp file left


def test_figures_without_atlas(tmp_path, monkeypatch, no_network):
    "Network scores, kernels and time courses need no atlas: they work with an empty atlas folder and no network."
    monkeypatch.setenv(ATLAS_ENV, str(tmp_path / "empty"))
    rng = np.random.default_rng(0)
    results = {"model": _values(0), "baseline": 0.5 * _values(1), "ceiling": rng.uniform(0.5, 0.7, (4, N_PARCELS))}
    for kind in ("box", "bar"):
        fig = plot_network_scores(results, kind=kind, title="test", out=tmp_path / f"net_{kind}.png", dpi=50)
        assert _is_png(tmp_path / f"net_{kind}.png")
        assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == list(NETWORKS)
    long = network_scores(results)
    assert len(long) == 3 * N_PARCELS and set(long.method) == set(results)
    plot_network_scores(long, out=tmp_path / "net_long.png", dpi=50)
    assert _is_png(tmp_path / "net_long.png")

    kernels = rng.normal(0, 1, (len(SUBJECTS), N_PARCELS, 7))
    fig = plot_temporal_kernels(kernels, out=tmp_path / "kernels.png", dpi=50)
    assert _is_png(tmp_path / "kernels.png")
    vis = parcel_networks() == "Vis"
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), kernels[0, vis].mean(0)[::-1])  # causal: taps reversed
    np.testing.assert_allclose(fig.axes[0].lines[0].get_xdata(), np.arange(7) * 1.49)
    fig = plot_temporal_kernels(kernels, causal=False)
    np.testing.assert_allclose(fig.axes[0].lines[0].get_xdata(), np.arange(-3, 4) * 1.49)

    actual = rng.normal(size=(200, N_PARCELS))
    predicted = actual * np.linspace(0, 1, N_PARCELS) + rng.normal(size=(200, N_PARCELS))
    fig = plot_timecourses(actual, predicted, title="test", out=tmp_path / "tc.png", dpi=50)
    assert _is_png(tmp_path / "tc.png")
    assert "best parcel" in fig.axes[0].get_title(loc="left") and "median parcel" in fig.axes[1].get_title(loc="left")
    assert fig.axes[-1].lines[0].get_xdata()[-1] == pytest.approx(199 * 1.49)


def test_save_figure_atomic(tmp_path):
    fig, ax = plt.subplots()
    out = tmp_path / "a" / "b" / "fig.png"
    assert save_figure(fig, out, dpi=30) == out and _is_png(out)

    class Broken:
        def get_facecolor(self):
            return "white"

        def savefig(self, path, **kwargs):
            Path(path).write_bytes(b"half a png")
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        save_figure(Broken(), tmp_path / "broken.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]  # neither the PNG nor its temp file


def test_saved_png_is_readable_by_others(tmp_path):
    fig, ax = plt.subplots()
    out = save_figure(fig, tmp_path / "fig.png", dpi=30)
    assert out.stat().st_mode & 0o044 == 0o044  # not the private 0600 of a temp file


# --- maps thresholded at an FDR q (issue 14) ------------------------------------------------------------------------


def test_significant_values_are_nan_where_q_is_not_below():
    values = _values(0)  # (P,)
    q = np.random.default_rng(0).uniform(0, 0.2, N_PARCELS)  # (P,)
    q[:3] = 0.05, np.nextafter(0.05, 0), np.nan  # the threshold itself is not significant, a NaN q neither
    shown = significant_values(values, q, 0.05)
    np.testing.assert_array_equal(np.isnan(shown), ~(q < 0.05))  # NaN exactly where q >= 0.05 or q is NaN
    np.testing.assert_array_equal(shown[q < 0.05], values[q < 0.05])  # the rest untouched
    assert np.isnan(shown[0]) and shown[1] == values[1] and np.isnan(shown[2])
    assert threshold_label(q, 0.05) == f"{int(np.sum(q < 0.05))} of 1000 parcels at q < 0.05 (FDR)"
    assert not np.isnan(significant_values(values, np.full(N_PARCELS, 0.99), 1)).any()  # q = 1: every parcel
    with pytest.raises(ValueError, match="same shape"):
        significant_values(values, q[:10], 0.05)
    for bad in (0, -0.05, 1.01, float("nan"), None, "x"):
        with pytest.raises(ValueError, match=r"\(0, 1\]"):
            check_q(bad)


def _run_folder(path: Path, q_columns: tuple[str, ...] = ("model", "model_vs_baseline")) -> tuple[Path, dict]:
    "A run folder as xsub_train writes it: parcels.csv (2 subjects x 1000 parcels, p and q columns) and metrics.json."
    rng = np.random.default_rng(0)
    nets = parcel_networks()
    model = np.stack([_values(0), _values(1)])  # (S, P)
    q = {"model": np.where(np.isin(nets, ["Vis", "SomMot", "Default"]), 0.001, rng.uniform(0.05, 1, N_PARCELS)),
         "model_vs_baseline": np.where(nets == "Vis", 0.01, rng.uniform(0.05, 1, N_PARCELS))}  # (P,) each
    q["model"][-1] = 0.05  # on the threshold: not shown
    table = pd.DataFrame({"set": "friends-s6", "subject": np.repeat(["sub-01", "sub-02"], N_PARCELS),
                          "parcel": np.tile(np.arange(1, N_PARCELS + 1), 2), "r_model": model.ravel(),
                          "r_baseline": (0.5 * model).ravel()})
    for name in q_columns:  # the subject mean's p and q, repeated on every subject's row
        table[f"p_mean_{name}"] = np.tile(q[name] / 2, 2)
        table[f"q_mean_{name}"] = np.tile(q[name], 2)
    path.mkdir(parents=True, exist_ok=True)
    table.to_csv(path / "parcels.csv", index=False)
    (path / "metrics.json").write_text(json.dumps({"early_stop": "friends-s6"}))
    return path, q


@needs_atlas
def test_plot_run_thresholded_maps(tmp_path, atlas_env, no_network, monkeypatch):
    run, q = _run_folder(tmp_path / "run")
    assert set(run_q_values(run)[1]) == set(q)
    np.testing.assert_array_equal(run_q_values(run)[1]["model"], q["model"])
    drawn, titles = {}, {}  # the values each surface map draws and the title each saved figure has, by file name
    draw, save = xsub.plotting._draw_surface_row, xsub.plotting.save_figure

    def spy_draw(fig, axes, values, *args, **kwargs):
        drawn[len(drawn)] = np.asarray(values)
        return draw(fig, axes, values, *args, **kwargs)

    def spy_save(fig, out, dpi=200):
        titles[Path(out).name] = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
        drawn[Path(out).name] = drawn.pop(len(drawn) - 1, None)
        return save(fig, out, dpi)

    monkeypatch.setattr(xsub.plotting, "_draw_surface_row", spy_draw)
    monkeypatch.setattr(xsub.plotting, "save_figure", spy_save)
    paths = plot_run(run, q=0.05, dpi=50)
    maps = {"surface_r_model_q0.05": "model", "surface_model_minus_baseline_q0.05": "model_vs_baseline"}
    assert set(paths) == {"r_by_network", "surface_r_model", "surface_model_minus_baseline", *maps}  # the full maps too
    model_r = np.stack([_values(0), _values(1)]).mean(0)  # (P,) what the model map shows
    for name, test in maps.items():
        assert paths[name] == run / f"{name}.png" and _is_png(paths[name])
        values = drawn[f"{name}.png"]
        np.testing.assert_array_equal(np.isnan(values), q[test] >= 0.05)  # grey (NaN) exactly where q >= 0.05
        n = int(np.sum(q[test] < 0.05))
        assert f"over the {n} parcels with q < 0.05 (FDR; " in titles[f"{name}.png"]
    shown = model_r[q["model"] < 0.05]
    title = titles["surface_r_model_q0.05.png"].replace("\n", " ")
    assert (f"mean Pearson r {shown.mean():.3f} over the {shown.size} parcels with q < 0.05 (FDR; "
            f"{model_r.mean():.3f} over all 1000 parcels)") in title, title
    assert title.endswith(f"{model_r.mean():.3f} over all 1000 parcels)")
    assert titles["surface_r_model.png"].endswith(f"mean Pearson r {model_r.mean():.3f} over 1000 parcels"), titles
    assert not np.isnan(drawn["surface_r_model.png"]).any()


@needs_atlas
def test_xsub_plot_q_adds_maps_and_prints_what_it_wrote(tmp_path, atlas_env, no_network, monkeypatch, capsys):
    "`--q 0.05` writes every file that a plain xsub_plot writes plus the _q0.05 maps, and prints exactly those."
    monkeypatch.setattr(warnings, "formatwarning", warnings.formatwarning)  # xsub_plot sets it: undone after the test
    written = {}
    for name, extra in (("plain", []), ("q", ["--q", "0.05"])):
        run, _ = _run_folder(tmp_path / name)
        before = set(run.iterdir())
        monkeypatch.setattr(sys, "argv", ["xsub_plot", str(run), "--offline", *extra])
        with pytest.raises(SystemExit) as done:
            xsub_plot()
        assert done.value.code == 0
        printed = {Path(line.split()[-1]) for line in capsys.readouterr().out.splitlines() if line.strip()}
        assert printed == set(run.iterdir()) - before, "the printed list must be the files written"
        written[name] = {p.name for p in printed}
    q_maps = {"surface_r_model_q0.05.png", "surface_model_minus_baseline_q0.05.png"}
    assert written["plain"] >= {"surface_r_model.png", "surface_model_minus_baseline.png"}
    assert written["q"] == written["plain"] | q_maps, written


@needs_atlas
def test_surface_map_with_no_parcel_below_q(atlas):
    values = _values(0)
    fig = plot_surface_map(values, atlas, title="test", q_values=np.ones(N_PARCELS), q=0.05)
    assert fig._suptitle.get_text().replace("\n", " ") == (
        f"test: no parcel with q < 0.05 (FDR) to colour; mean Pearson r {values.mean():.3f} over all 1000 parcels")
    assert fig.axes[-1].get_ylim() == pytest.approx((0.0, np.percentile(values, 99)))  # the full map's colour scale
    with pytest.raises(ValueError, match="both q_values"):
        plot_surface_map(values, atlas, q=0.05)


def test_q_needs_q_columns(tmp_path, capsys, monkeypatch):
    "A run folder from before the significance tests: a clear error naming the file and column, exit 2 in xsub_plot."
    old, _ = _run_folder(tmp_path / "old", q_columns=())
    for call in (lambda: plot_run(old, q=0.05), lambda: run_q_values(old)):
        with pytest.raises(ValueError) as err:
            call()
        for part in (str(old / "parcels.csv"), "q_mean_model", "rerun it with a current xsub"):
            assert part in str(err.value), f"{part!r} missing from the error: {err.value}"
    assert sorted(p.name for p in old.iterdir()) == ["metrics.json", "parcels.csv"]  # no figure before the error
    half, _ = _run_folder(tmp_path / "half", q_columns=("model",))
    with pytest.raises(ValueError, match="no column q_mean_model_vs_baseline:"):
        plot_run(half, q=0.05)
    monkeypatch.setattr(warnings, "formatwarning", warnings.formatwarning)  # xsub_plot sets it: undone after the test
    for argv, said in (([str(old), "--q", "0.05"], "q_mean_model"), ([str(half), "--q", "1.5"], "(0, 1]")):
        monkeypatch.setattr(sys, "argv", ["xsub_plot", *argv, "--offline"])
        with pytest.raises(SystemExit) as done:
            xsub_plot()
        assert done.value.code == 2, capsys.readouterr().err
        err = capsys.readouterr().err
        assert err.startswith("xsub_plot: error: ") and said in err, err


# --- outputs that say what they show (issue 24) ---------------------------------------------------------------------

CURVE = [{"epoch": e, "train_loss": None if e == 0 else 1.0 - 0.1 * e,
          "val": {"inner": {"r": 0.3 + 0.01 * e}, "friends-s6": {"r": 0.25 + 0.01 * e}}} for e in range(4)]


def _kept_lines(fig) -> list:
    "The vertical lines labelled 'kept: ...' of each axis."
    return [line for ax in fig.axes for line in ax.lines if line.get_label().startswith("kept: ")]


def test_learning_curve_marks_the_kept_epochs():
    for kept, label in ((2, "kept: 2 epochs"), (1, "kept: 1 epoch "), (0, "kept: the start (0 epochs)")):
        lines = _kept_lines(plot_learning_curve(CURVE, kept_epochs=kept))
        assert len(lines) == 2 and all(list(line.get_xdata()) == [kept, kept] for line in lines)
        assert all(line.get_label().startswith(label) for line in lines), [line.get_label() for line in lines]
        legend = [t.get_text() for t in plot_learning_curve(CURVE, kept_epochs=kept).axes[1].get_legend().get_texts()]
        assert any(t.startswith(label) for t in legend), legend
    fig = plot_learning_curve(CURVE)
    assert _kept_lines(fig) == []  # not given: nothing marked
    labels = fig.axes[1].get_legend_handles_labels()[1]
    assert labels[0].startswith("inner split") and "chooses the epochs" in labels[0], labels
    assert labels[1] == "friends-s6: validation set, whole runs", labels
    assert "inner split" in fig.axes[1].get_title() and "without their inner split" in fig._suptitle.get_text()


def test_plot_run_passes_the_kept_epochs_from_metrics_json(tmp_path, monkeypatch):
    "plot_run reads the chosen number of epochs (metrics.json: training.gradient_epochs) and marks it on the curve."
    monkeypatch.setenv(ATLAS_ENV, str(tmp_path / "no_atlas"))
    run, _ = _run_folder(tmp_path / "run")
    (run / "selection").mkdir()
    (run / "selection" / "metrics.jsonl").write_text("".join(json.dumps(m) + "\n" for m in CURVE))
    figures = []
    draw = xsub.plotting.plot_learning_curve
    monkeypatch.setattr(xsub.plotting, "plot_learning_curve", lambda *a, **k: figures.append(draw(*a, **k)) or figures[-1])
    for kept in (0, 3):
        (run / "metrics.json").write_text(json.dumps({"early_stop": "friends-s6", "training": {"gradient_epochs": kept}}))
        assert _is_png(plot_run(run, dpi=40)["learning_curve"])
        assert [list(line.get_xdata()) for line in _kept_lines(figures[-1])] == [[kept, kept]] * 2


def test_titles_and_legends_say_what_they_average():
    values = _values(0)
    assert xsub.plotting.map_title("s6", values) == f"s6: mean Pearson r {values.mean():.3f} over 1000 parcels"
    with_nan = values.copy()
    with_nan[:10] = np.nan
    assert "over the 990 values of 1000 parcels that are not NaN" in xsub.plotting.map_title("s6", with_nan)
    q = np.where(parcel_networks() == "Vis", 0.01, 0.5)  # (P,)
    vis = values[parcel_networks() == "Vis"]
    assert threshold_title("s6", values, q, 0.05) == (f"s6: mean Pearson r {vis.mean():.3f} over the {vis.size} parcels "
                                                      f"with q < 0.05 (FDR; {values.mean():.3f} over all 1000 parcels)")
    fig = plot_network_scores({"model": np.stack([values, _values(1)])})
    assert fig.axes[0].get_legend().get_texts()[0].get_text() == (
        f"model (mean {np.stack([values, _values(1)]).mean(0).mean():.3f} over 1000 parcels)")
    fig = plot_timecourses(np.eye(50, 3), np.eye(50, 3), title="t")
    assert fig._suptitle.get_text().endswith("over 3 parcels")


@needs_atlas
def test_subject_maps_say_what_they_average(atlas):
    values = np.stack([_values(0), _values(1)])  # (S, P)
    fig = plot_subject_maps(values, atlas, subjects=(1, 2), title="t", dpi=30)
    assert fig._suptitle.get_text() == f"t: mean Pearson r {values.mean():.3f} over 2 subjects x 1000 parcels"
    rows = [t.get_text() for t in fig.texts if t.get_text().startswith("sub-")]
    assert rows == [f"sub-0{i + 1}\nmean {v.mean():.3f}\nover 1000\nparcels" for i, v in enumerate(values)], rows


def _atlas_lines(text: str) -> list[str]:
    "The lines of a command's output that talk about the atlas."
    return [line for line in text.splitlines() if "schaefer" in line.lower() and not line.endswith(".png")]


def test_a_missing_atlas_is_one_short_line(tmp_path, monkeypatch, capsys):
    "Offline without the atlas: one short line per missing atlas, naming the folder and the nilearn call that fills it."
    empty = tmp_path / "atlas"
    empty.mkdir()
    monkeypatch.setattr(warnings, "formatwarning", warnings.formatwarning)  # xsub_plot sets it: undone after the test
    fetch = f"nilearn.datasets.fetch_atlas_schaefer_2018(n_rois=1000, resolution_mm=2, data_dir='{empty}')"

    def offline(*args, **kwargs):
        raise ConnectionError("no network")
    monkeypatch.setattr(xsub.plotting.datasets, "fetch_atlas_schaefer_2018", offline)
    for extra in (["--offline"], []):  # never downloads, or a download that fails
        run, _ = _run_folder(tmp_path / f"run{len(extra)}")
        monkeypatch.setattr(sys, "argv", ["xsub_plot", str(run), "--atlas-dir", str(empty), *extra])
        with pytest.raises(SystemExit) as done:
            xsub_plot()
        assert done.value.code == 0
        out = capsys.readouterr()
        lines = _atlas_lines(out.out + out.err)
        assert len(lines) == 1, lines
        assert str(empty / "schaefer_2018") in lines[0] and fetch in lines[0], lines[0]
        assert len(lines[0].replace(str(empty), "").replace(str(run), "")) < 300, lines[0]
    from xsub.plotting import parcel_labels  # what xsub_train says when it leaves the parcel names out
    for download in (False, True):
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            assert parcel_labels(empty, download=download) is None
        assert len(said) == 1 and "\n" not in str(said[0].message) and fetch in str(said[0].message)
        assert len(str(said[0].message).replace(str(empty), "")) < 300, str(said[0].message)
    with pytest.raises(FileNotFoundError) as err:  # asked for the atlas in Python: the files it needs, too
        load_atlas(empty)
    assert fetch in str(err.value) and schaefer_file_names(2)[1] in str(err.value) and "download=True" in str(err.value)


@needs_atlas
def test_surface_maps_refuse_a_map_of_another_length_and_take_any_subject_label():
    """From the fourth robustness sweep: 1200 values were drawn from the first 1000 in silence, 400 failed inside the
    drawing (IndexError); subject labels as metrics.json gives them ('sub-01') failed on int()."""
    from xsub.plotting import plot_subject_maps, plot_surface_map
    atlas, rng = load_atlas(), np.random.default_rng(0)
    for n in (1200, 400):
        with pytest.raises(ValueError, match=rf"values must have shape \(1000,\), one per parcel in atlas order, got \({n},\)"):
            plot_surface_map(rng.uniform(0, 0.5, n), atlas)
    fig = plot_subject_maps(rng.uniform(0, 0.5, (2, 1000)), atlas, subjects=["sub-01", 2])
    assert [t.get_text().split("\n")[0] for t in fig.texts[:2]] == ["sub-01", "sub-02"]
    plt.close(fig)
