"""One number format for everything the learner reads (core.symbols)."""

import math

import pytest

from core.symbols import MINUS, fmt, fmt_full, fmt_scalar, render


@pytest.mark.parametrize(("value", "text"), [
    # the tutorial's printed numbers stay exactly as printed at 3 decimals
    (-0.048006, f"{MINUS}0.048"), (0.125, "0.125"), (0.088913, "0.089"), (0.25, "0.250"),
    (-0.037024, f"{MINUS}0.037"), (0.01, "0.010"), (12.34567, "12.346"),
    # small values keep three significant figures: the cost after 5000 epochs
    (0.000528, "0.000528"), (0.00528, "0.00528"), (-0.003144, f"{MINUS}0.00314"),
    (0.0009996, "0.00100"),
    # tiny and huge magnitudes: a power of ten, superscripts and the real minus
    (6.938893903907228e-18, "6.94×10⁻¹⁸"), (-6.938893903907228e-18, f"{MINUS}6.94×10⁻¹⁸"),
    (5.28e-5, "5.28×10⁻⁵"), (1e308, "1.00×10³⁰⁸"), (-2.5e6, f"{MINUS}2.50×10⁶"),
    # zero, signed zero and the non-finite
    (0.0, "0.000"), (-0.0, "0.000"), (math.nan, "NaN"), (math.inf, "∞"),
    (-math.inf, f"{MINUS}∞"),
])
def test_fmt_scalar_at_three_digits(value, text):
    assert fmt_scalar(value) == text


@pytest.mark.parametrize(("value", "digits", "text"), [
    (0.5, 5, "0.50000"), (0.000528, 5, "0.00053"), (0.0000528, 5, "5.2800×10⁻⁵"),
    (0.5, 1, "0.5"), (0.048, 1, "0.05"), (0.0, 0, "0"), (0.25, 0, "0.2"), (-0.0, 5, "0.00000"),
])
def test_fmt_scalar_other_precisions(value, digits, text):
    assert fmt_scalar(value, digits) == text


def test_no_hyphen_minus_anywhere():
    for v in (-0.04801, -6.94e-18, -1e300, -0.0005, -3.0):
        for d in range(0, 8):
            assert "-" not in fmt_scalar(v, d)
        assert "-" not in fmt_full(v)


def test_vectors_and_templates_use_the_same_rule():
    assert fmt([0.5, 0.000528, -6.94e-18]) == f"[0.500, 0.000528, {MINUS}6.94×10⁻¹⁸]"
    assert render("Cost = {0}", (0.000528,)) == "Cost = 0.000528"
    assert fmt(-1.0, exact_int=True, paren=True) == f"({MINUS}1)"


@pytest.mark.parametrize(("value", "text"), [
    (0.5, "0.5"), (0.1, "0.1"), (-0.04800612, f"{MINUS}0.04800612"), (0.0, "0.0"),
    (-0.0, "0.0"), (6.938893903907228e-18, "6.938893903907228×10⁻¹⁸"), (1e16, "1×10¹⁶"),
    (math.nan, "NaN"), (-math.inf, f"{MINUS}∞"), ([0.25, -1e-20], f"[0.25, {MINUS}1×10⁻²⁰]"),
])
def test_fmt_full_is_the_shortest_exact_text(value, text):
    assert fmt_full(value) == text
