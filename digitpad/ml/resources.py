"""Find files shipped in ``resources/`` from an installed wheel or a source checkout.

The wheel maps the top-level ``resources/`` folder to the package ``digitpad.resources``
(see pyproject.toml); a source checkout has it beside the ``digitpad`` package.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_SOURCE_TREE = Path(__file__).resolve().parents[2] / "resources"


def resource_path(name: str) -> Path:
    try:
        candidate = Path(str(resources.files("digitpad.resources") / name))
        if candidate.exists():
            return candidate
    except ModuleNotFoundError:
        pass
    return _SOURCE_TREE / name
