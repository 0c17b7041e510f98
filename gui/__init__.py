"""Neuron Lab's window (PySide6 + pyqtgraph), wired to the NumPy core through
one adapter, `gui.session.Session`."""
