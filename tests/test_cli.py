"""``digitpad`` end to end, as subprocesses: help, bad arguments, predict, train, evaluate."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest
from helpers_cli import REPO, cli_env, run_cli
from PIL import Image

from digitpad import __version__
from digitpad.ml.data import sha256_of
from digitpad.ml.predictor import Predictor


@pytest.mark.parametrize("command", [[], ["gui"], ["train"], ["evaluate"], ["predict"]])
def test_help(tmp_path, command):
    result = run_cli(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("usage: digitpad")


def test_python_dash_m_help_and_version(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "digitpad", "--help"],
        cwd=tmp_path,
        env=cli_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "train" in result.stdout and "predict" in result.stdout
    assert run_cli("--version", cwd=tmp_path).stdout.strip() == f"digitpad {__version__}"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["train", "--epochs", "0"], "argument --epochs: must be at least 1, got 0"),
        (["train", "--batch-size", "x"], "argument --batch-size: expected a whole number, got 'x'"),
        (["train", "--learning-rate", "-1"], "argument --learning-rate: must be positive"),
        (["train", "--limit", "1.5"], "argument --limit: expected a whole number"),
        (["train", "--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["predict"], "the following arguments are required: IMAGE"),
        (["teach"], "invalid choice: 'teach'"),
    ],
)
def test_bad_arguments(tmp_path, args, expected):
    """Exactly one line (no usage dump) naming the problem; exit 2, no traceback."""
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith("digitpad") and "error: " in lines[0] and expected in lines[0]
    assert "--help" in lines[0]


def test_train_refuses_a_bad_output_path_before_training(tmp_path):
    result = run_cli("train", "--out", tmp_path / "nowhere" / "m.keras", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"digitpad: error: {tmp_path / 'nowhere' / 'm.keras'}: folder "
        f"{tmp_path / 'nowhere'} does not exist"
    ]


def test_predict_unreadable_image(tmp_path):
    (tmp_path / "x.png").write_text("not an image")
    result = run_cli("predict", "x.png", "missing.png", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("digitpad: error: x.png: not a readable image")
    assert len(result.stderr.strip().splitlines()) == 1


def test_predict_mnist_test_image_zero(mnist, tmp_path):
    """The tutorial's ``predictions[0].argmax()`` -> 7, from PNG files however drawn."""
    digit = mnist.x_test[0]
    assert mnist.y_test[0] == 7
    Image.fromarray(digit).save(tmp_path / "white_on_black.png")
    Image.fromarray(255 - digit).save(tmp_path / "dark_on_light.png")
    Image.fromarray(digit).resize((280, 280), Image.Resampling.NEAREST).save(tmp_path / "big.png")
    Image.fromarray(np.zeros((28, 28), np.uint8)).save(tmp_path / "blank.png")
    names = ["white_on_black.png", "dark_on_light.png", "big.png", "blank.png"]
    result = run_cli("predict", *names, cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    out = result.stdout
    for name in names[:3]:
        assert f"{name}: 7\n" in out
    assert "blank.png: no digit found" in out
    assert out.count("PROBABILITY | NUMBER") == 3
    rows = re.findall(r"^ *(\d+)% \| \[(\d)\]$", out, flags=re.MULTILINE)
    assert len(rows) == 30 and [d for _, d in rows] == [str(d) for d in range(10)] * 3
    sevens = [int(p) for p, d in rows if d == "7"]
    assert min(sevens) >= 90, out  # confidently 7, however the image was drawn


@pytest.mark.mnist
def test_train_prints_like_keras_and_writes_model_and_card(full_mnist, tmp_path):
    (tmp_path / "tmp").mkdir()
    result = run_cli(
        "train",
        "--epochs",
        "1",
        "--limit",
        "2000",
        "--seed",
        "0",
        "--out",
        "tmp/m.keras",
        "--data",
        full_mnist.source,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert "Epoch 1/1" in out
    step_line = next(line for line in out.splitlines() if line.startswith("16/16"))
    assert "accuracy:" in step_line and "loss:" in step_line
    assert "313/313" in out
    acc = re.search(r"^test_acc: (0\.\d{4})$", out, flags=re.MULTILINE)
    assert acc and float(acc.group(1)) > 0.8
    assert sorted(p.name for p in (tmp_path / "tmp").iterdir()) == ["m.json", "m.keras"]
    Predictor.from_file(tmp_path / "tmp" / "m.keras")
    card = json.loads((tmp_path / "tmp" / "m.json").read_text())
    assert card["recipe"]["hidden_units"] == 512 and card["recipe"]["optimizer"] == "rmsprop"
    assert card["recipe"]["epochs"] == 1 and card["recipe"]["batch_size"] == 128
    assert card["seed"] == 0 and card["epochs"] == 1 and card["epochs_completed"] == 1
    assert card["test_acc"] == pytest.approx(float(acc.group(1)), abs=1e-4)
    assert 0 < card["test_loss"] < 1
    assert card["mnist_sha256"] == sha256_of(full_mnist.source)
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$", card["date"])
    assert card["digitpad_version"] == __version__


@pytest.mark.mnist
def test_evaluate_the_bundled_model(full_mnist, tmp_path):
    result = run_cli("evaluate", "--data", full_mnist.source, cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert "313/313" in result.stdout
    assert re.search(r"^test_acc: 0\.98\d\d$", result.stdout, flags=re.MULTILINE), result.stdout


def test_helpers_point_at_this_checkout():
    assert (REPO / "digitpad" / "__main__.py").is_file()


def test_a_seed_out_of_range_is_one_line_not_a_traceback(tmp_path):
    for seed in ("-1", str(2**70), "abc"):
        result = run_cli("train", f"--seed={seed}", cwd=tmp_path)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert "--seed" in result.stderr and "Traceback" not in result.stderr


def test_train_never_overwrites_its_own_dataset(tmp_path):
    data = tmp_path / "data.keras"
    data.write_bytes(b"PK\x03\x04 pretend dataset")
    before = data.read_bytes()
    result = run_cli("train", "--data", str(data), "--out", str(data), cwd=tmp_path)
    assert result.returncode == 2 and "would overwrite the input" in result.stderr
    assert data.read_bytes() == before


def test_train_takes_each_presets_own_recipe_unless_told(tmp_path):
    """The window's Train and ``digitpad train --preset robust`` train the same recipe
    (the command line used the tutorial's batch size and learning rate for every preset)."""
    from conftest import SMALL_MNIST

    from digitpad.ml.presets import get_preset

    def card_of(name: str, *told: str) -> dict:
        out = tmp_path / f"{name}.keras"
        result = run_cli(
            *("train", "--preset", "robust", "--epochs", "1", "--limit", "300", *told),
            *("--out", str(out), "--data", str(SMALL_MNIST)),
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(out.with_suffix(".json").read_text())

    own = card_of("r", "--seed", "0")
    robust = get_preset("robust").recipe
    recipe = own["recipe"]
    assert (recipe["batch_size"], recipe["learning_rate"]) == (256, robust.learning_rate)
    assert recipe["optimizer"] == "adam" and recipe["epochs"] == 1
    card = card_of("t", "--batch-size", "64", "--learning-rate", "0.002")
    assert (card["recipe"]["batch_size"], card["recipe"]["learning_rate"]) == (64, 0.002)
    # The preset's words name its own recipe; the card says what this run changed.
    assert card["description"].endswith("This run: 1 epoch(s), batches of 64, learning rate 0.002.")
    assert own["description"].endswith("This run: 1 epoch(s), batches of 256, learning rate 0.005.")
