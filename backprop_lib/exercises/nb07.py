"""The self-checks of notebook 07's exercises: a leaky unit's BPTT step, and clipping.

The reference answers and the mistakes a class makes most live here, not in the
notebook, so that a student copy holds neither:

    check_leaky_step(leaky_step, dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha)  # exercise 1
    check_clip_global(clip_global, grads)                                     # exercise 2

Exercise 1's expected gradients are central differences of the leaky step itself (so the
check is a gradient check, in float64); exercise 2 is judged by what clipping must do,
with max_norm below and above the gradients' joint norm. Each returns None and prints
one ✅, ❌ or ⏳ line (`backprop_lib.selfcheck.passed()` gives the verdict).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..gradcheck import numerical_gradient
from ..rnn import clip_by_global_norm, global_norm
from ..selfcheck import check_exercise

__all__ = ["check_leaky_step", "check_clip_global"]

MAX_NORMS = (1.0, 100.0)  # exercise 2: one below the gradients' joint norm, one above
CLIP_RTOL = 1e-6          # accepts PyTorch's max_norm / (norm + 1e-6): off by about 2e-7


def _name(fn: Callable, exercise: str) -> str:
    """The name a check prints: the exercise's, marked when the solution is checked."""
    solution = getattr(fn, "__name__", "").endswith("_solution")
    return f"{exercise} (solution)" if solution else exercise


# ---- exercise 1: one BPTT step of a leaky unit -----------------------------------------

def _leaky_reference(dh, dh_next, x, h_prev, z, Wx, Wh, alpha) -> list[np.ndarray]:
    """dx, dh_prev, dWx, dWh, db by central differences of h_t = (1-α) h_prev + α tanh(z_t).

    The bias enters as the offset c = z - x Wx - h_prev Wh (one row per sequence), so the
    reference needs nothing the learner is not given; db sums dL/dc over the sequences."""
    c = z - x @ Wx - h_prev @ Wh
    inputs = [a.copy() for a in (x, h_prev, Wx, Wh, c)]

    def loss() -> float:  # a loss whose dL/dh_t is dh + dh_next
        x_, h_, Wx_, Wh_, c_ = inputs
        h_t = (1 - alpha) * h_ + alpha * np.tanh(x_ @ Wx_ + h_ @ Wh_ + c_)
        return float(np.sum((dh + dh_next) * h_t))

    dx, dh_prev, dWx, dWh, dc = [numerical_gradient(loss, p) for p in inputs]
    return [dx, dh_prev, dWx, dWh, dc.sum(axis=0)]


def _leaky_mistakes(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha) -> dict[str, list]:
    """The mistakes a class makes most, each the step computed with one ingredient wrong."""
    slope = 1 - np.tanh(z) ** 2                    # tanh's slope at z_t

    def step(g=dh + dh_next, slope=slope, a=alpha, leak=1 - alpha, h_in=h_prev,
             Wh_back=Wh.T, db_axis=0, leak_of=None, z_path=1.0):
        delta = g * a * slope
        back = leak * (g if leak_of is None else leak_of) + (z_path * delta) @ Wh_back
        return [delta @ Wx.T, back, x.T @ delta, h_in.T @ delta, delta.sum(axis=db_axis)]

    return {
        "this is section 2's tanh step unchanged: derive the leaky one from its two "
        "equations (what is tanh applied to, times what, and how many ways does h_prev "
        "reach h_t?)": step(slope=1 - h ** 2, a=1, leak=0),
        "your slope is 1 - h**2, tanh's slope written with its output: a leaky h_t is "
        "not tanh(z_t), so write the slope with what tanh is applied to":
            step(slope=1 - h ** 2),
        "alpha is missing from delta: tanh(z_t) enters h_t times alpha, so the chain "
        "rule from h_t to z_t takes alpha as well as tanh's slope": step(a=1),
        "dh_next is missing: the total gradient of h_t is what reaches it directly (dh) "
        "plus what step t + 1 passed back (dh_next), as in section 2": step(g=dh),
        "dh is missing: the total gradient of h_t is what reaches it directly (dh) plus "
        "what step t + 1 passed back (dh_next), as in section 2": step(g=dh_next),
        "delta has 1 - alpha where alpha belongs: tanh(z_t) enters h_t times alpha (1 - "
        "alpha is the share of h_prev kept by the leak)": step(a=1 - alpha),
        "your slope is 1 - h_prev**2: tanh's slope belongs to this step's tanh, at z_t":
            step(slope=1 - h_prev ** 2),
        "the leak carries only dh back: the leak's way back starts from the total "
        "gradient of h_t, dh + dh_next, like the way through z_t": step(leak_of=dh),
        "dh_prev misses the leak: h_prev reaches h_t two ways, through z_t and through "
        "(1 - alpha) h_prev, and a value used twice gets the sum of both gradients "
        "(notebook 06)": step(leak=0),
        "the leak is alpha instead of 1 - alpha: h_t keeps the share 1 - alpha of h_prev "
        "(alpha is the share of the new tanh), so the leak's way back is (1 - alpha) g":
            step(leak=alpha),
        "alpha is applied twice on the way back through z_t: delta already holds alpha "
        "(the chain rule through alpha * tanh(z_t)), so dh_prev's second part is just "
        "delta @ Wh.T": step(z_path=alpha),
        "the leak carries only dh_next back: the leak's way back starts from the total "
        "gradient of h_t, dh + dh_next, like the way through z_t": step(leak_of=dh_next),
        "dh_prev goes back through Wh instead of Wh.T: the forward step computes "
        "h_prev @ Wh": step(Wh_back=Wh),
        "dWh is computed with h, this step's output: Wh multiplies the state that came "
        "in": step(h_in=h),
        "db adds delta over the hidden units (axis 1): b has one entry per hidden unit, "
        "so add over the sequences": step(db_axis=1),
    }


def check_leaky_step(fn: Callable, dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha) -> None:
    """Exercise 1: fn(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha) -> dx, dh_prev, dWx,
    dWh, db of one step of h_t = (1 - alpha) h_(t-1) + alpha tanh(z_t), checked against
    central differences; the mistakes a class makes most are named."""
    data = tuple(np.asarray(a, dtype=float) for a in (dh, dh_next, x, h_prev, z, h, Wx, Wh))
    dh, dh_next, x, h_prev, z, h, Wx, Wh = data
    expected = _leaky_reference(dh, dh_next, x, h_prev, z, Wx, Wh, alpha)
    mistakes = _leaky_mistakes(dh, dh_next, x, h_prev, z, h, Wx, Wh, alpha)
    check_exercise(_name(fn, "one leaky BPTT step"), fn, data + (alpha,), expected,
                   parts=["dx", "dh_prev", "dWx", "dWh", "db"], mistakes=mistakes,
                   n_samples=x.shape[0])


# ---- exercise 2: clipping by global norm -----------------------------------------------

def _digits(value: float) -> str:
    return f"{value:.10g}"


def _norm_problem(got_norm, grads, norm: float, max_norm: float) -> str | None:
    """What is wrong with the norm a learner returned (None if it is right)."""
    own = [float(np.sqrt(np.sum(g ** 2))) for g in grads]
    if np.shape(got_norm) == (len(grads),):
        return ("your norm is one number per array: the joint norm is one number, the "
                "square root of the sum of the squares of every entry of every array")
    if np.ndim(got_norm) != 0:
        return f"the second result must be the norm, one number; got shape {np.shape(got_norm)}"
    value = float(got_norm)
    if np.isclose(value, norm, rtol=1e-9):
        return None
    if np.isclose(value, sum(own), rtol=1e-9):
        return (f"your norm {value:.4g} adds up the arrays' own norms: the joint norm is "
                f"sqrt(n1**2 + n2**2 + ...) = {norm:.4g}")
    if np.isclose(value, norm ** 2, rtol=1e-9):
        return (f"your norm {value:.4g} is the sum of the squares: take its square root, "
                f"{norm:.4g}")
    if norm > max_norm and np.isclose(value, max_norm, rtol=1e-9):
        return (f"your norm {value:.4g} is the one after clipping: return the norm before "
                f"clipping, {norm:.4g}")
    if np.isclose(value, norm, rtol=1e-5):
        low = np.asarray(got_norm).dtype in (np.float32, np.float16)
        why = ("it is a float32 number: its squares lost digits; compute them in float64 "
               "(the arrays' own dtype)") if low else \
            "a tiny difference: is something added to the norm or rounded?"
        return (f"the norm before clipping is {_digits(norm)}, got {_digits(value)} "
                f"(relative difference {abs(value - norm) / norm:.1e}): {why}")
    return (f"the norm before clipping is {_digits(norm)}, got {_digits(value)}: the "
            f"square root of the sum of the squares of every entry of every array")


def _clipped_problem(clipped, grads, norm: float, max_norm: float) -> str | None:
    """What is wrong with the clipped arrays (None if they are right)."""
    right, _ = clip_by_global_norm(grads, max_norm)
    if not isinstance(clipped, (list, tuple)) or len(clipped) != len(grads):
        return f"the first result must be a list of {len(grads)} arrays, one per gradient"
    for k, (c, e) in enumerate(zip(clipped, right)):
        if np.shape(c) != e.shape:
            return f"clipped[{k}] has shape {np.shape(c)}; it must keep grads[{k}]'s {e.shape}"
    clipped = [np.asarray(c, dtype=float) for c in clipped]

    def same(arrays, wanted):
        return all(np.allclose(c, w, rtol=CLIP_RTOL, atol=1e-12)
                   for c, w in zip(arrays, wanted))

    if same(clipped, right):
        return None
    factor = max_norm / norm
    if norm <= max_norm:
        if same(clipped, [g * factor for g in grads]):
            return (f"the norm {norm:.4g} is already at most max_norm = {max_norm:g}: return "
                    f"the gradients unchanged (a factor 1), not scaled to max_norm")
        if same(clipped, [g * norm / max_norm for g in grads]):
            return (f"the norm {norm:.4g} is already at most max_norm = {max_norm:g}: "
                    f"return the gradients unchanged; and your factor is upside down "
                    f"(norm / max_norm)")
        return (f"the norm {norm:.4g} is already at most max_norm = {max_norm:g}: return "
                f"the gradients unchanged")
    own = [float(np.sqrt(np.sum(g ** 2))) for g in grads]
    if same(clipped, [g * min(1.0, max_norm / n) for g, n in zip(grads, own)]):
        return (f"each array is scaled by its own norm: clipping by global norm scales all "
                f"of them by one factor, max_norm / (joint norm) = {factor:.4g}, so that "
                f"the step keeps its direction")
    if same(clipped, [np.clip(g, -max_norm, max_norm) for g in grads]):
        return (f"each entry is clipped to ±{max_norm:g}: that changes the step's "
                f"direction; scale every array by one factor, max_norm / norm")
    if same(clipped, [g * norm / max_norm for g in grads]):
        return (f"your factor is upside down, norm / max_norm = {norm / max_norm:.4g}: it "
                f"lengthens the step; the factor is max_norm / norm = {factor:.4g}")
    if same(clipped, grads):
        return (f"the norm {norm:.4g} is above max_norm = {max_norm:g} and nothing was "
                f"scaled: is the condition reversed (scale when norm > max_norm)?")
    if same(clipped, [g * max_norm / norm ** 2 for g in grads]):
        return ("your factor uses the sum of the squares (no square root): the norm is "
                "its square root")
    scaled = [k for k, (c, g) in enumerate(zip(clipped, grads)) if np.allclose(c, g * factor,
                                                                             rtol=CLIP_RTOL)]
    unscaled = [k for k, (c, g) in enumerate(zip(clipped, grads)) if np.allclose(c, g)]
    if scaled and unscaled:
        return (f"grads[{unscaled[0]}] was left as it was: every array gets the same "
                f"factor, max_norm / norm = {factor:.4g}")
    return (f"each clipped array should be its gradient times max_norm / norm = "
            f"{factor:.4g}, the same factor for every array")


def _clip_judge(fn: Callable, grads: list[np.ndarray]) -> Callable[[object], str | None]:
    """A judge that runs fn once per max_norm of MAX_NORMS, each time on fresh copies."""
    norm = global_norm(grads)

    def judge(first_result) -> str | None:
        for max_norm in MAX_NORMS:
            given = [g.copy() for g in grads]
            got = first_result if max_norm == MAX_NORMS[0] else fn(given, max_norm)
            if max_norm == MAX_NORMS[0]:
                given = _first_call_copies
            changed = [k for k, (g, o) in enumerate(zip(given, grads))
                       if np.shape(g) != o.shape or not np.array_equal(g, o)]
            problem = _one_case(got, grads, norm, max_norm, changed)
            if problem:
                return f"with max_norm = {max_norm:g}: {problem}"
        return None

    _first_call_copies: list = []

    def first_call(grads_given, max_norm):  # what check_exercise calls: max_norm 1
        _first_call_copies[:] = grads_given
        return fn(grads_given, max_norm)

    judge.first_call = first_call
    return judge


def _one_case(got, grads, norm: float, max_norm: float, changed: list) -> str | None:
    """None if got is right for this max_norm, else what is wrong, in words to act on."""
    if changed:
        return (f"your function changed grads[{changed[0]}], an array it was given, in "
                f"place: the caller still needs it; make new arrays (g * factor, not "
                f"g *= factor) in a new list")
    if got is None:
        return "got None; does your function end with `return clipped, norm`?"
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return ("return two results, the list of clipped arrays and the norm before "
                "clipping: `return clipped, norm`")
    clipped, got_norm = got
    if isinstance(got_norm, (list, tuple)) and np.ndim(clipped) == 0 and \
            isinstance(clipped, (int, float, np.number, np.ndarray)):
        return ("the two results are in the wrong order: return the list of clipped "
                "arrays first, then the norm: `return clipped, norm`")
    return _norm_problem(got_norm, grads, norm, max_norm) or \
        _clipped_problem(clipped, grads, norm, max_norm)


def check_clip_global(fn: Callable, grads) -> None:
    """Exercise 2: fn(grads, max_norm) -> (new arrays scaled by one common factor so that
    their joint norm is at most max_norm, the joint norm before), tried with max_norm below
    and above the joint norm of `grads`; calling the library's clipping is refused."""
    grads = [np.asarray(g, dtype=float) for g in grads]
    norm = global_norm(grads)
    if not MAX_NORMS[0] < norm < MAX_NORMS[1]:
        raise ValueError(f"the check needs gradients whose joint norm lies between "
                         f"{MAX_NORMS[0]:g} and {MAX_NORMS[1]:g}, got {norm:.4g}")
    judge = _clip_judge(fn, grads)
    check_exercise(_name(fn, "clip by global norm"), judge.first_call, (grads, MAX_NORMS[0]),
                   judge=judge, forbidden=(clip_by_global_norm, global_norm))
