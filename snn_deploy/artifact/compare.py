"""Compare an artifact's outputs with eager's: spikes exactly, everything else within a tolerance.

Tolerance, per element: ``|artifact - eager| <= atol + rtol * |eager|`` with ``atol`` scaled by the
tensor's magnitude, ``scale = max(1, max |eager|)``:

* float32: ``rtol = 1e-4``, ``atol = 1e-5 * scale``. Backends fuse and reorder the few
  multiply-adds of an Euler step (FMA, matrix-multiply blocking), which moves results by a few
  ulp (1 ulp = 1.2e-7 relative) of the largest term per step; the leaky dynamics damp these, so
  over hundreds of steps they stay far below 1e-5 of the tensor's scale.
* float64: ``rtol = 1e-9``, ``atol = 1e-12 * scale``.

Spikes (outputs whose eager values are all 0 or 1) must agree exactly.
"""

from typing import Any, Dict, List, Sequence

import numpy as np

from snn_deploy.errors import ShapeMismatchError, SpikeMismatchError, ToleranceError

TOLERANCES = {"float32": (1e-4, 1e-5), "float64": (1e-9, 1e-12), "float16": (1e-2, 1e-3)}


def tolerance(dtype: str) -> Dict[str, float]:
    rtol, atol = TOLERANCES.get(dtype, TOLERANCES["float32"])
    return {"rtol": rtol, "atol_per_scale": atol}


def _where(bad: np.ndarray, time_major: bool) -> str:
    if time_major and bad.ndim > 0:
        return f", first at time step {int(np.argwhere(bad)[0][0])}"
    return ""


def compare(
    names: Sequence[str], actual: Sequence[np.ndarray], expected: Sequence[np.ndarray], time_major: Sequence[str]
) -> Dict[str, Dict[str, Any]]:
    """Figures per output name; raise a typed :class:`ValidationError` at the first mismatch."""
    figures: Dict[str, Dict[str, Any]] = {}
    for name, got, want in zip(names, actual, expected):
        got, want = np.asarray(got), np.asarray(want)
        if got.shape != want.shape:
            raise ShapeMismatchError(f"'{name}': the artifact gives shape {got.shape}, eager {want.shape}")
        # equal values count as no difference, infinities included (SpikesToTimesDecoder's "no spike")
        with np.errstate(invalid="ignore"):  # inf - inf, replaced by 0 where the values are equal
            difference = np.where(got == want, 0.0, np.abs(got.astype(np.float64) - want.astype(np.float64)))
        magnitude = np.abs(np.where(np.isfinite(want), want, 0.0).astype(np.float64))
        spikes = bool(np.isin(want, (0, 1)).all())
        figure: Dict[str, Any] = {
            "spikes": spikes,
            "max_abs": float(difference.max(initial=0.0)),
            "max_rel": float((difference / np.maximum(magnitude, np.finfo(np.float64).tiny)).max(initial=0.0)),
        }
        if spikes:
            bad = got != want
            figure["spike_agreement"] = float(1.0 - bad.mean()) if bad.size else 1.0
            if bad.any():
                raise SpikeMismatchError(
                    f"'{name}': {int(bad.sum())} of {bad.size} spike values differ from eager "
                    f"({100 * figure['spike_agreement']:.2f}% agree){_where(bad, name in time_major)}"
                )
        else:
            limits = tolerance(str(want.dtype))
            scale = max(1.0, float(magnitude.max(initial=0.0)))
            allowed = limits["atol_per_scale"] * scale + limits["rtol"] * magnitude
            bad = ~(difference <= allowed)
            if bad.any():
                raise ToleranceError(
                    f"'{name}': differs from eager by up to {figure['max_abs']:.3g} (max abs), "
                    f"{figure['max_rel']:.3g} (max rel), above rtol {limits['rtol']:g} + atol "
                    f"{limits['atol_per_scale']:g}*{scale:.3g} at {int(bad.sum())} of {bad.size} "
                    f"values{_where(bad, name in time_major)}"
                )
        figures[name] = figure
    return figures


def summary(figures: Dict[str, Dict[str, Any]]) -> List[str]:
    """One readable line per output."""
    lines = []
    for name, figure in figures.items():
        if figure["spikes"]:
            lines.append(f"{name}: spikes {100 * figure['spike_agreement']:.0f}% equal")
        else:
            lines.append(f"{name}: max abs {figure['max_abs']:.3g}, max rel {figure['max_rel']:.3g}")
    return lines
