"""Find files shipped in ``resources/`` from an installed wheel or a source checkout.

The wheel maps the top-level ``resources/`` folder to the package ``digitpad.resources``
(see pyproject.toml); a source checkout has it beside the ``digitpad`` package.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

_SOURCE_TREE = Path(__file__).resolve().parents[2] / "resources"


@functools.cache
def _installed():
    """The wheel's ``digitpad.resources`` package, or ``None`` in a source checkout.
    Looked up once: the window asks for a dozen resources as it opens, and each failed
    import search cost ~0.1 ms."""
    try:
        return resources.files("digitpad.resources")
    except ModuleNotFoundError:
        return None


def resource_path(name: str) -> Path:
    installed = _installed()
    if installed is not None:
        candidate = Path(str(installed / name))
        if candidate.exists():
            return candidate
    return _SOURCE_TREE / name
