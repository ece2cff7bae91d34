"""Write (or check) the weights sidecars of the bundled models.

    python3 scripts/bundled_weights.py          # write resources/*.weights.npz
    python3 scripts/bundled_weights.py --check  # exit 1 if one is missing or stale

Each bundled ``resources/x.keras`` gets ``resources/x.weights.npz``: its weights as numpy
arrays, and a manifest with the size and CRC-32 of the HDF5 weights file they came from
and of every array as written. The window reads a bundled model's weights from there at
start-up instead of importing h5py (40-100 ms on a small machine);
``digitpad.ml.weights.sidecar_arrays`` uses a sidecar only while it provably holds its
model's weights (a retrained model without a new sidecar, or a sidecar edited, damaged
or from an older digitpad, is read from the model file). ``--check`` makes every one of
those checks. Run this after replacing a bundled model.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digitpad.ml.weights import (  # noqa: E402
    sidecar_is_fresh,
    sidecar_path,
    write_weights_sidecar,
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args(argv)
    stale = []
    for model in sorted((ROOT / "resources").glob("*.keras")):
        if sidecar_is_fresh(model):
            print(f"{sidecar_path(model).name}: up to date")
        elif args.check:
            stale.append(model.name)
            print(f"{sidecar_path(model).name}: missing or stale")
        else:
            print(f"{write_weights_sidecar(model).name}: written")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
