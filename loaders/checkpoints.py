"""Named points a load and a run pass, and the callbacks told of each pass.

``load.mid`` is passed inside a document's transaction (after its rows, before its file row is
marked loaded); ``run.finish`` after the last file loaded, before the organizations are synced.
A caller registers a plain callback with :func:`on_checkpoint`; nothing is registered in
production, where :func:`checkpoint` does nothing. The crash tests register one that kills the
process at the N-th pass (``bench/faultpoints.py``).
"""

from __future__ import annotations

from collections.abc import Callable

Listener = Callable[[str], None]
POINTS = ("load.mid", "run.finish")

_listeners: list[Listener] = []


def on_checkpoint(listener: Listener) -> Callable[[], None]:
    """Call ``listener(point)`` at every checkpoint passed from now on; returns what removes it."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener)


def checkpoint(point: str) -> None:
    """Tell the registered listeners that ``point`` (one of ``POINTS``) is being passed."""
    if point not in POINTS:
        raise ValueError(f"checkpoint {point!r} is unknown; expected one of {', '.join(POINTS)}")
    for listener in tuple(_listeners):
        listener(point)
