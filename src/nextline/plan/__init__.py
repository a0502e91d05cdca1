"""plan package (in progress)."""
