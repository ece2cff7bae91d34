"""The model the window predicts with: a fast numpy :class:`Predictor`, and, when there
is one, the Keras model behind it (needed only to save or continue training).

Not a widget. Opening a file makes only a predictor (no TensorFlow); the Keras model is
loaded lazily when saving needs it. During training the window *previews* the
training model's snapshots without committing them; the panel then commits them
(``adopt_trained``) or drops them (``discard_preview``). After adopting, the model from
before the run can still be brought back once (``restore_previous``).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Signal

from digitpad.ml import model as ml_model
from digitpad.ml.atomic import atomic_path
from digitpad.ml.errors import ModelError
from digitpad.ml.model_card import card_path_for, read_card, write_card
from digitpad.ml.predictor import Predictor
from digitpad.ml.preprocess import strokes_to_mnist, to_mnist

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelState:
    """Everything that says which model is live; swapped whole, never field by field."""

    predictor: Predictor | None
    keras_model: object  # the Keras model behind it, when this session has one
    path: Path | None  # the file it came from (None: trained here, not saved)
    test_acc: float | None
    label: str  # untranslated (QT_TRANSLATE_NOOP)
    # The file's bytes and card as they were read: "Save as" and training start from
    # the model on screen even if the file is changed or deleted afterwards.
    file_bytes: bytes | None = None
    card: dict | None = None


@dataclass(frozen=True)
class LastPass:
    """One read of the pad: the predictor, its 28x28 input and every layer's output, as
    ``Predictor.forward`` computed them (batch of one). Shared read-only."""

    predictor: Predictor
    image: np.ndarray
    outputs: list[np.ndarray]

    def activations(self) -> list[tuple[str, np.ndarray]]:
        """``(layer name, output)`` for every layer after the input, in order."""
        return [
            (str(layer.config.get("name", layer.kind)), out[0])
            for layer, out in zip(self.predictor.layers, self.outputs, strict=True)
            if layer.kind != "InputLayer"
        ]


class ModelController(QObject):
    """Holds the current model; emits ``modelChanged`` whenever predictions would change."""

    modelChanged = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._predictor: Predictor | None = None
        self._keras_model = None
        self._path: Path | None = None
        self._test_acc: float | None = None
        self._label = ""
        self._file_bytes: bytes | None = None
        self._file_card: dict | None = None
        self._card: dict = {}
        self._saved: ModelState | None = None  # the committed model while previewing
        self._previous: ModelState | None = None  # before the last adopted training
        self._pass: LastPass | None = None  # the last read's forward pass

    # -- what is loaded --------------------------------------------------------------
    @property
    def predictor(self) -> Predictor | None:
        return self._predictor

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def test_acc(self) -> float | None:
        return self._test_acc

    @property
    def label(self) -> str:
        """In the current language: built-in labels are stored untranslated."""
        return self.tr(self._label) if self._label else ""

    @property
    def bundled_key(self) -> str | None:
        """Which bundled network is live ("tutorial", "robust"...), else ``None``."""
        if self._saved is not None or self._path is None:
            return None
        for key in ml_model.BUNDLED_VARIANTS:
            bundled = ml_model.bundled_variant_path(key)
            if bundled is not None and bundled.resolve() == self._path.resolve():
                return key
        return None

    @property
    def card(self) -> dict:
        """The live model's card (how it was trained); ``{}`` when unknown or while a
        training's snapshot is previewed (the committed model's card is not its)."""
        if self._saved is not None:
            return {}
        return dict(self._card or self._file_card or {})

    def is_previewing(self) -> bool:
        return self._saved is not None

    # -- inference -------------------------------------------------------------------
    def read(self, drawing: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Drawing -> (the 28x28 model input, probabilities or ``None`` if empty).

        The canvas is always white ink on black. A one-pixel black frame keeps
        ``to_mnist`` from taking a pad whose edges are mostly inked for a dark-on-light
        photo and inverting it (a scribbled frame read as a blank, or as its negative).
        """
        image = to_mnist(np.pad(drawing, 1)) if np.ndim(drawing) == 2 else to_mnist(drawing)
        if not image.any() or self._predictor is None:
            self._pass = None
            return image, None
        return image, self._predict(image)

    def read_strokes(
        self,
        ink: list[np.ndarray],
        erase: list[tuple[np.ndarray, float]] = (),
        pixels: np.ndarray | Callable[[], np.ndarray] | None = None,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """The pad's strokes -> (the 28x28 model input, probabilities or ``None``).

        Prepared from the geometry at MNIST's pen width, so brush, size and place on the
        pad do not change the reading (see ``strokes_to_mnist``). Should the geometry
        leave nothing where the pad still shows ink (the last specks an eraser left),
        the pad's ``pixels`` are read instead: what is visible is always read.
        """
        image = strokes_to_mnist(ink, erase=erase)
        if not np.logical_or.reduce(image, axis=None):  # image.any(), unwrapped: every move
            if pixels is not None:
                return self.read(pixels() if callable(pixels) else pixels)
            self._pass = None
            return image, None
        if self._predictor is None:
            self._pass = None
            return image, None
        return image, self._predict(image)

    def _predict(self, image: np.ndarray) -> np.ndarray:
        # The pass's every layer is kept (references only, no copy): the window's
        # layer_activations() and Inside the network show them without a second pass.
        probabilities, outputs = self._predictor.predict_layers(image)
        self._pass = LastPass(self._predictor, image, outputs)
        return probabilities

    def last_pass(self) -> LastPass | None:
        """The last read's forward pass (``None``: nothing was read, an empty pad)."""
        return self._pass

    # -- loading ---------------------------------------------------------------------
    def load_bundled(self, preset: str = "tutorial") -> None:
        """The shipped model; raises ``ModelError`` if the installation lacks it."""
        if preset == "tutorial":
            path = ml_model.bundled_model_path()
            card_path = ml_model.bundled_card_path()
            label = QT_TRANSLATE_NOOP("ModelController", "bundled model")
        else:
            path = ml_model.bundled_variant_path(preset)
            if path is None:
                raise ModelError(f"this installation has no bundled {preset} model")
            card_path = card_path_for(path)
            label = _BUNDLED_LABELS.get(preset, preset)
        predictor, data = _read_model(path)
        card = read_card(card_path) or {}
        self._commit(predictor, None, path, _accuracy(card), label, data=data, card=card)

    def load_file(self, path: str | os.PathLike) -> None:
        """Raises ``ModelError``; on error the current model stays."""
        target = Path(path).expanduser()
        predictor, data = _read_model(target)
        card = read_card(card_path_for(target)) or {}
        self._commit(predictor, None, target, _accuracy(card), target.name, data=data, card=card)

    def adopt_trained(
        self, keras_model, predictor: Predictor, card: dict | None = None, label: str = ""
    ) -> None:
        """Commit a model trained in this session (it exists only in memory until saved).

        ``card`` (test_acc, history, recipe...) is written beside the file on save.
        ``label`` is untranslated (``QT_TRANSLATE_NOOP("ModelController", ...)``).
        """
        previous = self._saved if self._saved is not None else self._state()
        self._card = dict(card or {})
        test_acc = _accuracy(self._card)
        label = label or QT_TRANSLATE_NOOP("ModelController", "trained in this session")
        self._commit(predictor, keras_model, None, test_acc, label)
        self._previous = previous

    def preview(self, predictor: Predictor) -> None:
        """Show a training snapshot without forgetting the committed model."""
        if self._saved is None:
            self._saved = self._state()
        self._predictor = predictor
        self.modelChanged.emit()

    def discard_preview(self) -> None:
        """Drop any preview and go back to the committed model."""
        if self._saved is not None:
            self._set_state(self._saved)
            self._saved = None
            self.modelChanged.emit()

    def restore_previous(self) -> None:
        """Undo the last ``adopt_trained``: the model from before that training run."""
        self.discard_preview()
        if self._previous is not None:
            state, self._previous = self._previous, None
            self._set_state(state)
            self.modelChanged.emit()

    def keras_source(self):
        """A callable giving a fresh compiled copy of the current Keras model.

        Call it on a worker thread (it may import TensorFlow or read the file); the
        current model is captured now, so later changes do not affect it.
        """
        keras_model, path, data = self._keras_model, self._path, self._file_bytes
        if keras_model is None and data is None:
            return None

        def source():
            if keras_model is None:  # from the bytes read at load, not today's file
                with tempfile.TemporaryDirectory(prefix="digitpad-") as folder:
                    copy = Path(folder) / (path.name if path else "model.keras")
                    copy.write_bytes(data)
                    return ml_model.load_model(copy)
            keras = ml_model.import_keras()
            copy = keras.models.clone_model(keras_model)
            copy.set_weights(keras_model.get_weights())
            ml_model.compile_model(copy)
            return copy

        return source

    # -- saving ----------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> Path:
        """Save atomically; raises ``ModelError``. A model opened from a file is saved
        as it was read (the model on screen), whatever has happened to that file since."""
        target = Path(path).expanduser()
        if target.suffix != ".keras":
            target = target.with_suffix(".keras")
        if self._keras_model is not None:
            saved = ml_model.save_model(self._keras_model, target)
            if self._card:
                try:
                    write_card(self._card, card_path_for(saved))
                except OSError:
                    log.warning("model card not written beside %s", saved)
            return saved
        if self._file_bytes is None:
            raise ModelError(self.tr("There is no model to save."))
        return _write_atomically(self._file_bytes, self._file_card, target)

    # -- internals -------------------------------------------------------------------
    def _commit(
        self, predictor, keras_model, path, test_acc, label, *, data=None, card=None
    ) -> None:
        self._saved = None
        self._previous = None
        if keras_model is None:
            self._card = {}
        self._set_state(ModelState(predictor, keras_model, path, test_acc, label, data, card))
        log.info("model: %s (test_acc %s)", label, test_acc)
        self.modelChanged.emit()

    def _state(self) -> ModelState:
        return ModelState(
            self._predictor,
            self._keras_model,
            self._path,
            self._test_acc,
            self._label,
            self._file_bytes,
            self._file_card,
        )

    def _set_state(self, state: ModelState) -> None:
        self._predictor, self._keras_model = state.predictor, state.keras_model
        self._path, self._test_acc, self._label = state.path, state.test_acc, state.label
        self._file_bytes, self._file_card = state.file_bytes, state.card


_BUNDLED_LABELS = {
    "dense-augmented": QT_TRANSLATE_NOOP(
        "ModelController", "bundled model, trained with augmentation"
    ),
    "robust": QT_TRANSLATE_NOOP("ModelController", "bundled robust model (small CNN)"),
}


def _accuracy(card: dict) -> float | None:
    value = card.get("test_acc")
    return float(value) if isinstance(value, (int, float)) else None


def _read_model(path: Path) -> tuple[Predictor, bytes]:
    """The predictor and the bytes it was made from (``ModelError``): read again if the
    file was replaced in between (e.g. a training saving to it just then)."""
    for _attempt in range(3):
        before = _signature(path)
        predictor = Predictor.from_file(path)  # every check, with its one-line refusals
        try:
            data = Path(path).expanduser().read_bytes()
        except OSError as exc:
            raise ModelError(f"{path}: cannot be read ({exc.strerror or exc})") from None
        if _signature(path) == before:
            break
    return predictor, data


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = Path(path).expanduser().stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def _write_atomically(data: bytes, card: dict | None, target: Path) -> Path:
    """The model as read and its card, each written all at once (``ml.atomic``)."""
    folder = target.parent
    if not folder.is_dir():
        raise ModelError(f"{target}: folder {folder} does not exist")
    try:
        with atomic_path(target) as temp, open(temp, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise ModelError(f"{target}: could not save ({exc.strerror or exc})") from None
    if card:
        try:
            write_card(card, card_path_for(target))
        except OSError:
            log.warning("model card not written beside %s", target)
    return target
