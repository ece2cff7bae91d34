"""The computing layer: data, preprocessing, model, inference, training.

Pure Python + numpy; TensorFlow is imported lazily, only where a function needs it.
Nothing in this package may import Qt (tests/test_architecture.py enforces it).
"""
