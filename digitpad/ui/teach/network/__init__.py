"""Inside the network, every layer: one module per layer kind (``input``, ``conv``,
``pooling``, ``dense``, ``outputs``), laid left to right by ``stack``; a clicked feature
map is shown close up by ``feature_map``. For a dense network, its first layer's weights
as tiles and its activations (``tiles``) and one unit close up (``unit``). Pictures are
built with numpy from the window's own forward pass and blitted 1:1; ``text`` sets the
texts that change with every drawing without re-laying out the view."""
