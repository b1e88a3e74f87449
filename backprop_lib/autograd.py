"""A scalar autograd engine: backpropagation as reverse-mode automatic differentiation.

Every arithmetic operation on a Value makes a new Value that remembers its inputs
(``children``), the operation (``op``) and a small closure, ``_backward``, that knows the
operation's local derivatives. ``L.backward()`` then visits the graph from L back to its
inputs in reverse topological order and applies the chain rule at every node, so that
each ``v.grad`` ends up as dL/dv. Notebook 06 builds it step by step.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def _number(x, what: str = "Value") -> float:
    """x as a finite Python float, or a TypeError/ValueError that says what was expected."""
    if type(x) is float and math.isfinite(x):  # the common case, first: it is fast
        return x
    if isinstance(x, np.ndarray):
        if x.ndim != 0:
            raise TypeError(f"{what} holds one number, got an array of shape {x.shape}: make "
                            f"one Value per entry, e.g. [Value(v) for v in x.ravel()]")
        x = x.item()
    if not isinstance(x, numbers.Real):
        raise TypeError(f"{what} needs a real number (an int or a float), got "
                        f"{type(x).__name__} {x!r:.40}")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{what} needs a finite number, got {x}: a NaN or infinity would "
                         f"spread into every value and gradient computed from it")
    return x


class Value:
    """One real number in a computational graph: ``.data``, and ``.grad`` = dL/d(this).

    ``.grad`` is 0 until ``L.backward()`` is called on a Value L that depends on this one.
    Gradients accumulate (``+=``): a Value used twice gets the sum of both paths. So
    calling ``L.backward()`` twice ADDS the same gradients again to every leaf (a Value
    made by you, not by an operation) — each leaf's ``.grad`` doubles, as in PyTorch —
    while the Values made by operations are reset and recomputed on every call. Reset the
    leaves with ``L.zero_grad()`` (every Value L depends on) or ``p.grad = 0`` before the
    next backward pass, as a training loop does each step.

    children and op record how an operation made this Value; ``out._backward(grad)`` is
    the operation's closure: given grad = dL/d(out), it adds dL/d(child) to each child's
    .grad. It refers to its inputs, never to out itself, so a graph holds no reference
    cycles and is freed as soon as it is dropped (no garbage collector needed). You set
    all three when you write a new operation; label names a Value in plots.draw_graph.
    """

    __slots__ = ("data", "grad", "children", "op", "label", "_backward")
    __array_ufunc__ = None  # numpy defers to us: np.float64(2) * v calls v.__rmul__

    def __init__(self, data, *, children: tuple = (), op: str = "", label: str = ""):
        self.data = _number(data)
        self.grad = 0.0
        self.children, self.op, self.label = tuple(children), op, label
        self._backward = _leaf  # a leaf passes nothing on

    def __repr__(self) -> str:
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    def _out(self, data: float, children: tuple, op: str) -> Value:
        """The Value an operation returns, refusing an overflowed (infinite) result."""
        if not math.isfinite(data):
            shown = ", ".join(f"{c.data:.6g}" for c in children)
            raise ValueError(f"the result of {op} on {shown} overflows a float (about "
                             f"±1.8e308): scale the inputs down, or use a smaller learning rate")
        return Value(data, children=children, op=op)

    # ---- arithmetic: each operation with its own backward closure ---------------------
    def __add__(self, other) -> Value:
        other = _wrap(other)
        out = self._out(self.data + other.data, (self, other), "+")
        def _backward(grad):  # d(a + b)/da = 1, d(a + b)/db = 1
            self.grad += grad
            other.grad += grad
        out._backward = _backward
        return out

    def __sub__(self, other) -> Value:
        other = _wrap(other)
        out = self._out(self.data - other.data, (self, other), "-")
        def _backward(grad):  # d(a - b)/da = 1, d(a - b)/db = -1
            self.grad += grad
            other.grad -= grad
        out._backward = _backward
        return out

    def __mul__(self, other) -> Value:
        other = _wrap(other)
        out = self._out(self.data * other.data, (self, other), "*")
        def _backward(grad):  # d(ab)/da = b, d(ab)/db = a
            self.grad += other.data * grad
            other.grad += self.data * grad
        out._backward = _backward
        return out

    def __truediv__(self, other) -> Value:
        other = _wrap(other)
        if other.data == 0:
            raise ValueError(f"division by zero: {self.data:.6g} / 0")
        out = self._out(self.data / other.data, (self, other), "/")
        def _backward(grad):  # d(a/b)/da = 1/b, d(a/b)/db = -a/b²
            self.grad += grad / other.data
            other.grad -= self.data / (other.data * other.data) * grad
        out._backward = _backward
        return out

    def __pow__(self, k) -> Value:
        if isinstance(k, Value):
            raise TypeError("the exponent must be a plain number, e.g. x ** 2; a Value "
                            "exponent is not supported: for x > 0 write (y * x.log()).exp()")
        k = _number(k, "the exponent")
        if self.data == 0 and k < 1 and k != 0:
            raise ValueError(f"0 ** {k:g} has no finite derivative at 0 (1/x, sqrt(x) at 0)")
        if self.data < 0 and k != int(k):
            raise ValueError(f"({self.data:.6g}) ** {k:g}: a negative number has no real "
                             f"power {k:g}; only whole exponents are defined for it")
        try:
            data = self.data ** k
        except OverflowError:  # Python raises here instead of giving inf
            data = math.inf
        out = self._out(data, (self,), f"**{k:g}")
        def _backward(grad):  # d(x^k)/dx = k x^(k-1) (and 0 for k = 0, also at x = 0)
            if k:
                self.grad += k * self.data ** (k - 1) * grad
        out._backward = _backward
        return out

    def __rpow__(self, base):
        raise TypeError(f"a Value as an exponent ({base!r:.20} ** x) is not supported: for a "
                        f"base > 0 write (x * math.log(base)).exp()")

    def __neg__(self) -> Value:
        out = self._out(-self.data, (self,), "neg")
        def _backward(grad):  # d(-x)/dx = -1
            self.grad -= grad
        out._backward = _backward
        return out

    # Reflected forms: 2 * x, 1 - x, 1 / x (the plain number becomes a leaf Value).
    def __radd__(self, other) -> Value:
        return _wrap(other) + self

    def __rsub__(self, other) -> Value:
        return _wrap(other) - self

    def __rmul__(self, other) -> Value:
        return _wrap(other) * self

    def __rtruediv__(self, other) -> Value:
        return _wrap(other) / self

    # ---- functions ---------------------------------------------------------------------
    def exp(self) -> Value:
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise ValueError(f"exp({self.data:.6g}) overflows a float (exp(709.78) is about "
                             f"1.8e308, the largest float): scale the inputs down") from None
        out = self._out(e, (self,), "exp")
        def _backward(grad):  # d(e^x)/dx = e^x
            self.grad += e * grad
        out._backward = _backward
        return out

    def log(self) -> Value:
        if self.data <= 0:
            raise ValueError(f"log needs a positive number, got {self.data:.6g} (log 0 is "
                             f"-infinity, and a negative number has no real logarithm)")
        out = self._out(math.log(self.data), (self,), "log")
        def _backward(grad):  # d(log x)/dx = 1/x
            self.grad += grad / self.data
        out._backward = _backward
        return out

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        out = self._out(t, (self,), "tanh")
        def _backward(grad):  # tanh'(x) = 1 - tanh²(x)
            self.grad += (1 - t * t) * grad
        out._backward = _backward
        return out

    def sigmoid(self) -> Value:
        x = self.data  # written so that exp never overflows, for any x
        s = 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
        out = self._out(s, (self,), "sigmoid")
        def _backward(grad):  # σ'(x) = σ(x)(1 - σ(x))
            self.grad += s * (1 - s) * grad
        out._backward = _backward
        return out

    def relu(self) -> Value:
        out = self._out(max(self.data, 0.0), (self,), "relu")
        def _backward(grad):  # relu'(x) = 1 for x > 0, else 0 (0 at the kink x = 0, too)
            self.grad += (self.data > 0) * grad
        out._backward = _backward
        return out

    # ---- the backward pass ---------------------------------------------------------------
    def topological_order(self) -> list[Value]:
        """Every Value this one depends on, each after all of its children (itself last).

        Iterative depth-first search, so a graph thousands of operations deep does not hit
        Python's recursion limit.
        """
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, children_done = stack.pop()
            if children_done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((c, False) for c in node.children if c not in seen)
        return order

    def backward(self) -> None:
        """Fill in v.grad = d(self)/dv for every Value v this one depends on.

        Non-leaf gradients are reset first; dself/dself = 1 is added to self.grad; then each
        node's closure runs after every node that uses it (reverse topological order), so
        its .grad is complete before it is passed on.
        """
        order = self.topological_order()
        for node in order:
            if node.children:
                node.grad = 0.0
        self.grad += 1.0
        for node in reversed(order):
            node._backward(node.grad)

    def zero_grad(self) -> None:
        """Set .grad = 0 on this Value and every Value it depends on."""
        for node in self.topological_order():
            node.grad = 0.0


def _leaf(grad: float) -> None:
    """The backward closure of a leaf: nothing to pass on."""


def _wrap(x) -> Value:
    """A Value as it is; a plain number as a new leaf Value (a constant of the graph)."""
    return x if isinstance(x, Value) else Value(x)
