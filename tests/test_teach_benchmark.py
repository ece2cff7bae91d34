"""The drawn-digit benchmark runs and keeps its own BENCHMARKS.md section."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "drawn_digits.py"


@pytest.fixture
def bench(monkeypatch, tmp_path):
    spec = importlib.util.spec_from_file_location("drawn_digits", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "ROOT", tmp_path)
    return module


def test_section_is_replaced_and_other_sections_are_kept(bench, tmp_path):
    (tmp_path / "BENCHMARKS.md").write_text("# Benchmarks\n\n## Start-up\n\nfast\n")
    args = SimpleNamespace(n=10, seed=1)
    bench.write_section("| old |", 60, args)
    bench.write_section("| new |", 60, args)
    text = (tmp_path / "BENCHMARKS.md").read_text()
    assert text.count("## Drawn digits") == 1 and "| new |" in text and "| old |" not in text
    assert "## Start-up\n\nfast" in text


@pytest.mark.mnist
def test_small_run_prints_a_table(bench, capsys, mnist):
    assert bench.main(["--presets", "tutorial", "--n", "20", "--no-write"]) == 0
    out = capsys.readouterr().out
    assert "| tutorial | bundled model |" in out
