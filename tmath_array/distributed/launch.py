"""Launch a script on several ranks: ``python -m tmath_array.distributed.launch``.

::

    python -m tmath_array.distributed.launch -n 2 script.py [args...]
    python -m tmath_array.distributed.launch -n 3 --timeout 60 script.py
    python -m tmath_array.distributed.launch --hostfile hosts.json script.py   # via mlx.launch
    python -m tmath_array.distributed.launch -n 2 --torch train.py  # a PyTorch script, unedited

On this machine (no ``--hostfile``, ``--hosts`` of 127.0.0.1 only, the ring backend) the
launcher starts the ranks itself: it picks free ports on 127.0.0.1, writes the ring's
hostfile, runs every rank with this Python (``--python`` to change it) and a PYTHONPATH
that finds this tmath_array, and watches them:

* a rank that fails (non-zero exit) stops the job: the others get ``--grace`` seconds to
  fail on their own (MLX's ring reports "connection to a peer was lost"), then are killed;
* ``--timeout`` bounds the whole job: a rank stuck in a collective (a peer alive but never
  reaching it) would otherwise wait forever;
* the launcher says which rank failed first and how, and exits with its code (124 on a
  timeout);
* no rank outlives the launcher (SIGTERM and Ctrl-C stop them; on Linux a rank also gets
  SIGTERM when the launcher dies by SIGKILL).

With ``--torch`` every rank runs the script through the PyTorch face (``python -m
tmath_array.torch script.py``): ``import torch`` in an unedited PyTorch script (one that uses
``torch.distributed`` and ``DistributedDataParallel``) loads ``tmath_array.torch``.

Anything else (several hosts, a hostfile, the mpi/nccl/jaccl backends) goes to MLX's own
``mlx.launch``, with ``--python`` set to this Python, under the same ``--timeout``.
See docs/distributed.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PROG = "tmath_array.distributed.launch"
# The directory that holds the tmath_array package: ranks get it on PYTHONPATH.
PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent.parent)
TIMEOUT_EXIT = 124


@dataclass
class Outcome:
    """How a job ended: the launcher's exit code and, per rank, its exit code."""

    returncode: int
    codes: list = field(default_factory=list)   # per rank; None if still running at the end
    first_failure: int | None = None            # the rank that failed first
    timed_out: bool = False
    killed: list = field(default_factory=list)  # ranks the launcher had to kill
    seconds: float = 0.0
    message: str = ""


def free_ports(n: int, host: str = "127.0.0.1") -> list[int]:
    """``n`` distinct TCP ports free on ``host`` now (the OS picks them)."""
    socks, ports = [], []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((host, 0))
            socks.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return ports


def rank_environment(rank: int, hostfile: str | None, env: dict | None = None) -> dict:
    """The environment of one local ring rank: MLX_HOSTFILE, MLX_RANK and a PYTHONPATH
    that starts with the directory holding this tmath_array. (With no hostfile, a job of
    one rank: the process runs on its own.)"""
    e = dict(os.environ if env is None else env)
    if hostfile is None:
        e.pop("MLX_HOSTFILE", None)
        e.pop("MLX_RANK", None)
    else:
        e["MLX_HOSTFILE"] = hostfile
        e["MLX_RANK"] = str(rank)
    path = e.get("PYTHONPATH", "")
    if PACKAGE_PARENT not in path.split(os.pathsep):
        e["PYTHONPATH"] = PACKAGE_PARENT + (os.pathsep + path if path else "")
    return e


def _die_with_parent() -> None:
    """In a rank, before exec: on Linux, get SIGTERM when the launcher dies, even by SIGKILL
    (its ``finally`` cannot run then), so no rank outlives it."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _kill(procs: dict[int, subprocess.Popen], ranks: list[int]) -> None:
    """Stop the given ranks (their whole process groups): SIGTERM, then SIGKILL."""
    for r in ranks:
        _signal_group(procs[r], signal.SIGTERM)
    end = time.monotonic() + 2.0
    for r in ranks:
        try:
            procs[r].wait(timeout=max(0.0, end - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(procs[r], signal.SIGKILL)
            procs[r].wait()


def _signal_group(p: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(p.pid, sig)  # the rank's own session (start_new_session): its children too
    except (ProcessLookupError, PermissionError):
        pass


def _describe(code: int) -> str:
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


def run_local(command: list[str], n: int, *, timeout: float | None = None,
              grace: float = 10.0, python: str | None = None, env: dict | None = None,
              stdout=None, stderr=None, log=None) -> Outcome:
    """Run ``[python, *command]`` as ``n`` ranks of a ring over 127.0.0.1 and watch them.

    Returns when every rank has ended (or was killed). ``stdout``/``stderr`` go to each
    rank's ``subprocess.Popen``; ``log`` (a file, stderr by default) gets the launcher's
    report.
    """
    if n < 1:
        raise ValueError(f"{PROG}: -n must be at least 1, got {n}")
    log = sys.stderr if log is None else log
    python = python or sys.executable
    ports = free_ports(n)
    hosts = [[f"127.0.0.1:{p}"] for p in ports]
    fd, hostfile = tempfile.mkstemp(prefix="tmath-ring-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(hosts, f)
    start = time.monotonic()
    deadline = None if timeout is None else start + timeout
    procs: dict[int, subprocess.Popen] = {}
    out = Outcome(returncode=0)
    try:
        for r in range(n):
            e = rank_environment(r, hostfile if n > 1 else None, env)
            procs[r] = subprocess.Popen([python, *command], env=e, stdout=stdout,
                                        stderr=stderr, start_new_session=True,
                                        preexec_fn=_die_with_parent)
        stop_at = None
        while True:
            running = [r for r, p in procs.items() if p.poll() is None]
            if out.first_failure is None:
                failed = [r for r, p in procs.items()
                          if p.returncode is not None and p.returncode != 0]
                if failed:
                    out.first_failure = failed[0]
                    stop_at = time.monotonic() + grace
            if not running:
                break
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                out.timed_out = True
                out.killed = running
                _kill(procs, running)
                break
            if stop_at is not None and now >= stop_at:
                out.killed = running
                _kill(procs, running)
                break
            time.sleep(0.02)
    finally:
        left = [r for r, p in procs.items() if p.poll() is None]
        if left:  # an exception or a signal in the launcher: leave nothing behind
            _kill(procs, left)
        os.unlink(hostfile)
    out.seconds = time.monotonic() - start
    out.codes = [procs[r].returncode for r in range(len(procs))]
    lines = []
    if out.timed_out:
        out.returncode = TIMEOUT_EXIT
        lines.append(f"timed out after {timeout:g} s; killed rank(s) "
                     f"{', '.join(map(str, out.killed))} (still running: stuck in a "
                     "collective, or waiting for a peer that never reached it)")
    elif out.first_failure is not None:
        code = out.codes[out.first_failure]
        out.returncode = code if code > 0 else 128 + (-code)
        lines.append(f"rank {out.first_failure} {_describe(code)}; stopping the job")
        if out.killed:
            lines.append(f"killed rank(s) {', '.join(map(str, out.killed))} "
                         f"{grace:g} s later (they had not ended)")
    for r, c in enumerate(out.codes):
        if out.returncode and r not in out.killed and c != 0 and r != out.first_failure:
            lines.append(f"rank {r} {_describe(c)}")
    out.message = "\n".join(f"{PROG}: {line}" for line in lines)
    if out.message:
        print(out.message, file=log, flush=True)
    return out


def run_mlx_launch(args: list[str], *, timeout: float | None, python: str | None,
                   log=None) -> Outcome:
    """Run MLX's ``mlx.launch`` with ``args`` (and ``--python``), bounded by ``timeout``."""
    log = sys.stderr if log is None else log
    exe = shutil.which("mlx.launch", path=str(Path(sys.executable).parent)) or \
        shutil.which("mlx.launch")
    if exe is None:
        raise SystemExit(f"{PROG}: mlx.launch was not found (is mlx installed in this "
                         "environment?)")
    cmd = [exe, "--python", python or sys.executable, *args]
    start = time.monotonic()
    p = subprocess.Popen(cmd, start_new_session=True)
    out = Outcome(returncode=0)
    try:
        out.returncode = p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        out.timed_out = True
        out.returncode = TIMEOUT_EXIT
        _kill({0: p}, [0])
        out.message = (f"{PROG}: timed out after {timeout:g} s; stopped mlx.launch (the "
                       "ranks on other hosts are stopped by mlx.launch)")
        print(out.message, file=log, flush=True)
    finally:
        if p.poll() is None:
            _kill({0: p}, [0])
    out.seconds = time.monotonic() - start
    return out


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=f"python -m {PROG}",
        description="Run a script as several ranks of a tmath_array.distributed job.")
    p.add_argument("-n", type=int, default=2,
                   help="ranks per host (default 2)")
    p.add_argument("--backend", default="ring", choices=("ring", "mpi", "nccl", "jaccl"),
                   help="MLX backend (default ring)")
    p.add_argument("--timeout", type=float, default=None,
                   help="seconds before the whole job is killed (default: none)")
    p.add_argument("--grace", type=float, default=10.0,
                   help="seconds the other ranks get to end after one fails (default 10)")
    p.add_argument("--python", default=None,
                   help="the Python that runs the ranks (default: this one)")
    p.add_argument("--hosts", default="127.0.0.1",
                   help="comma-separated hosts (anything but 127.0.0.1 goes to mlx.launch)")
    p.add_argument("--hostfile", default=None, help="an mlx.launch hostfile (JSON)")
    p.add_argument("--mlx-launch", action="store_true",
                   help="always go through mlx.launch, even on this machine")
    p.add_argument("--torch", action="store_true",
                   help="run the script through the PyTorch face (python -m tmath_array.torch "
                        "script.py): import torch loads tmath_array.torch")
    p.add_argument("script", help="the Python script to run")
    p.add_argument("args", nargs=argparse.REMAINDER, help="the script's arguments")
    return p


def _terminated(signum, frame):
    # SIGTERM (a CI runner stopping the job) unwinds like Ctrl-C: the ranks are stopped.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _terminated)
    command = [args.script, *args.args]
    if args.torch:
        command = ["-m", "tmath_array.torch", *command]
    local = (args.hostfile is None and args.hosts == "127.0.0.1" and args.backend == "ring"
             and not args.mlx_launch)
    if local:
        return run_local(command, args.n, timeout=args.timeout, grace=args.grace,
                         python=args.python).returncode
    # Note: mlx.launch does not pass PYTHONPATH on; ranks on this machine get it with
    # --env (ranks on other hosts need tmath_array installed in the same Python).
    mlx_args = ["--backend", args.backend, "--env",
                "PYTHONPATH=" + os.pathsep.join(
                    p for p in (PACKAGE_PARENT, os.environ.get("PYTHONPATH")) if p)]
    if args.hostfile is not None:
        mlx_args += ["--hostfile", args.hostfile]
    else:
        mlx_args += ["--hosts", args.hosts, "-n", str(args.n)]
        if args.backend == "ring" and args.hosts == "127.0.0.1":
            mlx_args += ["--starting-port", str(_free_run(args.n))]
    return run_mlx_launch(mlx_args + ["--", *command], timeout=args.timeout,
                          python=args.python).returncode


def _free_run(n: int) -> int:
    """A first port of ``n`` consecutive ports free on 127.0.0.1 (mlx.launch numbers the
    ring's ports from one starting port)."""
    for _ in range(50):
        first = free_ports(1)[0]
        if first + n > 65535:
            continue
        socks = []
        try:
            for p in range(first, first + n):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                socks.append(s)
                s.bind(("127.0.0.1", p))
            return first
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError(f"{PROG}: found no {n} consecutive free ports on 127.0.0.1")


def _main() -> int:
    try:
        return main()
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; the ranks were stopped", file=sys.stderr, flush=True)
        return 130


if __name__ == "__main__":
    sys.exit(_main())
