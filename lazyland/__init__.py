"""lazyland: a terminal player for branching stories told in two aligned timelines."""

__version__ = "0.1.0"
