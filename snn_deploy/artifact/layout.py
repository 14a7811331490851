"""An artifact's layout: what one call takes (a whole sequence or one step) and the model's kind.

Kinds of model (told apart at export by :func:`snn_deploy.export.model_kind`):

* ``cell``: one time step ``(B, ...)`` with state;
* ``encoder``: ``(B, ...)`` to a ``(T, B, ...)`` spike train, no state; sequence mode only;
* ``sequence``: everything else, on ``(T, B, ...)``.

One call of a sequence artifact takes ``(T, B, ...)`` (an encoder: ``(B, ...)``), one call of a
step artifact ``(B, ...)``. The manifest stores the layout as its ``mode`` and ``model.kind``
strings; export, the manifest, the runtime and serve read this one value.
"""

import enum
from dataclasses import dataclass


class Mode(str, enum.Enum):
    SEQUENCE = "sequence"
    STEP = "step"


class Kind(str, enum.Enum):
    CELL = "cell"
    SEQUENCE = "sequence"
    ENCODER = "encoder"

    @property
    def native_batch_axis(self) -> int:
        """The batch axis of the input the model itself takes: ``(T, B, ...)`` for a sequence
        model, ``(B, ...)`` for a cell and an encoder."""
        return 1 if self is Kind.SEQUENCE else 0


MODES = tuple(mode.value for mode in Mode)
KINDS = tuple(kind.value for kind in Kind)


def mode_of(step: bool) -> Mode:
    """The mode of the export flag ``step``."""
    return Mode.STEP if step else Mode.SEQUENCE


@dataclass(frozen=True)
class Layout:
    """The mode of an artifact and the kind of its model (``None``: a manifest that predates
    the field, read as a neuron model's)."""

    mode: Mode
    kind: "Kind | None" = Kind.SEQUENCE

    @property
    def is_step(self) -> bool:
        return self.mode is Mode.STEP

    @property
    def is_encoder(self) -> bool:
        return self.kind is Kind.ENCODER

    @property
    def is_chunked(self) -> bool:
        """A fixed-``T`` sequence whose ``(T, batch, ...)`` input may be run in chunks (an
        encoder's sequence is its output, not its input)."""
        return self.mode is Mode.SEQUENCE and not self.is_encoder

    @property
    def input_batch_axis(self) -> int:
        """The batch axis of one call's input: 1 behind the time axis of a chunked sequence."""
        return 1 if self.is_chunked else 0

    @property
    def loops_cell(self) -> bool:
        """A cell exported in sequence mode: the artifact loops it over the ``T`` steps."""
        return self.kind is Kind.CELL and self.is_chunked

    @property
    def steps_sequence(self) -> bool:
        """A sequence model exported in step mode: one step of its sequence."""
        return self.kind is Kind.SEQUENCE and self.is_step
