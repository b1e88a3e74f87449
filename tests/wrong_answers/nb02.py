"""Realistic wrong answers to notebook 02's exercises, each with the words its ❌ must say."""

from wrong_answers import Wrong

ROWS = [
    Wrong("02_exam_score_network", "scale_like_training", """
def scale_like_training(x_new, X_train):
    return x_new / x_new.max(axis=0)      # the new students' own maxima
""", ("own maxima", "TRAINING")),
    Wrong("02_exam_score_network", "scale_like_training", """
def scale_like_training(x_new, X_train):
    return x_new / np.amax(x_new)         # the tutorial's way: one number, the largest
""", ("as the tutorial does",)),
    Wrong("02_exam_score_network", "tanh_hidden_backward", """
def tanh_hidden_backward(X, y, W1, b1, W2, b2):
    a2 = np.tanh(X @ W1 + b1)
    z3 = a2 @ W2 + b2
    delta3 = (sigmoid(z3) - y) / len(X) * sigmoid_prime(z3)
    delta2 = (delta3 @ W2.T) * (1 - a2**2)
    dW1 = delta2.T @ X                    # transposed: (3, 2) instead of (2, 3)
    return delta3, a2.T @ delta3, delta3.sum(axis=0), delta2, dW1, delta2.sum(axis=0)
""", ("dW1", "transposed")),
    Wrong("02_exam_score_network", "tanh_hidden_backward", """
def tanh_hidden_backward(X, y, W1, b1, W2, b2):
    a2 = np.tanh(X @ W1 + b1)
    z3 = a2 @ W2 + b2
    delta3 = (sigmoid(z3) - y) * sigmoid_prime(z3)      # the 1/n of the mean is missing
    delta2 = (delta3 @ W2.T) * (1 - a2**2)
    return delta3, a2.T @ delta3, delta3.sum(axis=0), delta2, X.T @ delta2, delta2.sum(axis=0)
""", ("delta3", "exactly a factor 3 off", "missing 1/n")),
    Wrong("02_exam_score_network", "tanh_hidden_backward", """
def tanh_hidden_backward(X, y, W1, b1, W2, b2):
    z2 = X @ W1 + b1
    a2 = np.tanh(z2)
    z3 = a2 @ W2 + b2
    delta3 = (sigmoid(z3) - y) / len(X) * sigmoid_prime(z3)
    delta2 = (delta3 @ W2.T) * sigmoid_prime(z2)        # section 3's sigmoid slope, kept
    return delta3, a2.T @ delta3, delta3.sum(axis=0), delta2, X.T @ delta2, delta2.sum(axis=0)
""", ("delta2", "sigmoid's slope", "tanh units")),
    Wrong("02_exam_score_network", "tanh_hidden_backward", """
def tanh_hidden_backward(X, y, W1, b1, W2, b2):
    z2 = X @ W1 + b1
    z3 = np.tanh(z2) @ W2 + b2
    delta3 = (sigmoid(z3) - y) / len(X) * sigmoid_prime(z3)
    delta2 = (delta3 @ W2.T) * (1 - z2**2)              # the slope from z2, not a2
    return (delta3, np.tanh(z2).T @ delta3, delta3.sum(axis=0), delta2, X.T @ delta2,
            delta2.sum(axis=0))
""", ("delta2", "1 - z2**2", "needs the activation")),
    Wrong("02_exam_score_network", "scale_like_training", """
def scale_like_training(x_new, X_train):
    return x_new / x_max                  # the notebook's global, not the X_train argument
""", ("made-up training set", "ignores its X_train argument (it uses a global?)")),
    Wrong("02_exam_score_network", "first_stuck_rate", """
def first_stuck_rate(rates):
    return np.array([r for r in rates if is_stuck(predict(train(r)[0], X))])   # all of them
""", ("expected one rate, got an array of 14",)),
    Wrong("02_exam_score_network", "first_stuck_rate", """
def first_stuck_rate(rates):
    for r in rates:
        if is_stuck(predict(train(r)[0], X)):
            return f"{r}"                 # a string
""", ("a string '170', not a number",)),
    Wrong("02_exam_score_network", "tanh_hidden_backward", """
def tanh_hidden_backward(X, y, W1, b1, W2, b2):
    a2 = np.tanh(X @ W1 + b1)
    z3 = a2 @ W2 + b2
    delta3 = (sigmoid(z3) - y) / len(X) * sigmoid_prime(z3)
    delta2 = (delta3 @ W2.T) * (1 - a2**2)
    db1 = delta2.sum(axis=1)              # over the hidden units, not the samples
    return delta3, a2.T @ delta3, delta3.sum(axis=0), delta2, X.T @ delta2, db1
""", ("db1", "sums over the hidden units (axis=1)", "sums over the samples, axis=0")),
]

# rows added with the checks' move into backprop_lib/exercises/nb02.py
NB = "02_exam_score_network"
ROWS += [
    Wrong(NB, "hidden_delta", """
def hidden_delta(delta3_k, w2_j, z2_kj):
    a = sigmoid(z2_kj)
    return delta3_k * a * (1 - a)             # the weight left out
""", ("left out the weight w2_j",)),
    Wrong(NB, "hidden_delta", """
def hidden_delta(delta3_k, w2_j, z2_kj):
    return delta3_k * w2_j                    # the slope left out
""", ("you left out the slope", "a(1 − a)")),
    Wrong(NB, "hidden_delta", """
def hidden_delta(delta3_k, w2_j, z2_kj):
    return delta3_k * w2_j * z2_kj * (1 - z2_kj)   # z(1 - z)
""", ("your slope is z(1 − z)", "a = sigmoid(z2_kj)")),
    Wrong(NB, "hidden_delta", """
def hidden_delta(delta3_k, w2_j, z2_kj):
    a = sigmoid(z2_kj)
    return delta3_k * w2_j * sigmoid(a) * (1 - sigmoid(a))   # the sigmoid taken twice
""", ("the sigmoid taken twice",)),
    Wrong(NB, "hidden_delta", """
def hidden_delta(delta3_k, w2_j, z2_kj):
    return delta3_k * w2_j * sigmoid(z2_kj)   # the activation, not its slope
""", ("your slope is a, the activation itself",)),
    Wrong(NB, "hidden_delta", """
def hidden_delta(delta3_k, w2_j, z2_kj):
    a = sigmoid(z2_kj)
    return delta3_k * w2_j * a * (a - 1)      # a(a - 1)
""", ("the sign flipped", "is positive")),
    Wrong(NB, "first_stuck_rate", """
def first_stuck_rate(rates):
    for r in rates:
        if is_stuck(predict(train(r)[0], X)):
            r                                 # no return
""", ("got None", "`return` the rate")),
    Wrong(NB, "first_stuck_rate", """
def first_stuck_rate(rates):
    last_fine = None
    for r in rates:
        if is_stuck(predict(train(r)[0], X)):
            return last_fine                  # the last rate that still works
        last_fine = r
""", ("the last rate that is NOT stuck",)),
    Wrong(NB, "first_stuck_rate", """
def first_stuck_rate(rates):
    for k, r in enumerate(rates):
        if is_stuck(predict(train(r)[0], X)):
            return k                          # its index
""", ("an index? return the rate itself",)),
    Wrong(NB, "first_stuck_rate", """
def first_stuck_rate(rates):
    return max(r for r in rates if is_stuck(predict(train(r)[0], X)))   # the largest
""", ("so does a smaller rate of the list",)),
    Wrong(NB, "scale_like_training", """
def scale_like_training(x_new, X_train):
    return x_new / X_train.max()              # one maximum for both columns
""", ("one number for both columns", "X_train.max(axis=0)")),
    Wrong(NB, "scale_like_training", """
def scale_like_training(x_new, X_train):
    return x_new * X_train.max(axis=0)        # multiplied
""", ("you multiplied by the training maxima",)),
    Wrong(NB, "scale_like_training", """
def scale_like_training(x_new, X_train):
    low, high = X_train.min(axis=0), X_train.max(axis=0)
    return (x_new - low) / (high - low)       # min-max scaling
""", ("(x − min) / (max − min)", "x / max")),
    Wrong(NB, "tanh_hidden_backward", """
def tanh_hidden_backward(X, y, W1, b1, W2, b2):
    a2 = np.tanh(X @ W1 + b1)
    z3 = a2 @ W2 + b2
    delta3 = (sigmoid(z3) - y) / len(X) * sigmoid_prime(z3)
    delta2 = delta3 @ W2.T                    # the hidden slope left out
    return delta3, a2.T @ delta3, delta3.sum(axis=0), delta2, X.T @ delta2, delta2.sum(axis=0)
""", ("delta2", "delta2 has no slope")),
    Wrong(NB, "tanh_hidden_backward", """
def tanh_hidden_backward(X, y, W1, b1, W2, b2):
    a2 = np.tanh(X @ W1 + b1)
    yhat = sigmoid(a2 @ W2 + b2)
    delta3 = (yhat - y) / len(X) * (1 - yhat**2)        # tanh's slope at the output too
    delta2 = (delta3 @ W2.T) * (1 - a2**2)
    return delta3, a2.T @ delta3, delta3.sum(axis=0), delta2, X.T @ delta2, delta2.sum(axis=0)
""", ("delta3", "the output unit is still a sigmoid")),
]
