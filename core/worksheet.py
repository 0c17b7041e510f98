"""A worksheet for a class from the current pass: pure, no Qt.

`build(engine)` walks every micro-step of the pass on show (all of it, whatever the
learner has revealed yet) into numbered computations: F1, F2, … forward, B1, …
backward, U1, … the updates. Each says what it computes, its formula, the numbers
that go into it and its result; per example (one table column each) where the
value has one per example. Every number is a `Quantity` with a role:

- "given": the data (x, y), the parameters at the pass's start, α, a constant 1.
  Shown in both variants.
- "copy": the result of an earlier computation used again here (its number says
  which). Blank in the blank variant, so a learner carries their own numbers on.
- "answer": what this computation produces. Blank in the blank variant; listed in
  the answer key.

`markdown(sheet, …)` and `html(sheet, …)` render it at a number of decimals, "values"
(everything filled in) or blank (answers and copies as ____ / empty boxes). The
answer key goes at the end, or into its own document (`…_key`). Numbers are written
as the app shows them (core.symbols.fmt): the real minus sign U+2212, written as the
character itself in both formats (not an HTML entity), so a search for "−0.048"
finds it in the file as saved.

Size: a table shows at most `max_columns` examples (MAX_COLUMNS); the rest are
elided with a "…" column and the header says how many there are. Sums and the cost
always use every example of the pass.

Where the tutorial prints a number differently (core.tutorial_notes), the note goes
beside the computation in the values variant and into the answer key in both (in
the blank variant beside the computation it would give the answer away).
"""

from __future__ import annotations

import base64
import html as _html
from dataclasses import dataclass, field
from urllib.parse import quote

import numpy as np

from .setup import network_label
from .steps import BACKWARD, FORWARD, UPDATE, Step
from .symbols import fmt, fmt_rate
from .tutorial_notes import TutorialNote, note_for

MAX_COLUMNS = 8  # examples per table: 10 000 columns help no one
BLANK = "____"
GIVEN, COPY, ANSWER = "given", "copy", "answer"
PREFIX = {FORWARD: "F", BACKWARD: "B", UPDATE: "U"}
SECTIONS = (
    (FORWARD, "Forward pass",
     "Compute each value in order from the examples and the parameters above."),
    (BACKWARD, "Backward pass",
     "Send the gradient back from the cost: each gradient is the upstream gradient "
     "times the local one (the chain rule)."),
    (UPDATE, "Updates",
     "Gradient descent: each parameter moves against its gradient, "
     "θ ← θ − α·∂Cost/∂θ (∂L/∂θ for one example)."),
)
KINDS = {
    "feature": "the feature cross", "product": "a weight times its input",
    "bias": "the bias", "linear": "the weighted sum", "activation": "the activation",
    "loss": "the loss", "seed": "the start of the backward pass",
    "hop": "the chain rule", "param_grad": "a parameter's gradient",
    "update": "gradient descent",
}
LOSS_TERMS = {"mse": "½(y − ŷ)²", "bce": "−[y log ŷ + (1 − y) log(1 − ŷ)]"}
MODE_TEXT = {"single": "one example a pass", "minibatch": "mini-batches",
             "batch": "the whole data set in one pass (full batch)"}


@dataclass(frozen=True, eq=False)
class Quantity:
    label: str
    value: object  # a float, or one value per example (the pass's columns)
    role: str  # GIVEN, COPY or ANSWER
    source: str = ""  # for a copy: the computation it comes from ("F3")
    style: str = ""  # "int": data and constants, 0 and 1 as such; "rate": α as typed

    @property
    def per_example(self) -> bool:
        return np.ndim(self.value) > 0


@dataclass(eq=False)
class Item:
    number: str  # "F1", "B3", "U2"
    step: Step
    formulas: list[str]
    before: list[Quantity] = field(default_factory=list)  # scalars going in
    rows: list[Quantity] = field(default_factory=list)  # per example: one column each
    after: list[Quantity] = field(default_factory=list)  # scalars coming out
    note: TutorialNote | None = None

    @property
    def answers(self) -> list[Quantity]:
        return [q for q in (*self.before, *self.rows, *self.after) if q.role == ANSWER]

    @property
    def title(self) -> str:
        return f"{self.number} · {self.step.symbol}: {KINDS.get(self.step.kind, self.step.kind)}"


@dataclass(eq=False)
class Worksheet:
    title: str
    facts: list[tuple[str, str]]  # (what, text) in the header
    examples: tuple[int, ...]  # the pass's examples, 0-based
    shown: int  # how many of them the tables show
    inputs: list[Quantity]  # x₁, x₂, y per example
    params: list[tuple[str, float]]  # (symbol, value) at the pass's start
    items: list[Item]
    lr: float

    @property
    def elided(self) -> int:
        return len(self.examples) - self.shown

    def section(self, phase: str) -> list[Item]:
        return [it for it in self.items if it.step.phase == phase]


# ------------------------------------------------------------------ building
def _formulas(step: Step) -> list[str]:
    """The formula text of a step without its numbers: the project's own templates
    (core.ops), each cut where the first number would go in."""
    out = []
    for template, values in step.lines:
        if not values:
            text = template
        else:
            parts = []
            for part in template.split(" = "):
                if "{" in part:
                    break
                parts.append(part)
            if len(parts) < 2:  # only a name was left ("w₁x₁"): says nothing
                continue
            text = " = ".join(parts)
        if text and text not in out:
            out.append(text)
    return out


def _edge(target: str) -> tuple[str, str]:
    a, _, b = target.removeprefix("edge:").partition("->")
    return a, b


def build(engine, max_columns: int = MAX_COLUMNS) -> Worksheet:
    """The worksheet of the engine's current pass (the whole pass)."""
    p = engine.current_pass
    net, ds = engine.network, engine.dataset
    idx = p.indices
    m = len(idx)
    single = m == 1
    d = "∂L/∂" if single else "∂Cost/∂"
    X, Y = ds.X[:, list(idx)], ds.Y[0, list(idx)]
    # what is known by symbol: (value, role it has when used again, where it was computed)
    known: dict[str, tuple[object, str, str]] = {
        "x₁": (X[0], GIVEN, ""), "x₂": (X[1], GIVEN, ""), "y": (Y, GIVEN, "")}
    params = {s.name: s for s in net.slots}

    def use(label: str) -> Quantity:
        value, role, src = known[label]
        return Quantity(label, value, role, src,
                        style="int" if role == GIVEN and label[0] in "xy∂" else "")

    def given_param(name: str, label: str | None = None) -> Quantity:
        return Quantity(label or params[name].symbol, float(p.params_before[name]), GIVEN)

    counters = {FORWARD: 0, BACKWARD: 0, UPDATE: 0}
    items = []
    for s in p.steps:
        counters[s.phase] += 1
        number = f"{PREFIX[s.phase]}{counters[s.phase]}"
        it = Item(number, s, _formulas(s), note=note_for(ds, p, s))
        answer = Quantity(s.symbol, s.value, ANSWER)
        k = s.kind
        if k == "feature":
            it.rows = [use("x₁"), use("x₂"), answer]
        elif k == "product":
            slot = params[s.param]
            xs = s.symbol[len(slot.symbol):]
            it.formulas = [f"{s.symbol} = {slot.symbol} × {xs}"]
            it.before = [given_param(s.param)]
            it.rows = [use(xs), answer]
        elif k == "bias":
            it.before = [given_param(s.param)]
            known[s.symbol] = (np.full(m, float(p.params_before[s.param])), GIVEN, "")
            items.append(it)
            continue
        elif k == "linear":
            terms = it.formulas[0].split(" = ", 1)[1].split(" + ") if it.formulas else []
            it.rows = [use(t) for t in terms if t in known] + [answer]
        elif k == "activation":
            it.rows = [use(net.z_symbol(s.layer, s.unit)), answer]
        elif k == "loss":
            term = LOSS_TERMS.get(net.loss.name, "loss")
            per = Quantity("L" if single else f"loss {term}", s.per_example, ANSWER)
            it.rows = [use("y"), use("ŷ"), per]
            if not single:
                it.after = [answer]
        elif k == "seed":
            it.before = [Quantity(s.symbol, 1.0, GIVEN, style="int")]
            known[s.symbol] = (1.0, GIVEN, "")
            items.append(it)
            continue
        elif k == "hop":
            a, b = _edge(s.target)
            if np.ndim(s.upstream) == 0:  # from the loss: ∂/∂ŷ (squared error) or ∂/∂z (bce)
                it.rows = [use("y"), use("ŷ"), answer]
            elif b.startswith("z"):  # back to a unit of the previous layer: ∂/∂a
                l, j = s.layer, s.unit
                units = net.linears[l].units
                it.before = [given_param(net.slot_at(l, "W", i, j).name) for i in range(units)]
                it.rows = [use(f"{d}{net.z_symbol(l, i)}") for i in range(units)] + [answer]
                if units == 1:  # the product itself (its template line carries numbers)
                    w = net.slot_at(l, "W", 0, j).symbol
                    it.formulas.append(f"{s.symbol} = {d}{net.z_symbol(l, 0)} × {w}")
            else:  # through the activation: ∂/∂z = upstream × ∂a/∂z
                asym, zsym = net.a_symbol(s.layer, s.unit), net.z_symbol(s.layer, s.unit)
                local = f"∂{asym}/∂{zsym}"
                it.formulas = [f for f in it.formulas if not f.startswith(f"{d}{zsym} =")]
                it.formulas.append(f"{s.symbol} = {d}{asym} × {local}")
                it.rows = [use(f"{d}{asym}"), Quantity(local, s.local, ANSWER), answer]
        elif k == "param_grad":
            slot = params[s.param]
            zsym = net.z_symbol(slot.layer, slot.index[0])
            up = use(f"{d}{zsym}")
            if slot.kind == "W":
                xs = net.a_prev_symbol(slot.layer, slot.index[1])
                it.rows = [up, use(xs)]
                factor = xs
            else:
                it.before = [Quantity(f"∂{zsym}/∂{slot.symbol}", 1.0, GIVEN, style="int")]
                it.rows = [up]
                factor = "1"
            if single:
                it.formulas.append(f"{s.symbol} = {d}{zsym} × {factor}")
                it.rows.append(answer)
            else:
                it.rows.append(Quantity(f"per example {d}{zsym} × {factor}", s.per_example,
                                        ANSWER))
                it.after = [Quantity(f"{s.symbol} = Σ", s.value, ANSWER)]
        elif k == "update":
            grad = known[f"{d}{s.symbol}"]
            it.before = [Quantity(f"{s.symbol} before", float(s.old), GIVEN),
                         Quantity("α", float(p.lr), GIVEN, style="rate"),
                         Quantity(f"{d}{s.symbol}", float(grad[0]), grad[1], grad[2])]
            it.after = [Quantity(f"{s.symbol} after", s.value, ANSWER)]
        else:  # a kind this module does not know yet: its result, at least
            it.rows = [answer] if np.ndim(s.value) else []
            it.after = [] if np.ndim(s.value) else [answer]
        if k != "update":
            known[s.symbol] = (s.value, COPY, number)
        items.append(it)

    shown = min(m, max(1, int(max_columns)))
    facts = _facts(engine, p, shown)
    inputs = [Quantity(f"x{chr(0x2080 + j + 1)}", X[j], GIVEN, style="int") for j in range(2)]
    inputs.append(Quantity("y", Y, GIVEN, style="int"))
    label = network_label(net)
    what = {"neuron": "single neuron", "cross": "feature-cross neuron"}.get(
        label, f"{label} network")
    title = f"Neuron Lab worksheet: one pass of the {what} on {ds.name}"
    return Worksheet(title, facts, idx, shown, inputs,
                     [(s.symbol, float(p.params_before[s.name])) for s in net.slots],
                     items, float(p.lr))


def _count(n: int) -> str:
    """A whole number with thin spaces between thousands: "10 000"."""
    return f"{n:,}".replace(",", "\u202f")


def _ranges(indices) -> str:
    """1-based example numbers, runs joined: "1–4", "1, 3", "1–10 000"."""
    out, start = [], None
    nums = [i + 1 for i in indices]
    for k, n in enumerate(nums):
        if start is None:
            start = n
        if k + 1 == len(nums) or nums[k + 1] != n + 1:
            out.append(_count(start) if start == n else f"{_count(start)}–{_count(n)}")
            start = None
    return ", ".join(out)


def _facts(engine, p, shown: int) -> list[tuple[str, str]]:
    net, ds = engine.network, engine.dataset
    m = len(p.indices)
    kind = network_label(net)
    what = {"neuron": "a single neuron", "cross": "a neuron with the feature cross x₃ = x₁·x₂"}
    net_text = what.get(kind, f"{kind} (layer sizes), hidden units {net.activation.title}")
    net_text += f"; sigmoid output; loss: {net.loss.title}"
    if not net.has_bias:
        net_text += "; no bias"
    mode = engine.mode
    mode_text = MODE_TEXT.get(mode, mode)
    if mode == "minibatch":
        mode_text += f" of {engine.batch_size}"
    ex = _count(m) + (" example" if m == 1 else " examples")
    ex += f" (number {_ranges(p.indices)})" if m == 1 else f" (numbers {_ranges(p.indices)})"
    if shown < m:
        ex += f"; the tables show the first {shown}, and the sums and the cost use all {_count(m)}"
    return [("Network", net_text),
            ("Data set", ds.name if "point" in ds.name else f"{ds.name}, {_count(ds.m)} points"),
            ("Mode", mode_text),
            ("Examples in this pass", ex),
            ("Epochs done before this pass", str(engine.pass_epoch)),  # as the window counts
            ("Learning rate", f"α = {fmt_rate(p.lr)}")]


# ------------------------------------------------------------------ numbers
def _num(q: Quantity, v, digits: int) -> str:
    if q.style == "rate":
        return fmt_rate(float(v))
    return fmt(v, digits, exact_int=q.style == "int")


def _cells(q: Quantity, shown: int, digits: int) -> list[str]:
    vals = np.asarray(q.value, dtype=float).reshape(-1)
    if vals.size == 1:  # a value the same for every example
        vals = np.repeat(vals, shown)
    return [_num(q, v, digits) for v in vals[:shown]]


def _scalar(q: Quantity, digits: int) -> str:
    return _num(q, q.value, digits)


def _hidden(q: Quantity, blank: bool) -> bool:
    return blank and q.role != GIVEN


def _source(q: Quantity) -> str:
    return f" (from {q.source})" if q.role == COPY and q.source else ""


def _headers(sheet: Worksheet) -> list[str]:
    heads = [f"example {_count(i + 1)}" for i in sheet.examples[:sheet.shown]]
    if sheet.elided:
        heads.append(f"… {_count(sheet.elided)} more")
    return heads


def _note_text(note: TutorialNote) -> str:
    return f"Note: {note.text}"


# ------------------------------------------------------------------ Markdown
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_<|"})


def _md(text: str) -> str:
    """Text from the app (names, symbols, formulas) as Markdown shows it literally: what
    could start emphasis, code, HTML, a table cell or a link is escaped, and nothing else
    (a formula's brackets stay readable in the raw text)."""
    return str(text).translate(_MD_SPECIAL).replace("](", "\\](")


def _md_table(head: list[str], body: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join([" --- "] * len(head)) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    return lines


def _md_row(sheet, q, blank, digits):
    cells = [BLANK] * sheet.shown if _hidden(q, blank) else _cells(q, sheet.shown, digits)
    if sheet.elided:
        cells.append("…")
    return [f"{_md(q.label)}{_md(_source(q))}", *cells]


def _md_scalar(q, blank, digits) -> str:
    value = BLANK if _hidden(q, blank) else _scalar(q, digits)
    return f"{_md(q.label)} = {value}{_md(_source(q))}"


def _md_head(sheet: Worksheet, digits: int, blank: bool) -> list[str]:
    out = [f"# {_md(sheet.title)}", ""]
    out += [f"- **{_md(k)}:** {_md(v)}" for k, v in sheet.facts]
    out.append(f"- **Numbers:** rounded to {digits} decimals; negative numbers carry the "
               "minus sign − (U+2212).")
    out.append("- **To do:** fill in every ____ in order; a value that comes from an earlier "
               "computation says which." if blank else
               "- **Filled in:** every computation with its numbers.")
    out += ["", "## The examples", ""]
    out += _md_table(["", *_headers(sheet)], [_md_row(sheet, q, blank, digits)
                                             for q in sheet.inputs])
    out += ["", "## Parameters at the start of the pass", ""]
    out += _md_table(["parameter", "value"],
                     [[_md(sym), fmt(v, digits)] for sym, v in sheet.params])
    return out


def _md_item(sheet, it: Item, blank: bool, digits: int) -> list[str]:
    out = [f"### {_md(it.title)}", ""]
    out += [f"*{_md(f)}*  " for f in it.formulas]
    if it.formulas:
        out[-1] = out[-1].rstrip()
        out.append("")
    for q in it.before:
        out.append(f"- {_md_scalar(q, blank, digits)}")
    if it.before:
        out.append("")
    if it.rows:
        out += _md_table(["", *_headers(sheet)],
                         [_md_row(sheet, q, blank, digits) for q in it.rows])
        out.append("")
    for q in it.after:
        out.append(f"- **{_md_scalar(q, blank, digits)}**")
    if it.after:
        out.append("")
    if it.note is not None and not blank:
        out += [f"> {_md(_note_text(it.note))}", ""]
    return out


def _md_key(sheet: Worksheet, digits: int, level: str = "##") -> list[str]:
    out = [f"{level} Answer key", ""]
    head = ["", "quantity", *_headers(sheet)]
    body = []
    for it in sheet.items:
        for q in it.answers:
            cells = (_cells(q, sheet.shown, digits) if q.per_example
                     else [_scalar(q, digits)] + [""] * (sheet.shown - 1))
            if sheet.elided:
                cells.append("…" if q.per_example else "")
            body.append([it.number, _md(q.label), *cells])
    out += _md_table(head, body)
    notes = [(it.number, it.note) for it in sheet.items if it.note is not None]
    if notes:
        out += ["", "Where the tutorial prints another number:", ""]
        out += [f"- {n}: {_md(note.text)}" for n, note in notes]
    return out + [""]


def markdown(sheet: Worksheet, *, blank: bool = False, key: bool = True, digits: int = 3,
             image: str | None = None) -> str:
    """The worksheet as Markdown. `image`: the diagram's file name, linked relatively
    (written beside the Markdown file); `key`: the answer key at the end."""
    out = _md_head(sheet, digits, blank)
    if image:
        out += ["", "## The diagram", "", f"![The network's diagram]({quote(image)})"]
    for phase, heading, intro in SECTIONS:
        items = sheet.section(phase)
        if not items:
            continue
        out += ["", f"## {heading}", "", _md(intro), ""]
        for it in items:
            out += _md_item(sheet, it, blank, digits)
    if key:
        out += ["", *_md_key(sheet, digits)]
    return "\n".join(out).rstrip() + "\n"


def markdown_key(sheet: Worksheet, digits: int = 3) -> str:
    """The answer key alone, as its own document."""
    out = [f"# {_md(sheet.title)}: answer key", ""]
    out += [f"- **{_md(k)}:** {_md(v)}" for k, v in sheet.facts]
    out += ["", *_md_key(sheet, digits, "##")]
    return "\n".join(out).rstrip() + "\n"


# ------------------------------------------------------------------ HTML
CSS = """
body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #111;
       max-width: 60em; margin: 1.5em auto; padding: 0 1em; line-height: 1.4; }
h1 { font-size: 1.5em; margin-bottom: 0.3em; }
h2 { font-size: 1.25em; border-bottom: 2px solid #345; padding-bottom: 0.15em;
     margin-top: 1.6em; }
h3 { font-size: 1.05em; margin: 0 0 0.3em; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.15em 1em; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
.item { border: 1px solid #bbb; border-radius: 4px; padding: 0.6em 0.8em; margin: 0.7em 0;
        break-inside: avoid; page-break-inside: avoid; }
.formula { font-style: italic; margin: 0.1em 0; }
table { border-collapse: collapse; margin: 0.4em 0; }
th, td { border: 1px solid #999; padding: 0.2em 0.6em; text-align: right;
         font-variant-numeric: tabular-nums; }
th { background: #eef2f6; font-weight: normal; }
td.label, th.label { text-align: left; }
ul.scalars { list-style: none; padding: 0; margin: 0.3em 0; }
ul.scalars li { margin: 0.2em 0; }
.result { font-weight: bold; }
.from { color: #555; font-size: 0.9em; }
.blank { letter-spacing: 0.15em; }
td.fill { width: 4.5em; height: 1.6em; background: #fff; }
.note { border-left: 4px solid #d9a400; background: #fff8e1; padding: 0.3em 0.6em;
        margin: 0.5em 0 0; }
figure { margin: 1em 0; text-align: center; }
figure img { max-width: 100%; height: auto; border: 1px solid #ccc; }
figcaption { font-size: 0.9em; color: #444; }
@media print {
  body { max-width: none; margin: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .item { border-color: #666; }
  th { background: none; }
  td.fill { border-color: #000; }
  section.key { break-before: page; page-break-before: always; }
  figure { break-inside: avoid; page-break-inside: avoid; }
  @page { margin: 1.5cm; }
}
"""


def _h(text) -> str:
    return _html.escape(str(text), quote=True)


# a blank in a line of text: underscores, which every renderer and printer shows; in a
# table the empty cell itself is the box to fill
_LINE = f'<span class="blank" aria-label="to fill in">{BLANK}</span>'
_CELL = '<td class="fill" aria-label="to fill in"></td>'


def _html_cells(sheet, q, blank, digits) -> str:
    if _hidden(q, blank):
        cells = _CELL * sheet.shown
    else:
        cells = "".join(f"<td>{_h(c)}</td>" for c in _cells(q, sheet.shown, digits))
    return cells + ("<td>…</td>" if sheet.elided else "")


def _html_table(sheet, rows, blank, digits) -> str:
    head = "".join(f"<th>{_h(h)}</th>" for h in _headers(sheet))
    body = []
    for q in rows:
        cls = ' class="result"' if q.role == ANSWER else ""
        src = f' <span class="from">{_h(_source(q).strip())}</span>' if _source(q) else ""
        body.append(f'<tr{cls}><td class="label">{_h(q.label)}{src}</td>'
                    f"{_html_cells(sheet, q, blank, digits)}</tr>")
    return (f'<table><thead><tr><th class="label"></th>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def _html_scalar(q, blank, digits) -> str:
    value = _LINE if _hidden(q, blank) else _h(_scalar(q, digits))
    src = f' <span class="from">{_h(_source(q).strip())}</span>' if _source(q) else ""
    cls = ' class="result"' if q.role == ANSWER else ""
    return f"<li{cls}>{_h(q.label)} = {value}{src}</li>"


def _html_item(sheet, it: Item, blank: bool, digits: int) -> str:
    out = [f'<div class="item" id="{_h(it.number)}"><h3>{_h(it.title)}</h3>']
    out += [f'<p class="formula">{_h(f)}</p>' for f in it.formulas]
    if it.before:
        out.append('<ul class="scalars">' + "".join(_html_scalar(q, blank, digits)
                                                    for q in it.before) + "</ul>")
    if it.rows:
        out.append(_html_table(sheet, it.rows, blank, digits))
    if it.after:
        out.append('<ul class="scalars">' + "".join(_html_scalar(q, blank, digits)
                                                    for q in it.after) + "</ul>")
    if it.note is not None and not blank:
        out.append(f'<p class="note">{_h(_note_text(it.note))}</p>')
    out.append("</div>")
    return "\n".join(out)


def _html_facts(sheet: Worksheet, extra=()) -> str:
    rows = [*sheet.facts, *extra]
    return '<dl class="facts">' + "".join(f"<dt>{_h(k)}</dt><dd>{_h(v)}</dd>"
                                          for k, v in rows) + "</dl>"


def _html_key(sheet: Worksheet, digits: int) -> str:
    head = "".join(f"<th>{_h(h)}</th>" for h in _headers(sheet))
    body = []
    for it in sheet.items:
        for q in it.answers:
            if q.per_example:
                cells = "".join(f"<td>{_h(c)}</td>" for c in _cells(q, sheet.shown, digits))
                if sheet.elided:
                    cells += "<td>…</td>"
            else:
                span = sheet.shown + (1 if sheet.elided else 0)
                cells = f'<td class="label" colspan="{span}">{_h(_scalar(q, digits))}</td>'
            body.append(f'<tr><td class="label">{_h(it.number)}</td>'
                        f'<td class="label">{_h(q.label)}</td>{cells}</tr>')
    out = ['<section class="key" id="answer-key"><h2>Answer key</h2>',
           f'<table><thead><tr><th class="label"></th><th class="label">quantity</th>{head}'
           f"</tr></thead><tbody>{''.join(body)}</tbody></table>"]
    notes = [(it.number, it.note) for it in sheet.items if it.note is not None]
    if notes:
        out.append("<p>Where the tutorial prints another number:</p><ul>" + "".join(
            f"<li>{_h(n)}: {_h(note.text)}</li>" for n, note in notes) + "</ul>")
    out.append("</section>")
    return "\n".join(out)


def _page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{_h(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f"{body}\n</body>\n</html>\n")


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def html(sheet: Worksheet, *, blank: bool = False, key: bool = True, digits: int = 3,
         image_png: bytes | None = None) -> str:
    """The worksheet as one self-contained HTML page: inline CSS (with a print style),
    the diagram embedded as a PNG data URI, no script, no link to anything."""
    todo = ("fill in every box in order; a value that comes from an earlier computation "
            "says which" if blank else "every computation with its numbers")
    extra = [("Numbers", f"rounded to {digits} decimals; negative numbers carry the minus "
                         "sign − (U+2212)"),
             ("To do" if blank else "Filled in", todo)]
    out = [f"<h1>{_h(sheet.title)}</h1>", _html_facts(sheet, extra),
           "<h2>The examples</h2>", _html_table(sheet, sheet.inputs, blank, digits),
           "<h2>Parameters at the start of the pass</h2>",
           '<table><thead><tr><th class="label">parameter</th><th>value</th></tr></thead>'
           "<tbody>" + "".join(f'<tr><td class="label">{_h(s)}</td><td>{_h(fmt(v, digits))}'
                               "</td></tr>" for s, v in sheet.params) + "</tbody></table>"]
    if image_png:
        out.append(f'<figure><img src="{data_uri(image_png)}" alt="The network\'s diagram">'
                   "<figcaption>The network's diagram</figcaption></figure>")
    for phase, heading, intro in SECTIONS:
        items = sheet.section(phase)
        if not items:
            continue
        out.append(f"<section class=\"phase\"><h2>{_h(heading)}</h2><p>{_h(intro)}</p>")
        out += [_html_item(sheet, it, blank, digits) for it in items]
        out.append("</section>")
    if key:
        out.append(_html_key(sheet, digits))
    return _page(sheet.title, "\n".join(out))


def html_key(sheet: Worksheet, digits: int = 3) -> str:
    """The answer key alone, as its own page."""
    body = f"<h1>{_h(sheet.title)}: answer key</h1>{_html_facts(sheet)}{_html_key(sheet, digits)}"
    return _page(sheet.title + ": answer key", body)


__all__ = ["BLANK", "MAX_COLUMNS", "Item", "Quantity", "Worksheet", "build", "data_uri",
           "html", "html_key", "markdown", "markdown_key"]
