"""Plain widgets: the pad, the probability chart, the 28x28 view, curves."""
