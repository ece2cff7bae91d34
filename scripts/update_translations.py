#!/usr/bin/env python3
"""Refresh the Korean translation: lupdate the sources into the .ts, lrelease it into the .qm.

    python3 scripts/update_translations.py            # after changing any user-visible text
    python3 scripts/update_translations.py --check    # exit 1 if .ts/.qm are stale or unfinished
    python3 scripts/update_translations.py --unfinished         # list what still needs Korean
    python3 scripts/update_translations.py --apply ko.json      # {"Context": {"source": "번역"}}

The .ts (resources/translations/) is the source of truth and is committed; the .qm
(resources/) is compiled from it, committed too, and shipped in the wheel. Edit the .ts
with Qt Linguist (``pyside6-linguist``), by hand, or with ``--apply``; then run this
script again so the .qm follows. See docs/i18n.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = {"ko": "ko_KR"}
TS_DIR = ROOT / "resources" / "translations"
QM_DIR = ROOT / "resources"


def ts_path(code: str) -> Path:
    return TS_DIR / f"digitpad_{code}.ts"


def qm_path(code: str) -> Path:
    return QM_DIR / f"digitpad_{code}.qm"


def sources() -> list[Path]:
    return sorted(p for p in (ROOT / "digitpad").rglob("*.py") if "__pycache__" not in p.parts)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:  # the console script may be missing while the module is installed
        sys.exit(f"{name} not found on PATH; install PySide6 (pip install PySide6)")
    return found


def lupdate(ts: Path, target_language: str) -> None:
    ts.parent.mkdir(parents=True, exist_ok=True)
    files = [str(p.relative_to(ROOT)) for p in sources()]
    subprocess.run(
        [
            _tool("pyside6-lupdate"),
            *files,
            "-no-obsolete",
            "-locations",
            "relative",
            "-source-language",
            "en",
            "-target-language",
            target_language,
            "-silent",
            "-ts",
            str(ts),
        ],
        cwd=ROOT,
        check=True,
    )


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run(
        [_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], cwd=ROOT, check=True
    )


def entries(ts: Path) -> set[tuple[str, str]]:
    return {
        (context.findtext("name", ""), message.findtext("source", ""))
        for context in ET.parse(ts).getroot().iter("context")
        for message in context.iter("message")
    }


def unfinished(ts: Path) -> list[tuple[str, str]]:
    """(context, source) of every entry without a complete translation."""
    missing = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            texts = [f.text or "" for f in translation.iter("numerusform")] or [
                translation.text or ""
            ]
            if translation.get("type") in ("unfinished", "vanished", "obsolete") or not all(
                t.strip() for t in texts
            ):
                missing.append((name, message.findtext("source", "")))
    return missing


def apply(ts: Path, table: dict[str, dict[str, str | list[str]]]) -> int:
    """Write translations from ``{context: {source: text or [numerus forms]}}``."""
    tree = ET.parse(ts)
    count = 0
    for context in tree.getroot().iter("context"):
        entries = table.get(context.findtext("name", ""), {})
        for message in context.iter("message"):
            text = entries.get(message.findtext("source", ""))
            if text is None:
                continue
            translation = message.find("translation")
            translation.attrib.pop("type", None)
            forms = list(translation.iter("numerusform"))
            if forms:
                values = text if isinstance(text, list) else [text]
                for form, value in zip(forms, values * len(forms), strict=False):
                    form.text = value
            else:
                translation.text = text if isinstance(text, str) else text[0]
            count += 1
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return count


def check(code: str) -> list[str]:
    """Problems that make the shipped translation stale or incomplete (empty = fine)."""
    problems = []
    ts, qm = ts_path(code), qm_path(code)
    if not ts.exists():
        return [f"{ts.relative_to(ROOT)} is missing; run scripts/update_translations.py"]
    with tempfile.TemporaryDirectory() as tmp:
        fresh_ts = Path(tmp) / ts.name
        shutil.copy(ts, fresh_ts)
        lupdate(fresh_ts, LANGUAGES[code])
        # Line numbers may drift with every edit; only the texts themselves must match.
        new, gone = entries(fresh_ts) - entries(ts), entries(ts) - entries(fresh_ts)
        for context, source in sorted(new):
            problems.append(f"not in the .ts yet: [{context}] {source!r}")
        for context, source in sorted(gone):
            problems.append(f"no longer in the sources: [{context}] {source!r}")
        for context, source in unfinished(fresh_ts):
            if (context, source) not in new:
                problems.append(f"untranslated: [{context}] {source!r}")
        fresh_qm = Path(tmp) / qm.name
        lrelease(ts, fresh_qm)
        if not qm.exists() or fresh_qm.read_bytes() != qm.read_bytes():
            problems.append(f"{qm.relative_to(ROOT)} is not compiled from the current .ts")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    mode.add_argument("--unfinished", action="store_true", help="list untranslated entries")
    mode.add_argument("--apply", metavar="JSON", help="merge translations from a JSON table")
    args = parser.parse_args(argv)
    status = 0
    for code, target in LANGUAGES.items():
        ts = ts_path(code)
        if args.check:
            problems = check(code)
            for problem in problems:
                print(f"{code}: {problem}")
            status |= bool(problems)
            continue
        lupdate(ts, target)
        if args.apply:
            table = json.loads(Path(args.apply).read_text(encoding="utf-8"))
            print(f"{code}: applied {apply(ts, table)} translations")
            lupdate(ts, target)  # back to lupdate's own layout, so --check stays stable
        missing = unfinished(ts)
        if args.unfinished:
            for context, source in missing:
                print(json.dumps([context, source], ensure_ascii=False))
            continue
        lrelease(ts, qm_path(code))
        print(
            f"{code}: {ts.relative_to(ROOT)} -> {qm_path(code).relative_to(ROOT)}"
            f" ({len(missing)} untranslated)"
        )
    return status


if __name__ == "__main__":
    sys.exit(main())
