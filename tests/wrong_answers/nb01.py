"""Realistic wrong answers to notebook 01's exercises, each with the words its ❌ must say.

The checks live in backprop_lib/exercises/nb01.py; each named mistake has a row here.
"""

from wrong_answers import Wrong

NB = "01_single_neuron"

ROWS = [
    # exercise 1: the five mistakes a class makes most, and the sign
    Wrong(NB, "tanh_neuron_gradients", """
def tanh_neuron_gradients(x, y, w, b):
    a = np.tanh(w @ x + b)
    delta = (y - a) * (1 - a**2)        # y - a: the sign is flipped
    return delta * x, delta
""", ("dL/dw", "the sign is flipped", "a − y (prediction minus target)")),
    Wrong(NB, "tanh_neuron_gradients", """
def tanh_neuron_gradients(x, y, w, b):
    z = w @ x + b
    delta = (np.tanh(z) - y) * (1 - z**2)   # the slope from z instead of a = tanh(z)
    return delta * x, delta
""", ("dL/dw", "1 − a²", "a = tanh(z)")),
    Wrong(NB, "tanh_neuron_gradients", """
def tanh_neuron_gradients(x, y, w, b):
    z = w @ x + b
    a = np.tanh(z)
    delta = (a - y) * sigmoid_prime(z)      # section 3's sigmoid slope, kept
    return delta * x, delta
""", ("the sigmoid's, σ(z)(1 − σ(z))", "tanh′ = 1 − a²")),
    Wrong(NB, "tanh_neuron_gradients", """
def tanh_neuron_gradients(x, y, w, b):
    a = np.tanh(w @ x + b)
    delta = (a - y) * (1 - a)               # the square forgotten
    return delta * x, delta
""", ("your slope is 1 − a", "the activation squared")),
    Wrong(NB, "tanh_neuron_gradients", """
def tanh_neuron_gradients(x, y, w, b):
    a = np.tanh(w @ x + b)
    delta = a - y                           # the link da/dz left out
    return delta * x, delta
""", ("leave out the slope ∂a/∂z",)),
    Wrong(NB, "tanh_neuron_gradients", """
def tanh_neuron_gradients(x, y, w, b):
    a = np.tanh(w @ x + b)
    delta = 2 * (a - y) * (1 - a**2)        # the 2 of the square, without the 1/2
    return delta * x, delta
""", ("twice the right ones", "the ½ of L = ½(a − y)²")),
    # exercise 2
    Wrong(NB, "steps_to_accuracy", """
def steps_to_accuracy(lr, target):
    _, _, _, snaps = train_neuron(X, y, lr, 2000, snapshot_at=range(2001))
    return next(s for s, (w, b) in snaps.items() if accuracy(w, b) >= target) + 1
""", ("look for the first step", "one too many")),
    Wrong(NB, "steps_to_accuracy", """
def steps_to_accuracy(lr, target):
    _, _, _, snaps = train_neuron(X, y, lr, 2000, snapshot_at=range(2001))
    return next(s for s, (w, b) in snaps.items() if accuracy(w, b) >= target) - 1
""", ("the accuracy is only", "one too few")),
    Wrong(NB, "steps_to_accuracy", """
def steps_to_accuracy(lr, target):
    _, _, _, snaps = train_neuron(X, y, lr, 2000, snapshot_at=range(2001))
    return next(s for s, (w, b) in snaps.items() if accuracy(w, b) > target)   # > for >=
""", ("exactly 90%", "is >=, not >")),
    Wrong(NB, "steps_to_accuracy", """
def steps_to_accuracy(lr, target):
    _, _, _, snaps = train_neuron(X, y, lr, 2000, snapshot_at=range(2001))
    for s, (w, b) in snaps.items():
        if accuracy(w, b) >= target:
            return accuracy(w, b)           # the accuracy, not the step
""", ("looks like an accuracy", "return the number of steps")),
    Wrong(NB, "steps_to_accuracy", """
def steps_to_accuracy(lr, target):
    return 112                            # the number for lr 0.1 and 90 %, typed in
""", ("right for lr 0.1", "Does your function use its arguments lr and target?")),
    Wrong(NB, "steps_to_accuracy", """
def steps_to_accuracy(lr, target):
    _, _, _, snaps = train_neuron(X, y, lr, 2000, snapshot_at=range(2001))
    for s, (w, b) in snaps.items():
        if accuracy(w, b) >= target:
            s                               # no return
""", ("got None", "`return` the step")),
]
