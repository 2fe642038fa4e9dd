from __future__ import annotations

import numpy as np
import pytest
import torch

from auditkit.adapters import resolve_device
from auditkit.adapters.device import module_dtype, parameter_count, state_dict_sha256
from auditkit.adapters.outputs import check_output, favourable_score
from auditkit.errors import ModelError

# -- resolve_device ---------------------------------------------------------------------------


def test_resolve_device_cpu_and_auto():
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device(" CPU ") == torch.device("cpu")
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto").type == expected


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the error on a machine without CUDA")
def test_resolve_device_cuda_without_cuda():
    for spec in ("cuda", "cuda:0"):
        with pytest.raises(ModelError) as err:
            resolve_device(spec)
        assert "CUDA is not available" in str(err.value) and "--device cpu" in str(err.value)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_resolve_device_cuda_with_cuda():
    assert resolve_device("cuda").type == "cuda"
    with pytest.raises(ModelError, match="CUDA device"):
        resolve_device(f"cuda:{torch.cuda.device_count()}")


@pytest.mark.parametrize("spec", ["tpu", "gpu", "", "cuda:x"])
def test_resolve_device_unknown(spec):
    with pytest.raises(ModelError, match=r"auto\|cpu\|cuda"):
        resolve_device(spec)


# -- output convention ------------------------------------------------------------------------


def test_single_logit_convention():
    z = torch.tensor([-3.0, 0.0, 2.5])
    np.testing.assert_allclose(favourable_score(z, 1, "probability"), torch.sigmoid(z), atol=1e-7)
    np.testing.assert_allclose(favourable_score(z[:, None], 0, "probability"), 1 - torch.sigmoid(z), atol=1e-7)
    assert torch.equal(favourable_score(z, 1, "logit"), z)
    assert torch.equal(favourable_score(z[:, None], 0, "logit"), -z)


def test_multiclass_logit_is_stable_log_odds():
    z = torch.tensor([[0.0, 1.0, 2.0], [100.0, -100.0, 0.0], [-200.0, 300.0, 0.0]], dtype=torch.float64)
    p = torch.softmax(z, dim=1)
    for fav in range(3):
        np.testing.assert_allclose(favourable_score(z, fav, "probability"), p[:, fav], atol=1e-12)
        logit = favourable_score(z, fav, "logit")
        assert torch.all(torch.isfinite(logit))
        q = p[0, fav]
        assert logit[0].item() == pytest.approx(torch.log(q / (1 - q)).item(), abs=1e-9)
    # extreme rows: log-odds of class 1 in row 2 is 300 - logsumexp(-200, 0) = 300
    assert favourable_score(z, 1, "logit")[2].item() == pytest.approx(300.0)
    assert favourable_score(z, 0, "logit")[1].item() == pytest.approx(100.0)


def test_check_output_messages():
    assert check_output(torch.zeros(2), n_rows=2, favourable_output=1, what="m").startswith("sigmoid")
    assert check_output(torch.zeros(2, 3), n_rows=2, favourable_output=2, what="m") == "softmax over 3 classes"
    with pytest.raises(ModelError, match="returned tuple"):
        check_output((torch.zeros(2),), n_rows=2, favourable_output=1, what="m")
    with pytest.raises(ModelError, match=r"shape \(3,\) for a probe batch of 2 rows"):
        check_output(torch.zeros(3), n_rows=2, favourable_output=1, what="m")
    with pytest.raises(ModelError, match="floating-point logits"):
        check_output(torch.zeros(2, dtype=torch.long), n_rows=2, favourable_output=1, what="m")
    with pytest.raises(ModelError, match="from 0 to 2"):
        check_output(torch.zeros(2, 3), n_rows=2, favourable_output=3, what="m")


# -- fingerprints -----------------------------------------------------------------------------


def _mlp(seed: int) -> torch.nn.Module:
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 1))


def test_fingerprint_depends_on_weights_only():
    a, b = _mlp(0), _mlp(0)
    assert state_dict_sha256(a) == state_dict_sha256(b)
    # memory layout does not matter: a transposed copy made contiguous again
    with torch.no_grad():
        b[0].weight.data = b[0].weight.data.t().contiguous().t()
    assert not b[0].weight.is_contiguous()
    assert state_dict_sha256(a) == state_dict_sha256(b)
    with torch.no_grad():
        b[2].bias.add_(1e-6)
    assert state_dict_sha256(a) != state_dict_sha256(b)
    assert state_dict_sha256(a) != state_dict_sha256(_mlp(1))
    assert state_dict_sha256(a) != state_dict_sha256(_mlp(0).double())


def test_fingerprint_includes_buffers():
    a, b = _mlp(0), _mlp(0)
    b[1].running_mean.add_(0.5)
    assert state_dict_sha256(a) != state_dict_sha256(b)


def test_parameter_count_and_dtype():
    model = _mlp(0)
    assert parameter_count(model) == 3 * 4 + 4 + 4 + 4 + 4 + 1
    assert module_dtype(model) == torch.float32
    assert module_dtype(model.to(torch.bfloat16)) == torch.bfloat16
    assert module_dtype(torch.nn.ReLU()) == torch.float32
