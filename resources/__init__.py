"""Data files shipped with Neuron Lab: lesson texts, presets and icons.

This is a package only so that setuptools installs the files beside the code;
load them with ``importlib.resources.files("resources")``.
"""
