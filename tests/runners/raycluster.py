"""A real Ray cluster for the engine tests: a head and a separate worker process, one CPU each.

``COUNTERPOINT_TEST_RAY_ADDRESS`` names a running cluster to use (.ci/services/ray.sh starts one and
exports its address and token);
otherwise, when Ray is installed, a private cluster is started from this venv's ``ray`` for the
test module and stopped at its end (its processes, by their ids). Without Ray the tests skip.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import ROOT

ENV_ADDRESS = "COUNTERPOINT_TEST_RAY_ADDRESS"


@dataclass
class RayCluster:
    address: str
    #: the ``ray start --block`` processes this fixture started (empty for an external cluster)
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ray_bin() -> str | None:
    here = Path(sys.executable).with_name("ray")
    return str(here) if here.is_file() else shutil.which("ray")


def _wait_port(port: int, proc: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"ray head exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise RuntimeError(f"ray head did not listen on {port} within {seconds:.0f} s")


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """Stop the processes this fixture started: each ``ray start`` owns its process group."""
    for sig in (signal.SIGTERM, signal.SIGKILL):  # worker first, then head
        for proc in reversed(procs):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
        deadline = time.monotonic() + 5
        while any(p.poll() is None for p in procs) and time.monotonic() < deadline:
            time.sleep(0.2)
    for proc in procs:
        proc.wait(timeout=10)


def _wait_cpus(address: str, cpus: int, env: dict[str, str], seconds: float) -> None:
    probe = (
        "import sys, time, ray\n"
        f"ray.init(address={address!r}, logging_level='ERROR', log_to_driver=False)\n"
        f"deadline = time.monotonic() + {seconds}\n"
        f"while ray.cluster_resources().get('CPU', 0) < {cpus} and time.monotonic() < deadline:\n"
        "    time.sleep(0.3)\n"
        f"sys.exit(0 if ray.cluster_resources().get('CPU', 0) >= {cpus} else 1)\n"
    )
    rc = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, timeout=seconds + 60)
    if rc.returncode != 0:
        raise RuntimeError(f"the Ray worker did not join: {rc.stderr.decode()[-500:]}")


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[RayCluster]:
    """The cluster the engine tests join (module-scoped: starting one costs ~10 s)."""
    # not imported here: Ray reads its authentication settings from the environment on import
    if importlib.util.find_spec("ray") is None:
        pytest.skip("Ray is not installed: pip install 'counterpoint[ray]'")
    if os.environ.get(ENV_ADDRESS):
        yield RayCluster(os.environ[ENV_ADDRESS])
        return
    ray_bin = _ray_bin()
    if ray_bin is None:
        pytest.skip("the 'ray' command is not installed beside this Python")
    # Ray 2.5x clusters require a token; this one gets its own, which the tests' drivers inherit
    auth = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32)}
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", **auth}
    # the workers import this checkout's code, like the driver (tests run with PYTHONPATH=src)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), *filter(None, [env.get("PYTHONPATH")])])
    saved = {k: os.environ.get(k) for k in auth}
    os.environ.update(auth)  # before this process imports ray
    port = _free_port()
    address = f"127.0.0.1:{port}"
    common = ["--num-cpus", "1", "--block", "--disable-usage-stats"]
    procs: list[subprocess.Popen[bytes]] = []
    try:
        head = [ray_bin, "start", "--head", "--port", str(port), "--include-dashboard=false", *common]
        procs.append(
            subprocess.Popen(
                head, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        )
        _wait_port(port, procs[0], 90)
        worker = [ray_bin, "start", "--address", address, *common]
        procs.append(
            subprocess.Popen(
                worker, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        )
        _wait_cpus(address, 2, env, 90)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        _stop(procs)
        _restore(saved)
        pytest.skip(f"could not start a local Ray cluster: {exc}")
    try:
        yield RayCluster(address, procs)
    finally:
        _restore(saved)
        _stop(procs)


def _restore(saved: dict[str, str | None]) -> None:
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
