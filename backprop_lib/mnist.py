"""PLACEHOLDER while the real loader is being written."""


class MNISTNotFoundError(FileNotFoundError):
    pass


def load_mnist(*args, **kwargs):
    raise NotImplementedError
