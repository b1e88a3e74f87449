"""Realistic wrong answers to notebook 04's exercises, each with the words its ❌ must say.

Every mistake that backprop_lib/exercises/nb04.py names has a row here, and so have the
ones selfcheck recognises by their pattern (a sign, a factor 1/n).
"""

from wrong_answers import Wrong

_STD = "04_iris", "standardise"
_DELTA = "04_iris", "softmax_mse_delta"

ROWS = [
    Wrong(*_STD, """
def standardise(X_train, X_test):
    mu, sd = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train + mu) / sd, (X_test + mu) / sd            # + instead of -
""", ("X_train_s", "the mean is added, not subtracted")),
    Wrong(*_STD, """
def standardise(X_train, X_test):
    mu, sd = X_train.mean(), X_train.std()                    # no axis=0
    return (X_train - mu) / sd, (X_test - mu) / sd
""", ("X_train_s", "one mean and one standard deviation for the whole array", "axis=0")),
    Wrong(*_STD, """
def standardise(X_train, X_test):
    mu, sd = X_train.mean(axis=1, keepdims=True), X_train.std(axis=1, keepdims=True)
    return (X_train - mu) / sd, (X_test - X_test.mean(axis=1, keepdims=True)) / X_test.std(
        axis=1, keepdims=True)                                # per flower, not per feature
""", ("X_train_s", "per flower (axis=1", "axis=0")),
    Wrong(*_STD, """
def standardise(X_train, X_test):
    X_all = np.vstack([X_train, X_test])          # all flowers' statistics: a leak
    mu, sd = X_all.mean(axis=0), X_all.std(axis=0)
    return (X_train - mu) / sd, (X_test - mu) / sd
""", ("X_train_s", "together", "from X_train only")),
    Wrong(*_STD, """
def standardise(X_train, X_test):
    mu, sd = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mu) / sd, (X_test - X_test.mean(axis=0)) / X_test.std(axis=0)  # own
""", ("X_test_s", "their own mean", "leak")),
    Wrong(*_STD, """
def standardise(X_train, X_test):
    mu = X_train.mean(axis=0)
    return (X_train - mu) / X_train.std(axis=0), (X_test - mu) / X_test.std(axis=0)
""", ("X_test_s", "the test set's standard deviation", "come from X_train")),
    Wrong(*_STD, """
def standardise(X_train, X_test):
    mu, sd = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)   # n - 1
    return (X_train - mu) / sd, (X_test - mu) / sd
""", ("X_train_s", "ddof=1", "divided by n")),
    Wrong(*_STD, """
def standardise(X_train, X_test):
    mu, sd = X_train.mean(axis=0), X_train.std(axis=0)
    return X_train - mu / sd, X_test - mu / sd                # precedence
""", ("X_train_s", "divides first", "(x - mu) / sd")),
    Wrong(*_STD, """
def standardise(X_train, X_test):
    mu, var = X_train.mean(axis=0), X_train.var(axis=0)
    return (X_train - mu) / var, (X_test - mu) / var          # the variance
""", ("X_train_s", "divided by the variance")),
    Wrong(*_STD, """
def standardise(X_train, X_test):
    mu = X_train.mean(axis=0)
    return X_train - mu, X_test - mu                          # centred only
""", ("X_train_s", "only centred")),
    Wrong(*_STD, """
def standardise(X_train, X_test):
    mu, sd = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_test - mu) / sd, (X_train - mu) / sd            # swapped
""", ("X_train_s", "wrong order", "return X_train_s, X_test_s")),
    Wrong(*_STD, """
def standardise(X_train, X_test):
    mu, sd = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mu) / sd + 0.5, (X_test - mu) / sd      # a slip of its own
""", ("X_train_s", "standard deviation 1 but other means", "col. mean")),
    Wrong(*_DELTA, """
def softmax_mse_delta(Z, Y):
    A = backprop_lib.softmax(Z)
    G = A - Y                                     # the 1/n of the mean is missing
    return A * (G - (G * A).sum(axis=1, keepdims=True))
""", ("exactly a factor 4 off", "missing 1/n")),
    Wrong(*_DELTA, """
def softmax_mse_delta(Z, Y):
    A = backprop_lib.softmax(Z)
    G = (Y - A) / len(Z)                          # y - a
    return A * (G - (G * A).sum(axis=1, keepdims=True))
""", ("the sign is flipped",)),
    Wrong(*_DELTA, """
def softmax_mse_delta(Z, Y):
    A = backprop_lib.softmax(Z)
    return (A - Y) / len(Z) * A * (1 - A)         # as if each a_i depended on z_i alone
""", ("element by element", "sum over i")),
    Wrong(*_DELTA, """
def softmax_mse_delta(Z, Y):
    A = backprop_lib.softmax(Z)
    return (A - Y) / len(Z)                       # dL/dA only
""", ("that is dL/dA", "nothing cancels")),
    Wrong(*_DELTA, """
def softmax_mse_delta(Z, Y):
    A = backprop_lib.softmax(Z)
    G = (A - Y) / Z.size                          # every entry, not the n samples
    return A * (G - (G * A).sum(axis=1, keepdims=True))
""", ("Z.size = n × classes", "instead of the n samples")),
    Wrong(*_DELTA, """
def softmax_mse_delta(Z, Y):
    A = backprop_lib.softmax(Z)
    G = (A - Y) / len(Z)
    return A * (G - (G * A).sum(axis=0, keepdims=True))   # over the samples
""", ("over the wrong axis", "axis=1, not over the samples (axis=0)")),
    Wrong(*_DELTA, """
def softmax_mse_delta(Z, Y):
    A = backprop_lib.softmax(Z)
    G = (A - Y) / len(Z)
    return A * G - (G * A).sum(axis=1, keepdims=True)     # a_j missing in the 2nd term
""", ("lacks its factor a_j",)),
]
