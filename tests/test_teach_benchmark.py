"""The real-handwriting benchmark runs and keeps its own BENCHMARKS.md section."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "handwriting.py"


@pytest.fixture
def bench(monkeypatch, tmp_path):
    spec = importlib.util.spec_from_file_location("handwriting", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "ROOT", tmp_path)
    return module


def test_section_is_replaced_and_other_sections_are_kept(bench, tmp_path):
    (tmp_path / "BENCHMARKS.md").write_text("# Benchmarks\n\n## Start-up\n\nfast\n")
    held_out = type("H", (), {"writers": np.array([5, 10])})()
    bench.write_section("| old |", 60, 10, held_out, 1.0)
    bench.write_section("| new |", 60, 10, held_out, 1.0)
    text = (tmp_path / "BENCHMARKS.md").read_text()
    assert text.count("## Real handwriting") == 1 and "| new |" in text and "| old |" not in text
    assert "## Start-up\n\nfast" in text


@pytest.mark.pendigits
def test_small_run_prints_a_table(bench, capsys, mnist, pendigits):
    assert bench.main(["--pen-digits", "30", "--mnist-digits", "20", "--no-write"]) == 0
    out = capsys.readouterr().out
    assert "| tutorial | **strokes (the pad)** |" in out
    assert "| tutorial | pixels (`to_mnist`) |" in out
