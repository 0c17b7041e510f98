"""Unicode maths helpers for labels: subscripts, superscripts, number formatting."""

from __future__ import annotations

import math
import string

import numpy as np

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
MINUS = "\u2212"


def sub(n) -> str:
    return str(n).translate(_SUB)


def sup(n) -> str:
    return str(n).translate(_SUP)


def fmt_scalar(x: float, digits: int = 3) -> str:
    """Fixed-point with a real minus sign; −0.000 shows as 0.000."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "∞" if x > 0 else MINUS + "∞"
    if abs(x) >= 1e6:
        text = f"{x:.{max(digits, 1)}e}"
    else:
        text = f"{x:.{digits}f}"
    if text.startswith("-"):
        body = text[1:]
        if float(body) == 0.0:
            return body
        return MINUS + body
    return text


def fmt(value, digits: int = 3, paren: bool = False, exact_int: bool = False,
        max_items: int | None = None) -> str:
    """Format a scalar or a vector (one value per example) for display.

    `exact_int` prints whole numbers without decimals (inputs, labels: 0 and 1).
    `max_items` shortens a longer vector to its first values, "…" and the last.
    """
    arr = np.asarray(value, dtype=float)
    if max_items and arr.size > max_items:
        flat = arr.reshape(-1)
        ints = exact_int and bool(np.all(np.isfinite(flat)) and np.all(flat == np.round(flat)))
        head = [fmt(v, digits, exact_int=ints) for v in flat[: max_items - 2]]
        tail = fmt(flat[-1], digits, exact_int=ints)  # whole numbers only if all are
        return "[" + ", ".join([*head, "…", tail]) + f"] ({flat.size} values)"
    if exact_int and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)) and np.all(
        np.abs(arr) < 1e6
    ):
        ints = [str(int(v)) for v in arr.reshape(-1)]
        if arr.size == 1:
            text = ints[0].replace("-", MINUS)
            return f"({text})" if paren and text.startswith(MINUS) else text
        return "[" + ", ".join(i.replace("-", MINUS) for i in ints) + "]"
    if arr.size == 1:
        text = fmt_scalar(arr.reshape(-1)[0], digits)
        if paren and text.startswith(MINUS):
            return f"({text})"
        return text
    return "[" + ", ".join(fmt_scalar(v, digits) for v in arr.reshape(-1)) + "]"


class _ValueFormatter(string.Formatter):
    """str.format whose field specs are letters: 'p' parenthesizes negatives,
    'i' prints whole numbers without decimals."""

    def __init__(self, digits: int, max_items: int | None = None):
        super().__init__()
        self.digits = digits
        self.max_items = max_items

    def format_field(self, value, format_spec):
        if isinstance(value, str):
            return value
        return fmt(value, self.digits, paren="p" in format_spec, exact_int="i" in format_spec,
                   max_items=self.max_items)


def render(template: str, values, digits: int = 3, max_items: int | None = None) -> str:
    return _ValueFormatter(digits, max_items).format(template, *values)
