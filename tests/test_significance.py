"Per-parcel significance: nulls that keep autocorrelation, at the nominal false-positive rate, in the run's outputs."
import json

import numpy as np
import pytest

from xsub.data import pearson_r
from xsub.evaluate import p_value, parcel_significance, shift_null, swap_null
from xsub.experiment import run_experiment
from xsub.config import TrainConfig


def ar1(rng, shape, phi=0.8) -> np.ndarray:
    "(S, T, P) AR(1) noise: BOLD-like autocorrelation (0.8 at one TR), nothing shared."
    x = rng.standard_normal(shape)
    for t in range(1, shape[1]):
        x[:, t] += phi * x[:, t - 1]
    return x.astype(np.float32)


def test_nulls_give_the_observed_r_exactly():
    rng = np.random.default_rng(0)
    a, b, y = (ar1(rng, (3, 300, 20)) for _ in range(3))
    observed, null = shift_null(a, y, n_draws=50)
    np.testing.assert_allclose(observed, pearson_r(a, y, 1), atol=1e-5)
    assert null.shape == (50, 3, 20)
    every_shift = np.array([pearson_r(a, np.roll(y, -k, axis=1), 1) for k in range(300)])  # (T, S, P), by loops
    k = np.abs(every_shift[:, 0, 0] - null[0, 0, 0]).argmin()  # the shift of the first draw
    np.testing.assert_allclose(null[0], every_shift[k], atol=1e-5)  # one shift for every subject and parcel
    assert 30 <= k <= 270  # at least min_shift = T // 10 away from alignment, either way
    difference, swapped = swap_null(a, b, y, n_draws=50)
    np.testing.assert_allclose(difference, pearson_r(a, y, 1) - pearson_r(b, y, 1), atol=1e-5)
    assert swapped.shape == (50, 3, 20)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_false_positive_rate_is_nominal_without_shared_signal(seed):
    "No signal in common: about 5% of p < 0.05 (tolerance 2-8%: 1200 correlated tests per draw set)."
    rng = np.random.default_rng(seed)
    shape = (4, 1000, 300)
    tests = parcel_significance({"r": ar1(rng, shape)}, {"r": ar1(rng, shape)}, {"r": ar1(rng, shape)}, n_draws=400,
                                seed=seed)
    for name in ("model", "baseline", "model_vs_baseline"):
        rate = (tests[f"p_{name}"] < 0.05).mean()
        assert 0.02 < rate < 0.08, (name, rate)
        assert (tests[f"q_{name}"] < 0.05).mean() < 0.01  # after FDR, almost nothing


def test_a_shared_signal_and_a_better_model_are_found():
    rng = np.random.default_rng(3)
    shape = (4, 800, 100)
    shared = ar1(rng, (1, 800, 100))
    data = shared + ar1(rng, shape)
    good, poor = shared + 0.5 * ar1(rng, shape), 0.3 * shared + ar1(rng, shape)
    tests = parcel_significance({"r": good}, {"r": poor}, {"r": data}, n_draws=300)
    assert (tests["q_model"] < 0.05).mean() > 0.95 and (tests["q_mean_model_vs_baseline"] < 0.05).mean() > 0.9
    again = parcel_significance({"r": good}, {"r": poor}, {"r": data}, n_draws=300)
    np.testing.assert_array_equal(again["p_model_vs_baseline"], tests["p_model_vs_baseline"])  # seeded


def test_p_value_counts_the_observed_as_a_draw():
    assert p_value(np.array(1.0), np.zeros(99)) == pytest.approx(0.01)
    assert p_value(np.array(-1.0), np.zeros(99)) == 1.0


def test_run_outputs_hold_p_and_q(tmp_path):
    rng = np.random.default_rng(4)
    shared = ar1(rng, (1, 600, 30))
    runs = {"a": shared + ar1(rng, (4, 600, 30)), "b": shared[:, :500] + ar1(rng, (4, 500, 30))}
    config = TrainConfig(epochs=0, embed_dim=4, kernel_size=3, sample_length=32, out_dir=str(tmp_path / "run"),
                         progress=False)
    done = run_experiment(config, runs=runs, figures=False)
    table = done["paths"]["parcels"].read_text().splitlines()[0].split(",")
    for column in ("p_model", "q_model", "p_baseline", "q_baseline", "p_model_vs_baseline", "q_model_vs_baseline"):
        assert column in table, table
    counts = json.loads(done["paths"]["metrics"].read_text())["significance"]["tail-0.3"]["parcels"]
    assert counts["model"]["of"] == 30 and counts["model"]["mean_over_subjects"] > 20
    # 180 + 150 validated TRs joined: 9 blocks of 40 TRs, every one of 2^9 - 1 swap patterns; 265 circular shifts
    assert counts["model_vs_baseline"]["draws"] == 511 and counts["model"]["draws"] == 265
    assert counts["model_vs_baseline"]["smallest_p"] == 1 / 512
