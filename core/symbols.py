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


SUP_MINUS = "\u207b"
SCI_BELOW = 1e-4  # smaller magnitudes would need four or more leading zeros
SCI_FROM = 1e6  # larger ones would need seven or more digits before the point


def _power(exp: str) -> str:
    """Python's exponent text ("-18", "+308") as "×10⁻¹⁸", "×10³⁰⁸"."""
    e = int(exp)
    return f"×10{(SUP_MINUS if e < 0 else '') + sup(abs(e))}"


def _sci(a: float, sig: int) -> str:
    """|x| as "6.94×10⁻¹⁸": `sig` significant figures, a superscript exponent."""
    mantissa, exp = f"{a:.{sig - 1}e}".split("e")
    return mantissa + _power(exp)


def _signed(x: float, body: str) -> str:
    return MINUS + body if x < 0 else body


def fmt_scalar(x: float, digits: int = 3) -> str:
    """One number as the app shows it: `digits` decimals, the real minus sign (U+2212).

    The rule, with s = max(digits, 1) significant figures where a rule asks for them:

    - |x| ≥ 10^(1 − digits) (at 3 digits: from 0.01): fixed point at `digits` decimals,
      so at least two significant figures stay ("−0.048", "0.125", "12.346").
    - smaller than that (fixed point would keep one figure or none: "0.001" for
      0.000528): s significant figures, still in fixed point ("0.000528", "0.00528").
    - below 1e-4 or from 1e6 on: s significant figures as a power of ten with
      superscripts ("6.94×10⁻¹⁸", "1.00×10³⁰⁸"), as too many zeros are hard to read.
    - 0 and −0 show as "0.000"; NaN as "NaN"; ±∞ as "∞" and "−∞".
    """
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return _signed(x, "∞")
    a = abs(x)
    if a == 0.0:
        return f"{0.0:.{digits}f}"
    sig = max(digits, 1)
    if a >= SCI_FROM or a < SCI_BELOW:
        return _signed(x, _sci(a, sig))
    if a >= 10.0 ** (1 - digits):
        return _signed(x, f"{a:.{digits}f}")
    decimals = sig - 1 - math.floor(math.log10(a))
    body = f"{a:.{decimals}f}"
    if decimals > 0 and float(body) >= 10.0 ** (sig - decimals):  # 0.0009996 → "0.00100"
        body = f"{a:.{decimals - 1}f}"
    return _signed(x, body)


def fmt_full(value) -> str:
    """Full precision for tooltips: the shortest text that reads back as the same float
    (Python's repr), with the real minus sign and a power of ten as fmt_scalar writes
    it; a vector in brackets."""
    arr = np.asarray(value, dtype=float).reshape(-1)
    texts = []
    for v in arr.tolist():
        if math.isnan(v) or math.isinf(v):
            texts.append(fmt_scalar(v))
            continue
        mantissa, _, exp = repr(abs(v)).partition("e")
        body = mantissa + (_power(exp) if exp else "")
        texts.append(_signed(v, body))
    return texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"


def fmt_short(x: float) -> str:
    """A number for an entry box: the shortest text that reads back as the same float
    (0.5, 200, 5×10⁻¹⁰, 1.234567×10⁶), in the app's notation; parse_number reads it."""
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return fmt_scalar(x)
    text = repr(abs(x))
    mantissa, _, exp = text.partition("e")
    mantissa = mantissa.removesuffix(".0")
    if not exp and "." not in mantissa and len(mantissa) > 6:  # 1000000 → 1×10⁶
        digits = mantissa.rstrip("0")
        exp = str(len(mantissa) - 1)
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    body = mantissa + (_power(exp) if exp else "")
    return _signed(x, body) if x != 0 else "0"


def fmt_rate(x: float) -> str:
    """A learning rate as it was typed or chosen (0.5, 200, 1×10⁶, 5×10⁻¹⁰), the same
    in the α box, the status bar, the explanation and the plots; a rate with many digits
    (rare: typed so) falls back to fmt's three significant figures."""
    text = fmt_short(x)
    return text if len(text) <= 9 else fmt(x)


_PLAIN = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺" + MINUS, "0123456789-+-")


def parse_number(text: str) -> float:
    """A number typed by a learner or written by the app: '0.5', '5e-10', '5×10^-10',
    '5×10⁻¹⁰', '−0.125', '1,5' (a decimal comma). ValueError if it is none."""
    t = str(text).strip().translate(_PLAIN)
    t = t.replace("×10^", "e").replace("x10^", "e").replace("*10^", "e").replace("×10", "e")
    t = t.replace(",", ".").replace(" ", "").replace("\u202f", "")
    return float(t)


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
