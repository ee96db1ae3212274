"""Holding off Python's cyclic garbage collector while a story's objects are made.

Shared by the loader and the compiled-story cache; it imports nothing heavy, so the
cache's warm start still never imports the loader or yaml.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a story is built.

    Building a large story makes hundreds of thousands of small objects and no
    cycles to speak of; without this, the collector re-scans them all again and
    again, which costs about a third of the loader's time on a 10,000-scene story.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
