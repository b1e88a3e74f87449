"""Realistic wrong answers to notebook 04's exercises, each with the words its ❌ must say."""

from wrong_answers import Wrong

ROWS = [
    Wrong("04_iris", "standardise", """
def standardise(X_train, X_test):
    mu, sd = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mu) / sd, (X_test - X_test.mean(axis=0)) / X_test.std(axis=0)  # own
""", ("X_test_s", "their own mean", "leak")),
    Wrong("04_iris", "standardise", """
def standardise(X_train, X_test):
    X_all = np.vstack([X_train, X_test])          # all flowers' statistics: a leak
    mu, sd = X_all.mean(axis=0), X_all.std(axis=0)
    return (X_train - mu) / sd, (X_test - mu) / sd
""", ("X_train_s", "together", "from X_train only")),
    Wrong("04_iris", "softmax_mse_delta", """
def softmax_mse_delta(Z, Y):
    A = backprop_lib.softmax(Z)
    G = A - Y                                     # the 1/n of the mean is missing
    return A * (G - (G * A).sum(axis=1, keepdims=True))
""", ("exactly a factor 4 off", "missing 1/n")),
    Wrong("04_iris", "softmax_mse_delta", """
def softmax_mse_delta(Z, Y):
    A = backprop_lib.softmax(Z)
    return (A - Y) / len(Z) * A * (1 - A)         # as if each a_i depended on z_i alone
""", ("element by element", "sum over i")),
    Wrong("04_iris", "softmax_mse_delta", """
def softmax_mse_delta(Z, Y):
    A = backprop_lib.softmax(Z)
    G = (A - Y) / Z.size                          # every entry, not the n samples
    return A * (G - (G * A).sum(axis=1, keepdims=True))
""", ("Z.size = n × classes", "instead of the n samples")),
    Wrong("04_iris", "softmax_mse_delta", """
def softmax_mse_delta(Z, Y):
    A = backprop_lib.softmax(Z)
    G = (A - Y) / len(Z)
    return A * (G - (G * A).sum(axis=0, keepdims=True))   # over the samples
""", ("over the wrong axis", "axis=1, not over the samples (axis=0)")),
]
