"""Values settled before the generator's searches decide on them, so that the same seed gives the
same data on every machine."""

from __future__ import annotations

import numpy as np

SETTLED_DIGITS = 10          # significant digits every search decision is taken on


def settled(x):
    """``x`` rounded to ``SETTLED_DIGITS`` significant digits. Every comparison, argmin and
    solver input of the searches goes through it: a sum that the machine's BLAS kernels (which
    differ from CPU to CPU) compute with a different last bit then gives the same decision, and
    values equal in exact arithmetic compare equal, so the same seed gives the same data on
    every machine."""
    x = np.asarray(x, dtype=float)
    magnitude = np.floor(np.log10(np.where((x == 0) | ~np.isfinite(x), 1.0, np.abs(x))))
    magnitude = np.clip(magnitude, -290, 290)       # no overflow of the scale
    scale = 10.0 ** (SETTLED_DIGITS - 1 - magnitude)
    out = np.where(np.isfinite(x), np.round(x * scale) / scale, x)
    return float(out) if out.ndim == 0 else out
