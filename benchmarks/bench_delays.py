"""What temporal kernels could add to the closed-form start on real data (issue 23: "temporal kernels belong to the
start wherever delays help").

The start (`xsub.start.closed_form_start` with its skip conv at the identity) predicts subject s as `g * LOO + D`:
LOO the others' mean of the same parcel, scaled by a gain per parcel, plus the decoder's part D. Fitted on the training
part, scored (mean Pearson r over subjects and parcels) on the validated part, each next to that start:

- decoder kernel: per subject and parcel, `Y ~ g LOO + sum_k h_k D[t-k]`, k = -3..3 (what the model's decoder conv of
  7 taps can hold), refitted with the gain by least squares (a ridge of 1e-3 of the mean diagonal);
- skip kernel: ONE 7-tap kernel for every subject and parcel on the skip part, `Y - D ~ sum_k w_k g LOO[t-k]`
  (7 numbers per data set; `xsub.start.pooled_skip_kernel`), fitted on the whole training part and put on the model's
  skip conv whatever the cross-validation says (printed in the conv's tap order: 3 TRs before ... 3 TRs after);
- each subject's kernels: per subject, one 7-tap kernel on its skip part and one on its decoder's part, the same for
  all its parcels, `Y ~ sum_k w_k g LOO[t-k] + sum_k v_k D[t-k]` (14 numbers per subject; the subjects' hemodynamic
  timing), least squares over the training part, forced on;
- xsub's start: what `closed_form_start` does since this measurement: the same skip kernel, on the model's skip conv,
  kept only where blocked cross-validation inside the training part says it beats the identity (`choose_skip_kernel`).

Cells: Sherlock 16 x 1348 and 8 x 700 training TRs (the validated part: the last 578 TRs; a 13-TR gap before it, as
`xsub_train`), QTAB 16 and 64 (split as `xsub_train --data-root qtab_dev`). Data from `XSUB_DATA` (see bench_real.py).

    python benchmarks/bench_delays.py                                  # the four cells, about a minute
    python benchmarks/bench_delays.py --cells sherlock:4:266           # one cell: data:subjects[:training TRs]
"""
import argparse
import time
import warnings

import numpy as np
import torch

from bench_real import cell_data
from xsub.data import delayed, pearson_r
from xsub.models import CrossSubjectEncoder, leave_one_out_mean, predict_runs
from xsub.start import closed_form_start, fit_start, pooled_skip_kernel, skip_lags

LAGS = tuple(range(-3, 4))  # the taps of a 7-TR kernel, centred
GAP = 13  # TRs between the training and validated parts: the default model's receptive field


def lagged(x: np.ndarray) -> list[np.ndarray]:
    "x (S, T, P) delayed by each of `LAGS` (row t holds x[t - k]; `xsub.data.delayed`, zero-filled): [(S, T, P)]."
    copies = delayed(np.moveaxis(x, 1, 0), LAGS)  # (T, K, S, P)
    return [np.moveaxis(copies[:, i], 0, 1) for i in range(len(LAGS))]


def least_squares(train_features: list, target: np.ndarray, val_features: list, ridge: float = 1e-3,
                  per_subject: bool = False) -> np.ndarray:
    """Least squares per subject and parcel (`per_subject`: per subject, over all its parcels) of `target` (S, T, P)
    on K features (S, T, P) each; the fit applied to val."""
    K = len(train_features)
    gram = np.empty(target.shape[::2] + (K, K))  # (S, P, K, K)
    cross = np.empty(target.shape[::2] + (K,))  # (S, P, K)
    for i in range(K):
        cross[..., i] = (train_features[i] * target).sum(1)
        for j in range(i, K):
            gram[..., i, j] = gram[..., j, i] = (train_features[i] * train_features[j]).sum(1)
    if per_subject:  # one set of K weights for all of a subject's parcels
        gram, cross = gram.sum(1, keepdims=True), cross.sum(1, keepdims=True)  # (S, 1, K, K), (S, 1, K)
    gram += ridge * np.trace(gram, axis1=-2, axis2=-1)[..., None, None] / K * np.eye(K)
    w = np.linalg.solve(gram, cross[..., None])[..., 0]  # (S, P or 1, K)
    return sum(w[..., i][:, None, :] * val_features[i] for i in range(K))  # (S, T_val, P)


def measure(data: str, n_subjects: int, n_train: int | None) -> dict:
    "Mean r of the leave-one-out mean, the start, and the start with each kernel, on one cell."
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the data's known notes (Sherlock's padding), said by bench_real
        train, val = cell_data(n_subjects, n_train, gap=GAP if n_train else 0)
    S, _, P = train.shape
    model = CrossSubjectEncoder(S, P, 32, 7)
    start = closed_form_start(model, {"run": train}, gap=GAP)
    chosen = pearson_r(predict_runs(model, {"run": val})["run"], val, 1)  # xsub's start, its skip kernel if kept
    with torch.no_grad():
        model.skip_conv_weight.zero_()[..., model.kernel_size // 2] = 1.0  # the start with its skip conv at the identity
    parts = {"train": train.astype(np.float64), "val": val.astype(np.float64)}
    pred = {k: predict_runs(model, {"run": x})["run"].astype(np.float64) for k, x in (("train", train), ("val", val))}
    loo = {k: leave_one_out_mean(torch.as_tensor(x), dim=0).numpy() for k, x in parts.items()}  # (S, T, P)
    gain = model.skip_gain.detach().double().numpy()[:, None, :]  # (S, 1, P)
    dec = {k: pred[k] - gain * loo[k] for k in pred}  # the decoder's part (S, T, P)
    y, y_val = parts["train"], parts["val"]
    r = {"loo": pearson_r(loo["val"], y_val, 1), "start": pearson_r(pred["val"], y_val, 1), "xsub": chosen}
    features = lambda part: [loo[part]] + lagged(dec[part])
    r["decoder kernel"] = pearson_r(least_squares(features("train"), y, features("val")), y_val, 1)
    both = lambda part: lagged(gain * loo[part]) + lagged(dec[part])  # the skip part and the decoder's, each delayed
    r["each subject"] = pearson_r(least_squares(both("train"), y, both("val"), 1e-6, per_subject=True), y_val, 1)
    kernel = pooled_skip_kernel([train], None, fit_start([train], None, start), skip_lags(model.kernel_size))  # (7,)
    with torch.no_grad():
        model.skip_conv_weight[:] = torch.as_tensor(kernel, dtype=torch.float32)  # the start with xsub's kernel, forced on
    r["skip kernel"] = pearson_r(predict_runs(model, {"run": val})["run"], val, 1)
    return {"start": start, "r": {k: float(np.nanmean(v)) for k, v in r.items()}, "skip_kernel": kernel}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cells", default="sherlock:16:1348,sherlock:8:700,qtab:16,qtab:64",
                   help="data:subjects[:training TRs], comma-separated (QTAB: xsub_train's split)")
    args = p.parse_args(argv)
    print(f"{'cell':>18} {'loo':>6} {'start':>6} {'decoder kernel':>15} {'skip kernel':>12} {'each subject':>12} "
          f"{'xsub':>6}  start chosen; skip kernel")
    for cell in args.cells.split(","):
        data, n_subjects, *n_train = cell.split(":")
        if data not in ("sherlock", "qtab") or not n_subjects.isdigit() or len(n_train) != (data == "sherlock") \
                or not all(n.isdigit() for n in n_train):
            p.error(f"--cells {cell!r}: use sherlock:SUBJECTS:TRAINING_TRS or qtab:SUBJECTS, e.g. sherlock:16:1348")
        t0 = time.perf_counter()
        out = measure(data, int(n_subjects), int(n_train[0]) if n_train else None)
        r, s = out["r"], out["start"]
        name = f"{data} {n_subjects}" + (f" x {n_train[0]}" if n_train else "")
        kept = "kept" if s.get("skip_kernel") else "not kept"
        print(f"{name:>18} {r['loo']:6.3f} {r['start']:6.3f} {r['decoder kernel']:15.3f} {r['skip kernel']:12.3f} "
              f"{r['each subject']:12.3f} {r['xsub']:6.3f}  {s.get('encoder')} {s.get('dim')} dims, "
              f"alpha {s.get('alpha'):g}, skip kernel {kept}; "
              f"[{' '.join(f'{v:.2f}' for v in out['skip_kernel'])}] ({time.perf_counter() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
