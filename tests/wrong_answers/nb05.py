"""Realistic wrong answers to notebook 05's exercises, each with the words its ❌ must say."""

from wrong_answers import Wrong

ROWS = [
    Wrong("05_mnist", "backward_pass", """
def backward_pass(X, Y, W1, b1, W2, b2):
    z2 = X @ W1 + b1
    a2 = np.maximum(0, z2)
    delta3 = backprop_lib.softmax(a2 @ W2 + b2) - Y   # the 1/n of the mean is missing
    delta2 = (delta3 @ W2.T) * (z2 > 0)
    return X.T @ delta2, delta2.sum(axis=0), a2.T @ delta3, delta3.sum(axis=0)
""", ("dW1", "exactly a factor 5 off", "missing 1/n")),
    Wrong("05_mnist", "backward_pass", """
def backward_pass(X, Y, W1, b1, W2, b2):
    a2 = np.maximum(0, X @ W1 + b1)
    delta3 = (backprop_lib.softmax(a2 @ W2 + b2) - Y) / len(X)
    delta2 = (delta3 @ W2.T) * a2                 # the activation instead of relu'(z2)
    return X.T @ delta2, delta2.sum(axis=0), a2.T @ delta3, delta3.sum(axis=0)
""", ("dW1", "the activation a2", "instead of the slope")),
    Wrong("05_mnist", "backward_pass", """
def backward_pass(X, Y, W1, b1, W2, b2):
    a2 = np.maximum(0, X @ W1 + b1)
    delta3 = (backprop_lib.softmax(a2 @ W2 + b2) - Y) / len(X)
    delta2 = delta3 @ W2.T                        # relu'(z2) left out
    return X.T @ delta2, delta2.sum(axis=0), a2.T @ delta3, delta3.sum(axis=0)
""", ("dW1", "lacks the factor relu'(z2)")),
    Wrong("05_mnist", "backward_pass", """
def backward_pass(X, Y, W1, b1, W2, b2):
    z2 = X @ W1 + b1
    a2 = np.maximum(0, z2)
    delta3 = (backprop_lib.softmax(a2 @ W2 + b2) - Y) / len(X)
    delta2 = (delta3 @ W2.T) * (z2 > 0)
    return delta2.T @ X, delta2.sum(axis=0), a2.T @ delta3, delta3.sum(axis=0)  # (4, 6)
""", ("dW1", "transposed")),
    Wrong("05_mnist", "backward_pass", """
def backward_pass(X, Y, W1, b1, W2, b2):
    z2 = X @ W1 + b1
    a2 = np.maximum(0, z2)
    delta3 = (backprop_lib.softmax(a2 @ W2 + b2) - Y) / len(X)
    delta2 = (delta3 @ W2.T) * (z2 > 0)
    return X.T @ delta2, delta2.mean(axis=0), a2.T @ delta3, delta3.sum(axis=0)  # a mean
""", ("db1", "exactly a factor 1/5 off")),
    Wrong("05_mnist", "l2_gradients", """
def l2_gradients(net, X, Y, lam):
    dW, _ = net.backward(X, Y)                    # the penalty's part forgotten
    return dW
""", ("dL_lam/dW1", "the penalty's gradient is missing")),
    Wrong("05_mnist", "l2_gradients", """
def l2_gradients(net, X, Y, lam):
    dW, _ = net.backward(X, Y)
    return [dW_l + lam / 2 * W_l for dW_l, W_l in zip(dW, net.W)]   # lam/2: the 2 forgotten
""", ("dL_lam/dW1", "half what it should be")),
    Wrong("05_mnist", "top_k_accuracy", """
def top_k_accuracy(P, y, k):
    from sklearn.metrics import top_k_accuracy_score
    return top_k_accuracy_score(y, P, k=k)           # the check's own referee
""", ("your function calls top_k_accuracy_score", "write it yourself")),
    Wrong("05_mnist", "top_k_accuracy", """
def top_k_accuracy(P, y, k):
    top_k = np.argsort(P, axis=1)[:, :k]            # the k LEAST probable
    return np.mean(np.any(top_k == y[:, None], axis=1))
""", ("k = 1", "the k LEAST probable classes")),
]
