"""The exercises' self-checks: the right verdict, a mistake named, a setup error refused."""

from __future__ import annotations

import re

import numpy as np
import pytest

from backprop_lib import check, check_exercise
from backprop_lib.selfcheck import passed

E = np.array([[0.5, -1.25, 2.0], [1.5, 0.75, -3.0]])  # (2, 3): not square, no zeros
SQUARE = np.array([[1.0, 2.0], [3.0, 5.0]])          # square, not symmetric


def said(capsys) -> str:
    """What the last check printed, with line wraps undone."""
    return " ".join(capsys.readouterr().out.split())


def run(capsys, *args, **kwargs) -> str:
    check_exercise(*args, **kwargs)
    return said(capsys)


def returning(value):
    return lambda *args: value


# --- the three plain verdicts --------------------------------------------------------

def test_right_answer_is_correct(capsys):
    assert run(capsys, "ex", returning(E.copy()), (), E) == "✅ ex: correct"
    assert passed()


def test_not_attempted(capsys):
    def exercise(x):
        raise NotImplementedError

    out = run(capsys, "ex", exercise, (1,), E)
    assert out.startswith("⏳ ex: not attempted yet") and not passed()


def test_none_asks_for_return(capsys):
    assert "return" in run(capsys, "ex", returning(None), (), E) and not passed()


# --- recognised relations --------------------------------------------------------------

def test_sign_flip(capsys):
    out = run(capsys, "ex", returning(-E), (), E)
    assert out.startswith("❌ ex: the sign is flipped") and not passed()


@pytest.mark.parametrize("factor, words", [
    (2, "exactly a factor 2 off"), (3, "exactly a factor 3 off"),
    (4, "exactly a factor 4 off"), (100, "exactly a factor 100 off"),
    (0.5, "exactly a factor 1/2 off"), (1 / 3, "exactly a factor 1/3 off"),
    (0.25, "exactly a factor 1/4 off"), (0.01, "exactly a factor 1/100 off"),
])
def test_simple_factor_named(capsys, factor, words):
    out = run(capsys, "ex", returning(factor * E), (), E)
    assert words in out and "1/n" in out and not passed()


def test_factor_and_sign(capsys):
    out = run(capsys, "ex", returning(-4 * E), (), E)
    assert "sign is flipped" in out and "exactly a factor 4 off" in out and "−4 ×" in out


def test_a_factor_is_a_1_over_n_only_when_it_is_the_number_of_samples(capsys):
    # without n_samples the message asks; with it, it says which
    out = run(capsys, "ex", returning(4 * E), (), E)
    assert "if there are 4 samples, a missing 1/n" in out
    assert "if not, a constant factor left out" in out
    out = run(capsys, "ex", returning(4 * E), (), E, n_samples=4)
    assert "a missing 1/n" in out and "n = 4 samples" in out and "if not" not in out
    out = run(capsys, "ex", returning(E / 3), (), E, n_samples=4)
    assert "not a 1/n (there are 4 samples, not 3)" in out and "once too often somewhere" in out
    out = run(capsys, "ex", returning(E / 4), (), E, n_samples=1)
    assert "not a 1/n (there is 1 sample, not 4)" in out and "derivative" in out


@pytest.mark.parametrize("bad", [0, -2, 2.0, "4", True])
def test_n_samples_must_be_a_count(bad):
    with pytest.raises(TypeError, match="n_samples must be the number of samples"):
        check_exercise("ex", returning(E), (), E, n_samples=bad)


def test_a_single_number_where_an_array_is_expected(capsys):
    out = run(capsys, "ex", returning(float(E.sum())), (), E[0])
    assert "got a single number" in out and "sum(axis=0)" in out and "shape ()" not in out


def test_an_error_inside_a_called_function_names_the_learners_line(capsys):
    def predict(params, X):
        W1, b1 = params
        return X @ W1 + b1

    def exercise(params):
        return predict((params,), E)   # the learner forgot to unpack

    out = run(capsys, "ex", exercise, (E,), E)
    assert "in your line `return predict((params,), E)" in out
    assert "inside predict: `W1, b1 = params`" in out


def test_missing_half_named_for_two(capsys):
    assert "missing ½" in run(capsys, "ex", returning(2 * E), (), E)


def test_no_factor_for_unrelated_numbers(capsys):
    out = run(capsys, "ex", returning(E + 0.1), (), E)
    assert "factor" not in out and "sign" not in out and "transposed" not in out
    assert "expected" in out and "got" in out


def test_no_factor_when_only_nearly_proportional(capsys):
    wrong = 2 * E
    wrong[0, 0] += 0.01
    assert "factor" not in run(capsys, "ex", returning(wrong), (), E)


def test_single_number_factor_only_small(capsys):
    assert "exactly a factor 2 off" in run(capsys, "ex", returning(1.5), (), 0.75)
    out = run(capsys, "ex", returning(5.25), (), 0.75)  # 7 times: a coincidence for a number
    assert "factor" not in out and "expected 0.75, got 5.25" in out


def test_transposed_wrong_shape(capsys):
    out = run(capsys, "ex", returning(E.T), (), E)
    assert out.startswith("❌ ex: transposed") and "(3, 2)" in out
    assert "Traceback" not in out


def test_transposed_square(capsys):
    assert run(capsys, "ex", returning(SQUARE.T), (), SQUARE).startswith("❌ ex: transposed")


def test_symmetric_square_is_just_right(capsys):
    sym = SQUARE + SQUARE.T
    assert "✅" in run(capsys, "ex", returning(sym.T), (), sym)


def test_transposed_and_factor(capsys):
    out = run(capsys, "ex", returning(3 * E.T), (), E)
    assert "transposed" in out and "exactly a factor 3 off" in out


def test_transposed_shape_but_other_numbers(capsys):
    out = run(capsys, "ex", returning(E.T + 1), (), E)
    assert "shape of its transpose" in out and "transposed:" not in out


def test_flat_array_right_numbers(capsys):
    out = run(capsys, "ex", returning(E.ravel()), (), E)
    assert "expected shape (2, 3), got shape (6,): the right numbers, in the wrong shape" in out


def test_broadcast_square(capsys):
    column = np.array([[1.0], [2.0], [3.0]])
    out = run(capsys, "ex", returning(column - column.ravel()), (), column)
    assert "broadcasts to (n, n)" in out


def test_nan_named(capsys):
    assert "NaN" in run(capsys, "ex", returning(E * np.nan), (), E)


@pytest.mark.parametrize("got", ["abc", [1, [2, 3]], {"a": 1}, 1 + 2j, [1.0, "x"]])
def test_not_numbers(capsys, got):
    out = run(capsys, "ex", returning(got), (), 1.0)
    assert out.startswith("❌ ex:") and not passed()


# --- float32 only when float32 is involved ---------------------------------------------

def test_close_float64_has_no_float32_hint(capsys):
    out = run(capsys, "ex", returning(E * (1 + 2e-5)), (), E)
    assert out.startswith("❌") and "float32" not in out


def test_close_float32_gets_the_hint(capsys):
    out = run(capsys, "ex", returning((E * (1 + 2e-5)).astype(np.float32)), (), E)
    assert "float32 rounding" in out


# --- known mistakes --------------------------------------------------------------------

def test_known_mistake_named(capsys):
    wrong = E + 0.3
    out = run(capsys, "ex", returning(wrong), (), E,
              mistakes={"σ′ applied to the activation a instead of z": wrong})
    assert out == "❌ ex: σ′ applied to the activation a instead of z"


def test_known_mistake_takes_priority_over_a_relation(capsys):
    out = run(capsys, "ex", returning(-E), (), E, mistakes={"y − a instead of a − y": -E})
    assert out == "❌ ex: y − a instead of a − y"


def test_unmatched_mistake_falls_back(capsys):
    out = run(capsys, "ex", returning(-E), (), E, mistakes={"something else": E + 1})
    assert "sign is flipped" in out and "something else" not in out


def test_known_mistake_in_parts(capsys):
    out = run(capsys, "ex", returning((E, 2 * E)), (), [E, E], parts=["dW", "db"],
              mistakes={"the test set leaked into the mean": [None, 2 * E]})
    assert out == "❌ ex, db: the test set leaked into the mean"


def test_check_knows_mistakes_too(capsys):
    check("plain", E + 1, E, mistakes={"one too many": E + 1})
    assert said(capsys) == "❌ plain: one too many"


# --- parts -----------------------------------------------------------------------------

def test_parts_each_recognised(capsys):
    out = run(capsys, "ex", returning((E, E.T)), (), [E, E], parts=["dW1", "dW2"])
    assert out.startswith("❌ ex, dW2: transposed")


def test_parts_names_the_other_wrong_parts_too(capsys):
    out = run(capsys, "ex", returning((E, -E, E, 2 * E)), (), [E, E, E, E],
              parts=["dW1", "db1", "dW2", "db2"])
    assert out.startswith("❌ ex, db1: the sign is flipped") and "(also wrong: db2)" in out


def test_parts_in_the_wrong_order_are_named(capsys):
    out = run(capsys, "ex", returning((2 * E, E)), (), [E, 2 * E], parts=["dW1", "db1"])
    assert out.startswith("❌ ex, dW1: this is what db1 should be")
    assert "`return dW1, db1`" in out


def test_parts_right(capsys):
    assert run(capsys, "ex", returning([E, 2 * E]), (), (E, 2 * E), parts=2) == "✅ ex: correct"


def test_parts_wrong_count_of_results(capsys):
    out = run(capsys, "ex", returning((E,)), (), [E, E], parts=["dW", "db"])
    assert "expected 2 results (dW, db)" in out


def test_parts_more_than_expected_refused():
    with pytest.raises(ValueError, match="parts= names 3 results but expected holds 2"):
        check_exercise("ex", returning((E, E, E)), (), [E, E], parts=3)


def test_parts_expected_not_a_list_refused():
    with pytest.raises(ValueError, match="one expected result per part"):
        check_exercise("ex", returning((E, E)), (), E, parts=["a", "b"])


def test_parts_mistake_of_wrong_length_refused():
    with pytest.raises(ValueError, match="one entry per part"):
        check_exercise("ex", returning((E, E)), (), [E, E], parts=2, mistakes={"x": [E]})


# --- judge -----------------------------------------------------------------------------

def test_judge_none_and_true_are_right(capsys):
    assert run(capsys, "ex", returning(3), (), judge=lambda r: None) == "✅ ex: correct"
    assert run(capsys, "ex", returning(3), (), judge=lambda r: True) == "✅ ex: correct"
    assert run(capsys, "ex", returning(3), (), judge=lambda r: np.bool_(True)) == "✅ ex: correct"


def test_judge_message_and_false_are_wrong(capsys):
    assert run(capsys, "ex", returning(3), (), judge=lambda r: "too big") == "❌ ex: too big"
    assert run(capsys, "ex", returning(3), (), judge=lambda r: False).startswith("❌ ex: not right")


def test_judge_returning_a_number_refused():
    with pytest.raises(TypeError, match="judge must return None or True"):
        check_exercise("ex", returning(3), (), judge=lambda r: 1.0)


def test_judge_that_fails_on_the_result(capsys):
    out = run(capsys, "ex", returning("x"), (), judge=lambda r: r + 1)
    assert out.startswith("❌ ex: your result (str 'x') could not be checked: TypeError")
    assert "r + 1" not in out  # the judge's own line is not the learner's: not quoted
    assert "the kind of result" in out


def test_judge_with_parts_refused():
    with pytest.raises(ValueError, match="judge="):
        check_exercise("ex", returning(3), (), judge=lambda r: None, parts=2)


# --- setup errors are refused, never judged --------------------------------------------

@pytest.mark.parametrize("args", [np.array([1.0, 2.0]), [1.0, 2.0], 1.0, "x"])
def test_args_not_a_tuple_refused(args):
    with pytest.raises(TypeError, match="args as a tuple"):
        check_exercise("ex", lambda x: x, args, 1.0)


def test_one_array_argument_in_a_tuple_works(capsys):
    x = np.array([1.0, 2.0])
    assert run(capsys, "ex", lambda v: 2 * v, (x,), 2 * x) == "✅ ex: correct"


def test_expected_none_without_judge_refused():
    with pytest.raises(ValueError, match="expected= .* or judge="):
        check_exercise("ex", returning(1), ())


@pytest.mark.parametrize("expected", [[E, np.ones(2)], "abc", np.array([1.0, np.nan])])
def test_expected_that_is_not_numbers_refused(expected):
    with pytest.raises(ValueError, match="expected"):
        check_exercise("ex", returning(1.0), (), expected)


def test_check_expected_none_refused():
    with pytest.raises(ValueError, match="expected"):
        check("plain", 1.0, None)


@pytest.mark.parametrize("fn", [3, None, np.ones(2), "tanh"])
def test_non_callable_refused(fn):
    with pytest.raises(TypeError, match="the exercise function itself"):
        check_exercise("ex", fn, (), 1.0)


def test_unknown_keyword_refused():
    with pytest.raises(TypeError, match="unknown keyword"):
        check_exercise("ex", returning(1.0), (), 1.0, rtoll=1e-3)


@pytest.mark.parametrize("rtol", [-1.0, float("nan"), "1e-6"])
def test_bad_tolerance_refused(rtol):
    with pytest.raises(ValueError, match="rtol"):
        check_exercise("ex", returning(1.0), (), 1.0, rtol=rtol)


def test_setup_error_refused_before_the_function_runs():
    calls = []
    with pytest.raises(ValueError):
        check_exercise("ex", lambda: calls.append(1), (), None)
    assert calls == []


# --- the learner's own exception -------------------------------------------------------

def test_learners_exception_is_a_verdict(capsys):
    def exercise(x):
        return x @ np.ones((5, 2))

    out = run(capsys, "ex", exercise, (E,), E)
    assert out.startswith("❌ ex: your function raised ValueError: matmul")
    assert "x @ np.ones((5, 2))" in out and "shapes" in out and "Traceback" not in out
    assert not passed()


def test_learners_other_exception(capsys):
    out = run(capsys, "ex", lambda x: x["w"], (E,), E)
    assert "your function raised IndexError" in out


def test_not_implemented_deeper_still_means_not_attempted(capsys):
    def other():
        raise NotImplementedError

    assert run(capsys, "ex", lambda: other(), (), 1.0).startswith("⏳")


def test_keyboard_interrupt_is_not_swallowed():
    def exercise():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check_exercise("ex", exercise, (), 1.0)


# --- in place, printing ----------------------------------------------------------------

def test_changed_in_place_warned(capsys):
    def exercise(x):
        x /= 2
        return x

    x = E.copy()
    out = run(capsys, "ex", exercise, (x,), E / 2)
    assert "✅" in out and "changed argument 1" in out
    assert np.array_equal(x, E)  # the learner's function got a copy


def test_every_printed_line_fits_a_projector(capsys):
    long_name = "a rather long exercise name, as notebooks write them"
    for got in [-E, 4 * E, E.T, E + 0.1, np.ones((50, 50)), "x" * 200]:
        check_exercise(long_name, returning(got), (), E)
    check_exercise(long_name, lambda: 1 / 0, (), E)
    check_exercise(long_name, returning(E), (), E + 1, mistakes={"word " * 40: E})
    for line in capsys.readouterr().out.splitlines():
        assert len(line) <= 80, line


def test_no_runtime_warning_on_strange_results(capsys):
    # pytest turns RuntimeWarning (ComplexWarning is one) into an error
    for got in [np.array([1e308, -np.inf]), np.array([1 + 1j, 2]), np.array([np.inf, 1.0])]:
        check_exercise("ex", returning(got), (), np.array([1.0, 2.0]))
    assert re.findall("❌", capsys.readouterr().out) == ["❌"] * 3


# --- forbidden: the check's own referee ----------------------------------------------

def referee(x):
    return 2 * x


def test_an_answer_that_calls_the_referee_is_refused(capsys):
    def direct(x):
        return referee(x)

    def nested(x):
        def inner(y):
            return referee(y)
        return inner(x)

    def imported(x):
        from tests.test_selfcheck import referee as r
        return r(x)

    alias = referee

    def renamed(x):
        return alias(x)

    def wrapper(fn):  # a check that calls the learner's function for several inputs
        return lambda x: [fn(x), fn(2 * x)]

    for answer in (direct, nested, imported, renamed):
        out = run(capsys, "ex", answer, (E,), 2 * E, forbidden=(referee,))
        assert out.startswith("❌ ex: your function calls referee"), (answer, out)
        assert not passed()
    out = run(capsys, "ex", wrapper(direct), (E,), judge=lambda r: None, forbidden=(referee,))
    assert out.startswith("❌ ex: your function calls referee") and not passed()


def test_an_answer_of_its_own_passes_with_forbidden(capsys):
    def own(x):
        return x + x

    assert run(capsys, "ex", own, (E,), 2 * E, forbidden=(referee,)) == "✅ ex: correct"


@pytest.mark.parametrize("bad", [referee, "referee", (referee, 3)])
def test_forbidden_must_be_a_list_of_functions(bad):
    with pytest.raises(TypeError, match="forbidden must be a list or tuple of functions"):
        check_exercise("ex", returning(E), (), E, forbidden=bad)


# --- an array mismatch: an aligned comparison, and the pattern named (issue 22) --------

RNG = np.random.default_rng(0)
X8 = RNG.normal(5.0, 2.0, size=(8, 4))            # 8 "training flowers", 4 features
STANDARD = (X8 - X8.mean(axis=0)) / X8.std(axis=0)  # columns: mean 0, std 1


def printed_lines(capsys, *args, **kwargs) -> list[str]:
    check_exercise(*args, **kwargs)
    return capsys.readouterr().out.splitlines()


def test_a_2d_mismatch_is_an_aligned_comparison_not_a_dump(capsys):
    lines = printed_lines(capsys, "ex", returning(STANDARD + RNG.normal(size=(8, 4))), (),
                          STANDARD)
    out = "\n".join(lines)
    assert "[[" not in out and "..." not in out                  # no numpy dump
    pairs = [(a, b) for a, b in zip(lines, lines[1:])
             if "expected" in a and b.strip().startswith("got")]
    assert 2 <= len(pairs) <= 5                                  # a few rows, not 8
    for expected_line, got_line in pairs:                        # the numbers line up
        ends = [[m.end() for m in re.finditer(r"\S+", line)][-4:]
                for line in (expected_line, got_line)]
        assert ends[0] == ends[1], (expected_line, got_line)
    assert "col. mean" in out and re.search(r"largest difference \S+ at \[\d, \d\]", out)
    assert all(len(line) <= 78 for line in lines)


def test_at_most_three_rows_of_a_small_array_and_no_minus_zero(capsys):
    out = "\n".join(printed_lines(capsys, "ex", returning(E + [[0, 0, 1], [0, 2, 0]]), (), E))
    assert "row 0" in out and "row 1" in out and "row 2" not in out
    check_exercise("ex", returning(STANDARD[:, ::-1] * 2), (), STANDARD)
    assert "e-17" not in capsys.readouterr().out                 # means print as 0


def test_wide_arrays_are_cut_with_an_ellipsis_within_the_width(capsys):
    wide = np.arange(60.0).reshape(3, 20)
    lines = printed_lines(capsys, "ex", returning(wide + RNG.normal(size=(3, 20))), (), wide)
    assert any(line.endswith(" …") for line in lines)
    assert all(len(line) <= 78 for line in lines)


def test_standardise_sign_error_is_named(capsys):
    mu, sd = X8.mean(axis=0), X8.std(axis=0)
    out = run(capsys, "ex", returning((X8 + mu) / sd), (), STANDARD)
    assert "standard deviation 1 but other means" in out and "added instead of subtracted" in out
    assert "col. mean" in out and "col. std" in out


def test_a_statistic_over_the_whole_array_is_named(capsys):
    out = run(capsys, "ex", returning((X8 - X8.mean()) / X8.std()), (), STANDARD)
    assert "taken over every entry" in out and "axis=0" in out


def test_ddof_is_named(capsys):
    out = run(capsys, "ex", returning((X8 - X8.mean(axis=0)) / X8.std(axis=0, ddof=1)), (),
              STANDARD)
    assert "ddof=1" in out and "n = 8" in out


def test_a_uniform_odd_factor_is_named_and_ddof_with_n_samples(capsys):
    out = run(capsys, "ex", returning(E * 0.9), (), E)
    assert "the same factor 0.9" in out
    n = 5
    out = run(capsys, "ex", returning(E * np.sqrt((n - 1) / n)), (), E, n_samples=n)
    assert "ddof=1" in out


def test_probabilities_normalised_over_the_wrong_axis(capsys):
    Z = RNG.normal(size=(5, 3))
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    out = run(capsys, "ex", returning(np.exp(Z) / np.exp(Z).sum(axis=0, keepdims=True)), (), P)
    assert "wrong axis" in out and "axis=1" in out and "row sums" in out
    out = run(capsys, "ex", returning(np.exp(Z) / np.exp(Z).sum()), (), P)
    assert "sum over every entry" in out


def test_values_in_the_wrong_order(capsys):
    assert "reverse order" in run(capsys, "ex", returning(E[::-1]), (), E)
    v = np.array([3.0, 1.0, 2.0, 5.0, 4.0, 0.5])
    assert "another order" in run(capsys, "ex", returning(np.sort(v)), (), v)
    rows = np.arange(12.0).reshape(4, 3) ** 1.5
    assert "right rows in another order" in run(capsys, "ex", returning(rows[[1, 0, 3, 2]]),
                                                (), rows)


def test_offsets_named(capsys):
    assert "off by the same 0.5" in run(capsys, "ex", returning(E + 0.5), (), E)
    out = run(capsys, "ex", returning(E + [1.0, -2.0, 0.5]), (), E)
    assert "each column is off by a constant" in out
    out = run(capsys, "ex", returning(E + [[1.0], [-2.0]]), (), E)
    assert "each row is off by a constant" in out


def test_a_part_with_a_table_says_the_other_wrong_parts_before_it(capsys):
    lines = printed_lines(capsys, "ex", returning((X8 + 1.0, E + 0.5)), (), [X8, E],
                          parts=["X_s", "other"])
    first = " ".join(line.strip() for line in lines[:next(
        i for i, line in enumerate(lines) if "expected" in line and "row" in line)])
    assert first.startswith("❌ ex, X_s:") and "(also wrong: other)" in first


def test_short_vectors_and_numbers_stay_on_one_line(capsys):
    out = run(capsys, "ex", returning(np.array([1.0, 2.5])), (), np.array([1.0, 2.0]))
    assert out == ("❌ ex: expected [1. 2.], got [1. 2.5]; largest difference 5.0e-01, "
                   "relative 2.5e-01, allowed 1e-06")
    assert "reverse order" in run(capsys, "ex", returning(np.array([2.0, 1.0])), (),
                                  np.array([1.0, 2.0]))


def test_one_entry_per_sample_is_a_sum_over_the_wrong_axis(capsys):
    delta = RNG.normal(size=(5, 4))
    out = run(capsys, "ex", returning(delta.sum(axis=1)), (), delta.sum(axis=0), n_samples=5)
    assert "one entry per sample" in out and "axis=0" in out
