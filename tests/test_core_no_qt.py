"""core/ is the pure NumPy engine: it must never import Qt or pyqtgraph."""

import json
import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CORE_DIR = REPO_ROOT / "core"
GUI_TOPS = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6", "PySide2")

# Imports every module of core/ in a clean interpreter, then lists the GUI
# modules that ended up loaded.
_PROBE = f"""
import importlib, json, pkgutil, sys
import core
names = ["core"]
for info in pkgutil.walk_packages(core.__path__, prefix="core."):
    importlib.import_module(info.name)
    names.append(info.name)
gui_tops = {set(GUI_TOPS)!r}
loaded = sorted(m for m in sys.modules if m.split(".")[0] in gui_tops)
print(json.dumps({{"imported": names, "gui_modules": loaded}}))
"""

_GUI_IMPORT = re.compile(
    r"^\s*(?:from\s+(?:{tops})\b|import\s+[^#\n]*\b(?:{tops})\b)".format(tops="|".join(GUI_TOPS)),
    re.MULTILINE,
)


def test_importing_all_of_core_loads_no_gui_module():
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"importing core failed:\n{result.stderr}"
    report = json.loads(result.stdout.strip().splitlines()[-1])
    loaded = report["gui_modules"]
    tops = sorted({name.split(".")[0] for name in loaded})
    assert loaded == [], (
        f"importing {report['imported']} pulled in {len(loaded)} GUI modules "
        f"from {tops}, e.g. {loaded[:5]}"
    )


def test_no_core_source_file_imports_a_gui_toolkit():
    sources = sorted(CORE_DIR.rglob("*.py"))
    assert sources, f"no Python files found under {CORE_DIR}"
    offenders = []
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for match in _GUI_IMPORT.finditer(text):
            line_no = text.count("\n", 0, match.start()) + 1
            line = text.splitlines()[line_no - 1].strip()
            offenders.append(f"{path.relative_to(REPO_ROOT)}:{line_no}: {line}")
    assert not offenders, "core/ must not import a GUI toolkit:\n" + "\n".join(offenders)
