"""Undo, redo and a timeline of the session, on Qt's QUndoStack.

Every action that changes the session goes through Session methods marked
`@recorded` (gui/session.py). With an `UndoHistory` attached, each such call is
taken as one step: the whole session is snapshotted before and after (cheap:
see Engine.snapshot) and, if anything changed, a `StateCommand` holding both is
pushed. Undo restores the state before, redo the state after, so each step goes
back and forth exactly, whatever it did (a network switch, a generated data set,
ten thousand epochs). A refused action changes nothing and pushes nothing.

Merging: the edits of one slider drag (and a quick burst of edits of one value,
from the keyboard or the wheel) become one step. A played run is one step too:
`begin_run` / `end_run` bracket it and what Play itself does inside is absorbed.

The timeline is the stack's index, plus up to MAX_MARKS points inside each played
run (`positions`, `go_to`): it shows the session as it was there (one restore, not
i undos). Acting from there starts a new line; the steps that came after are kept
as a branch (QUndoStack would drop them) that the learner can return to or discard.
Within a run, only the marks are kept, not every epoch: any other epoch of a run
that trained whole epochs is recomputed exactly from the mark before it
(`go_to_epoch`) and kept as one more mark.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np
from PySide6.QtCore import QObject, QSignalBlocker, Qt, Signal, Slot
from PySide6.QtGui import QAction, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QSlider,
    QSpinBox,
    QToolButton,
    QWidget,
)

from core import session_file as sf
from core.setup import spec_of

from .labels import Readout

# 500 steps reach back through an hour of clicking, while bounding what is kept: a step
# holds two snapshots that share the cost curves and passes with their neighbours, but a
# step after an undo (or one that cuts the curves back) owns fresh copies of the curves:
# 8 bytes an entry, so 8 MB a curve at 10⁶ epochs. BYTES_BUDGET caps the total (the
# engine's own step-back passes may take 200 MB: see core.engine.HISTORY_BYTES).
UNDO_LIMIT = 500
MAX_MARKS = 64  # points part-way through one played run that the timeline can show
MAX_BRANCHES = 8  # the most recent lines left behind by acting after an undo
BYTES_BUDGET = 300_000_000  # estimated memory of all the kept states; oldest go first
BURST_S = 1.0  # edits of one value closer together than this are one step
MERGE_ID = 1
BOUND_EVERY = 16  # pushes between two checks of the memory budget


def _same_arrays(sa, sb) -> bool:
    """Two networks' parameter states ([(W, b or None)]) hold the same numbers."""
    if len(sa) != len(sb):
        return False
    for (wa, ba), (wb, bb) in zip(sa, sb):
        if not np.array_equal(wa, wb, equal_nan=True) or (ba is None) != (bb is None) or \
                (ba is not None and not np.array_equal(ba, bb, equal_nan=True)):
            return False
    return True


def _same_pass(pa, pb) -> bool:
    """The same pass, or one rebuilt from the same numbers (a parameter set to the value
    it had rebuilds the pass on show)."""
    if pa is pb:
        return True
    if pa is None or pb is None:
        return False
    return (pa.indices == pb.indices and len(pa.steps) == len(pb.steps) and pa.lr == pb.lr
            and (pa.n_forward, pa.n_backward) == (pb.n_forward, pb.n_backward)
            and _same_arrays(pa.state_before, pb.state_before))


def same_state(a, b) -> bool:
    """Whether two SessionStates show the same session (nothing to undo between them)."""
    if a is b:
        return True
    ea, eb = a.engine, b.engine
    if (a.spec, a.data, a.stride) != (b.spec, b.data, b.stride):
        return False
    if (ea.lr, ea.mode, ea.example, ea.batch_size, ea.cursor) != \
            (eb.lr, eb.mode, eb.example, eb.batch_size, eb.cursor):
        return False
    if ea.dataset is not eb.dataset or ea.test_set is not eb.test_set \
            or not _same_pass(ea.current, eb.current):
        return False
    if not (ea.book is eb.book or ea.book == eb.book) or \
            not (ea.pass_book is eb.pass_book or ea.pass_book == eb.pass_book):
        return False
    if ea.network is not eb.network and spec_of(ea.network) != spec_of(eb.network):
        return False
    if not _same_arrays(ea.params, eb.params):
        return False
    if ea.history != eb.history:
        return False
    for (bufa, na), (bufb, nb) in zip(ea.curves, eb.curves, strict=True):
        if na != nb or (bufa is not bufb and
                        not np.array_equal(bufa[:na], bufb[:nb], equal_nan=True)):
            return False
    return True


def state_bytes(state, seen: dict) -> int:
    """The memory `state` holds that is not already in `seen` (id → bytes), added to it:
    the cost curves' buffers and the passes kept for stepping back, each counted once."""
    e = state.engine
    new = 0
    for buf, _n in e.curves:
        if id(buf) not in seen:
            seen[id(buf)] = buf.nbytes
            new += buf.nbytes
    items, _nbytes = e.history
    for p, _book, size in items:
        if id(p) not in seen:
            seen[id(p)] = size
            new += size
    for ds in (e.dataset, e.test_set):
        if ds is not None and id(ds) not in seen:
            seen[id(ds)] = ds.points.nbytes if hasattr(ds.points, "nbytes") else 0
            new += seen[id(ds)]
    return new


@dataclass(frozen=True, eq=False)
class Entry:
    """One step as kept in a branch: what it is called and the states on either side."""

    text: str
    before: object
    after: object
    marks: tuple = ()
    run_text: str = ""


@dataclass(eq=False)
class Branch:
    """Steps left behind by acting after an undo, and the state they start from."""

    entries: list
    made: float

    @property
    def base(self):
        return self.entries[0].before

    def describe(self) -> str:
        n = len(self.entries)
        first, last = self.entries[0].text, self.entries[-1].text
        what = first if n == 1 else f"{first} … {last}"
        return f"{n} step{'s' * (n != 1)}: {what}"


class StateCommand(QUndoCommand):
    """One step: undo restores `before`, redo `after`. Pushed after the action is done, so
    the first redo (QUndoStack.push calls it) does nothing."""

    # bumped whenever any command's marks change: the timeline rebuilds its points then
    version = 0

    @property
    def marks(self):
        return self._marks

    @marks.setter
    def marks(self, value):
        self._marks = value
        StateCommand.version += 1

    def __init__(self, history: UndoHistory, text: str, before, after, key=None):
        super().__init__(text)
        self.history, self.before, self.after, self.key = history, before, after, key
        self.stamp = time.monotonic()
        self.drag = None  # the slider drag it belongs to, if one
        self.marks = ()  # states part-way through a played run, for the timeline
        self.run_text = text  # a played run's name without its end ("play")
        self._fresh = True

    def id(self) -> int:
        return MERGE_ID if self.key is not None else -1

    def mergeWith(self, other) -> bool:
        if not isinstance(other, StateCommand) or not self.history.may_merge(self, other):
            return False
        self.after, self.stamp, self.drag = other.after, other.stamp, other.drag
        if same_state(self.before, self.after):
            self.setObsolete(True)  # dragged back to where it started: no step at all
        return True

    def redo(self):
        if self._fresh:
            self._fresh = False
            return
        self.history._go(self.after)

    def undo(self):
        self.history._go(self.before)

    def entry(self) -> Entry:
        return Entry(self.text(), self.before, self.after, self.marks, self.run_text)

    @classmethod
    def of(cls, history, e: Entry) -> StateCommand:
        cmd = cls(history, e.text, e.before, e.after)
        cmd.marks, cmd.run_text = e.marks, e.run_text
        return cmd


class UndoHistory(QObject):
    """The session's undo stack, its branches and the timeline's travel."""

    aboutToTravel = Signal()  # undo, redo or the timeline is about to move: pause Play
    changed = Signal()  # the steps, the position or the branches changed

    def __init__(self, session, limit: int = UNDO_LIMIT, parent=None):
        super().__init__(parent if parent is not None else session)
        self.session = session
        self.stack = QUndoStack(self)
        self.stack.setUndoLimit(limit)
        self.stack.indexChanged.connect(self._moved)
        self.branches: list[Branch] = []
        self._depth = 0  # inside a recorded action: nested calls are part of it
        self._restoring = False  # views re-syncing after a restore change nothing
        self._quiet = False  # commands' undo/redo do nothing (the timeline jumps once)
        self._held = None  # (merge key, drag number) of a slider held down
        self._drags = 0
        self._run = None  # [text, state before, marks] of a played run under way
        self._every = 1  # a played run marks every this many frames on the timeline
        self._frames = 0
        self.mark = None  # the timeline shows a mark of the step at the stack's index
        self._merging = True
        self._pushes = 0
        session.recorder = self

    _quiet = False

    @Slot(int)
    def _moved(self, _index):
        if not self._quiet:
            self.changed.emit()

    # ------------------------------------------------------------ recording
    def record(self, text, fn, *args, merge_key=None, **kwargs):
        """Do fn(*args, **kwargs) as one step named `text` (a string or a function
        of nothing, asked only if a step is pushed); returns what fn returns."""
        if self._restoring:
            return None  # a view echoing a restore: the restored state is the truth
        if self._depth:
            return fn(*args, **kwargs)
        if self._run is not None:  # the learner acts while Play runs: the run so far is
            self._flush_run()      # a step, the action another, and the run goes on after
        before = self.session.snapshot()
        self._depth += 1
        try:
            result = fn(*args, **kwargs)
        finally:
            self._depth -= 1
        after = self.session.snapshot()
        if not same_state(before, after):
            cmd = StateCommand(self, text() if callable(text) else text, before, after,
                               merge_key)
            if self._held is not None and self._held[0] == merge_key:
                cmd.drag = self._held[1]
            self._push(cmd)
        if self._run is not None:  # still playing (the action did not pause it)
            self._run[1:] = [after, []]
        return result

    def hold(self, key):
        """A slider is down: its edits are one step until `release`."""
        self._drags += 1
        self._held = (key, self._drags)

    def release(self, *_):
        self._held = None

    def may_merge(self, cmd: StateCommand, other: StateCommand) -> bool:
        if not self._merging or cmd.key != other.key:
            return False
        if cmd.drag is not None or other.drag is not None:  # one drag: one step
            return cmd.drag == other.drag
        return other.stamp - cmd.stamp <= BURST_S

    def close_burst(self):
        """The next edit starts a step of its own, however soon it comes."""
        top = self.stack.command(self.stack.count() - 1) if self.stack.count() else None
        if isinstance(top, StateCommand):
            top.stamp = -1e9

    def _push(self, cmd: StateCommand):
        part = None
        if self.mark is not None:  # acting part-way through a run: the run up to there
            k, self.mark = self.mark, None  # stays a step of this line, the whole run
            run = self.stack.command(self.stack.index() - 1)  # goes to the branch
            part = StateCommand(self, f"{run.run_text} to epoch "
                                      f"{run.marks[k].engine.epoch:,}", run.before,
                                run.marks[k])
            part.marks, part.run_text = run.marks[:k], run.run_text
            self._set_index(self.stack.index() - 1)
        i, n = self.stack.index(), self.stack.count()
        if i < n:  # QUndoStack drops the steps after this point: keep them as a branch
            tail = [self.stack.command(k).entry() for k in range(i, n)]
            self.branches.append(Branch(tail, time.time()))
            del self.branches[:-MAX_BRANCHES]
        if part is not None:
            self.stack.push(part)
        self.stack.push(cmd)
        self._pushes += 1
        if self._pushes % BOUND_EVERY == 0:  # the estimate walks every state: not each time
            self.bound()
        self.changed.emit()

    # ------------------------------------------------------------ played runs
    def begin_run(self, text: str = "play"):
        if self._run is None and not self._restoring:
            self._run = [text, self.session.snapshot(), []]
            self._every, self._frames = 1, 0

    def _flush_run(self):
        text, before, marks = self._run
        self._run[1:] = [None, []]  # renewed once the action that interrupts it is done
        if before is None:
            return
        after = self.session.snapshot()
        if not same_state(before, after):
            e0, e1 = before.engine.epoch, after.engine.epoch
            what = f"{text} to epoch {e1:,}" if e1 != e0 else text
            cmd = StateCommand(self, what, before, after)
            if marks and same_state(marks[-1], after):  # the last frame is the end
                marks.pop()
            cmd.marks, cmd.run_text = tuple(marks), text
            self._push(cmd)

    def _mark_frame(self):
        """A point of the run under way for the timeline: every frame at first, then
        thinned to at most MAX_MARKS spread over the run (they share the curves)."""
        self._frames += 1
        if self._run is None or self._run[1] is None or self._frames % self._every:
            return
        marks = self._run[2]
        marks.append(self.session.snapshot())
        if len(marks) > MAX_MARKS:
            marks[:] = marks[1::2]
            self._every *= 2

    def end_run(self):
        """The run so far becomes one step (if it changed anything)."""
        if self._run is not None:
            self._flush_run()
            self._run = None

    @property
    def running(self) -> bool:
        return self._run is not None

    @contextmanager
    def run_part(self, text: str = "play"):
        """What Play does in one frame: part of the run under way, or a step of its own."""
        own = self._run is None and not self._depth
        if own:
            self.begin_run(text)
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if own:
                self.end_run()
            else:
                self._mark_frame()

    # ------------------------------------------------------------ moving
    def _go(self, state):
        if self._quiet:
            return
        self._restoring = True
        try:
            self.session.restore(state)
        finally:
            self._restoring = False

    def _settle(self):
        self.aboutToTravel.emit()
        self.end_run()

    @Slot()
    def undo(self):
        self._settle()
        self.mark = None  # part-way through a run, undo goes to where the run started
        self.stack.undo()

    @Slot()
    def redo(self):
        self._settle()
        if self.mark is not None:  # part-way through a run: to where it ended
            self.mark = None
            self._go(self.state_at(self.stack.index()))
            self.changed.emit()
            return
        self.stack.redo()

    def positions(self) -> list[tuple[int, int | None]]:
        """The timeline: (stack index, mark or None) for the start, then for each step its
        marks (part-way through a played run: the run counts as done, so that undo takes
        it back) and its end."""
        return self._timeline()[0]

    def _timeline(self):
        """positions() and a map from each to its place, built again only when a step or
        its marks change: 500 steps with 64 marks each are 32 000 points, and rebuilding
        them at every step made undoing all the way back quadratic."""
        n = self.stack.count()
        # which steps there are (the undo limit drops the oldest as one is pushed) and
        # whether any marks changed: a few calls, not one per step
        key = (n, StateCommand.version,
               id(self.stack.command(0)) if n else None,
               id(self.stack.command(n - 1)) if n else None)
        if key != getattr(self, "_timeline_key", None):
            out = [(0, None)]
            for k in range(n):
                out += [(k + 1, j) for j in range(len(self.stack.command(k).marks))]
                out.append((k + 1, None))
            self._timeline_key = key
            self._timeline_at = (out, {p: i for i, p in enumerate(out)})
        return self._timeline_at

    def position(self) -> int:
        _, place = self._timeline()
        here = (self.stack.index(), self.mark)
        return place[here] if here in place else place[(self.stack.index(), None)]

    @Slot(int)
    def go_to(self, pos: int):
        """Show the session at point `pos` of the timeline (see positions): one restore,
        however far; acting from there starts a branch."""
        self._settle()
        where = self.positions()
        self._jump(*where[max(0, min(pos, len(where) - 1))])

    @Slot(int)
    def travel(self, index: int):
        """Show the session after the first `index` steps (see go_to)."""
        self._settle()
        self._jump(max(0, min(index, self.stack.count())), None)

    def _jump(self, index: int, mark: int | None):
        if (index, mark) == (self.stack.index(), self.mark) or not self.stack.count():
            return
        self.mark = None
        self._set_index(index)
        self.mark = mark
        self._go(self.state_at(index) if mark is None else
                 self.stack.command(index - 1).marks[mark])
        self.changed.emit()

    def run_at(self) -> tuple[int, int, int] | None:
        """The played run the timeline is at or inside: (its stack index + 1, first epoch,
        last epoch), if it closed epochs: any epoch of it can be recomputed, at full speed
        or played in micro-steps (see go_to_epoch)."""
        i = self.stack.index()
        if i <= 0:
            return None
        cmd = self.stack.command(i - 1)
        e0, e1 = cmd.before.engine.epoch, cmd.after.engine.epoch
        if cmd.run_text == cmd.text() or e1 <= e0 or _ops(cmd.after) < _ops(cmd.before):
            return None  # not a played run (or its log was cut: nothing to replay)
        return i, e0, e1

    def go_to_epoch(self, epoch: int) -> bool:
        """Show the session at `epoch` of the played run the timeline is at: recomputed
        exactly from the nearest kept state before it (a run keeps at most MAX_MARKS, not
        every epoch) by doing again what the run did from there, as the engine's log has
        it (core.history.ParamLog: the passes stepped through and the fast-path calls),
        then kept as one more point of the run. A run played in micro-steps shows the
        epoch as its last update left it. False if there is no such run or the epoch is
        outside it."""
        run = self.run_at()
        if run is None or not run[1] <= int(epoch) <= run[2]:
            return False
        self._settle()
        index, e0, e1 = run
        epoch = int(epoch)
        cmd = self.stack.command(index - 1)
        if epoch == e1:
            self._jump(index, None)
            return True
        fast = all(_at_pass_start(st) for st in (cmd.before, cmd.after, *cmd.marks))
        found = [j for j, st in enumerate(cmd.marks) if st.engine.epoch == epoch]
        if found and fast:  # (in micro-steps a mark may be part-way through the epoch)
            self._jump(index, found[0])
            return True
        states = [st for st in (cmd.before, *cmd.marks)
                  if st.engine.epoch < epoch or (st.engine.epoch == epoch and fast)]
        base = max(states, key=_order)
        ops = _log_ops(cmd.after)[_ops(base):]
        here, aspects = self.session.snapshot(), self.session.aspects()
        self._restoring = True
        blocker = QSignalBlocker(self.session)  # one redraw, at the end (announce)
        try:  # what the run did, from the same state: the same numbers
            self.session.restore(base)
            e = self.session.engine
            last = 0
            for op in ops.tolist():
                if e.epoch >= epoch:
                    break
                last = int(op)
                if last:
                    e.train(min(last, epoch - e.epoch))
                else:
                    e.apply_update()
            if last:
                e.finish_forward()  # as Play leaves each frame
            if e.epoch != epoch:  # the log did not lead there: show what was shown
                self.session.restore(here)
                return False
            blocker.unblock()
            self.session.announce(aspects)
        finally:
            blocker.unblock()
            self._restoring = False
        state = self.session.snapshot()
        marks = sorted([*cmd.marks, state], key=_order)
        cmd.marks = tuple(marks)
        self._set_index(index)
        self.mark = marks.index(state)
        self.changed.emit()
        return True

    def _set_index(self, index: int):
        if index != self.stack.index():
            self._quiet = True  # the steps in between restore nothing
            try:
                self.stack.setIndex(index)
            finally:
                self._quiet = False

    def state_at(self, index: int):
        """The session after the first `index` steps (0: before the first)."""
        if index <= 0:
            return self.stack.command(0).before
        return self.stack.command(index - 1).after

    def fork_of(self, branch: Branch) -> int | None:
        """Where on the timeline `branch` starts, or None if that point is gone."""
        for i in range(self.stack.count(), -1, -1):
            if self.stack.count() and same_state(self.state_at(i), branch.base):
                return i
        return None

    def return_to(self, branch: Branch) -> bool:
        """Go to the end of `branch`; the steps it replaces become a branch in turn."""
        fork = self.fork_of(branch)
        if fork is None:
            return False
        self.travel(fork)
        self.branches.remove(branch)
        self._merging = False
        try:
            for k, e in enumerate(branch.entries):
                if k == 0:
                    self._push(StateCommand.of(self, e))
                else:
                    self.stack.push(StateCommand.of(self, e))
        finally:
            self._merging = True
        self._go(branch.entries[-1].after)
        self.bound()
        self.changed.emit()
        return True

    # ------------------------------------------------------------ session files
    def to_record(self) -> sf.TimelineRecord | None:
        """The timeline as a session file keeps it (core.session_file.TimelineRecord), or
        None if there is nothing to keep or it does not lead to the session as shown."""
        playing = self._run is not None and self._run[1] is not None
        if not self.stack.count() and not playing:
            return None
        now = self.session.snapshot()
        steps, prev = [], None
        for k in range(self.stack.count()):
            c = self.stack.command(k)
            before = c.before
            if prev is not None and before is not prev and same_state(prev, before):
                before = prev  # one state, written once
            steps.append(sf.Step(c.text(), c.run_text, before, c.after, c.marks))
            prev = c.after
        index, mark = self.stack.index(), self.mark
        if playing:  # saved while Play runs:
            text, start, marks = self._run  # the run so far is a step, as if paused
            if index < len(steps):
                del steps[index:]
            steps.append(sf.Step(text, text, start, now, tuple(marks)))
            index, mark = len(steps), None
        here = (steps[index - 1].after if mark is None else steps[index - 1].marks[mark]) \
            if index else steps[0].before
        if not same_state(here, now):
            return None
        mains = {id(st) for s in steps for st in (s.before, s.after)}
        branches = []
        for b in self.branches:
            fork = self.fork_of(b)
            base = b.base if fork is None or id(self.state_at(fork)) not in mains \
                else self.state_at(fork)
            entries = [sf.Step(e.text, e.run_text, e.before, e.after, e.marks)
                       for e in b.entries]
            entries[0] = replace(entries[0], before=base)
            branches.append((b.made, tuple(entries)))
        return sf.TimelineRecord(tuple(steps), index, mark, tuple(branches))

    def adopt(self, record: sf.TimelineRecord, load) -> None:
        """Open a session with its timeline: `load()` makes the session the file's; the
        opening is one step (Undo goes back to what was open), the file's steps follow
        it, the timeline goes where the file was, and its branches join these."""
        from .session import DataChoice, SessionState

        if self._depth or self._restoring:
            load()  # inside another action (a lesson's start): that action is the one step
            return
        if not record.steps:
            self.record("open session", load)
            return
        self._settle()
        made: dict[int, SessionState] = {}

        def state(x) -> SessionState:  # one object for each of the file's states
            if id(x) not in made:
                made[id(x)] = SessionState(x.engine, x.spec, DataChoice(**x.data), x.stride)
            return made[id(x)]

        def command(e) -> StateCommand:
            cmd = StateCommand(self, e.text, state(e.before), state(e.after))
            cmd.marks, cmd.run_text = tuple(state(m) for m in e.marks), e.run_text
            return cmd

        before = self.session.snapshot()
        self._depth += 1  # what loading does is part of the opening, not steps of its own
        try:
            load()
        finally:
            self._depth -= 1
        self._push(StateCommand(self, "open session", before, state(record.steps[0].before)))
        self._merging = False
        self._quiet = True  # one `changed` at the end, not a timeline rebuilt per step
        try:
            for e in record.steps:
                self.stack.push(command(e))
            # counted from the end: the undo limit may have dropped the oldest steps
            self._set_index(self.stack.count() - (len(record.steps) - record.index))
        finally:
            self._merging = True
            self._quiet = False
        self.mark = record.mark
        for when, entries in record.branches:
            b = Branch([command(e).entry() for e in entries], when)
            self.branches.append(b)
        del self.branches[:-MAX_BRANCHES]
        self.bound()
        self.changed.emit()

    def discard(self, branch: Branch):
        self.branches.remove(branch)
        self.changed.emit()

    def clear(self):
        self._run = None
        self.mark = None
        self.stack.clear()
        self.branches.clear()
        self.changed.emit()

    # ------------------------------------------------------------ memory
    def kept_bytes(self) -> int:
        """An estimate of the memory every kept state holds (shared parts once)."""
        seen: dict = {}
        total = 0
        for k in range(self.stack.count()):
            c = self.stack.command(k)
            for st in (c.before, c.after, *c.marks):
                total += state_bytes(st, seen)
        for b in self.branches:
            for e in b.entries:
                for st in (e.before, e.after, *e.marks):
                    total += state_bytes(st, seen)
        return total

    def bound(self):
        """Past the memory budget, the oldest branches go, then the oldest steps."""
        while self.branches and self.kept_bytes() > BYTES_BUDGET:
            self.branches.pop(0)
        while self.stack.count() > 1 and self.kept_bytes() > BYTES_BUDGET:
            self._drop_oldest(max(1, self.stack.count() // 4))

    def _drop_oldest(self, k: int):
        """QUndoStack cannot drop its oldest steps on demand: rebuild it without them (the
        steps keep their states; nothing is restored). Steps still to redo stay."""
        n, i = self.stack.count(), self.stack.index()
        k = min(k, n - 1)
        keep = [self.stack.command(j).entry() for j in range(k, n)]
        if self.mark is not None and i - 1 < k:  # the run on show goes: its end is shown
            self.mark = None
            self._go(self.state_at(i))
        self._quiet = True
        self._merging = False
        try:
            self.stack.clear()
            for e in keep:
                self.stack.push(StateCommand.of(self, e))
            # below the first kept step (it was undone): its state before is the one shown
            self.stack.setIndex(max(0, i - k))
        finally:
            self._quiet = False
            self._merging = True
        if i < k:
            self._go(self.state_at(0))


def _log_ops(state):
    """The operations the state's engine logged (core.history.ParamLog)."""
    buf, n = state.engine.plog[1]
    return buf[:n]


def _ops(state) -> int:
    return state.engine.plog[1][1]


def _order(state) -> tuple:
    """Where a kept state comes in its run: by updates done, then by micro-step (a pass
    just finished comes before the next one's first steps)."""
    e = state.engine
    return (e.book.iteration if e.current is None else e.pass_book.iteration, e.cursor)


def _at_pass_start(state) -> bool:
    """Whether a kept state sits between passes (as Play at full speed or in epochs
    leaves it: a pass's forward values shown, nothing after), so training on from it
    gives what the run gave."""
    e = state.engine
    p = e.current
    return p is None or e.cursor in (0, p.n_forward)


class Timeline(QWidget):
    """A scrubber over the undo history: dragging shows the session as it was after
    each step; a menu returns to, or discards, the lines left behind."""

    def __init__(self, history: UndoHistory, parent=None):
        super().__init__(parent)
        self.history = history
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 0, 4, 0)
        lay.addWidget(QLabel("Timeline"))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName("timeline")
        self.slider.setToolTip("Every step you took: drag to see the session as it was; "
                               "act from there to go on (what came after is kept as a "
                               "branch)")
        self.slider.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.slider.valueChanged.connect(history.go_to)
        lay.addWidget(self.slider, 3)
        # any epoch of a played run: recomputed from the nearest point the run kept
        self.epoch = QSpinBox()
        self.epoch.setAccessibleName("timeline epoch")
        self.epoch.setPrefix("epoch ")
        self.epoch.setKeyboardTracking(False)
        self.epoch.setToolTip("Inside a played run: show the session at this epoch "
                              "(recomputed exactly from the nearest point kept)")
        self.epoch.valueChanged.connect(lambda v: history.go_to_epoch(v))
        lay.addWidget(self.epoch)
        self.where = Readout()  # elided to its room, whole in the tooltip
        self.where.setAccessibleName("timeline position")
        self.where.setMinimumWidth(120)
        lay.addWidget(self.where, 2)
        self.branch_button = QToolButton()
        self.branch_button.setText("Branches")
        self.branch_button.setAccessibleName("branches")
        self.branch_button.setToolTip("Lines of steps left behind by acting after an undo")
        self.branch_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self)
        self.menu.aboutToShow.connect(self.fill_menu)  # asked when opened: it searches
        self.branch_button.setMenu(self.menu)
        lay.addWidget(self.branch_button)
        history.changed.connect(self.sync)
        self.sync()

    @Slot()
    def sync(self):
        h = self.history
        n, i = h.stack.count(), h.stack.index()
        where = h.positions()
        self.slider.blockSignals(True)
        self.slider.setRange(0, len(where) - 1)
        self.slider.setValue(h.position())
        self.slider.blockSignals(False)
        self.slider.setEnabled(n > 0)
        if h.mark is not None:  # part-way through a played run
            e = h.stack.command(i - 1).marks[h.mark].engine
            text = f"step {i} of {n}: {h.stack.command(i - 1).text()}, at epoch {e.epoch:,}"
        else:
            last = h.stack.command(i - 1).text() if i > 0 else "the start"
            text = f"step {i} of {n}: {last}"
        self.where.setText(text)
        run = h.run_at()
        self.epoch.blockSignals(True)
        self.epoch.setEnabled(run is not None)
        if run is not None:
            self.epoch.setRange(run[1], run[2])
            self.epoch.setValue(h.session.engine.epoch)
        self.epoch.blockSignals(False)
        self.branch_button.setEnabled(bool(h.branches))
        self.branch_button.setText(f"Branches ({len(h.branches)})" if h.branches
                                   else "Branches")

    @Slot()
    def fill_menu(self):
        """Return to or discard each branch, newest first."""
        h = self.history
        self.menu.clear()
        for b in reversed(h.branches):
            a = QAction(f"Return to branch: {b.describe()}", self.menu)
            fork = h.fork_of(b)
            a.setEnabled(fork is not None)
            if fork is None:
                a.setText(a.text() + " (its starting point is gone)")
            a.triggered.connect(lambda _=False, b=b: h.return_to(b))
            self.menu.addAction(a)
        if h.branches:
            self.menu.addSeparator()
        for b in reversed(h.branches):
            a = QAction(f"Discard branch: {b.describe()}", self.menu)
            a.triggered.connect(lambda _=False, b=b: h.discard(b))
            self.menu.addAction(a)
