"""Micro-steps: one pass (forward, backward, update) as a list of plain records.

Each record names what it acts on (a node, an edge or a parameter), the
formula, the numbers that go into it and the result. Explanations are kept as
templates plus values so a view can render them at any precision.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Network
from .ops import FeatureCross, Linear
from .symbols import render

FORWARD, BACKWARD, UPDATE = "forward", "backward", "update"
STRIDES = ("step", "node", "layer", "pass")  # how far one press of Step forward goes


@dataclass(frozen=True, eq=False)
class Step:
    phase: str  # FORWARD, BACKWARD or UPDATE
    kind: str  # product, bias, linear, feature, activation, loss, seed, hop, param_grad, update
    target: str  # what the view highlights: "node:z", "edge:w1", "param:b", …
    symbol: str  # what is computed: "w₁x₁", "ŷ", "∂L/∂b", "b"
    value: np.ndarray  # the result: one value per example, or a scalar
    lines: tuple[tuple[str, tuple], ...]  # explanation: (template, values) per line
    upstream: np.ndarray | None = None
    local: np.ndarray | None = None
    per_example: np.ndarray | None = None  # a parameter gradient before summing over examples
    param: str | None = None  # parameter name for param_grad and update steps
    old: float | None = None  # update steps: value before
    index: int = 0  # position in its pass
    layer: int = -1  # the layer it belongs to (-1: the feature map; depth: the loss)
    unit: int = 0  # the unit of that layer (for a hop back to a previous layer: that unit)

    def text(self, digits: int = 3, max_items: int | None = None) -> list[str]:
        """The explanation with numbers at `digits` decimals; vectors longer than
        `max_items` shortened (the trace prints them whole)."""
        return [render(t, v, digits, max_items) for t, v in self.lines]

    @property
    def result(self) -> float:
        """The result as a float (scalar steps, or single-example passes)."""
        return float(np.asarray(self.value).reshape(-1)[0])

    def to_dict(self, digits: int = 6) -> dict:
        def plain(v):
            if v is None:
                return None
            a = np.asarray(v, dtype=float)
            return a.tolist() if a.ndim else float(a)

        return {
            "index": self.index,
            "phase": self.phase,
            "kind": self.kind,
            "target": self.target,
            "symbol": self.symbol,
            "value": plain(self.value),
            "upstream": plain(self.upstream),
            "local": plain(self.local),
            "per_example": plain(self.per_example),
            "param": self.param,
            "text": self.text(digits),
        }


@dataclass(eq=False)
class Pass:
    """One gradient-descent iteration on the examples `indices`."""

    indices: tuple[int, ...]
    state_before: list
    state_after: list
    steps: list[Step]
    cost: float
    y_hat: np.ndarray
    grads: dict[str, float]
    params_before: dict[str, float]
    lr: float
    n_forward: int = 0
    n_backward: int = 0
    finite: bool = True


def build_pass(net: Network, X, Y, indices, lr: float) -> Pass:
    """All micro-steps of one iteration on columns `indices` of X, Y.

    The network's parameters are left as they were; the pass carries the
    state before and after the update.
    """
    idx = tuple(int(i) for i in indices)
    Xb, Yb = X[:, idx], Y[:, idx]
    m = len(idx)
    single = m == 1
    Lsym = "L" if single else "Cost"
    d = f"∂{Lsym}/∂"
    steps: list[Step] = []

    def add(**kw):
        steps.append(Step(index=len(steps), **kw))

    with np.errstate(all="ignore"):  # overflow is reported through `finite`, never as a warning
        # ---------------- forward ----------------
        A = Xb
        if net.feature_cross:
            A = net.features(Xb)
            add(phase=FORWARD, kind="feature", target="node:x3", layer=-1, symbol="x₃",
                value=A[2].copy(), lines=(FeatureCross.forward_line(Xb, A),))
        acts, zs = [A], []
        for l, (lin, act) in enumerate(zip(net.linears, net.activations)):
            Z = lin.forward(A)
            x_spec = "pi" if l == 0 else "p"  # inputs are data: 0 and 1 print as such
            for i in range(lin.units):
                terms = []
                for j in range(lin.fan_in):
                    slot = _slot(net, l, "W", i, j)
                    xs = net.a_prev_symbol(l, j)
                    prod = lin.W[i, j] * A[j]
                    terms.append(f"{slot.symbol}{xs}")
                    add(phase=FORWARD, kind="product", target=f"edge:{slot.name}", layer=l, unit=i,
                        symbol=f"{slot.symbol}{xs}", value=prod, param=slot.name,
                        lines=((Linear.product_line(slot.symbol, xs, x_spec),
                                (lin.W[i, j], A[j], prod)),))
                if lin.b is not None:
                    slot = _slot(net, l, "b", i, 0)
                    terms.append(slot.symbol)
                    add(phase=FORWARD, kind="bias", target=f"edge:{slot.name}", symbol=slot.symbol,
                        layer=l, unit=i,
                        value=np.full(m, lin.b[i, 0]), param=slot.name,
                        lines=((Linear.bias_line(slot.symbol, m), (lin.b[i, 0],)),))
                zsym = net.z_symbol(l, i)
                vals = [lin.W[i, j] * A[j] for j in range(lin.fan_in)]
                if lin.b is not None:
                    vals.append(np.full(m, lin.b[i, 0]) if m > 1 else lin.b[i, 0])
                add(phase=FORWARD, kind="linear", target=f"node:{net.z_id(l, i)}", symbol=zsym,
                    layer=l, unit=i,
                    value=Z[i].copy(), lines=Linear.sum_lines(zsym, terms, vals, Z[i]))
            Acur = act.forward(Z)
            for i in range(lin.units):
                asym, zsym = net.a_symbol(l, i), net.z_symbol(l, i)
                add(phase=FORWARD, kind="activation", target=f"node:{net.a_id(l, i)}", symbol=asym,
                    layer=l, unit=i,
                    value=Acur[i].copy(), lines=act.forward_lines(asym, zsym, Z[i], Acur[i]))
            zs.append(Z)
            acts.append(Acur)
            A = Acur
        Yhat = A
        loss = net.loss
        losses = loss.losses(Yb, Yhat, zs[-1])
        cost = float(np.sum(losses)) / m
        add(phase=FORWARD, kind="loss", target="node:loss", symbol=Lsym, value=np.float64(cost),
            layer=net.depth,
            per_example=losses[0].copy(), lines=loss.loss_lines(m, Yb, Yhat, losses[0], cost))
        n_forward = len(steps)

        # ---------------- backward ----------------
        add(phase=BACKWARD, kind="seed", target="node:loss", symbol=f"{d}{Lsym}", layer=net.depth,
            value=np.float64(1.0),
            lines=((f"{d}{Lsym} = 1: the first upstream gradient", ()),))
        out = net.depth - 1
        if loss.via_yhat:  # the hop ŷ → L, then σ's local gradient as for any unit
            local = loss.d_yhat(Yb, Yhat) / m
            add(phase=BACKWARD, kind="hop", target="edge:y_hat->loss", symbol=f"{d}ŷ",
                layer=net.depth,
                value=local[0].copy(), upstream=np.float64(1.0), local=local[0].copy(),
                lines=((f"upstream gradient {d}{Lsym} = 1", ()),
                       loss.d_yhat_line(m, Yb, Yhat, local),
                       (f"{d}ŷ = 1 × {{0:p}} = {{1}}", (local[0], local[0]))))
            dA = local
        else:  # ∂L/∂z straight away: σ′ cancels (see ops.Loss.via_yhat)
            dA = None
            dZ_out = loss.dz(Yb, Yhat) / m
            zsym = net.z_symbol(out, 0)
        grads: dict[str, float] = {}
        for l in range(out, -1, -1):
            lin, Acur, A_prev = net.linears[l], acts[l + 1], acts[l]
            act = net.activations[l]
            if dA is None:
                dZ = dZ_out
                add(phase=BACKWARD, kind="hop", target=f"edge:{net.z_id(l, 0)}->{net.a_id(l, 0)}",
                    layer=l,
                    symbol=f"{d}{zsym}", value=dZ[0].copy(), upstream=np.float64(1.0),
                    local=dZ[0].copy(), lines=loss.dz_lines(m, zsym, Yb, Yhat, dZ))
            else:
                loc = act.local(Acur)
                dZ = dA * loc
            for i in range(lin.units if dA is not None else 0):
                asym, zsym = net.a_symbol(l, i), net.z_symbol(l, i)
                add(phase=BACKWARD, kind="hop", layer=l, unit=i,
                    target=f"edge:{net.z_id(l, i)}->{net.a_id(l, i)}", symbol=f"{d}{zsym}",
                    value=dZ[i].copy(), upstream=dA[i].copy(), local=loc[i].copy(),
                    lines=((f"upstream gradient {d}{asym} = {{0}}", (dA[i],)),
                           act.local_line(asym, zsym, Acur[i], loc[i]),
                           (f"{d}{zsym} = {{0}} × {{1}} = {{2}}", (dA[i], loc[i], dZ[i]))))
            for i in range(lin.units):
                zsym = net.z_symbol(l, i)
                for j in range(lin.fan_in):
                    slot = _slot(net, l, "W", i, j)
                    xs = net.a_prev_symbol(l, j)
                    per = dZ[i] * A_prev[j]
                    g = float(np.sum(per))
                    grads[slot.name] = g
                    add(**_grad_step(d, zsym, slot, xs, dZ[i], A_prev[j], per, g, single),
                        layer=l, unit=i)
                if lin.b is not None:
                    slot = _slot(net, l, "b", i, 0)
                    per = dZ[i].copy()
                    g = float(np.sum(per))
                    grads[slot.name] = g
                    add(**_grad_step(d, zsym, slot, None, dZ[i], np.ones(m), per, g, single),
                        layer=l, unit=i)
            if l > 0:
                dA_prev = lin.W.T @ dZ
                for j in range(lin.fan_in):
                    asym = net.a_symbol(l - 1, j)
                    if lin.units == 1:
                        slot = _slot(net, l, "W", 0, j)
                        zsym = net.z_symbol(l, 0)
                        lines = ((f"upstream gradient {d}{zsym} = {{0}}", (dZ[0],)),
                                 Linear.local_a_line(zsym, asym, slot.symbol, lin.W[0, j]),
                                 (f"{d}{asym} = {{0}} × {{1:p}} = {{2}}",
                                  (dZ[0], lin.W[0, j], dA_prev[j])))
                        up, lo = dZ[0].copy(), np.float64(lin.W[0, j])
                    else:
                        lines = (Linear.sum_over_units_line(d, asym, j, dA_prev[j]),)
                        up, lo = dZ.copy(), lin.W[:, j].copy()
                    add(phase=BACKWARD, kind="hop", layer=l, unit=j,
                        target=f"edge:{net.a_id(l - 1, j)}->{net.z_id(l, 0)}", symbol=f"{d}{asym}",
                        value=dA_prev[j].copy(), upstream=up, local=lo, lines=lines)
                dA = dA_prev
        n_backward = len(steps) - n_forward

        # ---------------- update ----------------
        before = net.get_state()
        after = [(W.copy(), None if b is None else b.copy()) for W, b in before]
        for slot in net.slots:
            W, b = after[slot.layer]
            arr = W if slot.kind == "W" else b
            old = float(arr[slot.index])
            g = grads[slot.name]
            new = old - lr * g
            arr[slot.index] = new
            add(phase=UPDATE, kind="update", target=f"param:{slot.name}", symbol=slot.symbol,
                layer=slot.layer, unit=slot.index[0],
                value=np.float64(new), param=slot.name, old=old,
                lines=((f"{slot.symbol} ← {slot.symbol} − α · {d}{slot.symbol}", ()),
                       (f"{slot.symbol} = {{0}} − {{1:i}} × {{2:p}} = {{3}}", (old, lr, g, new))))
    finite = bool(
        np.isfinite(cost) and all(np.all(np.isfinite(W)) and (b is None or np.all(np.isfinite(b)))
                                  for W, b in after)
    )
    return Pass(indices=idx, state_before=before, state_after=after, steps=steps, cost=cost,
                y_hat=Yhat[0].copy(), grads=grads, params_before=net.values(), lr=lr,
                n_forward=n_forward, n_backward=n_backward, finite=finite)


def _group(step: Step, by: str):
    """Which stride of kind `by` a record belongs to: consecutive records of one
    group are revealed together."""
    if by == "pass":  # the forward pass, the backward pass, the update
        return step.phase
    if by == "layer":
        return (step.phase, step.layer)
    # by node: the products, bias and sum of a unit are its z; each activation on its own;
    # backward: a unit's ∂z, its parameters' gradients, each ∂a sent back; updates per unit
    if step.phase == FORWARD:
        part = "z" if step.kind in ("product", "bias", "linear") else step.kind
    elif step.kind == "seed" or step.target == "edge:y_hat->loss":
        part = "loss"
    elif step.kind == "hop" and step.target.startswith("edge:z"):
        part = "dz"
    elif step.kind == "hop":
        part = "da"
    else:
        part = step.kind
    return (step.phase, part, step.layer, step.unit)


def stops(p: Pass, by: str = "step") -> list[int]:
    """The cursor positions (1 … len(p.steps)) at which a stride of kind `by`
    ends: every record for "step"; the last record of each node, layer or
    phase ("pass") otherwise."""
    if by not in STRIDES:
        raise ValueError(f"unknown stride {by!r}; choose one of {', '.join(STRIDES)}")
    steps = p.steps
    if by == "step":
        return list(range(1, len(steps) + 1))
    keys = [_group(s, by) for s in steps]
    return [i + 1 for i in range(len(steps)) if i + 1 == len(steps) or keys[i + 1] != keys[i]]


def _slot(net: Network, layer: int, kind: str, i: int, j: int):
    return net.slot_at(layer, kind, i, j)


def _grad_step(d, zsym, slot, xs, up, loc, per, g, single):
    gsym = f"{d}{slot.symbol}"
    if xs is None:
        local_line = Linear.local_b_line(zsym, slot.symbol)
    else:
        local_line = Linear.local_w_line(zsym, slot.symbol, xs, loc)
    if single:
        spec = ":i" if xs is None or xs.startswith("x") else ""
        result = (f"{gsym} = {{0}} × {{1{spec}}} = {{2}}", (up, loc, g))
        lines = ((f"upstream gradient {d}{zsym} = {{0}}", (up,)), local_line, result)
    else:
        why = (" (the bias is shared by every example, so its gradients add up)"
               if xs is None else "")
        lines = ((f"upstream gradient {d}{zsym} = {{0}}", (up,)), local_line,
                 (f"per example {d}{zsym} × {'1' if xs is None else xs} = {{0}}", (per,)),
                 (f"{gsym} = Σ over the examples = {{0}}{why}", (g,)))
    return dict(phase=BACKWARD, kind="param_grad", target=f"edge:{slot.name}", symbol=gsym,
                value=np.float64(g), upstream=np.asarray(up).copy(),
                local=np.asarray(loc, dtype=float).copy(), per_example=np.asarray(per).copy(),
                param=slot.name, lines=lines)
