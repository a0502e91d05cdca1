"""assess package (in progress)."""
