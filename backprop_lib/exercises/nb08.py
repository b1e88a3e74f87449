"""The self-checks of notebook 08's exercises (training deep networks).

The reference answers and the mistakes a class makes most live here, not in the
notebook, so that a student copy holds neither; each check builds them from the data it
is given and calls `check_exercise`:

    check_batchnorm_backward(batchnorm_backward_compact, x, gamma, beta, dout)  # ex. 1
    check_adam_step(adam_step, w, g, m, s, t)                                   # ex. 2
    check_layernorm_backward(layernorm_backward, x, gamma, beta, dout)          # ex. 3

Each prints one ✅, ❌ or ⏳ line and returns None (selfcheck.passed() tells whether the
last check succeeded).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..layers import batchnorm_backward, batchnorm_forward
from ..selfcheck import check_exercise

__all__ = ["check_batchnorm_backward", "check_adam_step", "check_layernorm_backward",
           "layernorm_forward"]


def _name(fn: Callable, exercise: str) -> str:
    """The name a check prints: the exercise's, marked when the solution is checked."""
    solution = getattr(fn, "__name__", "").endswith("_solution")
    return f"{exercise} (solution)" if solution else exercise


def _floats(name: str, value, ndim: int) -> np.ndarray:
    arr = np.array(value, dtype=np.float64)
    if arr.ndim != ndim or arr.size == 0:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {arr.shape}")
    return arr


def _norm_data(x, gamma, beta, dout):
    x, dout = _floats("x", x, 2), _floats("dout", dout, 2)
    gamma, beta = _floats("gamma", gamma, 1), _floats("beta", beta, 1)
    N, D = x.shape
    if dout.shape != x.shape or gamma.shape != (D,) or beta.shape != (D,) or N < 2:
        raise ValueError(f"need x and dout of one shape (N, D) with N >= 2, gamma and beta "
                         f"(D,); got {x.shape}, {dout.shape}, {gamma.shape}, {beta.shape}")
    if N == D:
        raise ValueError("use N != D, so that a sum over the wrong axis cannot hide")
    return x, gamma, beta, dout


def _norm_mistakes(x_hat, inv_std, gamma, dout, axis: int, n: int, other: int) -> dict:
    """The mistakes of a normalisation's backward pass (batchnorm: axis 0 over the batch of
    n; layer norm: axis 1 over the n features), each with its (dx, dgamma, dbeta)."""
    def dx(dxh, mean_path=True, var_path=True, ax=axis, k=n):
        s1 = dxh.sum(axis=ax, keepdims=True) if mean_path else 0
        s2 = x_hat * (dxh * x_hat).sum(axis=ax, keepdims=True) if var_path else 0
        return inv_std / k * (k * dxh - s1 - s2)

    dxh = dout * gamma
    dgamma, dbeta = (dout * x_hat).sum(axis=0), dout.sum(axis=0)
    right = dx(dxh)
    what = "the batch" if axis == 0 else "the features of each sample"
    mistakes = {
        "dx misses the path through the mean: every x moves the mean, which every output "
        f"uses, so dx needs the term - (sum of dx̂ over {what})":
            [dx(dxh, mean_path=False), None, None],
        "dx misses the path through the variance: every x moves σ too, so dx needs the "
        f"term - x̂ · (sum of dx̂·x̂ over {what})":
            [dx(dxh, var_path=False), None, None],
        "dx is only the direct path dout·gamma/σ: x also reaches the output through the "
        "mean and the variance; add both paths (a computational graph shows all three)":
            [dxh * inv_std, None, None],
        f"the sums in dx run over axis={1 - axis} instead of axis={axis}: normalisation "
        f"mixes {what}, so its backward sums over them":
            [dx(dxh, ax=1 - axis, k=other), None, None],
        f"the sums in dx run over axis={1 - axis} instead of axis={axis} (keepdims=True "
        f"let them broadcast without an error): normalisation mixes {what}, so its "
        f"backward sums over them":
            [dx(dxh, ax=1 - axis), None, None],
        "gamma is missing from dx: the output is gamma·x̂ + beta, so dx̂ = dout·gamma":
            [dx(dout), None, None],
        "dgamma and dbeta are swapped: return dx, dgamma, dbeta; dbeta = sum of dout, "
        "dgamma = sum of dout·x̂":
            [None, dbeta, dgamma],
        "dgamma uses dout alone: the output is gamma·x̂, so dgamma = sum over the batch of "
        "dout·x̂":
            [None, dbeta, None],
    }
    if n != other:
        mistakes[f"dx divides by {other} instead of {n}: the mean and the variance are "
                 f"taken over {what}, {n} values"] = [dx(dxh, k=other), None, None]
    return right, dgamma, dbeta, mistakes


# ---- exercise 1: batchnorm's backward pass, compact ------------------------------------

def check_batchnorm_backward(fn: Callable, x, gamma, beta, dout) -> None:
    """Check exercise 1: fn(dout, cache) -> (dx, dgamma, dbeta), cache as
    batchnorm_forward(x, gamma, beta) gives it: (x_hat, inv_std, gamma)."""
    x, gamma, beta, dout = _norm_data(x, gamma, beta, dout)
    _, cache = batchnorm_forward(x, gamma, beta)
    x_hat, inv_std, _ = cache
    N, D = x.shape
    right, dgamma, dbeta, mistakes = _norm_mistakes(x_hat, inv_std, gamma, dout, 0, N, D)
    check_exercise(_name(fn, "batchnorm backward"), fn, (dout, cache), [right, dgamma, dbeta],
                   parts=["dx", "dgamma", "dbeta"], mistakes=mistakes, n_samples=N,
                   forbidden=(batchnorm_backward,), rtol=1e-7, atol=1e-10)


# ---- exercise 2: one step of Adam ---------------------------------------------------------

def _adam(w, g, m, s, t, lr, b1, b2, eps, *, correct=(True, True), power=0, weights=True,
          root=True):
    """One Adam step, and the usual ways of getting it wrong (keyword switches)."""
    m = b1 * m + (1 - b1) * g if weights else (1 - b1) * m + b1 * g
    s = b2 * s + (1 - b2) * g * g if weights else (1 - b2) * s + b2 * g * g
    m_hat = m / (1 - b1 ** (t + power)) if correct[0] else m
    s_hat = s / (1 - b2 ** (t + power)) if correct[1] else s
    return [w - lr * m_hat / ((np.sqrt(s_hat) if root else s_hat) + eps), m, s]


def check_adam_step(fn: Callable, w, g, m, s, t: int, lr: float = 0.01, beta1: float = 0.9,
                    beta2: float = 0.999, eps: float = 1e-8) -> None:
    """Check exercise 2: fn(w, g, m, s, t, lr, beta1, beta2, eps) -> (w, m, s) after
    step t (t = 1 for the first step), with Adam's bias correction."""
    w, g, m, s = (_floats(k, v, 1) for k, v in (("w", w), ("g", g), ("m", m), ("s", s)))
    if not isinstance(t, int) or t < 2:
        raise ValueError("use a step t of 2 or more, so that a wrong power of beta shows")
    args = (w, g, m, s, t, lr, beta1, beta2, eps)
    right = _adam(*args)
    mistakes = {
        "no bias correction: m and s start at 0, so early on they are too small by the "
        "factors 1 - beta1**t and 1 - beta2**t; divide by them (m̂, ŝ)":
            [_adam(*args, correct=(False, False))[0], None, None],
        "only m is corrected: ŝ = s / (1 - beta2**t) too":
            [_adam(*args, correct=(True, False))[0], None, None],
        "only s is corrected: m̂ = m / (1 - beta1**t) too":
            [_adam(*args, correct=(False, True))[0], None, None],
        "the correction uses beta**(t - 1): after t steps the weights of the past "
        "gradients sum to 1 - beta**t, with t counted from 1":
            [_adam(*args, power=-1)[0], None, None],
        "the correction uses beta**(t + 1): t counts the steps taken, this one included "
        "(t = 1 on the first step)":
            [_adam(*args, power=1)[0], None, None],
        "the averages' weights are swapped: m = beta1·m + (1 - beta1)·g keeps most of the "
        "old average and adds a little of the new gradient":
            _adam(*args, weights=False),
        "the step divides by ŝ, not by its square root: s averages g², so √ŝ has the "
        "units of g":
            [_adam(*args, root=False)[0], None, None],
        "the weight moves uphill (w + lr·...): a step goes against the gradient":
            [w + (w - right[0]), None, None],
    }
    check_exercise(_name(fn, "Adam step"), fn, args, right, parts=["w", "m", "s"],
                   mistakes=mistakes, rtol=1e-9, atol=1e-12)


# ---- exercise 3: layer normalisation's backward pass, found with a gradient check ------

def layernorm_forward(x, gamma, beta, eps: float = 1e-5):
    """Layer normalisation: each sample (row) normalised over its D features, then
    gamma·x̂ + beta with gamma, beta (D,). Returns (out, cache = (x_hat, inv_std, gamma)),
    inv_std (N, 1)."""
    x = np.asarray(x, dtype=np.float64)
    mu = x.mean(axis=1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=1, keepdims=True)
    inv_std = 1 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    return gamma * x_hat + beta, (x_hat, inv_std, gamma)


def check_layernorm_backward(fn: Callable, x, gamma, beta, dout) -> None:
    """Check exercise 3: fn(dout, cache) -> (dx, dgamma, dbeta) of layernorm_forward."""
    x, gamma, beta, dout = _norm_data(x, gamma, beta, dout)
    _, cache = layernorm_forward(x, gamma, beta)
    x_hat, inv_std, _ = cache
    N, D = x.shape
    right, dgamma, dbeta, mistakes = _norm_mistakes(x_hat, inv_std, gamma, dout, 1, D, N)
    mistakes["dgamma and dbeta are summed over the features (axis=1): gamma and beta have "
             "one entry per feature, shared by every sample, so sum over the batch, "
             "axis=0"] = [None, (dout * x_hat).sum(axis=1), dout.sum(axis=1)]
    check_exercise(_name(fn, "layer norm backward"), fn, (dout, cache),
                   [right, dgamma, dbeta], parts=["dx", "dgamma", "dbeta"],
                   mistakes=mistakes, rtol=1e-7, atol=1e-10)
