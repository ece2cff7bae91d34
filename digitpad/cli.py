"""``digitpad`` (the window) and ``digitpad train|evaluate|predict`` (the tutorial, scripted)."""

from __future__ import annotations

import argparse
import codecs
import io
import logging
import os
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from digitpad import __version__
from digitpad.ml.errors import DigitpadError, check_path, shown_path
from digitpad.ml.presets import PRESETS
from digitpad.ml.recipe import TUTORIAL

EXIT_USAGE = 2


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {value}")
    return value


def _hidden_units(text: str) -> int:
    """At most ``MAX_HIDDEN_UNITS``: beyond it the model would not fit the 512 MB of
    weights digitpad opens, and TensorFlow would try to allocate it before failing."""
    from digitpad.ml.model import MAX_HIDDEN_UNITS

    value = _positive_int(text)
    if value > MAX_HIDDEN_UNITS:
        raise argparse.ArgumentTypeError(
            f"must be between 1 and {MAX_HIDDEN_UNITS} (a larger layer would not fit in "
            f"memory nor in a model file digitpad opens), got {value}"
        )
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"must be between 0 and 4294967295, got {value}")
    return value


def _path(text: str) -> str:
    """A path argument the file system can at least look up: one longer than it allows
    (``File name too long``) is a usage error here, before anything tries to open it."""
    try:
        check_path(os.path.expanduser(text))
    except DigitpadError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


# -- a terminal that cannot show every character ------------------------------------------
# The CLI's sentences use a few typographic characters (…, ×, —, Keras' ━ bar) and print
# paths as the file system gave them. On a terminal whose encoding lacks them (LC_ALL=C
# with Python's UTF-8 mode off: ASCII), print() raised UnicodeEncodeError mid-report.
_PLAIN = {
    "\u2026": "...",
    "\u00d7": "x",
    "\u2014": "-",
    "\u2013": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2192": "->",
    "\u00b7": "-",
    "\u2501": "=",
    "\u2500": "-",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2022": "*",
    "\u00a0": " ",
}
_ERRORS = "digitpad-plain"


def _plain(exc: UnicodeError) -> tuple[str | bytes, int]:
    """Encode error handler: a byte the file system gave undecoded goes out as that byte
    (as ``surrogateescape``); a typographic character as its ASCII look-alike; anything
    else as its decomposed ASCII letters, or "?"."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    char = exc.object[exc.start]
    if "\udc80" <= char <= "\udcff":
        return bytes([ord(char) - 0xDC00]), exc.start + 1
    plain = _PLAIN.get(char)
    if plain is None:
        plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode() or "?"
    return plain, exc.start + 1


def _printable_streams() -> None:
    """stdout and stderr never stop on a character their encoding lacks."""
    try:
        codecs.lookup_error(_ERRORS)
    except LookupError:
        codecs.register_error(_ERRORS, _plain)
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors != _ERRORS:
            try:
                stream.reconfigure(errors=_ERRORS)
            except (ValueError, OSError):  # closed or detached: nothing to print on
                pass


def _os_error_line(exc: OSError) -> str:
    """An OSError no reader turned into a sentence: its file (shortened) and reason."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.filename is not None:
        return f"{shown_path(os.fsdecode(exc.filename))}: {reason}"
    return reason


def _check_env_paths(*names: str) -> None:
    """A path given by an environment variable, as one given as an argument."""
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            try:
                check_path(os.path.expanduser(value))
            except DigitpadError as exc:
                raise DigitpadError(f"${name}: {exc}", code=exc.code, path=value) from None


class _Parser(argparse.ArgumentParser):
    """Bad arguments: one clear line and status 2, not a usage dump."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="digitpad",
        description="Draw a digit and watch a neural network read it. With no command, "
        "opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"digitpad {__version__}")
    parser.add_argument("--lang", choices=["en", "ko"], help="user interface language")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = commands.add_parser("gui", help="open the window (the default)")
    gui.add_argument("--data", metavar="PATH", type=_path, help="mnist.npz to train with")
    gui.add_argument("--model", metavar="PATH", type=_path, help=".keras model to open")
    gui.add_argument("--lang", choices=["en", "ko"], help="user interface language")

    train = commands.add_parser(
        "train",
        help="train the tutorial's model",
        description="Train the tutorial's model: "
        "Dense(512, relu) -> Dense(10, softmax), rmsprop, then evaluate it on the test set.",
    )
    train.add_argument(
        "--preset",
        default="tutorial",
        choices=list(PRESETS),
        help="; ".join(f"{p.key}: {p.title}" for p in PRESETS.values()),
    )
    # Each preset's own recipe unless given (the window's Train uses the same defaults).
    for flag, field, kind in (
        ("--epochs", "epochs", _positive_int),
        ("--batch-size", "batch_size", _positive_int),
        ("--learning-rate", "learning_rate", _positive_float),
    ):
        own = ", ".join(f"{key} {getattr(p.recipe, field):g}" for key, p in PRESETS.items())
        train.add_argument(flag, type=kind, default=None, help=f"default: the preset's own ({own})")
    train.add_argument(
        "--hidden-units",
        type=_hidden_units,
        default=None,
        help=f"units in the hidden layer (default {TUTORIAL.hidden_units}, at most 65536)",
    )
    train.add_argument(
        "--seed", type=_seed, default=None, help="make the run repeatable (0 to 4294967295)"
    )
    train.add_argument(
        "--data", metavar="PATH", type=_path, help="mnist.npz (default: $DIGITPAD_MNIST)"
    )
    train.add_argument(
        "--pen",
        metavar="PATH",
        type=_path,
        help="real pen-written digits (pendigits-orig.tra, its folder or an npz; default: "
        "$DIGITPAD_PENDIGITS, else the copy bundled with digitpad) for the augmented "
        "presets; held-out writers are never trained on",
    )
    train.add_argument(
        "--out",
        metavar="PATH",
        type=_path,
        default="model.keras",
        help="where to save the model; a model card .json goes beside it",
    )
    train.add_argument(
        "--limit",
        type=_positive_int,
        default=None,
        help="train on the first N training images only (quick experiments)",
    )

    evaluate = commands.add_parser("evaluate", help="test loss and accuracy of a model")
    evaluate.add_argument("--model", metavar="PATH", type=_path, help="default: the bundled model")
    evaluate.add_argument(
        "--data", metavar="PATH", type=_path, help="mnist.npz (default: $DIGITPAD_MNIST)"
    )

    doctor = commands.add_parser(
        "doctor",
        help="check this machine for a workshop (exit 0: ready to draw and train)",
        description="Check this machine for a workshop: versions, display, fonts, MNIST, "
        "TensorFlow, folders and every bundled model. Exit status 0 when drawing and "
        "training can work, 1 otherwise.",
    )
    doctor.add_argument("--json", action="store_true", help="the same rows as JSON")
    doctor.add_argument(
        "--model", action="append", metavar="PATH", help="also check this .keras file"
    )

    predict = commands.add_parser("predict", help="read digits from image files")
    predict.add_argument("images", nargs="+", metavar="IMAGE", type=_path)
    predict.add_argument("--model", metavar="PATH", type=_path, help="default: the bundled model")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # The ML layer logs for the GUI's log view; unconfigured, Python's last-resort handler
    # printed those warnings on stderr beside our own one-line error.
    logging.getLogger("digitpad").addHandler(logging.NullHandler())
    _printable_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "train":
            _check_env_paths(*(() if args.data else ("DIGITPAD_MNIST",)))
            if PRESETS[args.preset].pen_repeat and not args.pen:  # only presets that read it
                _check_env_paths("DIGITPAD_PENDIGITS")
            return _train(args)
        if args.command == "evaluate":
            _check_env_paths(*(() if args.data else ("DIGITPAD_MNIST",)))
            return _evaluate(args)
        if args.command == "predict":
            return _predict(args)
        if args.command == "doctor":
            from digitpad import doctor

            return doctor.main(json_output=args.json, models=args.model)
        return _gui(args)
    except DigitpadError as exc:
        print(f"digitpad: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # the last resort: one line, never a traceback
        print(f"digitpad: error: {_os_error_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("digitpad: interrupted", file=sys.stderr)
        return 130


def gui_main() -> int:
    return main(sys.argv[1:] or None)


def _gui(args: argparse.Namespace) -> int:
    from digitpad.ui.shell.platform_check import problem

    trouble = problem()  # before Qt can abort with a paragraph of its internals
    if trouble:
        raise DigitpadError(trouble)
    from digitpad.ui.shell.app import run  # Qt is imported only for the window

    return run(
        data=getattr(args, "data", None),
        model=getattr(args, "model", None),
        lang=getattr(args, "lang", None),
    )


def _train(args: argparse.Namespace) -> int:
    from digitpad.ml import keras_log, model_card
    from digitpad.ml.data import load_mnist
    from digitpad.ml.model import check_output_path, save_model
    from digitpad.ml.presets import get_preset, train_preset

    preset = get_preset(args.preset)
    recipe = preset.recipe.with_(
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        hidden_units=args.hidden_units,
        seed=args.seed,
    )
    preset = replace(preset, recipe=recipe)
    out = check_output_path(args.out)  # fail before minutes of training, not after
    _refuse_overwriting_inputs(out, args.data, getattr(args, "pen", None))
    mnist = load_mnist(args.data)
    pen = held_out = None
    if preset.pen_repeat:
        from digitpad.ml import pendigits

        pen, held_out = pendigits.load_pendigits(args.pen).split()
        where = "bundled" if pendigits.is_bundled(pen) else pen.source
        print(f"pen digits: {len(pen)} from {len(set(pen.writers.tolist()))} writers ({where})")
    # Keras prints its own per-epoch lines: a live bar on a terminal, one line otherwise.
    if recipe.epochs == 1:  # Keras skips "Epoch 1/1"
        print(keras_log.epoch_header(1, 1), flush=True)
    model, result = train_preset(
        preset,
        mnist,
        seed=recipe.seed,
        train_limit=args.limit,
        verbose=1 if sys.stdout.isatty() else 2,
        pen=pen,
        held_out=held_out,
    )
    if result.diverged:
        raise DigitpadError(
            "training diverged (the loss exploded or became NaN); lower --learning-rate"
        )
    print(keras_log.test_summary(result.test_loss, result.test_acc), flush=True)
    pen_acc = None
    if held_out is not None:
        images = pendigits.prepare_strokes(held_out).reshape(-1, 784)
        guesses = model.predict(images, batch_size=500, verbose=0).argmax(axis=1)
        pen_acc = float((guesses == held_out.labels).mean())
        print(f"held-out pen writers: {pen_acc:.4f} of {len(held_out)} digits read right")
    save_model(model, out)
    card_data = model_card.make_card(
        recipe, result, mnist, preset, model, pen=pen, pen_test_acc=pen_acc
    )
    try:
        card = model_card.write_card(card_data, model_card.card_path_for(out))
    except DigitpadError as exc:  # minutes of training are not thrown away for a card
        print(f"saved {out}")
        print(f"digitpad: warning: {exc}; the model itself is saved", file=sys.stderr)
        return 0
    print(f"saved {out} (model card: {card.name})")
    return 0


def _refuse_overwriting_inputs(out: Path, *inputs: str | None) -> None:
    """``--out`` must not be the dataset (or its model card) being trained on."""
    from digitpad.ml.model_card import card_path_for

    targets = {out.resolve(), card_path_for(out).resolve()}
    for given in inputs:
        if given and Path(given).expanduser().resolve() in targets:
            raise DigitpadError(f"{out}: --out would overwrite the input {given}; choose another")


def _evaluate(args: argparse.Namespace) -> int:
    from digitpad.ml import errors as E
    from digitpad.ml.data import load_mnist
    from digitpad.ml.errors import ModelError
    from digitpad.ml.model import bundled_model_path, check_model_file, load_model
    from digitpad.ml.training import TrainData, evaluate

    path = check_model_file(args.model or bundled_model_path())
    mnist = load_mnist(args.data)
    model = load_model(path)
    try:
        test_loss, test_acc = evaluate(
            model, TrainData.from_mnist(mnist), verbose=1 if sys.stdout.isatty() else 2
        )
    except Exception as exc:  # noqa: BLE001 - a loaded model Keras cannot run: one line
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(
            f"{path}: cannot be evaluated ({reason})", code=E.CANNOT_LOAD, path=path, detail=reason
        ) from None
    print(f"test_loss: {test_loss:.4f}")
    print(f"test_acc: {test_acc:.4f}")
    return 0


def _predict(args: argparse.Namespace) -> int:
    from digitpad.ml import keras_log
    from digitpad.ml.images import check_image, read_grey
    from digitpad.ml.model import bundled_model_path
    from digitpad.ml.predictor import Predictor

    predictor = Predictor.from_file(Path(args.model) if args.model else bundled_model_path())
    for name in args.images:  # all readable (headers), or stop before printing anything
        check_image(name)
    for name in args.images:  # then one image in memory at a time, however many photos
        probabilities = predictor.predict_drawing(read_grey(name))
        if probabilities is None:
            print(f"{name}: no digit found (the image is blank)")
            continue
        print(f"{name}: {int(probabilities.argmax())}")
        print(keras_log.probability_table(probabilities))
    return 0


if __name__ == "__main__":
    sys.exit(main())
