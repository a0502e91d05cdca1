"""options package (in progress)."""
