"""Inside the network: first-layer weights as images, hidden activations, the tutorial's ideas.

``set_predictor(predictor)`` after loading or training; ``set_input(x28 or None)``
with the preprocessed drawing (``to_mnist`` output) whenever the canvas changes.
The tutorial network's tiles, strip and unit close-up live in ``network.tiles`` and
``network.unit``; every layer of any network in ``network.stack``.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

from digitpad.ml.layers import layer_input, output_connections
from digitpad.ml.model_card import training_facts
from digitpad.ml.weights import activation_name
from digitpad.ui.i18n import Retranslatable
from digitpad.ui.teach.network.connections import ConnectionsPanel
from digitpad.ui.teach.network.exemplars import ExemplarFinder, ExemplarStrip
from digitpad.ui.teach.network.feature_map import FeatureMapView
from digitpad.ui.teach.network.stack import LayerStack
from digitpad.ui.teach.network.text import TextStableLayout, set_text
from digitpad.ui.teach.network.text import height_for_width as _height_for_width
from digitpad.ui.teach.network.tiles import OUTLINE, ActivationStrip, WeightGrid
from digitpad.ui.teach.network.unit import UnitView

__all__ = [
    "OUTLINE",
    "ActivationStrip",
    "NetworkView",
    "UnitView",
    "WeightGrid",
    "_height_for_width",
]


class _Link(QLabel):
    """A line of text that is a link (the palette's link colour) and wraps. Not a flat
    button with a style sheet: that kept the font and colour it had when the sheet was
    applied (small, dark blue on black in presenter mode) and could not wrap, so in large
    type it pushed the view wider than its column."""

    clicked = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.linkActivated.connect(lambda _href: self.clicked.emit())
        self._plain = ""

    def setText(self, text: str) -> None:
        self._plain = text
        # The colour written in: QLabel keeps the link colour of the palette it had
        # when the text was set (Qt's dark blue, on black in presenter mode).
        colour = self.palette().color(QPalette.ColorRole.Link).name()
        super().setText(f'<a href="explain" style="color: {colour}">{html.escape(text)}</a>')

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._plain:
            self.setText(self._plain)

    def click(self) -> None:
        self.clicked.emit()


@dataclass(frozen=True)
class _Pass:
    """A forward pass of this view's own (``ModelController.LastPass``'s shape)."""

    predictor: object
    image: np.ndarray
    outputs: list


class NetworkView(Retranslatable, QWidget):
    explainRequested = Signal()  # "which of my pixels made it say that?": the window's overlay

    def __init__(self, predictor=None, parent: QWidget | None = None, data_path=None) -> None:
        """``data_path``: a callable giving the MNIST file the exemplars come from (the
        train panel's); ``None``: ``$DIGITPAD_MNIST`` or Keras' own copy."""
        super().__init__(parent)
        self._predictor = None
        self.explain_button = _Link()
        self.explain_button.setObjectName("networkExplain")
        self.explain_button.clicked.connect(self.explainRequested)
        self._input: np.ndarray | None = None
        self._offered = None  # the window's pass, offered for the next set_input
        self._pass = None  # the forward pass shown: (predictor, image, outputs)
        self._build_dense_parts()
        self._card: dict | None = None  # the live model's card (how it was trained)
        # Every layer, left to right, for any network; a clicked map close up.
        self.stack = LayerStack()
        self.stack.setObjectName("layerStack")
        self.stack.setToolTip(self.tr("Click a feature map to see how it is made"))
        self.stack.mapClicked.connect(self._on_map_clicked)
        self.stack.mapSelected.connect(self._on_map_selected)
        self.map_view = FeatureMapView()
        self.map_view.setObjectName("featureMapView")
        self.map_view.hide()
        self.map_view.closed.connect(lambda: self.show_map(None))
        # What a map or unit has learnt: the test digits that excite it most (searched
        # once per network in the background, only when a close-up first asks).
        self.exemplars = ExemplarFinder(data_path, parent=self)
        self.map_exemplars = ExemplarStrip(self.exemplars)
        self.map_exemplars.setObjectName("mapExemplars")
        self.unit_exemplars = ExemplarStrip(self.exemplars)
        self.unit_exemplars.setObjectName("unitExemplars")
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.ideas = QLabel()
        self.ideas.setWordWrap(True)
        self.ideas.setTextFormat(Qt.TextFormat.RichText)
        self.ideas.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.ideas.setMinimumWidth(280)
        # One column: the tiles get the view's whole width (a projector's right-hand
        # column is ~600 px), the ideas follow below them, never cut off at the side.
        layout = self._layout = TextStableLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.explain_button)
        layout.addWidget(self.map_view)  # above the layers: in view without scrolling
        layout.addWidget(self.map_exemplars)
        layout.addWidget(self.unit_view)  # above the tiles: in view without scrolling
        layout.addWidget(self.unit_exemplars)
        layout.addWidget(self.stack)
        layout.addWidget(self.grid)
        layout.addWidget(self.strip)
        layout.addWidget(self.connections)  # under the tiles and their strip
        layout.addWidget(self.ideas)
        layout.addStretch(1)  # a tall column's spare room goes below everything
        self._button_texts()
        if predictor is not None:
            self.set_predictor(predictor)
        else:
            self._refresh()

    def _build_dense_parts(self) -> None:
        """A dense network's own parts: its first layer's tiles, their activations, one
        unit close up, and which units push which digit."""
        self.grid = WeightGrid()
        self.grid.setToolTip(self.tr("Click a tile to see its unit close up"))
        self.grid.unitClicked.connect(self._on_tile_clicked)
        self.unit_view = UnitView()
        self.unit_view.setObjectName("unitView")
        self.unit_view.hide()
        self.unit_view.closed.connect(lambda: self.show_unit(None))
        self.unit_view.stepped.connect(self.step_unit)
        self.grid.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab to it, then Enter/arrows
        self.strip = ActivationStrip()
        # Hidden -> output: which units push which digit, for this drawing.
        self.connections = ConnectionsPanel()
        self.connections.setObjectName("connections")
        self.connections.unitClicked.connect(self.show_unit)
        self._links: tuple[int, int] | None = None  # (hidden, output) layer indices

    # -- public -----------------------------------------------------------------------------
    def set_predictor(self, predictor) -> None:
        if predictor is not self._predictor:  # new weights: the drawing read with them
            self._pass = None
            if predictor is not None and self._input is not None:
                self._pass = _Pass(predictor, self._input, predictor.forward(self._input))
        self._predictor = predictor
        self.exemplars.set_predictor(predictor)  # a search for older weights is cancelled
        self.stack.set_network(predictor)
        dense = predictor.dense_layers() if predictor is not None else []
        first = dense[0].weights[0] if dense and dense[0].weights[0].shape[0] == 784 else None
        self.grid.set_kernel(first)
        self.grid.setVisible(first is not None)  # the weight pictures: dense networks only
        self.strip.setVisible(first is not None)
        self._links = output_connections(predictor) if first is not None else None
        if self._links is not None and predictor.layers[self._links[0]] is not dense[0]:
            self._links = None  # the output is fed by a later layer: no tiles for its units
        links = self._links or (None, None)
        self.connections.set_layers(
            *(None if index is None else predictor.layers[index] for index in links)
        )
        self.connections.setVisible(self._links is not None)
        if self.map_view.channel is not None:  # new weights (an epoch): the same map
            self._open_map(self.map_view.layer_index, self.map_view.channel)
        unit = self.unit_view.unit
        if unit is not None and (first is None or unit >= first.shape[1]):
            unit = None  # a network without that unit (or without weight pictures)
        self._open_unit(unit)  # new weights (a training epoch): the same unit; its
        self._refresh()  # numbers come with the refresh's one forward pass

    def set_card(self, card: dict | None) -> None:
        """The live model's card: the ideas quote how this network was trained."""
        self._card = card
        if self._predictor is not None:
            self._refresh()

    # -- feature maps ---------------------------------------------------------------------
    def _on_map_clicked(self, layer_index: int, channel: int) -> None:
        conv = self._conv_behind(layer_index)
        same = (conv, channel) == (self.map_view.layer_index, self.map_view.channel)
        self.show_map(None if same else layer_index, channel)

    def _on_map_selected(self, layer_index: int, channel: int) -> None:
        if self.map_view.channel is not None:  # open: the arrow keys step through maps
            self.show_map(layer_index, channel)

    def _conv_behind(self, layer_index: int | None) -> int | None:
        """The Conv2D whose maps layer ``layer_index`` shows (itself, or the one a
        pooling layer shrinks)."""
        layers = self._predictor.layers if self._predictor is not None else ()
        while layer_index is not None and 0 <= layer_index < len(layers):
            kind = layers[layer_index].kind
            if kind == "Conv2D":
                return layer_index
            if kind not in ("MaxPooling2D", "Dropout"):
                return None
            layer_index -= 1
        return None

    def show_map(self, layer_index: int | None, channel: int = 0) -> None:
        """Show map ``channel`` of layer ``layer_index`` close up (a pooling layer's
        map: the convolution's it shrinks), as a click on it does; ``None`` closes it."""
        self._open_map(self._conv_behind(layer_index), channel)
        self._show_map_pass()

    def _open_map(self, conv: int | None, channel: int) -> None:
        layers = self._predictor.layers if self._predictor is not None else ()
        if conv is None or conv >= len(layers) or layers[conv].kind != "Conv2D":
            conv = None
        card = None if conv is None else self.stack.card_at(conv)
        if card is None or not 0 <= channel < card.maps():
            self.map_view.show_map(None, None, None)
            self.map_view.layer_index = None
            self.map_view.hide()
            self.map_exemplars.show_unit(None, None)
            self.stack.select(None)
            return
        self.map_view.layer_index = conv
        self.map_view.show_map(layers[conv], card.facts, channel)
        self.map_exemplars.show_unit(conv, channel)
        self.map_view.show()
        self.stack.select_layer_map(conv, channel)

    def _show_map_pass(self) -> None:
        conv = self.map_view.layer_index
        if conv is None:
            return
        if self._pass is None:
            self.map_view.set_pass(None, None)
            return
        outputs, layers = self._pass.outputs, self._predictor.layers
        pooled, pool = None, (2, 2)
        if conv + 1 < len(layers) and layers[conv + 1].kind == "MaxPooling2D":
            pooled = outputs[conv + 1][0]
            pool = layers[conv + 1].config.get("pool_size", (2, 2))
        fed = layer_input(self._predictor, outputs, conv)
        if conv == 0 or layers[conv - 1].kind == "InputLayer":
            fed = self._pass.image.reshape(28, 28, 1)
        self.map_view.set_pass(fed, outputs[conv][0], pooled, pool, forward_pass=self._pass)

    def set_forward_pass(self, forward_pass) -> None:
        """The window's forward pass for the next ``set_input`` (``LastPass``: its
        predictor, input and every layer's output); used when it is this view's own
        network and input, so the view computes no pass of its own."""
        self._offered = forward_pass

    def forward_pass(self):
        """The pass shown now (``None``: no drawing)."""
        return self._pass

    def set_input(self, x28: np.ndarray | None) -> None:
        self._input = None if x28 is None or not np.asarray(x28).any() else np.asarray(x28)
        offered, self._offered = self._offered, None
        if self._input is None or self._predictor is None:
            self._pass = None
        elif (
            offered is not None
            and offered.predictor is self._predictor
            and np.array_equal(offered.image, self._input)
        ):
            self._pass = offered
        else:  # set by a test or script: this view's own pass
            self._pass = _Pass(self._predictor, self._input, self._predictor.forward(self._input))
        self._refresh()

    def _on_tile_clicked(self, unit: int) -> None:
        # A second click on the tile shown closes it again.
        self.show_unit(None if unit == self.unit_view.unit else unit)

    def show_unit(self, unit: int | None) -> None:
        """Show ``unit`` (0-based, the layer's own order) of the first hidden layer close
        up, as a click on its tile does; ``None`` closes the close-up."""
        if self._open_unit(unit) is not None:
            self._show_unit_state(*self._forward())

    def _open_unit(self, unit: int | None) -> int | None:
        """The close-up's unit, picture and weights (its numbers: ``_show_unit_state``);
        returns the unit shown, ``None`` if closed."""
        kernel = self.grid._kernel
        if unit is None or kernel is None or not 0 <= unit < kernel.shape[1]:
            unit = None
        if unit is None:
            self.unit_view.set_unit(None)
        else:
            dense = self._predictor.dense_layers()
            second = dense[1].weights[0] if len(dense) > 1 else None
            outputs = (
                second[unit]
                if second is not None and second.shape == (kernel.shape[1], 10)
                else None
            )
            self.unit_view.set_unit(unit, kernel[:, unit], outputs, kernel.shape[1])
        self.unit_view.setVisible(unit is not None)
        first = None
        if unit is not None:
            layers = self._predictor.layers
            first = next((i for i, layer in enumerate(layers) if layer.kind == "Dense"), None)
        self.unit_exemplars.show_unit(first, unit)
        self.grid.set_chosen(unit)
        self.connections.set_chosen(unit)
        return unit

    def step_unit(self, step: int) -> None:
        """Show the tile ``step`` places after (before, if negative) the one shown, in
        the grid's order: from the strongest-firing unit down, one at a time."""
        order, unit = self.grid.order(), self.unit_view.unit
        if unit is None or not order.size:
            return
        place = int(np.flatnonzero(order == unit)[0])
        self.show_unit(int(order[(place + step) % order.size]))

    def keyPressEvent(self, event) -> None:
        steps = {Qt.Key.Key_Left: -1, Qt.Key.Key_Up: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Down: 1}
        opens = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space, *steps)
        # Not Esc to close it: Esc is the window's "clear the pad".
        if self.unit_view.unit is not None and event.key() in steps:
            self.step_unit(steps[event.key()])
            event.accept()
        elif self.unit_view.unit is None and event.key() in opens and self.grid.order().size:
            self.show_unit(int(self.grid.order()[0]))  # from the keyboard: the strongest
            event.accept()
        else:
            super().keyPressEvent(event)

    def _show_unit_state(self, hidden, probabilities) -> None:
        unit, weighted_sum = self.unit_view.unit, None
        first = self._predictor.dense_layers()[0] if self._predictor is not None else None
        if hidden is not None and first is not None and self._input is not None:
            kernel = first.weights[0]
            bias = float(first.weights[1][unit]) if len(first.weights) > 1 else 0.0
            weighted_sum = float(self._input.reshape(-1) @ kernel[:, unit]) + bias
        relu = first is None or activation_name(first.config.get("activation")) == "relu"
        self.unit_view.set_state(hidden, probabilities, self.grid.order(), weighted_sum, relu)

    def hidden_activations(self) -> np.ndarray | None:
        """The first hidden layer's output for the current input (unit order)."""
        return self._forward()[0]

    def _forward(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(first hidden layer's output, probabilities) from one forward pass."""
        if self._pass is None:
            return None, None
        outputs = self._pass.outputs
        for layer, out in zip(self._predictor.layers, outputs, strict=True):
            if layer.kind == "Dense":
                return out[0], outputs[-1][0]
        return None, None

    def ideas_text(self) -> str:
        return self.ideas.text()

    def retranslate_ui(self) -> None:
        """Every text here follows the model and the drawing: rebuild them all."""
        self._button_texts()
        self._refresh()

    def _button_texts(self) -> None:
        self.explain_button.setText(self.tr("Why this digit? See what each of your pixels did ▸"))
        self.explain_button.setToolTip(
            self.tr("Colour the 28×28 input and your drawing by each pixel's push (W)")
        )
        self.grid.update()  # painted hints
        self.strip.update()

    # -- drawing ----------------------------------------------------------------------------
    def _refresh(self) -> None:
        # One forward pass per drawing; widgets repaint only what changed, and a label
        # whose text is unchanged is left alone (no new layout).
        hidden, probabilities = self._forward()
        if self._pass is None:
            self.stack.set_outputs(None, None)
        else:
            self.stack.set_outputs(self._pass.image, self._pass.outputs)
        self._show_map_pass()
        self.grid.set_activations(hidden)
        self.strip.set_values(None if hidden is None else hidden[self.grid.order()])
        if self._links is not None:
            fed = None
            if self._pass is not None:
                fed = layer_input(self._predictor, self._pass.outputs, self._links[1])
            self.connections.set_pass(fed)
        if self.unit_view.unit is not None:
            self._show_unit_state(hidden, probabilities)
        set_text(self._layout, self.caption, self._caption(hidden))
        set_text(self._layout, self.ideas, self._ideas(hidden, probabilities), may_be_taller=True)

    def _caption(self, hidden: np.ndarray | None) -> str:
        if self.grid.order().size == 0:
            if self._pass is None:
                return self.tr(
                    "Every layer of this network, left to right. Draw a digit to see "
                    "each layer's output; click a feature map to see how it is made."
                )
            return self.tr(
                "Every layer of this network for your drawing, left to right: white is "
                "a strong output, black none. Click a feature map (or Tab to the layers, "
                "then the arrow keys and Enter) to see how it is made."
            )
        if hidden is None:
            return self.tr(
                "Each tile is one hidden unit's 784 weights drawn as a 28×28 image "
                "(red: ink here excites it, blue: ink here inhibits it). Draw a digit "
                "to sort them by how strongly they fire."
            )
        firing = int((hidden > 0).sum())
        return self.tr(
            "Sorted by how strongly each unit fires for your drawing: {0} of {1} "
            "units fire (outlined); the strip below shows their activations."
        ).format(str(firing), str(len(hidden)))

    def _forward_text(self, layers) -> str:
        kinds = [layer.kind for layer in layers if layer.kind != "InputLayer"]
        if kinds == ["Dense", "Dense"]:
            units = layers[-1].weights[0].shape[0]
            return self.tr(
                "784 pixels → relu(x·W1 + b1): {0} numbers → softmax(h·W2 + b2): "
                "10 probabilities that sum to 1"
            ).format(str(units))
        return self.tr("784 pixels → {0} → 10 probabilities that sum to 1").format(
            " → ".join(kinds)
        )

    def _ideas(self, hidden: np.ndarray | None, probabilities: np.ndarray | None) -> str:
        layers = self._predictor.layers if self._predictor is not None else ()
        lines = []
        for layer in layers:
            if not layer.weights:
                continue
            kernel = layer.weights[0]
            bias = layer.weights[1].size if len(layer.weights) > 1 else 0
            shape = "×".join(str(d) for d in kernel.shape)
            lines.append(f"{shape} + {bias} = {kernel.size + bias:,}")
        total = sum(w.size for layer in layers for w in layer.weights)
        facts = training_facts(self._card)
        parts = [
            "<b>"
            + self.tr("Weights")
            + "</b><br>"
            + "<br>".join(lines)
            + "<br>"
            + self.tr("{0} parameters in all").format(f"{total:,}"),
            "<b>" + self.tr("Forward pass") + "</b><br>" + self._forward_text(layers),
        ]
        if hidden is not None and probabilities is not None:
            guess = int(np.argmax(probabilities))
            loss = -math.log(max(float(probabilities[guess]), 1e-12))
            parts[-1] += "<br>" + self.tr(
                "Now: {0} of {3} hidden units fire; the output says {1} ({2})."
            ).format(
                str(int((hidden > 0).sum())),
                str(guess),
                f"{probabilities[guess]:.1%}",
                str(len(hidden)),
            )
            loss_now = "<br>" + self.tr("If {0} is right, the loss is −log {1} = {2}.").format(
                str(guess), f"{probabilities[guess]:.3f}", f"{loss:.4f}"
            )
        else:
            loss_now = ""
        parts += [
            "<b>"
            + self.tr("Loss")
            + "</b><br>"
            + self.tr("sparse categorical cross-entropy: −log(probability of the true digit)")
            + loss_now,
            "<b>" + self.tr("Optimizer") + "</b><br>" + self._optimizer_text(facts),
            "<b>" + self.tr("Training loop") + "</b><br>" + self._loop_text(facts),
        ]
        return "<br><br>".join(parts)

    def _optimizer_text(self, facts: dict) -> str:
        if not facts["optimizer"]:
            return self.tr("This model's card does not say how it was trained.")
        if facts["learning_rate"] is None:
            return self.tr(
                "{0}: every step nudges all weights against the gradient of the loss"
            ).format(facts["optimizer"])
        if facts.get("schedule") == "one-cycle":
            return self.tr(
                "{0}, the learning rate rising to {1} and falling to zero over the training: "
                "every step nudges all weights against the gradient of the loss"
            ).format(facts["optimizer"], f"{facts['learning_rate']:g}")
        return self.tr(
            "{0}, learning rate {1}: every step nudges all weights against the gradient of the loss"
        ).format(facts["optimizer"], f"{facts['learning_rate']:g}")

    def _loop_text(self, facts: dict) -> str:
        epochs, steps, batch = facts["epochs"], facts["steps"], facts["batch_size"]
        if epochs is None:
            return self.tr("Not recorded in this model's card.")
        if steps is None or batch is None:
            return self.tr("{0} epochs (the card does not give the steps)").format(str(epochs))
        return self.tr("{0} epochs × {1} steps of {2} images = {3} weight updates").format(
            str(epochs), str(steps), str(batch), f"{epochs * steps:,}"
        )
