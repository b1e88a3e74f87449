"""Optimisers: update rules that turn the gradients backprop delivers into steps.

Each is a small class with one method, ``step(params, grads)``: params and grads are
lists of arrays of the same shapes, in the same order (Model.parameters() and
Model.gradients() give them so); each params[i] is changed in place. An optimiser keeps
its own state (velocities, averages of squares, the step count) per position in the
list, so use one optimiser for one list of parameters.

    SGD       w ← w - lr·g
    Momentum  v ← β·v + g;             w ← w - lr·v          (PyTorch's form)
    RMSProp   s ← β·s + (1-β)·g²;      w ← w - lr·g / (√s + ε)
    Adam      m ← β₁·m + (1-β₁)·g;     s ← β₂·s + (1-β₂)·g²;
              m̂ = m / (1-β₁ᵗ);  ŝ = s / (1-β₂ᵗ);  w ← w - lr·m̂ / (√ŝ + ε)
"""

from __future__ import annotations

import numpy as np

from .checks import count_nonfinite, positive_number


def _beta(value, name: str) -> float:
    """A decay rate: 0 <= value < 1."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)):
        raise TypeError(f"{name} must be a number in [0, 1), e.g. 0.9; got {type(value).__name__}")
    if not 0 <= value < 1:
        raise ValueError(f"{name} is the weight of the old average, so it lies in [0, 1), "
                         f"e.g. 0.9 (about the last 10 steps count); got {value}")
    return float(value)


class Optimizer:
    """The common part: checks of params and grads, the step count t, and the state."""

    def __init__(self, lr: float):
        self.lr = positive_number(lr, "the learning rate lr")
        self.t = 0  # steps taken
        self._shapes: list[tuple] | None = None

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update every params[i] in place from grads[i] (lists of the same length and
        shapes)."""
        self._check(params, grads)
        self.t += 1
        for i, (p, g) in enumerate(zip(params, grads)):
            self._update(i, p, g)

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        raise NotImplementedError

    def _state(self, params) -> list[np.ndarray]:
        """One zero array per parameter (float64 unless the parameter is float32)."""
        return [np.zeros_like(p) for p in params]

    def _check(self, params, grads) -> None:
        for name, items in (("params", params), ("grads", grads)):
            if not isinstance(items, (list, tuple)):
                raise TypeError(f"{name} must be a list of arrays, e.g. model.parameters() and "
                                f"model.gradients(); got {type(items).__name__}")
        if len(params) != len(grads):
            raise ValueError(f"params has {len(params)} arrays but grads has {len(grads)}: "
                             f"give one gradient per parameter, in the same order "
                             f"(model.parameters() and model.gradients() do)")
        for i, (p, g) in enumerate(zip(params, grads)):
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
                raise TypeError(f"params[{i}] must be a float numpy array (it is updated in "
                                f"place), got {type(p).__name__}")
            g = np.asarray(g)
            if g.shape != p.shape:
                hint = " (is it transposed?)" if g.shape == p.shape[::-1] else ""
                raise ValueError(f"grads[{i}] has shape {g.shape} but params[{i}] has shape "
                                 f"{p.shape}{hint}: each gradient has its parameter's shape; "
                                 f"are the two lists in the same order?")
            if count_nonfinite(g):
                raise ValueError(f"grads[{i}] contains NaN or infinite values: training has "
                                 f"diverged (try a smaller learning rate), or the backward "
                                 f"pass overflowed")
        shapes = [p.shape for p in params]
        if self._shapes is None:
            self._shapes = shapes
            self._init_state(params)
        elif shapes != self._shapes:
            raise ValueError(f"this {type(self).__name__} was used with parameters of shapes "
                             f"{self._shapes}, now {shapes}: an optimiser keeps a state per "
                             f"parameter, so make a new one for another model")

    def _init_state(self, params) -> None:
        """Create the state the first step needs (nothing for plain SGD)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr:g})"


class SGD(Optimizer):
    """Plain gradient descent: w ← w - lr·g."""

    def _update(self, i, p, g) -> None:
        p -= self.lr * g


class Momentum(Optimizer):
    """Gradient descent with momentum: v ← β·v + g, w ← w - lr·v (v starts at 0).

    v is a running sum of past gradients, each weighted by β per step of age: along a
    direction where the gradient keeps its sign the steps grow towards lr/(1 - β)·g;
    where it flips, they cancel.
    """

    def __init__(self, lr: float, beta: float = 0.9):
        super().__init__(lr)
        self.beta = _beta(beta, "beta")

    def _init_state(self, params) -> None:
        self.v = self._state(params)

    def _update(self, i, p, g) -> None:
        v = self.v[i]
        v *= self.beta
        v += g
        p -= self.lr * v

    def __repr__(self) -> str:
        return f"Momentum(lr={self.lr:g}, beta={self.beta:g})"


class RMSProp(Optimizer):
    """Divide each step by a running root mean square of its gradient:
    s ← β·s + (1-β)·g², w ← w - lr·g / (√s + ε). Each weight gets its own step size."""

    def __init__(self, lr: float, beta: float = 0.99, eps: float = 1e-8):
        super().__init__(lr)
        self.beta = _beta(beta, "beta")
        self.eps = positive_number(eps, "eps")

    def _init_state(self, params) -> None:
        self.s = self._state(params)

    def _update(self, i, p, g) -> None:
        s = self.s[i]
        s *= self.beta
        s += (1 - self.beta) * g * g
        p -= self.lr * g / (np.sqrt(s) + self.eps)

    def __repr__(self) -> str:
        return f"RMSProp(lr={self.lr:g}, beta={self.beta:g})"


class Adam(Optimizer):
    """Momentum and RMSProp together, with bias correction:
    m ← β₁·m + (1-β₁)·g, s ← β₂·s + (1-β₂)·g², m̂ = m/(1-β₁ᵗ), ŝ = s/(1-β₂ᵗ),
    w ← w - lr·m̂/(√ŝ + ε). m and s start at 0, so in the first steps they are too
    small by the factors 1-β₁ᵗ and 1-β₂ᵗ (the weights of all past terms, summed); the
    corrections divide that out, so the first step is ±lr in each weight."""

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        super().__init__(lr)
        self.beta1, self.beta2 = _beta(beta1, "beta1"), _beta(beta2, "beta2")
        self.eps = positive_number(eps, "eps")

    def _init_state(self, params) -> None:
        self.m, self.s = self._state(params), self._state(params)

    def _update(self, i, p, g) -> None:
        m, s = self.m[i], self.s[i]
        m *= self.beta1
        m += (1 - self.beta1) * g
        s *= self.beta2
        s += (1 - self.beta2) * np.square(g)
        # lr · m̂ / (√ŝ + ε), with m̂ = m / (1-β₁ᵗ) and √ŝ = √s / √(1-β₂ᵗ), in place
        denom = np.sqrt(s)
        denom /= np.sqrt(1 - self.beta2 ** self.t)
        denom += self.eps
        step = m / denom
        step *= self.lr / (1 - self.beta1 ** self.t)
        p -= step

    def __repr__(self) -> str:
        return f"Adam(lr={self.lr:g}, beta1={self.beta1:g}, beta2={self.beta2:g})"
