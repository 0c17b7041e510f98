"""The Network and Data sections of the controls.

Each section only reads the session and asks it for changes; the session refuses a
bad choice with a message (its `problem` signal) and the section then shows what
is really in use again, so a refused entry never leaves a control lying.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from core import datasets
from core.setup import TUTORIAL, NetworkSpec, SetupError, parse_network

from .controls import SaysWhySpinBox

# (shown, what NetworkSpec.network takes); any other sizes can be typed
NETWORKS = (("single neuron", "neuron"), ("feature cross x₁x₂", "cross"),
            ("2-3-1 (the tutorial's)", "2-3-1"), ("2-5-3-1", "2-5-3-1"),
            ("2-8-8-1", "2-8-8-1"))
ACTIVATION_NAMES = (("sigmoid σ", "sigmoid"), ("tanh", "tanh"), ("ReLU", "relu"))
LOSS_NAMES = (("squared error ½(y − ŷ)²", "mse"), ("cross-entropy", "bce"))
INIT_NAMES = (("the tutorial's", "tutorial"), ("random × 0.01", "plain"),
              ("Xavier (÷ √fan-in)", "xavier"), ("He (× √(2/fan-in))", "he"))
SEED_UI_MAX = 2**31 - 1  # what a Qt spin box holds
SHAPES = tuple(datasets.GENERATED_TITLES.items())


def _combo(name: str, items, tip: str) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    box.setToolTip(tip)
    for text, data in items:
        box.addItem(text, data)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(10)
    box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return box


class NetworkPanel(QGroupBox):
    """Which network learns: the single neuron, the feature cross, or hidden layers;
    hidden activation, loss, and how the parameters start."""

    def __init__(self, session, parent=None):
        super().__init__("Network", parent)
        self.session = session
        self.form = form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.network = _combo("network", NETWORKS,
                              "The network that learns. Choose one, or type layer sizes such "
                              "as 2-4-1 or 2-6-3-1 (1 or 2 hidden layers of 1 to 8 units) and "
                              "press Enter.")
        self.network.setEditable(True)
        self.network.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.network.activated.connect(self._network_chosen)
        self.network.lineEdit().returnPressed.connect(self._network_typed)
        form.addRow("Network", self.network)
        self.activation = _combo("hidden activation", ACTIVATION_NAMES,
                                 "The hidden units' activation; the output is always a "
                                 "sigmoid, so ŷ reads as a probability")
        self.activation.activated.connect(lambda _i: self._change(
            activation=self.activation.currentData()))
        form.addRow("Hidden units", self.activation)
        self.loss = _combo("loss", LOSS_NAMES,
                           "Squared error, as the tutorial starts, or binary cross-entropy, "
                           "whose ∂L/∂z is simply ŷ − y")
        self.loss.activated.connect(lambda _i: self._change(loss=self.loss.currentData(),
                                                            keep=True))
        form.addRow("Loss", self.loss)
        self.init = _combo("start", INIT_NAMES,
                           "How the parameters start: the tutorial's own values, or random "
                           "numbers drawn from the seed (the same seed, the same start)")
        self.init.activated.connect(lambda _i: self._change(init=self.init.currentData()))
        form.addRow("Start", self.init)
        row = QWidget()
        rl = QHBoxLayout(row)
        rl.setContentsMargins(0, 0, 0, 0)
        self.seed = SaysWhySpinBox("The seed")
        self.seed.setRange(0, SEED_UI_MAX)
        self.seed.setKeyboardTracking(False)
        self.seed.setAccessibleName("seed")
        self.seed.setToolTip("The random start's seed: NumPy's RandomState(seed), drawn as the "
                             "tutorial author's code draws it")
        self.seed.valueChanged.connect(lambda v: self._change(seed=int(v)))
        rl.addWidget(self.seed, 1)
        self.reroll = QPushButton("Re-roll")
        self.reroll.setAccessibleName("re-roll")
        self.reroll.setToolTip("The next seed: another random start, reproducible from its seed")
        self.reroll.clicked.connect(self._reroll)
        rl.addWidget(self.reroll)
        form.addRow("Seed", row)
        self._seed_row = row
        for sig in (session.networkChanged, session.setupChanged):
            sig.connect(self.sync)
        self.sync()

    # ------------------------------------------------------------ choices
    def _change(self, keep: bool = False, **changes) -> bool:
        spec = self.session.spec
        try:
            new = spec.replace(**changes)
        except SetupError as exc:
            self.session.problem.emit(str(exc))
            self.sync()
            return False
        if new == spec:
            self.sync()  # what was typed gives way to the entry of the network in use
            return True
        return self.session.set_network(new, keep=keep)

    def choose(self, network) -> bool:
        """Switch to `network` ("neuron", "cross", "2-3-1", …): the tutorial's start where
        it gives one, else a random Xavier start from the seed shown."""
        try:
            net = parse_network(network)
        except SetupError as exc:
            self.session.problem.emit(str(exc))
            self.sync()
            return False
        spec = self.session.spec
        init = spec.init
        has_tutorial = not isinstance(net, tuple) or net in TUTORIAL
        if init == "tutorial" and not has_tutorial:
            init = "xavier"
        elif has_tutorial and init != "tutorial" and spec.network != net:
            init = "tutorial"  # a tutorial network starts where the tutorial does
        activation = spec.activation if isinstance(net, tuple) else "sigmoid"
        return self._change(network=net, init=init, activation=activation)

    @Slot(int)
    def _network_chosen(self, index: int):
        self.choose(self.network.itemData(index))

    @Slot()
    def _network_typed(self):
        text = self.network.currentText().strip()
        for shown, key in NETWORKS:
            if text == shown:
                text = key
        self.choose(text)

    def _reroll(self):
        changes = {"seed": (self.session.spec.seed + 1) % (SEED_UI_MAX + 1)}
        if self.session.spec.init == "tutorial":
            changes["init"] = "xavier"  # a seed means nothing for the tutorial's start
        self._change(**changes)

    # ------------------------------------------------------------ showing
    @Slot()
    def sync(self):
        spec: NetworkSpec = self.session.spec
        with QSignalBlocker(self.network), QSignalBlocker(self.activation), \
                QSignalBlocker(self.loss), QSignalBlocker(self.init), QSignalBlocker(self.seed):
            i = self.network.findData(spec.label)
            if i >= 0:
                self.network.setCurrentIndex(i)
            else:
                self.network.setEditText(spec.label)
            self.activation.setCurrentIndex(self.activation.findData(spec.activation))
            self.loss.setCurrentIndex(self.loss.findData(spec.loss))
            self.init.setCurrentIndex(self.init.findData(spec.init))
            self.seed.setValue(min(spec.seed, SEED_UI_MAX))
        # rows that mean nothing for this choice are hidden, not greyed: less to read
        self.form.setRowVisible(self.activation, spec.layered)
        self.form.setRowVisible(self._seed_row, spec.init != "tutorial")
        model = self.init.model()
        # the tutorial gives starting values for its own networks only
        model.item(0).setEnabled(not spec.layered or spec.network in TUTORIAL)


class DataPanel(QGroupBox):
    """The training points: a gate, a generated shape (points, noise, seed, a held-out
    test part) or the learner's own; and how a pass goes through them."""

    def __init__(self, session, parent=None):
        super().__init__("Data and mode", parent)
        self.session = session
        self.form = form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        items = [(f"{title} gate", key) for key, title in datasets.GATE_TITLES.items()]
        items += [(title[0].upper() + title[1:], key) for key, title in SHAPES]
        items.append(("Your own points", "custom"))
        self.dataset = _combo("dataset", items,
                              "The data set to learn. The shapes are drawn at random from a "
                              "seed; choose “Your own points” and click on the Decision "
                              "boundary plot to place points")
        self.dataset.setItemData(self.dataset.count() - 1,
                                 "Place points by clicking on the Decision boundary plot",
                                 Qt.ItemDataRole.ToolTipRole)
        form.addRow("Dataset", self.dataset)
        self.points = SaysWhySpinBox("The number of points")
        self.points.setRange(1, datasets.MAX_POINTS)
        self.points.setGroupSeparatorShown(True)
        self.points.setKeyboardTracking(False)
        self.points.setAccessibleName("points")
        self.points.setToolTip(f"How many points to draw (1 to {datasets.MAX_POINTS:,})")
        self.points.valueChanged.connect(lambda v: self._option(points=int(v)))
        self.noise = QDoubleSpinBox()
        self.noise.setRange(0.0, datasets.MAX_NOISE)
        self.noise.setSingleStep(0.05)
        self.noise.setDecimals(2)
        self.noise.setKeyboardTracking(False)
        self.noise.setAccessibleName("noise")
        self.noise.setToolTip("How far each point strays from its shape (standard deviation)")
        self.noise.valueChanged.connect(lambda v: self._option(noise=float(v)))
        self.data_seed = QSpinBox()
        self.data_seed.setRange(0, SEED_UI_MAX)
        self.data_seed.setKeyboardTracking(False)
        self.data_seed.setAccessibleName("data seed")
        self.data_seed.setToolTip("The points' seed: the same seed draws the same points")
        self.data_seed.valueChanged.connect(lambda v: self._option(seed=int(v)))
        self.test_part = QSpinBox()
        self.test_part.setRange(0, round(datasets.MAX_TEST_FRACTION * 100))
        self.test_part.setSuffix(" %")
        self.test_part.setSingleStep(10)
        self.test_part.setKeyboardTracking(False)
        self.test_part.setAccessibleName("test part")
        self.test_part.setToolTip("Points held out of training: their cost is drawn on the "
                                  "loss curve beside the training cost")
        self.test_part.valueChanged.connect(lambda v: self._option(test_fraction=v / 100))
        form.addRow("Points", self.points)
        form.addRow("Noise", self.noise)
        form.addRow("Data seed", self.data_seed)
        form.addRow("Test part", self.test_part)
        for sig in (session.datasetChanged, session.setupChanged):
            sig.connect(self.sync)
        self.sync()

    def _option(self, **changes):
        if not self.session.set_data_option(**changes):
            self.sync()  # refused (say 2 points and a test part): the box shows what is used

    def generated_rows(self):
        return (self.points, self.noise, self.data_seed, self.test_part)

    @Slot()
    def sync(self):
        data = self.session.data
        for w in self.generated_rows():
            self.form.setRowVisible(w, data.generated)
        if not data.generated:
            return
        with QSignalBlocker(self.points), QSignalBlocker(self.noise), \
                QSignalBlocker(self.data_seed), QSignalBlocker(self.test_part):
            self.points.setValue(data.points)
            noise = datasets.DEFAULT_NOISE[data.kind] if data.noise is None else data.noise
            self.noise.setValue(noise)
            self.data_seed.setValue(min(data.seed, SEED_UI_MAX))
            self.test_part.setValue(round(data.test_fraction * 100))
