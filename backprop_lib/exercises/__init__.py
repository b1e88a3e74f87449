"""The self-checks of the notebooks' exercises, one module a notebook (nb01 ... nb09).

Each module holds, for each exercise of its notebook, a function
`check_<exercise>(fn, *data) -> bool` that computes the expected answer from a reference
kept here, names the mistakes a class makes most, and calls
`backprop_lib.selfcheck.check_exercise`. They live in the library, not in the notebook,
so that a notebook's check cell is one short call and a student copy holds neither a
reference answer nor the list of mistakes.
"""
