"""Inside the network, every layer: one module per layer kind (``input``, ``conv``,
``pooling``, ``dense``, ``outputs``), laid left to right by ``stack``; a clicked feature
map is shown close up by ``feature_map``. Pictures are built with numpy from the
window's own forward pass and blitted 1:1."""
