"""Importing flows (the tasks, the flows, the CLI they are handed to) starts nothing and sets nothing:
no environment variable, no thread, no child process, no listening socket. What `qmetl run` needs
(Prefect's temporary server, its defaults) the run command starts itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# as `qmetl run` imports it: the program name and command that once started the server at import
PROBE = r"""
import json, os, sys, threading
sys.argv = ["qmetl", "run"]

def state():
    fds = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            fds[fd] = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            pass
    sockets = {t[8:-1] for t in fds.values() if t.startswith("socket:[")}
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            rows = [line.split() for line in f.readlines()[1:]]
        listening += [r[1] for r in rows if r[3] == "0A" and r[9] in sockets]  # 0A: LISTEN
    children = []
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children") as f:
            children += f.read().split()
    return {"environ": dict(os.environ), "threads": sorted(t.name for t in threading.enumerate()),
            "os_threads": len(os.listdir("/proc/self/task")), "children": children, "listening": listening}

before = state()
import flows
after = state()
print(json.dumps({"before": before, "after": after, "commands": len(flows.app.registered_commands)}))
"""


def test_importing_flows_starts_nothing_and_sets_no_environment_variable() -> None:
    environ = {k: v for k, v in os.environ.items()
               if k not in ("DO_NOT_TRACK", "PREFECT_API_URL") and not k.startswith("PREFECT_SERVER_")}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=environ, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    probe = json.loads(done.stdout.splitlines()[-1])
    before, after = probe["before"], probe["after"]
    assert probe["commands"] >= 5, "the import really loaded the CLI and its commands"
    changed = {k for k in before["environ"].keys() | after["environ"].keys()
               if before["environ"].get(k) != after["environ"].get(k)}
    assert not changed, f"importing flows changed these environment variables: {sorted(changed)}"
    assert after["threads"] == before["threads"], "no Python thread started"
    assert after["os_threads"] == before["os_threads"], "no thread of any library started"
    assert after["children"] == before["children"] == [], "no process started (no Prefect server)"
    assert after["listening"] == before["listening"] == [], "no socket listening"
