"""Realistic wrong answers to notebook 03's exercises, each with the words its ❌ must say."""

from wrong_answers import Wrong

ROWS = [
    Wrong("03_sigmoid_derivative_delta_rule", "bipolar_prime_from_f", """
def bipolar_prime_from_f(f):
    return (1 + f) * (1 - f)              # the / 2 is missing
""", ("exactly a factor 2 off",)),
    Wrong("03_sigmoid_derivative_delta_rule", "online_update", """
def online_update(W1, b1, W2, b2, x, y, lr):
    z2 = x @ W1 + b1
    a2 = bipolar_sigmoid(z2)
    yhat = bipolar_sigmoid(a2 @ W2 + b2)
    delta3 = (yhat - y) * bipolar_sigmoid_prime(yhat)          # f' of the activation
    delta2 = (delta3 @ W2.T) * bipolar_sigmoid_prime(a2)       # f' of the activation
    return [W1 - lr * x.T @ delta2, b1 - lr * delta2.sum(axis=0),
            W2 - lr * a2.T @ delta3, b2 - lr * delta3.sum(axis=0)]
""", ("f' of the activations", "takes the weighted inputs z2 and z3")),
    Wrong("03_sigmoid_derivative_delta_rule", "online_update", """
def online_update(W1, b1, W2, b2, x, y, lr):
    z2 = x @ W1 + b1
    a2 = bipolar_sigmoid(z2)
    z3 = a2 @ W2 + b2
    delta3 = (bipolar_sigmoid(z3) - y) * bipolar_sigmoid_prime(z3)
    delta2 = (delta3 @ W2.T) * bipolar_sigmoid_prime(z2)
    return [W1 + lr * x.T @ delta2, b1 + lr * delta2.sum(axis=0),   # + : a step uphill
            W2 + lr * a2.T @ delta3, b2 + lr * delta3.sum(axis=0)]
""", ("(W1 - W1_new) / lr", "the sign is flipped")),
    Wrong("03_sigmoid_derivative_delta_rule", "exam_backward_fixed", """
def exam_backward_fixed(W1, b1, W2, b2, X, y):
    return exam_backward_buggy(W1, b1, W2, b2, X, y)      # not fixed yet
""", ("find the bug, dW1", "still the given backward's result")),
    Wrong("03_sigmoid_derivative_delta_rule", "exam_backward_fixed", """
def exam_backward_fixed(W1, b1, W2, b2, X, y):
    z2 = X @ W1 + b1
    a2 = sigmoid(z2)
    z3 = a2 @ W2 + b2
    delta3 = (sigmoid(z3) - y) / len(X) * sigmoid_prime(z3)
    delta2 = (delta3 @ W2.T) * sigmoid_prime(a2)          # "fixed" with the activation
    return [X.T @ delta2, delta2.sum(axis=0), a2.T @ delta3, delta3.sum(axis=0)]
""", ("dW1", "sigmoid_prime of the activation a2")),
    Wrong("03_sigmoid_derivative_delta_rule", "exam_backward_fixed", """
def exam_backward_fixed(W1, b1, W2, b2, X, y):
    z2 = X @ W1 + b1
    a2 = sigmoid(z2)
    z3 = a2 @ W2 + b2
    delta3 = (sigmoid(z3) - y) / len(X) * sigmoid_prime(z3)
    delta2 = (delta3 @ W2.T) * sigmoid_prime(z2)
    return [X.T @ delta2, delta2.sum(axis=1), a2.T @ delta3, delta3.sum(axis=0)]  # axis=1
""", ("find the bug, db1", "a bias gradient sums over the samples, axis=0")),
    Wrong("03_sigmoid_derivative_delta_rule", "online_update", """
def online_update(W1, b1, W2, b2, x, y, lr):
    z2 = x @ W1 + b1
    a2 = bipolar_sigmoid(z2)
    z3 = a2 @ W2 + b2
    delta3 = (bipolar_sigmoid(z3) - y) * sigmoid_prime(z3)     # the logistic sigmoid's slope
    delta2 = (delta3 @ W2.T) * sigmoid_prime(z2)
    return [W1 - lr * x.T @ delta2, b1 - lr * delta2.sum(axis=0),
            W2 - lr * a2.T @ delta3, b2 - lr * delta3.sum(axis=0)]
""", ("(W1 - W1_new) / lr", "the logistic sigmoid's", "use bipolar_sigmoid_prime(z)")),
]

# rows added with the checks' move into backprop_lib/exercises/nb03.py
NB = "03_sigmoid_derivative_delta_rule"
ROWS += [
    Wrong(NB, "bipolar_prime_from_f", """
def bipolar_prime_from_f(f):
    return (1 + f) * (1 - f) / 4              # sigma(1 - sigma), without the 2
""", ("half of f′", "f′ = 2σ′")),
    Wrong(NB, "bipolar_prime_from_f", """
def bipolar_prime_from_f(f):
    return f * (1 - f)                        # the sigmoid's a(1 - a)
""", ("the sigmoid's formula a(1 − a)", "solve it for σ first")),
    Wrong(NB, "bipolar_prime_from_f", """
def bipolar_prime_from_f(f):
    return 2 * f * (1 - f)                    # 2 sigma(1 - sigma) with f for sigma
""", ("twice the sigmoid's formula", "σ = (1 + f)/2")),
    Wrong(NB, "bipolar_prime_from_f", """
def bipolar_prime_from_f(f):
    return bipolar_sigmoid_prime(f)           # the library's, which takes z
""", ("which takes z",)),
    Wrong(NB, "bipolar_prime_from_f", """
def bipolar_prime_from_f(f):
    return (f - 1) * (1 + f) / 2              # a sign slip
""", ("the sign is flipped", "f′ > 0")),
    Wrong(NB, "online_update", """
def online_update(W1, b1, W2, b2, x, y, lr):
    z2 = x @ W1 + b1
    a2 = bipolar_sigmoid(z2)
    z3 = a2 @ W2 + b2
    delta3 = 2 * (bipolar_sigmoid(z3) - y) * bipolar_sigmoid_prime(z3)   # the 2 of the square
    delta2 = (delta3 @ W2.T) * bipolar_sigmoid_prime(z2)
    return [W1 - lr * x.T @ delta2, b1 - lr * delta2.sum(axis=0),
            W2 - lr * a2.T @ delta3, b2 - lr * delta3.sum(axis=0)]
""", ("(W1 - W1_new) / lr", "twice the gradient")),
    Wrong(NB, "online_update", """
def online_update(W1, b1, W2, b2, x, y, lr):
    z2 = x @ W1 + b1
    a2 = bipolar_sigmoid(z2)
    z3 = a2 @ W2 + b2
    delta3 = (bipolar_sigmoid(z3) - y) * bipolar_sigmoid_prime(z3)
    delta2 = (delta3 @ W2.T) * bipolar_sigmoid_prime(z2)
    return [W1 - x.T @ delta2, b1 - delta2.sum(axis=0),     # no learning rate
            W2 - a2.T @ delta3, b2 - delta3.sum(axis=0)]
""", ("(W1 - W1_new) / lr", "not lr times it")),
    Wrong(NB, "online_update", """
def online_update(W1, b1, W2, b2, x, y, lr):
    z2 = x @ W1 + b1
    a2 = bipolar_sigmoid(z2)
    z3 = a2 @ W2 + b2
    delta3 = (bipolar_sigmoid(z3) - y) * bipolar_sigmoid_prime(z3)
    delta2 = (delta3 @ W2.T) * bipolar_sigmoid_prime(z2)
    return [W1 - lr * x.T @ delta2, b1, W2 - lr * a2.T @ delta3, b2]   # biases left alone
""", ("(b1 - b1_new) / lr", "your biases did not move")),
    Wrong(NB, "exam_backward_fixed", """
def exam_backward_fixed(W1, b1, W2, b2, X, y):
    z2 = X @ W1 + b1
    a2 = sigmoid(z2)
    z3 = a2 @ W2 + b2
    delta3 = (sigmoid(z3) - y) / len(X) * sigmoid_prime(z3)
    delta2 = delta3 @ W2.T                                # the slope removed, not fixed
    return [X.T @ delta2, delta2.sum(axis=0), a2.T @ delta3, delta3.sum(axis=0)]
""", ("find the bug, dW1", "delta2 has no slope now")),
    Wrong(NB, "exam_backward_fixed", """
def exam_backward_fixed(W1, b1, W2, b2, X, y):
    z2 = X @ W1 + b1
    a2 = sigmoid(z2)
    z3 = a2 @ W2 + b2
    delta3 = (sigmoid(z3) - y) / len(X) * sigmoid_prime(z3)
    delta2 = (delta3 @ W2.T) * sigmoid(z2)                # sigmoid for sigmoid_prime
    return [X.T @ delta2, delta2.sum(axis=0), a2.T @ delta3, delta3.sum(axis=0)]
""", ("find the bug, dW1", "sigmoid(z2), the activation itself")),
]
