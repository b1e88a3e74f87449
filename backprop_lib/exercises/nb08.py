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
    def dx(dxh, mean_path=True, var_path=True, ax=axis, k=n, ax2=None, dxh_mean=None,
           dxh_var=None, var_sign=-1, var_factor=1, scale=None, first=None):
        ax2 = ax if ax2 is None else ax2
        dm = dxh if dxh_mean is None else dxh_mean
        dv = dxh if dxh_var is None else dxh_var
        s1 = dm.sum(axis=ax, keepdims=True) if mean_path else 0
        s2 = x_hat * (dv * x_hat).sum(axis=ax2, keepdims=True) if var_path else 0
        head = k * dxh if first is None else first
        return (inv_std if scale is None else scale) / k * (head - s1 + var_sign * var_factor
                                                            * s2)

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
    mistakes.update(_more_norm_mistakes(dx, x_hat, inv_std, dxh, dout, axis, n, what))
    return right, dgamma, dbeta, mistakes


def _more_norm_mistakes(dx, x_hat, inv_std, dxh, dout, axis: int, n: int, what: str) -> dict:
    """Slips in one term of the compact formula, each a named mistake with its dx
    (or dgamma): the class's most common ones after the missing paths."""
    other_axis = 1 - axis
    return {
        "the variance path's term has the wrong sign: dx = (1/σ)/n · (n·dx̂ - Σ dx̂ "
        "- x̂ · Σ dx̂·x̂), minus both sums":
            [dx(dxh, var_sign=1), None, None],
        "the variance path's sum uses dout instead of dx̂ = dout·gamma: gamma multiplies "
        "every path, so both sums are of dx̂":
            [dx(dxh, dxh_var=dout), None, None],
        "the mean path's sum uses dout instead of dx̂ = dout·gamma: gamma multiplies "
        "every path, so both sums are of dx̂":
            [dx(dxh, dxh_mean=dout), None, None],
        "dx is scaled by 1/σ² (inv_std**2) instead of 1/σ: x̂ = (x - μ)·inv_std, so each "
        "path carries one factor inv_std":
            [dx(dxh, scale=inv_std ** 2), None, None],
        "dx is scaled by σ instead of 1/σ: inv_std is already 1/σ, multiply by it":
            [dx(dxh, scale=1 / inv_std), None, None],
        "the variance path's term has a factor 2: the 2 of ∂σ²/∂x = 2(x - μ)/n cancels "
        "the ½ of the square root's derivative":
            [dx(dxh, var_factor=2), None, None],
        f"dx uses n - 1 = {n - 1} (the unbiased variance): the layer normalises with the "
        f"biased variance, divided by n = {n}":
            [dx(dxh, k=n - 1), None, None],
        "the first term lacks its factor n: dx = (1/σ)/n · (n·dx̂ - Σ dx̂ - x̂ · Σ dx̂·x̂); "
        "or write (1/σ)·(dx̂ - mean(dx̂) - x̂ · mean(dx̂·x̂))":
            [dx(dxh, first=dxh), None, None],
        f"the mean path's sum runs over axis={axis} but the variance path's over "
        f"axis={other_axis}: both sums run over {what}":
            [dx(dxh, ax2=other_axis), None, None],
        f"the variance path's sum runs over axis={axis} but the mean path's over "
        f"axis={other_axis}: both sums run over {what}":
            [dx(dxh, ax=other_axis, ax2=axis), None, None],
        "dgamma uses dx̂ = dout·gamma: the output is gamma·x̂ + beta, so dgamma = sum of "
        "dout·x̂, without gamma":
            [None, (dxh * x_hat).sum(axis=0), None],
        "dgamma uses x - μ instead of x̂: gamma multiplies the normalised x̂, so dgamma = "
        "sum of dout·x̂":
            [None, (dout * x_hat / inv_std).sum(axis=0), None],
    }


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
          root=True, how="divide", step_with=None, square=True, m_weight=None, b2_is=None):
    """One Adam step, and the usual ways of getting it wrong (keyword switches)."""
    b2 = b1 if b2_is == "b1" else b2
    g2 = g * g if square else g
    m_old, s_old = m, s
    m = b1 * m + (1 - b1 if m_weight is None else m_weight) * g if weights else \
        (1 - b1) * m + b1 * g
    s = b2 * s + (1 - b2) * g2 if weights else (1 - b2) * s + b2 * g2
    corrected = []
    for value, b, on in ((m, b1, correct[0]), (s, b2, correct[1])):
        t_ = 1 if how == "t=1" else t + power
        corrected.append(value if not on else value * (1 - b ** t_) if how == "multiply"
                         else value / 1 - b ** t_ if how == "precedence" and b == b1
                         else value / (1 - b ** t_))
    m_hat, s_hat = corrected
    if step_with == "old":
        m_hat, s_hat = m_old / (1 - b1 ** t), s_old / (1 - b2 ** t)
    elif step_with == "g":
        m_hat = g
    with np.errstate(invalid="ignore"):  # a wrong s can be negative: its result is NaN
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
        "the correction divides by 1 - beta instead of 1 - beta**t: its power is the step "
        "number t, so that the correction fades as t grows":
            [_adam(*args, how="t=1")[0], None, None],
        "the correction multiplies by 1 - beta**t: m and s are too small early on, so "
        "divide by it (m̂ = m / (1 - beta1**t))":
            [_adam(*args, how="multiply")[0], None, None],
        "m / 1 - beta1**t is (m / 1) - beta1**t in Python: write m / (1 - beta1**t), "
        "with parentheses":
            [_adam(*args, how="precedence")[0], None, None],
        "the step uses the averages from before this step: update m and s with g first, "
        "then correct and step with the new ones":
            [_adam(*args, step_with="old")[0], None, None],
        "the step uses the gradient g instead of m̂: Adam steps along the corrected "
        "average of the gradients, lr·m̂ / (√ŝ + eps)":
            [_adam(*args, step_with="g")[0], None, None],
        "s averages g instead of g²: s is the average of the squared gradients, "
        "s = beta2·s + (1 - beta2)·g**2":
            [_adam(*args, square=False)[0], None, _adam(*args, square=False)[2]],
        "m adds the whole gradient (momentum's m = beta1·m + g): Adam's m is an average, "
        "m = beta1·m + (1 - beta1)·g":
            [_adam(*args, m_weight=1.0)[0], _adam(*args, m_weight=1.0)[1], None],
        "s uses beta1: m averages with beta1, s with beta2":
            [_adam(*args, b2_is="b1")[0], None, _adam(*args, b2_is="b1")[2]],
    }
    mistakes = {words: result for words, result in mistakes.items()
                if all(r is None or np.all(np.isfinite(r)) for r in result)}
    # rtol 1e-7: the paper's faster form, lr·√(1 - beta2**t)/(1 - beta1**t) · m/(√s + eps),
    # moves eps a little and is right; the named mistakes differ by far more
    check_exercise(_name(fn, "Adam step"), fn, args, right, parts=["w", "m", "s"],
                   mistakes=mistakes, rtol=1e-7, atol=1e-10)


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
