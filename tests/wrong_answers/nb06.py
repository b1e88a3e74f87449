"""Realistic wrong answers to notebook 06's exercises, each with the words its ❌ must say."""

from wrong_answers import Wrong

ROWS = [
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    result = max(x.data, 0.0) + math.log1p(math.exp(-abs(x.data)))
    out = Value(result, children=(x,), op="softplus")
    def _backward(grad):
        x.grad = (1 - math.exp(-result)) * grad         # = instead of +=
    out._backward = _backward
    return out
""", ("sets x.grad with =", "x.grad += ...")),
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    result = max(x.data, 0.0) + math.log1p(math.exp(-abs(x.data)))
    out = Value(result, children=(x,), op="softplus")
    def _backward(grad):
        x.grad += 1 - math.exp(-result)                 # the chain factor * grad forgotten
    out._backward = _backward
    return out
""", ("does not multiply by the grad", "softplus'(x) * grad")),
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    result = max(x.data, 0.0) + math.log1p(math.exp(-abs(x.data)))
    out = Value(result, children=(x,), op="softplus")
    def _backward(grad):
        x.grad += 1 / (1 + math.exp(x.data)) * grad     # d log(u)/du only, no du/dx
    out._backward = _backward
    return out
""", ("derivative of log(u)", "du/dx = e^x")),
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    result = max(x.data, 0.0) + math.log1p(math.exp(-abs(x.data)))
    out = Value(result, children=(x,), op="softplus")
    def _backward(grad):
        s = 1 / (1 + math.exp(-x.data))
        x.grad += s * (1 - s) * grad                    # the sigmoid's derivative
    out._backward = _backward
    return out
""", ("derivative of the sigmoid", "σ(x) itself")),
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    result = max(x.data, 0.0) + math.log1p(math.exp(-abs(x.data)))
    out = Value(result, children=(x,), op="softplus")
    def _backward(grad):
        x.grad -= (1 - math.exp(-result)) * grad        # a sign
    out._backward = _backward
    return out
""", ("the sign is flipped", "x.grad += ...")),
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    out = Value(math.log(1 + math.exp(x.data)), children=(x,), op="softplus")  # overflows
    def _backward(grad):
        x.grad += (1 - 1 / (1 + math.exp(x.data))) * grad
    out._backward = _backward
    return out
""", ("softplus(800) overflowed", "exp never gets a large positive number")),
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    result = max(x.data, 0.0) + math.log1p(math.exp(-abs(x.data)))
    out = Value(result, children=(x,), op="softplus")
    def _backward(grad):
        x.grad += grad / (1 + math.exp(-x.data))        # overflows for very negative x
    out._backward = _backward
    return out
""", ("at x = -800", "backward closure overflowed", "math.exp(800)")),
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    result = max(x.data, 0.0) + math.log1p(math.exp(-abs(x.data)))
    out = Value(result, children=(x,), op="softplus")
    def _backward(grad):
        x.grad += (1 - math.exp(-result)) * grad
    return out                                          # the closure never attached
""", ("just the 1 from the `+ x`", "out._backward = _backward")),
    Wrong("06_autograd_computational_graph", "hypot_fixed", """
def hypot_fixed(a, b):
    r = math.hypot(a.data, b.data)
    out = Value(r, children=(a, b), op="hypot")
    def _backward(grad):
        a.grad += a.data / r * grad
        b.grad += a.data / r * grad                     # the bug left in
    out._backward = _backward
    return out
""", ("same wrong number as hypot_buggy's", "the bug is still there")),
    Wrong("06_autograd_computational_graph", "hypot_fixed", """
def hypot_fixed(a, b):
    r = math.hypot(a.data, b.data)
    out = Value(r, children=(a, b), op="hypot")
    def _backward(grad):
        a.grad += b.data / r * grad                     # the right line "fixed"
        b.grad += a.data / r * grad
    out._backward = _backward
    return out
""", ("you changed the line for a, which was right", "the line that fills b.grad")),
    Wrong("06_autograd_computational_graph", "hypot_fixed", """
def hypot_fixed(a, b):
    r = math.hypot(a.data, b.data)
    out = Value(r, children=(a, b), op="hypot")
    def _backward(grad):
        a.grad += a.data / r
        b.grad += b.data / r                            # fixed, but * grad dropped
    out._backward = _backward
    return out
""", ("d/da", "does not multiply by the grad")),
    Wrong("06_autograd_computational_graph", "hypot_fixed", """
def hypot_fixed(a, b):
    r = math.hypot(a.data, b.data)
    out = Value(r, children=(a, b), op="hypot")
    def _backward(grad):
        a.grad += a.data / r * grad
        b.grad += b.data / r * grad
    return out                                          # the closure never attached
""", ("no gradient reached a or b", "out._backward = _backward")),
]

ROWS += [
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    result = max(x.data, 0.0) + math.log1p(math.exp(-abs(x.data)))
    out = Value(result, children=(x,), op="softplus")
    def _backward(grad):
        x.grad += (1 - 1 / (1 + math.exp(-x.data))) * grad   # 1 - sigmoid(x), i.e. σ(-x)
    out._backward = _backward
    return out
""", ("σ(−x) = 1 − σ(x)", "the slope of softplus(−x)")),
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    return (1 + x.exp()).log()                          # a composition, not one node
""", ("ONE new Value whose children are (x,)",)),
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    result = max(x.data, 0.0) + math.log1p(math.exp(-abs(x.data)))
    out = Value(result, children=(x,), op="softplus")
    def _backward(grad):
        x.grad += result * grad                         # the forward value, not the slope
    out._backward = _backward
    return out
""", ("the forward value", "the derivative softplus'(x)")),
    Wrong("06_autograd_computational_graph", "hypot_fixed", """
def hypot_fixed(a, b):
    r = math.hypot(a.data, b.data)
    out = Value(r, children=(a, b), op="hypot")
    def _backward(grad):
        a.grad = a.data / r * grad                      # = instead of +=, both lines
        b.grad = b.data / r * grad
    out._backward = _backward
    return out
""", ("hypot_fixed(x, x)", "half of it", "use b.grad += ...")),
    Wrong("06_autograd_computational_graph", "hypot_fixed", """
def hypot_fixed(a, b):
    r = math.hypot(a.data, b.data)
    out = Value(r, children=(a, b), op="hypot")
    def _backward(grad):
        a.grad = a.data / r * grad                      # = on the line for a only
        b.grad += b.data / r * grad
    out._backward = _backward
    return out
""", ("without the 1 that the other use of a", "a.grad += ...")),
    Wrong("06_autograd_computational_graph", "hypot_fixed", """
def hypot_fixed(a, b):
    return (a ** 2 + b ** 2) ** 0.5                     # a composition, not one node
""", ("ONE new Value whose children are (a, b)", "correct its closure")),
    Wrong("06_autograd_computational_graph", "hypot_fixed", """
def hypot_fixed(a, b):
    r = math.hypot(a.data, b.data)
    out = Value(r, children=(a, b), op="hypot")
    def _backward(grad):
        a.grad += a.data / r * grad
        b.grad -= b.data / r * grad                     # -= on the fixed line
    out._backward = _backward
    return out
""", ("d/db has the wrong sign", "b.grad += ...")),
    Wrong("06_autograd_computational_graph", "hypot_fixed", """
def hypot_fixed(a, b):
    r = math.hypot(a.data, b.data)
    out = Value(r, children=(a, b), op="hypot")
    def _backward(grad):
        a.grad += a.data / r * grad
        b.grad += b.data / r ** 2 * grad                # divided by r twice
    out._backward = _backward
    return out
""", ("d/db", "divided by r²")),
    Wrong("06_autograd_computational_graph", "hypot_fixed", """
def hypot_fixed(a, b):
    r = math.hypot(a.data, b.data)
    out = Value(r, children=(a, b), op="hypot")
    def _backward(grad):
        a.grad += b.data / r * grad                     # both lines now use b.data
        b.grad += b.data / r * grad
    out._backward = _backward
    return out
""", ("d/da", "computed with b.data", "a.grad += a.data / r * grad")),
    Wrong("06_autograd_computational_graph", "hypot_fixed", """
def hypot_fixed(a, b):
    r = math.hypot(a.data, b.data)
    out = Value(r, children=(a, b), op="hypot")
    def _backward(grad):
        a.grad += a.data / r * grad
        b.grad += b.data * grad                         # the division by r forgotten
    out._backward = _backward
    return out
""", ("d/db", "lacks the division by r")),
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    result = max(x.data, 0.0) + math.log1p(math.exp(-abs(x.data)))
    out = Value(result, children=(x,), op="softplus")
    def _backward(grad):
        x.grad += (1.0 if x.data > 0 else 0.0) * grad      # ReLU's slope
    out._backward = _backward
    return out
""", ("at x = 1.2", "ReLU's step", "strictly between 0 and 1")),
    Wrong("06_autograd_computational_graph", "softplus", """
def softplus(x):
    result = max(x.data, 0.0) + math.log1p(math.exp(-abs(x.data)))
    out = Value(result, children=(x,), op="softplus")
    def _backward(grad):
        x.grad += x.sigmoid() * grad        # the Value x's sigmoid: a Value, not a number
    out._backward = _backward
    return out
""", ("x.grad became a Value", "x.data")),
    Wrong("06_autograd_computational_graph", "hypot_fixed", """
def hypot_fixed(a, b):
    r = math.hypot(a.data, b.data)
    out = Value(r, children=(a, b), op="hypot")
    def _backward(grad):
        a.grad += a.data / r * grad
        b.grad += b / r * grad              # the Value b, not the number b.data
    out._backward = _backward
    return out
""", ("b.grad became a Value", "the number b.data")),
    Wrong("06_autograd_computational_graph", "hypot_fixed", """
def hypot_fixed(a, b):
    r = math.hypot(a.data, b.data)
    out = Value(r, children=(a, b), op="hypot")
    def _backward(grad):
        a.grad += a.data / r * grad
        b.grad += abs(b.data) / r * grad    # |b|: right only where b > 0
    out._backward = _backward
    return out
""", ("d/db has the wrong sign", "keeps b's own sign (no abs)")),
]
