"The benchmark scripts, run small: they must run, print their figures, and show both models at equal accuracy."
import re
import subprocess
import sys

import pytest

from conftest import REPO


def bench(script: str, *args: str) -> str:
    r = subprocess.run([sys.executable, str(REPO / "benchmarks" / script), *args], capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_bench_models_same_losses_and_all_figures():
    out = bench("bench_models.py", "--quick", "--embed-dim", "32", "--kernel-size", "3", "--batch-size", "4",
                "--length", "16", "--threads", "1")
    ratios = re.findall(r"xsub/reference (\d+\.\d+)x", out)
    assert len(ratios) == 2, out  # fp32 and bf16 autocast
    diffs = [float(d) for d in re.findall(r"\|diff\| ([0-9.e+-]+)", out)]  # per precision: xsub, xsub model
    assert len(diffs) == 4 and max(diffs[:2]) < 1e-5 and max(diffs[2:]) < 1e-3, out  # same weights, data, steps
    assert re.search(r"S\s+4: .* per subject", out) and re.search(r"S\s+8: .* per subject", out), out


def test_bench_data_prints_the_ratio():
    out = bench("bench_data.py", "--runs", "3", "--trs", "100", "--parcels", "50", "--num-samples", "64",
                "--repeats", "1")
    assert re.search(r"ratio xsub / reference: \d+\.\d+x", out), out


def test_bench_real_one_cell():
    "The real-data table on one small cell: the leave-one-out mean matches its definition and the model is scored."
    import pytest
    from xsub.data import data_home
    if not (data_home() / "sherlock_pmc" / "pmc_nn_sherlock_movie_s1.mat").is_file():
        pytest.skip("Sherlock files absent: set XSUB_DATA to a folder holding sherlock_pmc/ (CI: ../shared/datasets)")
    out = bench("bench_real.py", "--data", "sherlock", "--subjects", "4", "--train-trs", "266", "--methods", "loo",
                "model")
    row = re.search(r"^\s+4\s+266\s+(\d\.\d{3})\s+(\d\.\d{3})", out, re.M)
    assert row and float(row.group(1)) == 0.312, out  # the leave-one-out mean of subjects 1-4 on the last 578 TRs
    assert re.search(r"model - best other method:\s+S4/266: [+-]\d\.\d{3} \(loo\)", out), out


def test_bench_real_qtab_cell():
    "QTAB's first 16 on xsub_train's split: the leave-one-out mean is the data set's reference number, Procrustes runs."
    import pytest
    from xsub.data import data_home
    if not (data_home() / "qtab_dev" / "sub-0001.h5").is_file():
        pytest.skip("QTAB files absent: set XSUB_DATA to a folder holding qtab_dev/ (CI: ../shared/datasets)")
    out = bench("bench_real.py", "--data", "qtab", "--subjects", "16", "--methods", "loo", "procrustes")
    row = re.search(r"^\s+16\s+253\s+(\d\.\d{3})\s+(\d\.\d{3})\s+loo \d+/\d+, procrustes \d+/\d+", out, re.M)
    assert row and float(row.group(1)) == 0.258, out  # ../shared/datasets/qtab_dev/README.md: first 16, 0.258
    assert float(row.group(2)) > 0.2 and "procrustes: pieces" in out, out


def test_bench_significance_prints_both_nulls_and_ratios():
    out = bench("bench_significance.py", "--trs", "200", "--loop-draws", "2")
    assert len(re.findall(r"xsub +\d+\.\d+ s \| loop +\d+\.\d+ s .* \d+x faster", out)) == 2, out


def test_bench_start_prints_each_stage_and_the_ratio_to_one_pass():
    out = bench("bench_start.py", "--sizes", "4x50x3,6x40x1", "--trs", "120")
    assert len(re.findall(r"choose_start \d+\.\d s = \d+ passes \(one pass \d+\.\d+ s\); chose \S+ \d+; "
                          r"choose_skip_kernel \d+\.\d s = \d+ passes \((kept|not kept)\)", out)) == 2, out
    assert all(stage in out for stage in ("shared_response_maps", "decoder_stats", "group_mean_pca")), out


def test_bench_delays_one_cell():
    "The temporal-kernel measurement on one small Sherlock cell: every column printed, the start at least the mean."
    import pytest
    from xsub.data import data_home
    if not (data_home() / "sherlock_pmc" / "pmc_nn_sherlock_movie_s1.mat").is_file():
        pytest.skip("Sherlock files absent: set XSUB_DATA to a folder holding sherlock_pmc/ (CI: ../shared/datasets)")
    out = bench("bench_delays.py", "--cells", "sherlock:4:266")
    number = r"(-?\d\.\d{3})"
    row = re.search(rf"sherlock 4 x 266\s+{number}\s+{number}\s+{number}\s+{number}\s+{number}\s+{number}\s+"
                    r"\S+ \d+ dims, alpha \S+, skip kernel (kept|not kept)", out)
    assert row, out
    loo, start, decoder_kernel, skip_kernel, each_subject, xsub = map(float, row.groups()[:6])
    assert start >= loo - 0.005 and all(-1 < v < 1 for v in (decoder_kernel, skip_kernel, each_subject)), out
    assert xsub == (skip_kernel if row.group(7) == "kept" else start), out  # xsub's start: its kernel if kept
    assert len(re.search(r"\[([^\]]*)\]", out).group(1).split()) == 7, out  # the skip kernel's 7 taps


def test_bench_gap_qtab_cell():
    "The gap measurement on QTAB's first 4: every fit printed both ways, on all, later and the last half of the validated TRs."
    import pytest
    from xsub.data import data_home
    if not (data_home() / "qtab_dev" / "sub-0001.h5").is_file():
        pytest.skip("QTAB files absent: set XSUB_DATA to a folder holding qtab_dev/ (CI: ../shared/datasets)")
    out = bench("bench_gap.py", "--qtab", "4", "--no-sherlock")
    number = r"(-?\d\.\d{3})"
    loo = re.search(rf"QTAB 4\s+leave-one-out mean\s+{number} / {number} / {number}", out)
    assert loo and all(-1 < float(v) < 1 for v in loo.groups()), out
    for method in ("plain ridge", "RidgeFIR", "joined PCA encoders"):
        three = " / ".join([number] * 3)  # all validated TRs / after the first 13 / the second half
        cells = re.search(rf"QTAB 4\s+{method}\s+gap  0: {three}\s+gap 13: {three}", out)
        assert cells and all(-1 < float(v) < 1 for v in cells.groups()), out


def test_bench_gap_refuses_a_count_of_one_in_one_line():
    r = subprocess.run([sys.executable, str(REPO / "benchmarks" / "bench_gap.py"), "--qtab", "1", "--no-sherlock"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "--qtab 1: every count must be 2 or more" in r.stderr, r.stderr


def test_bench_blas_times_every_baseline_both_ways():
    "Every baseline fitted with scipy's BLAS on one thread and at full threads: both timed, the same held-out r."
    out = bench("bench_blas.py", "--subjects", "3", "--trs", "150", "--parcels", "60")
    rows = re.findall(r"(ridge|procrustes|srm): scipy's BLAS on one thread .* ratio (\d+\.\d+)x \| held-out r "
                      r"(\d\.\d{4}) / (\d\.\d{4})", out)
    assert [row[0] for row in rows] == ["ridge", "procrustes", "srm"], out
    assert all(abs(float(a) - float(b)) < 1e-3 for _, _, a, b in rows), out  # 150 TRs > 60 parcels: unique fits


@pytest.mark.parametrize("args, says", [(["--subjects", "1"], "--subjects 1: at least 2"),
                                        (["--trs", "20"], "needs at least 64 training TRs")])
def test_bench_blas_refuses_sizes_it_cannot_fit_in_one_line(args, says):
    r = subprocess.run([sys.executable, str(REPO / "benchmarks" / "bench_blas.py"), *args], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2 and says in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_bench_swaps_names_every_swap_of_rotated_brains(tmp_path):
    """A run trained on brains that are each their own rotation: every random swap is named, and no pair as recorded;
    no subject's parcels are taken for out of order as recorded, and most shuffles are found."""
    from xsub.baselines import rotated_responses
    from xsub.data import save_runs
    from xsub.experiment import xsub_train
    data, _ = rotated_responses(n_subjects=5, n_trs=900, n_parcels=40, noise=1.0, seed=2)  # (S, T, P)
    folder = save_runs({f"run-{k + 1}": data[:, 300 * k:300 * (k + 1)] for k in range(3)}, tmp_path / "data")
    xsub_train(["--data-root", str(folder), "--val-runs", "run-3", "--epochs", "1", "--samples-per-epoch", "32",
                "--out-dir", str(tmp_path / "run"), "--offline", "--no-progress"])
    out = bench("bench_swaps.py", "--run-dir", str(tmp_path / "run"), "--swaps", "3")
    assert "pairs named as recorded: 0" in out and "3 random swaps: the pair named alone in 3;" in out, out
    assert re.search(r"pieces of 100 TRs \(3\): a pair named as recorded in 0, the swap found in 3", out), out
    order = re.findall(r"parcel order in the model's space, pieces of \d+ TRs \((\d+)\): time-locked subjects named as "
                       r"recorded (\d+) of (\d+); a subject's parcels shuffled: named by the order test in (\d+)", out)
    assert len(order) == 3, out  # pieces of 100, 200 and the whole validated run (300 TRs)
    for pieces, false, locked, found in (map(int, line) for line in order):
        assert false == 0 and locked == 5 * pieces and found >= 0.8 * pieces, out  # 19 in 20 expected


def test_bench_groups_prints_every_cell():
    "The split-groups benchmark, one window per cell: a line per data set present, and the count of false warnings."
    from xsub.data import data_home
    present = [name for name, folder in (("sherlock", "sherlock_pmc"), ("qtab", "qtab_dev"))
               if (data_home() / folder).is_dir()]
    out = bench("bench_groups.py", "--windows", "1", "--subjects", "4", "--trs", "150")
    assert len(re.findall(r" 4 subjects x 150 TRs: as recorded, a group named in [01] of 1 \| half moved", out)) == len(
        present), out
    assert f"false warnings: " in out and f"of {len(present)} windows" in out, out
