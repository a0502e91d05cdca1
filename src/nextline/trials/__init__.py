"""Clinical trials: the catalog, eligibility parsing and matching."""

from nextline.trials.catalog import Catalog, load_default_catalog
from nextline.trials.models import Site, Trial

__all__ = ["Catalog", "Site", "Trial", "load_default_catalog"]
