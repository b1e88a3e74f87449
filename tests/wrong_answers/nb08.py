"""Realistic wrong answers to notebook 08's exercises, each with the words its ❌ must say.

Every mistake that backprop_lib/exercises/nb08.py names has a row here, and so have the
ones selfcheck recognises by their pattern (a sign, a factor 1/n).
"""

from wrong_answers import Wrong

_NB = "08_training_deep_networks"
_BN = _NB, "batchnorm_backward_compact"
_ADAM = _NB, "adam_step"
_LN = _NB, "layernorm_backward"

ROWS = [
    # ---- exercise 1: batchnorm's backward pass ------------------------------------------
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    N = dout.shape[0]
    dx_hat = dout * gamma
    dx = inv_std / N * (N * dx_hat - x_hat * (dx_hat * x_hat).sum(axis=0))   # no mean path
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ("dx", "misses the path through the mean")),
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    N = dout.shape[0]
    dx_hat = dout * gamma
    dx = inv_std / N * (N * dx_hat - dx_hat.sum(axis=0))           # no variance path
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ("dx", "misses the path through the variance")),
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    return dout * gamma * inv_std, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ("dx", "only the direct path")),
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    D = dout.shape[1]
    dx_hat = dout * gamma
    dx = inv_std / D * (D * dx_hat - dx_hat.sum(axis=1, keepdims=True)
                        - x_hat * (dx_hat * x_hat).sum(axis=1, keepdims=True))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ("dx", "the sums in dx run over axis=1 instead of axis=0")),
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    N = dout.shape[0]
    dx = inv_std / N * (N * dout - dout.sum(axis=0) - x_hat * (dout * x_hat).sum(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ("dx", "gamma is missing from dx")),
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    N = dout.shape[0]
    dx_hat = dout * gamma
    dx = inv_std / N * (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, dout.sum(axis=0), (dout * x_hat).sum(axis=0)
""", ("dgamma", "wrong order")),
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    N = dout.shape[0]
    dx_hat = dout * gamma
    dx = inv_std / N * (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, dout.sum(axis=0), dout.sum(axis=0)
""", ("dgamma", "what dbeta should be")),
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    N, D = dout.shape
    dx_hat = dout * gamma
    dx = inv_std / D * (D * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ("dx", "divides by 5 instead of 4")),
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    N = dout.shape[0]
    dx_hat = dout * gamma
    dx = inv_std / N * (dx_hat.sum(axis=0) + x_hat * (dx_hat * x_hat).sum(axis=0) - N * dx_hat)
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ("dx", "sign")),
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    N = dout.shape[0]
    dx_hat = dout * gamma
    dx = inv_std * (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ("dx", "1/n")),
    # ---- exercise 2: one step of Adam ---------------------------------------------------------
    Wrong(*_ADAM, """
def adam_step(w, g, m, s, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g ** 2
    return w - lr * m / (np.sqrt(s) + eps), m, s                  # no bias correction
""", ("no bias correction",)),
    Wrong(*_ADAM, """
def adam_step(w, g, m, s, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g ** 2
    return w - lr * (m / (1 - beta1 ** t)) / (np.sqrt(s) + eps), m, s
""", ("only m is corrected",)),
    Wrong(*_ADAM, """
def adam_step(w, g, m, s, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g ** 2
    return w - lr * m / (np.sqrt(s / (1 - beta2 ** t)) + eps), m, s
""", ("only s is corrected",)),
    Wrong(*_ADAM, """
def adam_step(w, g, m, s, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g ** 2
    m_hat, s_hat = m / (1 - beta1 ** (t - 1)), s / (1 - beta2 ** (t - 1))
    return w - lr * m_hat / (np.sqrt(s_hat) + eps), m, s
""", ("beta**(t - 1)",)),
    Wrong(*_ADAM, """
def adam_step(w, g, m, s, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g ** 2
    m_hat, s_hat = m / (1 - beta1 ** (t + 1)), s / (1 - beta2 ** (t + 1))
    return w - lr * m_hat / (np.sqrt(s_hat) + eps), m, s
""", ("beta**(t + 1)",)),
    Wrong(*_ADAM, """
def adam_step(w, g, m, s, t, lr, beta1, beta2, eps):
    m = (1 - beta1) * m + beta1 * g
    s = (1 - beta2) * s + beta2 * g ** 2
    m_hat, s_hat = m / (1 - beta1 ** t), s / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(s_hat) + eps), m, s
""", ("weights are swapped",)),
    Wrong(*_ADAM, """
def adam_step(w, g, m, s, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g ** 2
    m_hat, s_hat = m / (1 - beta1 ** t), s / (1 - beta2 ** t)
    return w - lr * m_hat / (s_hat + eps), m, s                   # no square root
""", ("not by its square root",)),
    Wrong(*_ADAM, """
def adam_step(w, g, m, s, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g ** 2
    m_hat, s_hat = m / (1 - beta1 ** t), s / (1 - beta2 ** t)
    return w + lr * m_hat / (np.sqrt(s_hat) + eps), m, s
""", ("uphill",)),
    Wrong(*_ADAM, """
def adam_step(w, g, m, s, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g ** 2
    m_hat, s_hat = m / (1 - beta1 ** t), s / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(s_hat) + eps), m_hat, s_hat  # corrected ones returned
""", ("m", "s")),
    # ---- exercise 3: layer norm's backward pass -------------------------------------------------
    Wrong(*_LN, """
def layernorm_backward(dout, cache):                  # the attempt: sums over the batch
    x_hat, inv_std, g = cache
    D = dout.shape[1]
    dx_hat = dout * g
    dx = inv_std / D * (D * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ("dx", "the sums in dx run over axis=0 instead of axis=1", "keepdims")),
    Wrong(*_LN, """
def layernorm_backward(dout, cache):
    x_hat, inv_std, g = cache
    N = dout.shape[0]
    dx_hat = dout * g
    dx = inv_std / N * (N * dx_hat - dx_hat.sum(axis=1, keepdims=True)
                        - x_hat * (dx_hat * x_hat).sum(axis=1, keepdims=True))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ("dx", "divides by 4 instead of 6")),
    Wrong(*_LN, """
def layernorm_backward(dout, cache):
    x_hat, inv_std, g = cache
    D = dout.shape[1]
    dx_hat = dout * g
    dx = inv_std / D * (D * dx_hat - x_hat * (dx_hat * x_hat).sum(axis=1, keepdims=True))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ("dx", "misses the path through the mean")),
    Wrong(*_LN, """
def layernorm_backward(dout, cache):
    x_hat, inv_std, g = cache
    D = dout.shape[1]
    dx_hat = dout * g
    dx = inv_std / D * (D * dx_hat - dx_hat.sum(axis=1, keepdims=True))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ("dx", "misses the path through the variance")),
    Wrong(*_LN, """
def layernorm_backward(dout, cache):
    x_hat, inv_std, g = cache
    return dout * g * inv_std, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ("dx", "only the direct path")),
    Wrong(*_LN, """
def layernorm_backward(dout, cache):
    x_hat, inv_std, g = cache
    D = dout.shape[1]
    dx = inv_std / D * (D * dout - dout.sum(axis=1, keepdims=True)
                        - x_hat * (dout * x_hat).sum(axis=1, keepdims=True))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ("dx", "gamma is missing from dx")),
    Wrong(*_LN, """
def layernorm_backward(dout, cache):
    x_hat, inv_std, g = cache
    D = dout.shape[1]
    dx_hat = dout * g
    dx = inv_std / D * (D * dx_hat - dx_hat.sum(axis=1, keepdims=True)
                        - x_hat * (dx_hat * x_hat).sum(axis=1, keepdims=True))
    return dx, (dout * x_hat).sum(axis=1), dout.sum(axis=1)
""", ("dgamma", "summed over the features")),
    Wrong(*_LN, """
def layernorm_backward(dout, cache):
    x_hat, inv_std, g = cache
    D = dout.shape[1]
    dx_hat = dout * g
    dx = inv_std / D * (D * dx_hat - dx_hat.sum(axis=1, keepdims=True)
                        - x_hat * (dx_hat * x_hat).sum(axis=1, keepdims=True))
    return dx, dout.sum(axis=0), (dout * x_hat).sum(axis=0)
""", ("dgamma", "wrong order")),
    # ---- added by the learner's review: slips in one term, the class's next most common
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    N = dout.shape[0]
    dx_hat = dout * gamma
    dx = inv_std / N * (N * dx_hat - dx_hat.sum(axis=0) + x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ('dx', "variance path's term has the wrong sign")),
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    N = dout.shape[0]
    dx_hat = dout * gamma
    dx = inv_std / N * (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dout * x_hat).sum(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ('dx', "variance path's sum uses dout instead of")),
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    N = dout.shape[0]
    dx_hat = dout * gamma
    dx = inv_std / N * (N * dx_hat - dout.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ('dx', "mean path's sum uses dout instead of")),
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    N = dout.shape[0]
    dx_hat = dout * gamma
    dx = inv_std ** 2 / N * (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ('dx', 'scaled by 1/σ² (inv_std**2)')),
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    N = dout.shape[0]
    dx_hat = dout * gamma
    dx = (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0)) / inv_std / N
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ('dx', 'scaled by σ instead of 1/σ')),
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    N = dout.shape[0]
    dx_hat = dout * gamma
    dx = inv_std / N * (N * dx_hat - dx_hat.sum(axis=0) - 2 * x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ('dx', 'has a factor 2')),
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    N = dout.shape[0]
    dx_hat = dout * gamma
    dx = inv_std / (N - 1) * ((N - 1) * dx_hat - dx_hat.sum(axis=0)
                           - x_hat * (dx_hat * x_hat).sum(axis=0))   # unbiased
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ('dx', 'n - 1 = 3')),
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    N = dout.shape[0]
    dx_hat = dout * gamma
    dx = inv_std / N * (dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ('dx', 'first term lacks its factor n')),
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    N = dout.shape[0]
    dx_hat = dout * gamma
    dx = inv_std / N * (N * dx_hat - dx_hat.sum(axis=0)
                        - x_hat * (dx_hat * x_hat).sum(axis=1, keepdims=True))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ('dx', "mean path's sum runs over axis=0 but the variance path's over axis=1")),
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    N = dout.shape[0]
    dx_hat = dout * gamma
    dx = inv_std / N * (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, (dx_hat * x_hat).sum(axis=0), dout.sum(axis=0)
""", ('dgamma', 'dgamma uses dx̂')),
    Wrong(*_BN, """
def batchnorm_backward_compact(dout, cache):
    x_hat, inv_std, gamma = cache
    N = dout.shape[0]
    dx_hat = dout * gamma
    dx = inv_std / N * (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, (dout * x_hat / inv_std).sum(axis=0), dout.sum(axis=0)
""", ('dgamma', 'x - μ instead of x̂')),
    Wrong(*_ADAM, """
def adam_step(w, g, m, s, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g ** 2
    m_hat, s_hat = m / (1 - beta1), s / (1 - beta2)                 # no t
    return w - lr * m_hat / (np.sqrt(s_hat) + eps), m, s
""", ('1 - beta instead of 1 - beta**t',)),
    Wrong(*_ADAM, """
def adam_step(w, g, m, s, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g ** 2
    m_hat, s_hat = m * (1 - beta1 ** t), s * (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(s_hat) + eps), m, s
""", ('multiplies by 1 - beta**t',)),
    Wrong(*_ADAM, """
def adam_step(w, g, m, s, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g ** 2
    m_hat, s_hat = m / 1 - beta1 ** t, s / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(s_hat) + eps), m, s
""", ('parentheses',)),
    Wrong(*_ADAM, """
def adam_step(w, g, m, s, t, lr, beta1, beta2, eps):
    m_hat, s_hat = m / (1 - beta1 ** t), s / (1 - beta2 ** t)      # before the update
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g ** 2
    return w - lr * m_hat / (np.sqrt(s_hat) + eps), m, s
""", ('from before this step',)),
    Wrong(*_ADAM, """
def adam_step(w, g, m, s, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g ** 2
    s_hat = s / (1 - beta2 ** t)
    return w - lr * g / (np.sqrt(s_hat) + eps), m, s
""", ('gradient g instead of m̂',)),
    Wrong(*_ADAM, """
def adam_step(w, g, m, s, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g
    m_hat, s_hat = m / (1 - beta1 ** t), s / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(s_hat) + eps), m, s
""", ('s averages g instead of g²',)),
    Wrong(*_ADAM, """
def adam_step(w, g, m, s, t, lr, beta1, beta2, eps):
    m = beta1 * m + g
    s = beta2 * s + (1 - beta2) * g ** 2
    m_hat, s_hat = m / (1 - beta1 ** t), s / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(s_hat) + eps), m, s
""", ("momentum's m",)),
    Wrong(*_ADAM, """
def adam_step(w, g, m, s, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    s = beta1 * s + (1 - beta1) * g ** 2
    m_hat, s_hat = m / (1 - beta1 ** t), s / (1 - beta1 ** t)
    return w - lr * m_hat / (np.sqrt(s_hat) + eps), m, s
""", ('s uses beta1',)),
    Wrong(*_LN, """
def layernorm_backward(dout, cache):
    x_hat, inv_std, g = cache
    D = dout.shape[1]
    dx_hat = dout * g
    dx = inv_std / D * (D * dx_hat - dx_hat.sum(axis=1, keepdims=True)
                        - x_hat * (dx_hat * x_hat).sum(axis=0))   # one sum fixed
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ('dx', "mean path's sum runs over axis=1 but the variance path's over axis=0")),
    Wrong(*_LN, """
def layernorm_backward(dout, cache):
    x_hat, inv_std, g = cache
    D = dout.shape[1]
    dx_hat = dout * g
    dx = inv_std / D * (D * dx_hat - dx_hat.sum(axis=0)   # the other one fixed
                        - x_hat * (dx_hat * x_hat).sum(axis=1, keepdims=True))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ('dx', "variance path's sum runs over axis=1 but the mean path's over axis=0")),
    Wrong(*_LN, """
def layernorm_backward(dout, cache):
    x_hat, inv_std, g = cache
    D = dout.shape[1]
    dx_hat = dout * g
    dx = inv_std / D * (D * dx_hat - dx_hat.sum(axis=1, keepdims=True)
                        + x_hat * (dx_hat * x_hat).sum(axis=1, keepdims=True))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""", ('dx', "variance path's term has the wrong sign")),
]
