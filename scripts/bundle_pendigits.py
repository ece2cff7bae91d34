"""Write (or check) ``resources/pendigits.npz``, the pen data shipped with digitpad.

    python3 scripts/bundle_pendigits.py PATH            # PATH: pendigits-orig.tra or its folder
    python3 scripts/bundle_pendigits.py PATH --check    # exit 1 unless the file matches PATH

The UCI "Pen-Based Recognition of Handwritten Digits" original trajectories (UNIPEN text,
3.6 MB) become one compressed npz of integer arrays (~0.8 MB): every point of every
stroke as int16 (x, y) with y already flipped to screen coordinates, the offsets of the
strokes and of the digits into them, each digit's label and writer. All 30 writers are
kept; ``digitpad.ml.pendigits`` splits them by writer on loading, so the six held-out
writers (``HELD_OUT_WRITERS``) are the validation set no training ever reads. The note
beside it, ``resources/pendigits.md``, gives the licence (CC BY 4.0) and attribution.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digitpad.ml import pendigits  # noqa: E402

OUT = ROOT / "resources" / pendigits.BUNDLED_NAME


def arrays_of(digits: pendigits.PenDigits) -> dict[str, np.ndarray]:
    lines = [line for strokes in digits.strokes for line in strokes]
    points = np.concatenate(lines)
    if not np.array_equal(points, np.round(points)) or np.abs(points).max() >= 2**15:
        raise SystemExit("the trajectories are not int16 points: not the UCI file?")
    stroke_offsets = np.cumsum([0] + [len(line) for line in lines])
    digit_offsets = np.cumsum([0] + [len(strokes) for strokes in digits.strokes])
    return {
        "format": np.array(pendigits.BUNDLED_FORMAT, np.int32),
        "points": points.astype(np.int16),
        "stroke_offsets": stroke_offsets.astype(np.int32),
        "digit_offsets": digit_offsets.astype(np.int32),
        "labels": digits.labels.astype(np.uint8),
        "writers": digits.writers.astype(np.uint8),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", help="pendigits-orig.tra (or the folder holding it)")
    parser.add_argument("--check", action="store_true", help="only compare, write nothing")
    args = parser.parse_args(argv)
    source = pendigits.resolve_path(args.source)
    digits = pendigits.load_pendigits(source)
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    print(f"{source}: {len(digits):,} digits, sha256 {sha}")
    arrays = arrays_of(digits)
    if args.check:
        with np.load(OUT, allow_pickle=False) as found:
            same = set(found.files) == set(arrays) and all(
                np.array_equal(found[k], v) and found[k].dtype == v.dtype for k, v in arrays.items()
            )
        print(f"{OUT.name}: {'matches' if same else 'DIFFERS from'} {source.name}")
        return 0 if same else 1
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    OUT.write_bytes(buffer.getvalue())
    print(f"{OUT.name}: written, {OUT.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
