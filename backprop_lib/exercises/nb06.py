"""The self-checks of notebook 06's exercises: new operations for the scalar engine.

Both exercises ask for ONE node of the graph (a `Value` with its own backward closure), so
both are checked by a judge that builds small expressions around the learner's operation,
runs `backward()` and compares every gradient with the derivative known here. A gradient
that matches one of the mistakes a class makes most (`=` for `+=`, a missing `* grad`, a
flipped sign, half a chain rule, the wrong line fixed, a composition instead of one node,
a closure never attached, an overflow) is named in words; any other gets the numbers.

    check_softplus(softplus)        # exercise (a)
    check_hypot_fixed(hypot_fixed)  # exercise (b)
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..autograd import Value
from ..selfcheck import check_exercise

__all__ = ["check_softplus", "check_hypot_fixed"]

_CLOSE = {"rel_tol": 1e-6, "abs_tol": 1e-9}



def _close(got: float, want: float) -> bool:
    return math.isclose(got, want, **_CLOSE)


def _not_a_value(name: str, result) -> str | None:
    """What is wrong when an operation does not return a Value (None when it does)."""
    if isinstance(result, Value):
        return None
    return (f"{name} should return a Value, got {type(result).__name__}"
            + (" (does it end with `return out`?)" if result is None else ""))


def _own_error(where: str, err: Exception, name: str) -> str:
    """Words for an exception raised by the learner's operation (not by the check)."""
    text = f"{where} your operation raised {type(err).__name__}: {err}"
    if "finite" in str(err):
        text += (". numpy's exp of a large number is inf (with a warning) where math.exp "
                 "raises: rewrite log(1 + e^x) so that exp never gets a large positive number")
    if isinstance(err, TypeError) and "Value" in str(err):
        text += (f". Inside the operation and its closure, compute with {name}.data, a plain "
                 f"number, not with the Value {name} itself")
    return text


def _value_in_grad(name: str, grad) -> str | None:
    """Words for a .grad that became a Value (the closure computed with a Value)."""
    if isinstance(grad, Value):
        return (f"{name}.grad became a Value: the closure computed with the Value {name} "
                f"(e.g. {name} / r, or {name}.sigmoid()) where it needs the number "
                f"{name}.data. A gradient is a plain number")
    return None


# ---- exercise (a): softplus -------------------------------------------------------------

def _softplus(x0: float) -> float:
    """log(1 + e^x0) for a plain number, without overflow."""
    return max(x0, 0.0) + math.log1p(math.exp(-abs(x0)))


def _softplus_slope_mistake(x0: float, got: float, slope: float, value: float) -> str | None:
    """Words for a gradient of L = 3 softplus(x) + x that matches a known mistake."""
    e = math.exp(min(x0, 700.0))
    known = [
        (1.0, "x.grad is just the 1 from the `+ x`: softplus passed nothing back. Does it "
              "set out._backward = _backward, and does the closure add to x.grad?"),
        (3.0 * (x0 > 0) + 1, "your slope is ReLU's step (1 for x > 0, 0 below): softplus "
                             "is smooth, and its slope σ(x) lies strictly between 0 and 1"),
        (3 * slope, "the closure sets x.grad with = and so wipes out the 1 that the other "
                    "use of x (the `+ x`) had put there: add to it, x.grad += ..."),
        (slope + 1, "the closure does not multiply by the grad it is given (here 3, from "
                    "L = 3 * softplus(x) + x): the chain rule needs softplus'(x) * grad"),
        (1 - 3 * slope, "the sign is flipped: the closure subtracts softplus'(x) * grad; a "
                        "backward closure adds (x.grad += ...)"),
        (3 / (1 + e) + 1, "your slope is 1/(1 + e^x), which is σ(−x) = 1 − σ(x): the slope "
                          "of softplus(−x), not of softplus(x). From log(u) with u = 1 + e^x "
                          "it is the derivative of log(u) with respect to u only: the chain "
                          "rule multiplies it by du/dx = e^x"),
        (3 * e + 1, "e^x is the derivative of the inside, 1 + e^x, only: the chain rule "
                    "multiplies it by the derivative of log, 1/(1 + e^x)"),
        (3 * slope * (1 - slope) + 1, "σ(x)(1 − σ(x)) is the derivative of the sigmoid: "
                                      "softplus'(x) is σ(x) itself"),
        (3 * value + 1, "the closure uses softplus(x) itself, the forward value: it needs "
                        "the derivative softplus'(x)"),
    ]
    for wrong, words in known:
        if _close(got, wrong):
            return f"at x = {x0:g}: {words}"
    return None


def _judge_softplus(fn: Callable) -> Callable[[object], str | None]:
    """A judge for check_exercise: None if fn is a correct softplus operation."""
    def judge(result) -> str | None:
        problem = _not_a_value("softplus", result)
        if problem:
            return problem
        for x0 in [1.2, -3.0, -0.5, 0.0, 4.0, 800.0, -800.0]:
            x = Value(x0)
            try:
                out = fn(x)
            except OverflowError:
                return (f"softplus({x0:g}) overflowed: math.exp({abs(x0):g}) is too large for "
                        f"a float. Rewrite log(1 + e^x) so that exp never gets a large "
                        f"positive number")
            except Exception as err:  # the learner's own error, at this point
                return _own_error(f"at x = {x0:g}", err, "x")
            value = _softplus(x0)
            if not isinstance(out, Value) or not math.isclose(out.data, value, rel_tol=1e-9):
                got = out.data if isinstance(out, Value) else out
                return f"softplus({x0:g}) should be {value:.6f}, got {got}"
            if out.children != (x,):
                return ("the result should be ONE new Value whose children are (x,): build it "
                        "with Value(..., children=(x,), op='softplus')")
            try:
                (3 * out + x).backward()    # dL/dx = 3 softplus'(x) + 1 (the 1 from `+ x`)
            except OverflowError:
                return (f"at x = {x0:g} the value is right, but the backward closure "
                        f"overflowed: math.exp({abs(x0):g}) is too large for a float. Write "
                        f"softplus'(x) so that exp never gets a large positive number, for "
                        f"very negative x too")
            except Exception as err:  # the learner's closure failed
                return _own_error(f"at x = {x0:g}, in the backward pass,", err, "x")
            if _value_in_grad("x", x.grad):
                return _value_in_grad("x", x.grad)
            h = 1e-6
            slope = (_softplus(x0 + h) - _softplus(x0 - h)) / (2 * h)
            if math.isclose(x.grad, 3 * slope + 1, rel_tol=1e-5, abs_tol=1e-8):
                continue
            named = _softplus_slope_mistake(x0, x.grad, slope, value)
            return named or (f"at x = {x0:g} with L = 3 * softplus(x) + x, x.grad should be "
                             f"{3 * slope + 1:.6f} (3 softplus'(x) + 1), got {x.grad:.6f}: "
                             f"compare your softplus'(x) with the numerical slope "
                             f"{slope:.6f}")
        return None
    return judge


def check_softplus(fn: Callable) -> None:
    """Exercise (a): softplus as one new operation of the engine, overflow-safe both ways.

    The judge puts softplus(x) in L = 3 softplus(x) + x (x used twice, grad 3 arriving)
    at seven points (x = 1.2 first, where no slope is near 0), x = ±800 among them, and
    wants one node with children (x,). Prints
    one ✅/❌/⏳ line; `backprop_lib.selfcheck.passed()` then says whether it passed.
    """
    check_exercise("softplus as a new operation", fn, (Value(0.7),), judge=_judge_softplus(fn))


# ---- exercise (b): hypot with a corrected closure -----------------------------------------

def _hypot_input_problem(name: str, got: float, own: float, other: float, r: float,
                         grad: float, extra: float) -> str | None:
    """What is wrong with d/d(name), one input of hypot, or None if it is right.

    own and other are the data of this input and of the other one; grad is the gradient
    arriving at the hypot node; extra what the rest of the expression adds to this input.
    """
    if _close(got, grad * own / r + extra):
        return None
    if extra and _close(got, grad * own / r):
        return (f"d/d{name} is {got:.6f}, without the {extra:g} that the other use of {name} "
                f"(the `+ {name}`) had put there: the closure sets {name}.grad with = and "
                f"wipes it out. A closure adds: {name}.grad += ...")
    if _close(got, own / r + extra):
        return (f"d/d{name} is {got:.6f}: the closure does not multiply by the grad it is "
                f"given (here 4 hypot = {grad:g}): the chain rule needs "
                f"{name}.data / r * grad")
    if _close(got, extra - grad * own / r):
        return (f"d/d{name} has the wrong sign ({got:.6f}, should be "
                f"{grad * own / r + extra:.6f}): a closure adds, {name}.grad += ..., and "
                f"{name}.data / r keeps {name}'s own sign (no abs)")
    if _close(got, grad * other / r + extra):
        other_name = "b" if name == "a" else "a"
        return (f"d/d{name} is {got:.6f}, computed with {other_name}.data: each line of the "
                f"closure uses its own input's data, {name}.grad += {name}.data / r * grad")
    if _close(got, grad * own / r ** 2 + extra):
        return (f"d/d{name} is {got:.6f}: the local derivative is divided by r² (a² + b²); "
                f"d/d{name} sqrt(a² + b²) = {name} / sqrt(a² + b²), divided by r once")
    if _close(got, grad * own + extra):
        return (f"d/d{name} is {got:.6f}: the local derivative lacks the division by r; "
                f"d/d{name} sqrt(a² + b²) = {name} / r")
    return None


def _judge_hypot(fn: Callable) -> Callable[[object], str | None]:
    """A judge for check_exercise: None if fn is a correct hypot operation."""
    def judge(result) -> str | None:
        problem = _not_a_value("hypot_fixed", result)
        if problem:
            return problem
        # hypot(x, x): one Value as both inputs, as x * x in section 2
        x0 = 1.5
        x = Value(x0)
        try:
            out = fn(x, x)
            if isinstance(out, Value) and out.children == (x, x):
                (2 * out ** 2).backward()   # L = 2 (x² + x²) = 4x², dL/dx = 8x
        except Exception as err:  # the learner's own error
            return _own_error("with hypot_fixed(x, x)", err, "b")
        if isinstance(out, Value) and out.children == (x, x):
            if _value_in_grad("b", x.grad):
                return _value_in_grad("b", x.grad)
            if _close(x.grad, 4 * x0):
                return (f"hypot_fixed(x, x), one Value used as both inputs, with "
                        f"L = 2 * hypot(x, x)**2 = 4x²: x.grad should be 8x = {8 * x0:g}, "
                        f"got {x.grad:g}, half of it. The second line of the closure sets "
                        f"b.grad with =, and since b is a it wipes out what the first line "
                        f"had just added (section 2's x * x): use b.grad += ...")
        for a0, b0 in [(3.0, 4.0), (-1.5, 2.0), (0.3, -0.7), (5.0, 0.5)]:
            a, b = Value(a0), Value(b0)
            try:
                out = fn(a, b)
            except Exception as err:  # the learner's own error
                return _own_error(f"at (a, b) = ({a0:g}, {b0:g})", err, "b")
            r = math.hypot(a0, b0)
            if not isinstance(out, Value) or not math.isclose(out.data, r, rel_tol=1e-12):
                got = f"{out.data:.6f}" if isinstance(out, Value) else repr(out)
                return f"hypot({a0:g}, {b0:g}) should be {r:.6f}, got {got}"
            if len(out.children) != 2 or {id(c) for c in out.children} != {id(a), id(b)}:
                return ("the result should be ONE new Value whose children are (a, b), with "
                        "its own closure: keep hypot_buggy's Value(r, children=(a, b), "
                        "op='hypot') and correct its closure. A composition of **, + and "
                        "sqrt gives the right numbers but is not the operation asked for")
            at = f"at (a, b) = ({a0:g}, {b0:g}) with L = 2 * hypot(a, b)**2 + a + b"
            try:
                (2 * out ** 2 + a + b).backward()   # dL/da = 4a + 1, dL/db = 4b + 1
            except Exception as err:  # the learner's closure failed
                return _own_error(f"{at}, in the backward pass,", err, "b")
            for name, grad in (("a", a.grad), ("b", b.grad)):
                if _value_in_grad(name, grad):
                    return _value_in_grad(name, grad)
            grad = 4 * r
            if a.grad == 1 and b.grad == 1:
                return (f"{at}, no gradient reached a or b through hypot: does hypot_fixed "
                        f"set out._backward = _backward, and does the closure add to a.grad "
                        f"and b.grad?")
            buggy_b = _close(b.grad, grad * a0 / r + 1)
            if buggy_b and _close(a.grad, grad * a0 / r + 1):
                return (f"{at}, d/db is {b.grad:.6f}, the same wrong number as hypot_buggy's: "
                        f"the bug is still there. Run gradient_check_op(hypot_fixed, 3.0, "
                        f"4.0) and see which input's gradient is off")
            if buggy_b:
                return (f"{at}, d/da is now {a.grad:.6f} (should be {4 * a0 + 1:.6f}) and "
                        f"d/db is still hypot_buggy's {b.grad:.6f}: you changed the line for "
                        f"a, which was right; the bug is in the line that fills b.grad")
            for name, got, own, other in [("a", a.grad, a0, b0), ("b", b.grad, b0, a0)]:
                problem = _hypot_input_problem(name, got, own, other, r, grad, 1.0)
                if problem:
                    return f"{at}, {problem}"
                if not _close(got, 4 * own + 1):
                    return (f"{at}, d/d{name} should be {4 * own + 1:.6f} (4{name} + 1), "
                            f"got {got:.6f}")
        return None
    return judge


def check_hypot_fixed(fn: Callable) -> None:
    """Exercise (b): hypot with its closure corrected, one node with children (a, b).

    The judge tries hypot(x, x) (a value used twice, which tells `=` from `+=`) and
    L = 2 hypot(a, b)² + a + b at four points, negative ones among them. Prints one line;
    `backprop_lib.selfcheck.passed()` then says whether it passed.
    """
    check_exercise("hypot with a corrected closure", fn, (Value(3.0), Value(4.0)),
                   judge=_judge_hypot(fn))
