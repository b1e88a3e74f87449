"""Realistic wrong answers to notebook 07's exercises, each with the words its ❌ must say."""

from wrong_answers import Wrong

ROWS = [
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    delta = (dh + dh_next) * (1 - h ** 2)     # section 2's step, copied
    return delta @ Wx.T, delta @ Wh.T, x.T @ delta, h_prev.T @ delta, delta.sum(axis=0)
""", ("dx", "section 2's tanh step unchanged", "derive the leaky one")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = g * alpha * (1 - h ** 2)          # tanh's slope taken at h, not at z
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh.T, x.T @ delta, h_prev.T @ delta, \
        delta.sum(axis=0)
""", ("dx", "your slope is 1 - h**2", "a leaky h_t is not tanh(z_t)")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = g * (1 - np.tanh(z) ** 2)         # alpha forgotten
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh.T, x.T @ delta, h_prev.T @ delta, \
        delta.sum(axis=0)
""", ("dx", "alpha is missing from delta")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh                                    # the gradient from step t + 1 not added
    delta = g * alpha * (1 - np.tanh(z) ** 2)
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh.T, x.T @ delta, h_prev.T @ delta, \
        delta.sum(axis=0)
""", ("dx", "dh_next is missing", "plus what step t + 1 passed back")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    delta = (dh + dh_next) * alpha * (1 - np.tanh(z) ** 2)
    return delta @ Wx.T, delta @ Wh.T, x.T @ delta, h_prev.T @ delta, delta.sum(axis=0)
""", ("dh_prev", "misses the leak", "two ways")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = g * alpha * (1 - np.tanh(z) ** 2)
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh, x.T @ delta, h_prev.T @ delta, \
        delta.sum(axis=0)                     # Wh, not Wh.T
""", ("dh_prev", "through Wh instead of Wh.T")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = g * alpha * (1 - np.tanh(z) ** 2)
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh.T, x.T @ delta, h.T @ delta, \
        delta.sum(axis=0)                     # h, not h_prev
""", ("dWh", "computed with h, this step's output")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = g * alpha * (1 - np.tanh(z) ** 2)
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh.T, x.T @ delta, delta.T @ h_prev, \
        delta.sum(axis=0)                     # dWh transposed
""", ("dWh", "transposed")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = g * alpha * (1 - np.tanh(z) ** 2)
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh.T, x.T @ delta, h_prev.T @ delta, \
        delta.sum(axis=1)                     # over the hidden units
""", ("db", "adds delta over the hidden units", "over the sequences")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = g * alpha * (1 - np.tanh(z) ** 2)
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh.T, x.T @ delta, h_prev.T @ delta, \
        delta.mean(axis=0)                    # a mean
""", ("db", "exactly a factor 1/3 off", "a mean where a sum is wanted")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = -g * alpha * (1 - np.tanh(z) ** 2)   # the sign flipped
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh.T, x.T @ delta, h_prev.T @ delta, \
        delta.sum(axis=0)
""", ("dx", "the sign is flipped")),
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    return clip_by_global_norm(grads, max_norm)      # the library, imported above
""", ("your function calls clip_by_global_norm", "write it yourself")),
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    factor = max_norm / norm if norm > max_norm else 1.0
    return [g * factor for g in grads]               # norm not returned
""", ("return two results", "return clipped, norm")),
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * max_norm / norm for g in grads], norm      # scaled even when small enough
""", ("max_norm = 100", "already at most max_norm", "unchanged")),
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads], norm   # own norms
""", ("max_norm = 1", "scaled by its own norm", "one factor")),
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    if norm > max_norm:
        for g in grads:
            g *= max_norm / norm          # the caller's arrays changed in place
    return grads, norm
""", ("max_norm = 1", "in place", "not g *= factor")),
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    norm = sum(np.linalg.norm(g) for g in grads)       # the arrays' norms added up
    factor = max_norm / norm if norm > max_norm else 1.0
    return [g * factor for g in grads], norm
""", ("max_norm = 1", "adds up the arrays' own norms")),
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [np.clip(g, -max_norm, max_norm) for g in grads], norm   # entry by entry
""", ("max_norm = 1", "each entry is clipped", "direction")),
    # exercise 1, the mistakes the review (m16) found unnamed
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = g * alpha * (1 - np.tanh(z) ** 2)
    return delta @ Wx.T, alpha * g + delta @ Wh.T, x.T @ delta, h_prev.T @ delta, \
        delta.sum(axis=0)                     # the leak alpha, not 1 - alpha
""", ("dh_prev", "the leak is alpha instead of 1 - alpha")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = g * alpha * (1 - np.tanh(z) ** 2)
    return delta @ Wx.T, (1 - alpha) * g + alpha * delta @ Wh.T, x.T @ delta, \
        h_prev.T @ delta, delta.sum(axis=0)   # alpha a second time on the way through z
""", ("dh_prev", "alpha is applied twice")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = g * alpha * (1 - np.tanh(z) ** 2)
    return delta @ Wx.T, (1 - alpha) * dh_next + delta @ Wh.T, x.T @ delta, \
        h_prev.T @ delta, delta.sum(axis=0)   # the leak applied to dh_next only
""", ("dh_prev", "the leak carries only dh_next back")),
    # exercise 2: more of the class's mistakes (M4, m15, m17 of the review)
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    from backprop_lib.rnn import global_norm
    norm = global_norm(grads)                  # half the exercise, from the library
    factor = max_norm / norm if norm > max_norm else 1.0
    return [g * factor for g in grads], norm
""", ("your function calls global_norm", "write it yourself")),
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g.astype(np.float32) ** 2) for g in grads))   # float32
    factor = max_norm / norm if norm > max_norm else 1.0
    return [g * factor for g in grads], norm
""", ("the norm before clipping is 5.211520219", "float32", "compute them in float64")),
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    factor = norm / max_norm if norm > max_norm else 1.0     # upside down
    return [g * factor for g in grads], norm
""", ("max_norm = 1", "your factor is upside down")),
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    factor = max_norm / norm if norm < max_norm else 1.0     # the condition reversed
    return [g * factor for g in grads], norm
""", ("max_norm = 1", "nothing was scaled", "condition reversed")),
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    norm = sum(np.sum(g ** 2) for g in grads)                # no square root
    factor = max_norm / norm if norm > max_norm else 1.0
    return [g * factor for g in grads], norm
""", ("max_norm = 1", "sum of the squares", "square root")),
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    factor = max_norm / norm if norm > max_norm else 1.0
    return [g * factor for g in grads[:-1]] + [grads[-1]], norm   # the bias forgotten
""", ("max_norm = 1", "grads[2] was left as it was", "same factor")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = g * (1 - alpha) * (1 - np.tanh(z) ** 2)     # the leak's share, not alpha
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh.T, x.T @ delta, h_prev.T @ delta, \
        delta.sum(axis=0)
""", ("dx", "1 - alpha where alpha belongs")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = g * alpha * (1 - h_prev ** 2)               # the slope at the previous state
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh.T, x.T @ delta, h_prev.T @ delta, \
        delta.sum(axis=0)
""", ("dx", "1 - h_prev**2", "at z_t")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh + dh_next
    delta = g * alpha * (1 - np.tanh(z) ** 2)
    return delta @ Wx.T, (1 - alpha) * dh + delta @ Wh.T, x.T @ delta, h_prev.T @ delta, \
        delta.sum(axis=0)                                # the leak from dh alone
""", ("dh_prev", "the leak carries only dh back")),
    Wrong("07_recurrent_networks_bptt", "leaky_step", """
def leaky_step(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha):
    g = dh_next                                          # dh forgotten
    delta = g * alpha * (1 - np.tanh(z) ** 2)
    return delta @ Wx.T, (1 - alpha) * g + delta @ Wh.T, x.T @ delta, h_prev.T @ delta, \
        delta.sum(axis=0)
""", ("dx", "dh is missing")),
    Wrong("07_recurrent_networks_bptt", "clip_global", """
def clip_global(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    factor = max_norm / norm if norm > max_norm else 1.0
    return norm, [g * factor for g in grads]             # the order swapped
""", ("max_norm = 1", "wrong order", "return clipped, norm")),
]
