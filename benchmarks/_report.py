"""What the benchmark scripts share: the commit a figure was measured at, the machine's
load, and replacing their own section of BENCHMARKS.md (old figures never kept beside
new ones)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path


def commit(root: Path, *watched: str) -> str:
    """``HEAD``'s short hash, "+ uncommitted changes" when ``watched`` paths differ."""
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", *watched],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return out + (" + uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def load_average() -> str:
    return " / ".join(f"{v:.2f}" for v in os.getloadavg())


def replace_section(path: Path, heading: str, body: str, *, first: bool = False) -> None:
    """Put ``body`` (which starts with ``heading``) in place of that section of ``path``;
    a new section goes first (under the title) or last."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(old):
        new = pattern.sub(lambda _m: body + "\n", old).rstrip() + "\n"
    elif first:
        new = old.replace("# Benchmarks\n", "# Benchmarks\n\n" + body, 1)
    else:
        new = old.rstrip() + "\n\n" + body
    path.write_text(new, encoding="utf-8")
