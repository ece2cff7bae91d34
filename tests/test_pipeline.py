"""The augmented presets' batches (``ml.pipeline``): what an epoch holds, made by
TensorFlow beside the training; the pen digits drawn once; the held-out writers never in
a batch."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from digitpad.ml import pendigits, pipeline
from digitpad.ml.presets import MNIST_STRENGTH, PEN_STRENGTH, ROBUST, limited_pen


@pytest.fixture(scope="module")
def pen():
    return pendigits.load_pendigits().split()[0]


def _epoch(feed):
    xs, ys = [], []
    for x, y in feed.dataset:
        xs.append(x.numpy())
        ys.append(y.numpy())
    return np.concatenate(xs), np.concatenate(ys)


def _feed(mnist, pen_digits, **changes):
    settings = dict(
        pen_repeat=3,
        batch_size=64,
        seed=1,
        mnist_strength=MNIST_STRENGTH,
        pen_strength=PEN_STRENGTH,
    )
    settings.update(changes)
    images = pipeline.pen_images(pen_digits) if pen_digits is not None else None
    labels = pen_digits.labels if pen_digits is not None else None
    return pipeline.batches(mnist.x_train[:300], mnist.y_train[:300], images, labels, **settings)


def test_an_epoch_is_the_mnist_images_and_each_pen_digit_pen_repeat_times(mnist, pen):
    some = limited_pen(pen, 1000)  # 100 digits, every writer's
    assert len(some) == 100 and len(set(some.writers.tolist())) == 24
    feed = _feed(mnist, some)
    assert feed.samples == 300 + 3 * 100 and feed.steps == 600 // 64  # whole batches
    x, y = _epoch(feed)
    assert x.shape == (576, 784) and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0
    whole = _feed(mnist, some, batch_size=600)  # every image of the epoch, once
    assert whole.steps == 1
    _, y = _epoch(whole)
    expected = np.bincount(mnist.y_train[:300], minlength=10) + 3 * np.bincount(
        some.labels, minlength=10
    )
    assert np.bincount(y, minlength=10).tolist() == expected.tolist()
    again, _ = _epoch(feed)
    assert not np.array_equal(x, again)  # shuffled and changed anew every epoch
    first, _ = _epoch(_feed(mnist, some))
    assert np.array_equal(x, first)  # the same seed, the same epochs


def test_half_the_mnist_images_pass_unchanged_and_none_when_asked(mnist):
    feed = _feed(mnist, None, seed=2)
    x, y = _epoch(feed)
    originals = {
        (int(label), image.tobytes())
        for label, image in zip(
            mnist.y_train[:300], mnist.x_train[:300].reshape(300, -1) / np.float32(255), strict=True
        )
    }
    pairs = zip(y, x, strict=True)
    unchanged = sum((int(label), image.tobytes()) in originals for label, image in pairs)
    assert 0.35 * 300 < unchanged < 0.65 * 300
    plain = _feed(mnist, None, mnist_strength=replace(MNIST_STRENGTH, share=0.0))
    x, y = _epoch(plain)
    pairs = zip(y, x, strict=True)
    assert all((int(label), image.tobytes()) in originals for label, image in pairs)


def test_changed_digits_stay_readable(mnist, bundled_tutorial):
    x, y = _epoch(_feed(mnist, None, mnist_strength=replace(MNIST_STRENGTH, share=1.0)))
    read = float((bundled_tutorial.predict(x).argmax(1) == y).mean())
    # changed, yet the same digits; the plain dense network is thrown by shifts and
    # thicker strokes (why the augmented presets exist), so it reads fewer than usual
    assert 0.6 < read < 0.97


def test_the_batches_are_not_autotuned(mnist):
    """Fixed parallelism and prefetch: tf.data's autotuner thread, still optimising when
    ``fit`` ended, held the last epoch's iterator 3-5 s in ~40 % of the Train clicks
    (BENCHMARKS.md, *Training to read handwriting*)."""
    feed = _feed(mnist, None)
    assert feed.dataset.options().autotune.enabled is False


def test_pen_digits_are_drawn_once_as_the_pad_prepares_them(pen):
    some = limited_pen(pen, 600)
    images = pipeline.pen_images(some)
    assert images.dtype == np.uint8 and images.shape == (len(some), 28, 28)
    assert pipeline.pen_images(some) is images  # the next click draws nothing
    assert not images.flags.writeable
    pad = pendigits.prepare_strokes(some.subset(np.arange(len(some)) < 5))
    assert np.abs(images[:5] / 255 - pad).max() <= 0.5 / 255 + 1e-6


def test_pen_drawings_are_kept_on_disk_for_the_next_session(pen, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv(pipeline.CACHE_ENV, str(tmp_path / "cache"))
    some = limited_pen(pen, 300)
    drawn = pipeline.pen_images(some).copy()
    (saved,) = (tmp_path / "cache").glob("pen-*.npy")
    assert np.array_equal(np.load(saved), drawn)

    def next_session():  # a new process: nothing kept in memory
        pipeline._rendered.clear()
        return pipeline.pen_images(some)

    monkeypatch.setattr(pendigits, "prepare_strokes", lambda *_: pytest.fail("drawn again"))
    assert np.array_equal(next_session(), drawn)  # read back, not drawn
    monkeypatch.undo()
    monkeypatch.setenv(pipeline.CACHE_ENV, str(tmp_path / "cache"))
    # A damaged file (a disk full mid-copy, an old format) is drawn again and replaced.
    saved.write_bytes(saved.read_bytes()[:1000])
    with caplog.at_level("INFO", logger="digitpad.ml.pipeline"):
        assert np.array_equal(next_session(), drawn)
    assert "drawing them again" in caplog.text
    assert np.array_equal(np.load(saved), drawn)
    # Other strokes (another copy of the data differing in one point) are not these.
    first = some.subset(np.arange(len(some)) < 50)
    moved = (first.strokes[0][0] + 1, *first.strokes[0][1:])
    other = replace(first, strokes=(moved, *first.strokes[1:]))
    assert pipeline._fingerprint(other) != pipeline._fingerprint(first)


def test_an_unwritable_cache_costs_only_time(pen, tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(pipeline.CACHE_ENV, str(blocked / "cache"))
    pipeline._rendered.clear()
    images = pipeline.pen_images(pen.subset(np.arange(len(pen)) < 40))
    assert images.shape == (40, 28, 28) and images.any()


def test_the_held_out_writers_are_validation_only(pen, mnist):
    held_out = pendigits.held_out_writers()
    images, labels = pipeline.pen_validation(held_out)
    assert images.shape == (1499, 784) and labels.tolist() == held_out.labels.tolist()
    assert not set(pen.writers.tolist()) & set(held_out.writers.tolist())
    assert ROBUST.pen_repeat and ROBUST.augment is not None


@pytest.fixture(scope="module")
def bundled_tutorial():
    from digitpad.ml.model import bundled_model_path
    from digitpad.ml.predictor import Predictor

    return Predictor.from_file(bundled_model_path())
