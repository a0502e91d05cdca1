"""nextline: the record, the status, the options and the questions for a person living with
metastatic breast cancer. It informs a conversation with the care team; it never decides."""

__version__ = "0.1.0"
__all__ = ["__version__"]
