"""Max pooling: the same maps, each 2x2 block's largest value kept (half the size)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from digitpad.ui.teach.network.conv import MapGridCard


class PoolingCard(MapGridCard):
    """A pooled map is its convolution's map made smaller: a click opens that one."""

    pool_size = (2, 2)  # the stack sets the layer's own

    def header_lines(self) -> list[str]:
        lines = super().header_lines()
        return [
            *lines,
            QCoreApplication.translate("LayerStack", "max of each {0}").format(self.pool_text()),
        ]

    def pool_text(self) -> str:
        h, w = self.pool_size
        return f"{h}×{w}"
