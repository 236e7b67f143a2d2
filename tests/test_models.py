"Unit tests of xsub.models: causality, equivalence with the reference model's per-subject loop, options, bad input."
import pytest
import torch

from xsub.models import (CausalConv1d, CrossSubjectEncoder, ReferenceModel, copy_reference_weights, depthwise_conv,
                         depthwise_conv_time_major, leave_one_out_mean, leave_one_out_weights, subject_linear)


def _reference_loo(x):
    "Leave-one-out mean by an explicit loop over subjects: x (N, S, L, P)."
    S = x.shape[1]
    return torch.stack([x[:, [i for i in range(S) if i != s]].mean(1) for s in range(S)], 1)


@pytest.mark.parametrize("k", [3, 5, 11])
def test_causal_conv_never_reads_the_future(k):
    torch.manual_seed(0)
    conv = CausalConv1d(4, 4, k, groups=4)
    x = torch.randn(2, 4, 30)  # (N, C, L)
    for t in (0, 7, 29):
        x2 = x.clone()
        x2[..., t + 1:] = torch.randn_like(x2[..., t + 1:])  # change everything after t
        with torch.no_grad():
            y, y2 = conv(x), conv(x2)
        assert torch.equal(y[..., : t + 1], y2[..., : t + 1])
        if t < 29:
            assert not torch.allclose(y[..., t + 1:], y2[..., t + 1:])  # the past does change the output


def test_causal_conv_equals_masked_centred_conv():
    torch.manual_seed(0)
    conv = CausalConv1d(3, 3, 5, groups=3)
    ref = torch.nn.Conv1d(3, 3, 5, padding=2, groups=3)
    with torch.no_grad():
        ref.weight.copy_(conv.weight)
        ref.weight[..., 3:] = 0  # taps after the centre read the future
        ref.bias.copy_(conv.bias)
    x = torch.randn(2, 3, 20)
    torch.testing.assert_close(conv(x), ref(x))


def test_causal_conv_rejects_even_kernel_and_padding():
    with pytest.raises(ValueError, match="odd"):
        CausalConv1d(2, 2, 4)
    with pytest.raises(ValueError, match="padding"):
        CausalConv1d(2, 2, 3, padding=1)
    with pytest.raises(ValueError, match="odd"):
        depthwise_conv(2, 6)


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("S,P,D,k", [(4, 50, 8, 5), (2, 7, 3, 3), (6, 20, 16, 11), (3, 10, 4, 1), (3, 10, 4, 0)])
def test_fast_model_equals_reference_loop(S, P, D, k, causal):
    torch.manual_seed(S * 100 + P + k)
    reference = ReferenceModel(S, P, D, kernel_size=k, causal=causal)
    fast = copy_reference_weights(reference, CrossSubjectEncoder(S, P, D, kernel_size=k, causal=causal, skip=False))
    x = torch.randn(3, S, 17, P)  # (N, S, L, P)
    with torch.no_grad():
        torch.testing.assert_close(fast(x), reference(x), rtol=1e-5, atol=1e-5)
        torch.testing.assert_close(fast.latents(x), torch.stack([e(x[:, s]) for s, e in enumerate(reference.encoders)], 1),
                                   rtol=1e-5, atol=1e-5)


def test_fast_model_gradients_equal_reference_loop():
    torch.manual_seed(1)
    reference = ReferenceModel(3, 30, 8, kernel_size=5)
    fast = copy_reference_weights(reference, CrossSubjectEncoder(3, 30, 8, kernel_size=5, skip=False))
    x = torch.randn(2, 3, 12, 30)
    reference(x).square().mean().backward()
    fast(x).square().mean().backward()
    torch.testing.assert_close(fast.enc_weight.grad[1], reference.encoders[1].fc.weight.grad, rtol=1e-4, atol=1e-6)
    torch.testing.assert_close(fast.dec_conv_weight.grad[2], reference.decoders[2].conv.weight.grad[:, 0],
                               rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("shared,layer_norm", [(False, False), (True, False), (True, True)])
def test_causal_model_end_to_end(shared, layer_norm):
    torch.manual_seed(2)
    m = CrossSubjectEncoder(4, 12, 6, kernel_size=7, causal=True, shared=shared, layer_norm=layer_norm)
    with torch.no_grad():
        for p in m.parameters():
            p.add_(0.1 * torch.randn_like(p))  # move off the init (decoder output is zero there)
    x = torch.randn(2, 4, 25, 12)
    x2 = x.clone()
    x2[:, :, 15:] = torch.randn_like(x2[:, :, 15:])
    with torch.no_grad():
        assert torch.equal(m(x)[:, :, :15], m(x2)[:, :, :15])


def test_centred_model_reads_the_future():
    torch.manual_seed(2)
    m = CrossSubjectEncoder(3, 8, 4, kernel_size=5, skip=False)
    with torch.no_grad():  # centred filters start as the identity: give them taps on both sides
        m.enc_conv_weight.add_(0.3 * torch.randn_like(m.enc_conv_weight))
    x = torch.randn(1, 3, 20, 8)
    x2 = x.clone()
    x2[:, :, 15:] += 1
    with torch.no_grad():
        assert not torch.allclose(m(x)[:, :, 13:15], m(x2)[:, :, 13:15])


def test_leave_one_out():
    x = torch.randn(2, 5, 3, 4)
    torch.testing.assert_close(leave_one_out_mean(x), _reference_loo(x))
    torch.testing.assert_close(leave_one_out_mean(x.transpose(0, 1), dim=0), _reference_loo(x).transpose(0, 1))
    torch.testing.assert_close(leave_one_out_weights(4).sum(1), torch.ones(4))
    with pytest.raises(ValueError, match="at least 2"):
        leave_one_out_weights(1)


@pytest.mark.parametrize("kwargs", [{}, {"shared": True}, {"layer_norm": True, "learn_weights": True},
                                    {"causal": True, "kernel_size": 5}, {"kernel_size": 1}])
def test_untrained_model_is_the_leave_one_out_baseline(kwargs):
    torch.manual_seed(3)
    m = CrossSubjectEncoder(4, 30, 8, **{"kernel_size": 7, **kwargs})
    x = torch.randn(2, 4, 16, 30)
    with torch.no_grad():
        torch.testing.assert_close(m(x), _reference_loo(x), rtol=1e-5, atol=1e-6)
    m(x).square().mean().backward()  # the learned path still gets gradients at init
    assert m.dec_weight.grad.abs().sum() > 0


def test_learned_weights_keep_a_zero_diagonal():
    m = CrossSubjectEncoder(3, 10, 4, kernel_size=3, learn_weights=True)
    assert isinstance(m.mix, torch.nn.Parameter)
    with torch.no_grad():
        m.mix.fill_(1.0)
    assert torch.equal(m.mixing_weights().diagonal(), torch.zeros(3))
    assert not isinstance(CrossSubjectEncoder(3, 10, 4).mix, torch.nn.Parameter)


@pytest.mark.parametrize("S", [2, 3, 8])
def test_any_number_of_subjects_and_parcels(S):
    m = CrossSubjectEncoder(S, 13, 5, kernel_size=3, shared=True)
    assert m(torch.randn(2, S, 9, 13)).shape == (2, S, 9, 13)
    assert m.latents(torch.randn(2, S, 9, 13)).shape == (2, S, 9, 5)


def test_bad_input_shapes_are_clear_errors():
    m = CrossSubjectEncoder(4, 20, 8)
    with pytest.raises(ValueError, match=r"S=4, L, P=20"):
        m(torch.randn(2, 3, 10, 20))
    with pytest.raises(ValueError, match="got shape"):
        m(torch.randn(4, 10, 20))
    with pytest.raises(ValueError, match="odd"):
        CrossSubjectEncoder(4, 20, 8, kernel_size=6)
    with pytest.raises(ValueError, match="at least 2"):
        CrossSubjectEncoder(1, 20, 8)


def test_copy_reference_weights_checks_the_model():
    reference = ReferenceModel(3, 10, 4, kernel_size=3)
    with pytest.raises(ValueError, match="skip=False"):
        copy_reference_weights(reference, CrossSubjectEncoder(3, 10, 4, kernel_size=3))
    with pytest.raises(ValueError, match="same sizes"):
        copy_reference_weights(reference, CrossSubjectEncoder(3, 10, 5, kernel_size=3, skip=False))


def test_bf16_autocast_runs_close_to_fp32():
    torch.manual_seed(4)
    reference = ReferenceModel(3, 40, 16, kernel_size=5)
    m = copy_reference_weights(reference, CrossSubjectEncoder(3, 40, 16, kernel_size=5, skip=False))
    x = torch.randn(2, 3, 16, 40)
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
        y = m(x).float()
    with torch.no_grad():
        torch.testing.assert_close(y, m(x), rtol=0.05, atol=0.05)


def test_bf16_autocast_gradients_are_fp32_and_close():
    torch.manual_seed(5)
    m = CrossSubjectEncoder(3, 40, 16, kernel_size=5, skip=False)
    x = torch.randn(2, 3, 16, 40)
    grads = {}
    for bf16 in (False, True):
        m.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            pred = m(x)
        torch.nn.functional.mse_loss(pred.float(), x).backward()
        grads[bf16] = {n: p.grad.clone() for n, p in m.named_parameters()}
    for name, g in grads[True].items():
        assert g.dtype == torch.float32, name
        assert torch.cosine_similarity(g.flatten(), grads[False][name].flatten(), dim=0) > 0.99, name


def test_subject_linear_equals_per_subject_matmuls_in_any_layout():
    torch.manual_seed(6)
    x = torch.randn(4, 7, 3, 5).transpose(0, 1).reshape(7 * 4, 3, 5)  # (R, S, I) built from a transposed copy
    w, b = torch.randn(3, 2, 5, requires_grad=True), torch.randn(3, 2, requires_grad=True)
    xg = x.clone().requires_grad_()
    out = subject_linear(xg, w, b)  # (R, S, O)
    ref = torch.stack([x[:, s] @ w[s].T + b[s] for s in range(3)], 1)
    torch.testing.assert_close(out, ref)
    g = torch.randn_like(out).transpose(0, 1).contiguous().transpose(0, 1)  # a non-contiguous upstream gradient
    got = torch.autograd.grad(out, (xg, w, b), g)
    xr = x.clone().requires_grad_()
    want = torch.autograd.grad(torch.stack([xr[:, s] @ w[s].T + b[s] for s in range(3)], 1), (xr, w, b), g)
    for a, r in zip(got, want):
        torch.testing.assert_close(a, r)


def test_depthwise_conv_time_major_equals_conv1d():
    torch.manual_seed(7)
    conv = torch.nn.Conv1d(9, 9, 7, padding=3, groups=9)
    x = torch.randn(2, 30, 9, requires_grad=True)  # (N, L, C)
    y = depthwise_conv_time_major(x, conv.weight[:, 0], conv.bias)
    ref = conv(x.transpose(1, 2)).transpose(1, 2)
    torch.testing.assert_close(y, ref)
    g = torch.randn_like(y)
    for a, r in zip(torch.autograd.grad(y, (x, conv.weight), g), torch.autograd.grad(ref, (x, conv.weight), g)):
        torch.testing.assert_close(a, r)
