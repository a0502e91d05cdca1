"""nextline: the record, the status, the options and the questions for a person living with
metastatic breast cancer. It informs a conversation with the care team; it never decides."""

from nextline import _native

__version__ = "0.1.0"
__all__ = ["__version__"]

# Engine modules compiled by `scripts/build_native.py` run compiled only when built from
# their current source (see `nextline._native`).
_native.install()
