"""Clinical trials: the catalog, eligibility parsing and matching."""

from nextline.trials.models import Site, Trial

__all__ = ["Site", "Trial"]
