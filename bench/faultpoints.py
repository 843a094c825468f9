"""Fault injection for the crash tests and the fault bench: kill the process at a checkpoint.

A spec ``POINT:N`` (``load.mid:2``: inside the 2nd document's transaction; ``run.finish:1``:
after the last file loaded) becomes a plain callback registered with
``loaders.checkpoints.on_checkpoint``; the shipped code reads no setting for it. A child process
is started through this module with the spec as its first argument:

    python -m bench.faultpoints load.mid:2 qmetl run --raw DIR --db URL   # the qmetl command
    python -m bench.faultpoints run.finish:1 batch URL SOURCE...        # python -m pipeline.run
"""

from __future__ import annotations

import os
import signal
import sys
from collections import Counter
from collections.abc import Sequence

from loaders.checkpoints import POINTS, Listener, on_checkpoint


def kill_at(spec: str) -> Listener:
    """A checkpoint listener that SIGKILLs this process at the N-th pass of POINT (``POINT:N``)."""
    point, _, nth = spec.partition(":")
    if point not in POINTS or not (nth or "1").isdigit():
        raise ValueError(f"fault spec {spec!r}: expected POINT:N with POINT one of {', '.join(POINTS)}")
    passes: Counter[str] = Counter()

    def listener(passed: str) -> None:
        if passed != point:
            return
        passes[passed] += 1
        if passes[passed] >= int(nth or "1"):
            os.kill(os.getpid(), signal.SIGKILL)

    return listener


def argv(spec: str, command: str, *args: str) -> list[str]:
    """The command line of a child that runs ``command`` (``qmetl`` or ``batch``) killed at ``spec``."""
    return [sys.executable, "-m", "bench.faultpoints", spec, command, *args]


def main(args: Sequence[str]) -> int:
    spec, command, *rest = args
    on_checkpoint(kill_at(spec))
    if command == "batch":
        from pipeline.run import main as batch
        return batch(rest)
    if command != "qmetl":
        raise SystemExit(f"bench.faultpoints: command {command!r}; expected qmetl or batch")
    sys.argv = ["qmetl", *rest]
    from flows import cli
    cli()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
