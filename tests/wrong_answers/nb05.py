"""Realistic wrong answers to notebook 05's exercises, each with the words its ❌ must say.

Every mistake that backprop_lib/exercises/nb05.py names has a row here, and so have the
ones selfcheck recognises by their pattern (a factor 1/n, a transpose, a wrong axis).
"""

from wrong_answers import Wrong

_BP = "05_mnist", "backward_pass"
_L2 = "05_mnist", "l2_gradients"
_TOPK = "05_mnist", "top_k_accuracy"

ROWS = [
    Wrong(*_BP, """
def backward_pass(X, Y, W1, b1, W2, b2):
    z2 = X @ W1 + b1
    a2 = np.maximum(0, z2)
    delta3 = backprop_lib.softmax(a2 @ W2 + b2) - Y   # the 1/n of the mean is missing
    delta2 = (delta3 @ W2.T) * (z2 > 0)
    return X.T @ delta2, delta2.sum(axis=0), a2.T @ delta3, delta3.sum(axis=0)
""", ("dW1", "exactly a factor 5 off", "missing 1/n")),
    Wrong(*_BP, """
def backward_pass(X, Y, W1, b1, W2, b2):
    a2 = np.maximum(0, X @ W1 + b1)
    delta3 = (backprop_lib.softmax(a2 @ W2 + b2) - Y) / len(X)
    delta2 = (delta3 @ W2.T) * a2                 # the activation instead of relu'(z2)
    return X.T @ delta2, delta2.sum(axis=0), a2.T @ delta3, delta3.sum(axis=0)
""", ("dW1", "the activation a2", "instead of the slope")),
    Wrong(*_BP, """
def backward_pass(X, Y, W1, b1, W2, b2):
    a2 = np.maximum(0, X @ W1 + b1)
    delta3 = (backprop_lib.softmax(a2 @ W2 + b2) - Y) / len(X)
    delta2 = delta3 @ W2.T                        # relu'(z2) left out
    return X.T @ delta2, delta2.sum(axis=0), a2.T @ delta3, delta3.sum(axis=0)
""", ("dW1", "lacks the factor relu'(z2)")),
    Wrong(*_BP, """
def backward_pass(X, Y, W1, b1, W2, b2):
    z2 = X @ W1 + b1
    a2 = np.maximum(0, z2)
    z3 = a2 @ W2 + b2
    delta3 = (z3 - Y) / len(X)                    # z3, not the softmax's output
    delta2 = (delta3 @ W2.T) * (z2 > 0)
    return X.T @ delta2, delta2.sum(axis=0), a2.T @ delta3, delta3.sum(axis=0)
""", ("dW1", "computed from z3", "A = softmax(z3)")),
    Wrong(*_BP, """
def backward_pass(X, Y, W1, b1, W2, b2):
    z2 = X @ W1 + b1
    a2 = np.maximum(0, z2)
    A = backprop_lib.softmax(a2 @ W2 + b2)
    delta3 = -Y / (len(X) * A)                    # dL/dA, the softmax forgotten
    delta2 = (delta3 @ W2.T) * (z2 > 0)
    return X.T @ delta2, delta2.sum(axis=0), a2.T @ delta3, delta3.sum(axis=0)
""", ("dW1", "dL/dA = -Y / (n A) alone")),
    Wrong(*_BP, """
def backward_pass(X, Y, W1, b1, W2, b2):
    z2 = X @ W1 + b1
    a2 = np.maximum(0, z2)
    delta3 = (backprop_lib.softmax(a2 @ W2 + b2) - Y) / len(X)
    delta2 = (delta3 @ W2.T) * (z2 > 0)
    return X.T @ delta2, delta2.sum(axis=0), z2.T @ delta3, delta3.sum(axis=0)  # z2
""", ("dW2", "multiplies by z2", "a2.T @ delta3")),
    Wrong(*_BP, """
def backward_pass(X, Y, W1, b1, W2, b2):
    z2 = X @ W1 + b1
    a2 = np.maximum(0, z2)
    delta3 = (backprop_lib.softmax(a2 @ W2 + b2) - Y) / len(X)
    delta2 = (delta3 @ W2.T) * (z2 > 0)
    return delta2.T @ X, delta2.sum(axis=0), a2.T @ delta3, delta3.sum(axis=0)  # (4, 6)
""", ("dW1", "transposed")),
    Wrong(*_BP, """
def backward_pass(X, Y, W1, b1, W2, b2):
    z2 = X @ W1 + b1
    a2 = np.maximum(0, z2)
    delta3 = (backprop_lib.softmax(a2 @ W2 + b2) - Y) / len(X)
    delta2 = (delta3 @ W2.T) * (z2 > 0)
    return X.T @ delta2, delta2.mean(axis=0), a2.T @ delta3, delta3.sum(axis=0)  # a mean
""", ("db1", "exactly a factor 1/5 off")),
    Wrong(*_BP, """
def backward_pass(X, Y, W1, b1, W2, b2):
    z2 = X @ W1 + b1
    a2 = np.maximum(0, z2)
    delta3 = (backprop_lib.softmax(a2 @ W2 + b2) - Y) / len(X)
    delta2 = (delta3 @ W2.T) * (z2 > 0)
    return X.T @ delta2, delta2.sum(axis=1), a2.T @ delta3, delta3.sum(axis=0)  # axis=1
""", ("db1", "one entry per sample", "wrong axis")),
    Wrong(*_BP, """
def backward_pass(X, Y, W1, b1, W2, b2):
    z2 = X @ W1 + b1
    a2 = np.maximum(0, z2)
    delta3 = (Y - backprop_lib.softmax(a2 @ W2 + b2)) / len(X)   # y - a
    delta2 = (delta3 @ W2.T) * (z2 > 0)
    return X.T @ delta2, delta2.sum(axis=0), a2.T @ delta3, delta3.sum(axis=0)
""", ("dW1", "the sign is flipped")),
    Wrong(*_L2, """
def l2_gradients(net, X, Y, lam):
    dW, _ = net.backward(X, Y)                    # the penalty's part forgotten
    return dW
""", ("dL_lam/dW1", "the penalty's gradient is missing")),
    Wrong(*_L2, """
def l2_gradients(net, X, Y, lam):
    return [lam * W_l for W_l in net.W]           # the penalty's part alone
""", ("dL_lam/dW1", "the penalty's gradient alone")),
    Wrong(*_L2, """
def l2_gradients(net, X, Y, lam):
    dW, _ = net.backward(X, Y)
    return [dW_l + lam / 2 * W_l for dW_l, W_l in zip(dW, net.W)]   # lam/2: the 2 forgotten
""", ("dL_lam/dW1", "half what it should be")),
    Wrong(*_L2, """
def l2_gradients(net, X, Y, lam):
    dW, _ = net.backward(X, Y)
    return [dW_l + 2 * lam * W_l for dW_l, W_l in zip(dW, net.W)]   # 2 lam
""", ("dL_lam/dW1", "twice what it should be")),
    Wrong(*_L2, """
def l2_gradients(net, X, Y, lam):
    dW, _ = net.backward(X, Y)
    return [dW_l - lam * W_l for dW_l, W_l in zip(dW, net.W)]       # minus
""", ("dL_lam/dW1", "the wrong sign")),
    Wrong(*_L2, """
def l2_gradients(net, X, Y, lam):
    dW, _ = net.backward(X, Y)
    return [dW_l + lam / len(X) * W_l for dW_l, W_l in zip(dW, net.W)]   # / n
""", ("dL_lam/dW1", "divided by the number of samples")),
    Wrong(*_L2, """
def l2_gradients(net, X, Y, lam):
    return net.backward(X, Y)                     # (dW, db) whole
""", ("dL_lam/dW1", "did you return something else's results whole")),
    Wrong(*_TOPK, """
def top_k_accuracy(P, y, k):
    from sklearn.metrics import top_k_accuracy_score
    return top_k_accuracy_score(y, P, k=k)           # the check's own referee
""", ("your function calls top_k_accuracy_score", "write it yourself")),
    Wrong(*_TOPK, """
def top_k_accuracy(P, y, k):
    top_k = np.argsort(P, axis=1)[:, :k]            # the k LEAST probable
    return np.mean(np.any(top_k == y[:, None], axis=1))
""", ("k = 1", "the k LEAST probable classes")),
    Wrong(*_TOPK, """
def top_k_accuracy(P, y, k):
    top_k = np.argsort(P, axis=1)[:, -k:]
    return np.sum(np.any(top_k == y[:, None], axis=1))   # a count
""", ("k = 1", "a count of the samples, not a share")),
    Wrong(*_TOPK, """
def top_k_accuracy(P, y, k):
    top_k = np.argsort(P, axis=1)[:, -k:]
    return np.mean(top_k == y[:, None])              # over all n × k comparisons
""", ("k = 2", "divided by k as well")),
    Wrong(*_TOPK, """
def top_k_accuracy(P, y, k):
    top_k = np.sort(P, axis=1)[:, -k:]              # probabilities, not classes
    return np.mean(np.any(top_k == y[:, None], axis=1))
""", ("k = 1", "np.sort gives the probabilities")),
    Wrong(*_TOPK, """
def top_k_accuracy(P, y, k):
    return np.mean(P.argmax(axis=1) == y)           # k never used
""", ("k = 2", "does not change with k")),
    Wrong(*_TOPK, """
def top_k_accuracy(P, y, k):
    top_k = np.argsort(P, axis=1)[:, -k - 1:]       # one too many
    return np.mean(np.any(top_k == y[:, None], axis=1))
""", ("k = 1", "top-(k + 1) accuracy")),
]
