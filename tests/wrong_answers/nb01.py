"""Realistic wrong answers to notebook 01's exercises, each with the words its ❌ must say."""

from wrong_answers import Wrong

ROWS = [
    Wrong("01_single_neuron", "tanh_neuron_gradients", """
def tanh_neuron_gradients(x, y, w, b):
    a = np.tanh(w @ x + b)
    delta = (y - a) * (1 - a**2)        # y - a: the sign is flipped
    return delta * x, delta
""", ("dL/dw", "the sign is flipped")),
    Wrong("01_single_neuron", "tanh_neuron_gradients", """
def tanh_neuron_gradients(x, y, w, b):
    z = w @ x + b
    delta = (np.tanh(z) - y) * (1 - z**2)   # the slope from z instead of a = tanh(z)
    return delta * x, delta
""", ("dL/dw", "1 − a²", "a = tanh(z)")),
    Wrong("01_single_neuron", "steps_to_accuracy", """
def steps_to_accuracy(lr, target):
    _, _, _, snaps = train_neuron(X, y, lr, 2000, snapshot_at=range(2001))
    return next(s for s, (w, b) in snaps.items() if accuracy(w, b) >= target) + 1
""", ("look for the first step",)),
    Wrong("01_single_neuron", "steps_to_accuracy", """
def steps_to_accuracy(lr, target):
    return 112                            # the number for lr 0.1 and 90 %, typed in
""", ("right for lr 0.1", "Does your function use its arguments lr and target?")),
]
