"""Realistic wrong answers to notebook 09's exercises, each with the words its ❌ must say.

Every mistake that backprop_lib/exercises/nb09.py names has a row here.
"""

from wrong_answers import Wrong

_NB = "09_convolutions"
_POOL = _NB, "route_max_gradient"
_DW = _NB, "conv_dw_im2col"
_COL = _NB, "my_col2im"

_WINDOWS = """
    N, C, Ho, Wo = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    window = x[n, c, i * size:(i + 1) * size, j * size:(j + 1) * size]
"""


def _pool(body: str) -> str:
    return "def route_max_gradient(dout, x, size):" + _WINDOWS + body + "    return dx\n"


_DW_HEAD = """
def conv_dw_im2col(x, dout, HH, WW, stride, pad):
    N, F = dout.shape[:2]
    cols = im2col(x, HH, WW, stride, pad)
"""

_COL_HEAD = """
def my_col2im(cols, x_shape, HH, WW, stride, pad):
    N, C, H, W = x_shape
    Ho, Wo = (H + 2 * pad - HH) // stride + 1, (W + 2 * pad - WW) // stride + 1
    dxp = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
"""

ROWS = [
    # ---- exercise 1: max pooling's backward pass ----------------------------------------
    Wrong(*_POOL, _pool("""
                    mask = window == window.max()
                    dx[n, c, i * size:(i + 1) * size, j * size:(j + 1) * size] += \\
                        mask * dout[n, c, i, j]
"""), ("at a tie every maximum got the whole gradient",)),
    Wrong(*_POOL, _pool("""
                    mask = window == window.max()
                    dx[n, c, i * size:(i + 1) * size, j * size:(j + 1) * size] += \\
                        mask / mask.sum() * dout[n, c, i, j]
"""), ("split among the maxima",)),
    Wrong(*_POOL, _pool("""
                    k = window.size - 1 - np.argmax(window.ravel()[::-1])
                    p, q = divmod(k, size)
                    dx[n, c, i * size + p, j * size + q] += dout[n, c, i, j]
"""), ("went to the last maximum",)),
    Wrong(*_POOL, _pool("""
                    dx[n, c, i * size:(i + 1) * size, j * size:(j + 1) * size] += \\
                        dout[n, c, i, j]
"""), ("every entry of the window got the gradient",)),
    Wrong(*_POOL, _pool("""
                    dx[n, c, i * size:(i + 1) * size, j * size:(j + 1) * size] += \\
                        dout[n, c, i, j] / size ** 2
"""), ("spread evenly", "average pooling")),
    Wrong(*_POOL, _pool("""
                    p, q = np.unravel_index(np.argmin(window), window.shape)
                    dx[n, c, i * size + p, j * size + q] += dout[n, c, i, j]
"""), ("smallest entry",)),
    Wrong(*_POOL, _pool("""
                    q, p = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * size + p, j * size + q] += dout[n, c, i, j]
"""), ("row and column of the maximum are swapped",)),
    Wrong(*_POOL, _pool("""
                    p, q = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * size + p, j * size + q] = 1
"""), ("multiply by dout",)),
    Wrong(*_POOL, _pool("""
                    p, q = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i + p, j + q] += dout[n, c, i, j]
"""), ("added to the window's index", "i·size + p")),
    Wrong(*_POOL, _pool("""
                    p, q = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * size + p, j * size + q] += dout[n, c, i, j] * window[p, q]
"""), ("multiplied by the maximum's value",)),
    Wrong(*_POOL, _pool("""
                    q, p = np.unravel_index(np.argmax(window.T), window.shape)
                    dx[n, c, i * size + p, j * size + q] += dout[n, c, i, j]
"""), ("column by column",)),
    Wrong(*_POOL, _pool("""
                    p, q = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * size + p, j * size + q] += dout[n, c, j, i]
"""), ("dout's rows and columns are swapped",)),
    Wrong(*_POOL, """
def route_max_gradient(dout, x, size):
    return -maxpool_backward(dout, maxpool_forward(x, size)[1])
""", ("calls maxpool_backward",)),

    # ---- exercise 2: dW and db through im2col -------------------------------------------
    Wrong(*_DW, _DW_HEAD + """
    delta = dout.transpose(0, 2, 3, 1).reshape(-1, F)
    return (cols.T @ delta).reshape(F, x.shape[1], HH, WW), delta.sum(axis=0)
""", ("dw", "without a transpose")),
    Wrong(*_DW, _DW_HEAD + """
    delta = dout.reshape(-1, F)
    return (cols.T @ delta).T.reshape(F, x.shape[1], HH, WW), delta.sum(axis=0)
""", ("dw", "dout.reshape(-1, F)")),
    Wrong(*_DW, _DW_HEAD + """
    delta = dout.transpose(0, 3, 2, 1).reshape(-1, F)
    return (cols.T @ delta).T.reshape(F, x.shape[1], HH, WW), delta.sum(axis=0)
""", ("dw", "column by column")),
    Wrong(*_DW, _DW_HEAD + """
    delta = dout.transpose(0, 2, 3, 1).reshape(-1, F)
    dw = (cols.T @ delta).T.reshape(F, x.shape[1], HH, WW)
    return dw[:, :, ::-1, ::-1], delta.sum(axis=0)
""", ("dw", "flipped")),
    Wrong(*_DW, _DW_HEAD + """
    delta = dout.transpose(0, 2, 3, 1).reshape(-1, F)
    return (cols.T @ delta).T.reshape(F, x.shape[1], HH, WW) / N, delta.sum(axis=0) / N
""", ("dw", "divided by N")),
    Wrong(*_DW, _DW_HEAD + """
    delta = dout.transpose(0, 2, 3, 1).reshape(-1, F)
    return (cols.T @ delta).T.reshape(F, x.shape[1], HH, WW), dout.mean(axis=(2, 3)).sum(0)
""", ("db", "averaged over the")),
    Wrong(*_DW, _DW_HEAD + """
    delta = dout.transpose(0, 2, 3, 1).reshape(-1, F)
    return (cols.T @ delta).T.reshape(F, x.shape[1], HH, WW), dout.sum(axis=0)
""", ("db", "sums over the images only")),
    Wrong(*_DW, _DW_HEAD + """
    delta = dout.transpose(0, 2, 3, 1).reshape(-1, F)
    return (cols.T @ delta).T.reshape(F, x.shape[1], HH, WW), dout.sum(axis=(1, 2, 3))
""", ("db", "one number per image")),
    Wrong(*_DW, _DW_HEAD + """
    delta = dout.transpose(0, 2, 3, 1).reshape(F, -1).T
    return (cols.T @ delta).T.reshape(F, x.shape[1], HH, WW), delta.sum(axis=0)
""", ("dw", "reshape(F, -1).T")),
    Wrong(*_DW, _DW_HEAD + """
    delta = dout.transpose(0, 2, 3, 1).reshape(-1, F)
    dw = (cols.T @ delta).T.reshape(F, x.shape[1], HH, WW)
    return dw.transpose(0, 1, 3, 2), delta.sum(axis=0)
""", ("dw", "kernel is transposed")),
    Wrong(*_DW, _DW_HEAD + """
    delta = dout.transpose(0, 2, 3, 1).reshape(-1, F)
    dw = (cols.T @ delta).T.reshape(F, HH, WW, x.shape[1]).transpose(0, 3, 1, 2)
    return dw, delta.sum(axis=0)
""", ("dw", "(p, q, c)")),
    Wrong(*_DW, _DW_HEAD + """
    delta = dout.transpose(0, 2, 3, 1).reshape(-1, F)
    return (cols.T @ delta).T.reshape(F, x.shape[1], HH, WW) / len(cols), delta.mean(axis=0)
""", ("dw", "divided by N·Ho·Wo")),
    Wrong(*_DW, """
def conv_dw_im2col(x, dout, HH, WW, stride, pad):
    F = dout.shape[1]
    cols = im2col(x, HH, WW)
    delta = dout.transpose(0, 2, 3, 1).reshape(-1, F)
    return (cols.T @ delta).T.reshape(F, x.shape[1], HH, WW), delta.sum(axis=0)
""", ("dw", "without stride and pad")),
    Wrong(*_DW, """
def conv_dw_im2col(x, dout, HH, WW, stride, pad):
    w = np.zeros((dout.shape[1], x.shape[1], HH, WW))
    _, cache = conv2d_forward(x, w, np.zeros(dout.shape[1]), stride, pad)
    return conv2d_backward(dout, cache)[1:]
""", ("calls conv2d_backward",)),

    # ---- exercise 3: col2im -------------------------------------------------------------
    Wrong(*_COL, _COL_HEAD + """
                patch = cols[n * Ho * Wo + i * Wo + j].reshape(C, HH, WW)
                dxp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW] = patch
    return dxp[:, :, pad:pad + H, pad:pad + W]
""", ("overwrite each other",)),
    Wrong(*_COL, _COL_HEAD + """
                patch = cols[n * Ho * Wo + i * Wo + j].reshape(C, HH, WW)
                dxp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += patch
    ones = np.zeros_like(dxp)
    for i in range(Ho):
        for j in range(Wo):
            ones[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += 1
    return (dxp / np.maximum(ones, 1))[:, :, pad:pad + H, pad:pad + W]
""", ("averaged",)),
    Wrong(*_COL, _COL_HEAD + """
                patch = cols[n * Ho * Wo + i * Wo + j].reshape(C, HH, WW)
                dxp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += patch
    return dxp
""", ("padding is not cropped",)),
    Wrong(*_COL, _COL_HEAD + """
                patch = cols[n * Ho * Wo + i * Wo + j].reshape(C, HH, WW)
                dxp[n, :, i:i + HH, j:j + WW] += patch
    return dxp[:, :, pad:pad + H, pad:pad + W]
""", ("stride is ignored",)),
    Wrong(*_COL, _COL_HEAD + """
                patch = cols[n * Ho * Wo + i * Wo + j].reshape(HH, WW, C).transpose(2, 0, 1)
                dxp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += patch
    return dxp[:, :, pad:pad + H, pad:pad + W]
""", ("(row, column, channel)",)),
    Wrong(*_COL, _COL_HEAD + """
                patch = cols[n * Ho * Wo + i * Wo + j].reshape(C, HH, WW)[:, ::-1, ::-1]
                dxp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += patch
    return dxp[:, :, pad:pad + H, pad:pad + W]
""", ("kernel is flipped",)),
    Wrong(*_COL, _COL_HEAD + """
                patch = cols[n * Ho * Wo + j * Ho + i].reshape(C, HH, WW)
                dxp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += patch
    return dxp[:, :, pad:pad + H, pad:pad + W]
""", ("column by column",)),
    Wrong(*_COL, _COL_HEAD + """
                patch = cols[i * Wo + j].reshape(C, HH, WW)
                dxp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += patch
    return dxp[:, :, pad:pad + H, pad:pad + W]
""", ("first image's rows",)),
    Wrong(*_COL, _COL_HEAD + """
                patch = cols[(i * Wo + j) * N + n].reshape(C, HH, WW)
                dxp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += patch
    return dxp[:, :, pad:pad + H, pad:pad + W]
""", ("image index last",)),
    Wrong(*_COL, """
def my_col2im(cols, x_shape, HH, WW, stride, pad):
    N, C, H, W = x_shape
    Ho, Wo = (H + 2 * pad - HH) // stride, (W + 2 * pad - WW) // stride
    dxp = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                patch = cols[n * Ho * Wo + i * Wo + j].reshape(C, HH, WW)
                dxp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += patch
    return dxp[:, :, pad:pad + H, pad:pad + W]
""", ("output size is one short", "+ 1")),
    Wrong(*_COL, _COL_HEAD + """
                patch = cols[n * Ho * Wo + i * Wo + j].reshape(C, HH, WW)
                dxp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += patch
    return dxp[:, :, :H, :W]
""", ("cropped from one side only",)),
    Wrong(*_COL, """
def my_col2im(cols, x_shape, HH, WW, stride, pad):
    return col2im(cols, x_shape, HH, WW, stride, pad)
""", ("calls col2im",)),
]
