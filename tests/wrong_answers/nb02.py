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
