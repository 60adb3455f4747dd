"""Starting and stopping local searchd nodes: for the tests and `make bench`, and as the
worked example of docs/scale.md (a production cluster runs its nodes under systemd)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field

from index.cluster.config import NodeSpec, node_config
from index.cluster.sphinxql import ClusterError
from index.settings import SEARCHD


def searchd_path() -> str | None:
    return shutil.which(SEARCHD)


def free_ports(n: int, host: str = "127.0.0.1") -> list[int]:
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind((host, 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


@dataclass
class LocalCluster:
    """`n` searchd processes on loopback, each in its own folder under `folder`."""

    folder: str
    n: int = 2
    name: str = "gongkai"
    host: str = "127.0.0.1"
    nodes: list[NodeSpec] = field(default_factory=list)
    procs: list[subprocess.Popen | None] = field(default_factory=list)

    @property
    def address(self) -> str:
        return f"sphinxql://{','.join(f'{n.host}:{n.sql_port}' for n in self.nodes)}/{self.name}"

    def start(self, timeout: float = 20.0) -> LocalCluster:
        exe = searchd_path()
        if exe is None:
            raise ClusterError(f"{SEARCHD} not found (apt-get install sphinxsearch)")
        if not self.nodes:
            ports = free_ports(2 * self.n, self.host)
            self.nodes = [
                NodeSpec(self.host, ports[2 * i], ports[2 * i + 1]) for i in range(self.n)
            ]
        self.procs = [None] * self.n
        for i in range(self.n):
            self.start_node(i, timeout)
        return self

    def _node_dir(self, i: int) -> str:
        return os.path.join(self.folder, f"node{i}")

    def start_node(self, i: int, timeout: float = 20.0) -> None:
        d = self._node_dir(i)
        os.makedirs(d, exist_ok=True)
        conf = os.path.join(d, "searchd.conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write(node_config(self.name, self.nodes, i, d))
        # --nodetach keeps searchd our child, so stopping it is a signal to a pid we own
        self.procs[i] = subprocess.Popen(
            [searchd_path() or SEARCHD, "--config", conf, "--nodetach"],
            stdout=open(os.path.join(d, "stdout.log"), "ab"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        spec = self.nodes[i]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.procs[i].poll() is not None:
                raise ClusterError(f"searchd node {i} exited at start; see {d}/searchd.log")
            try:
                with socket.create_connection((spec.host, spec.sql_port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise ClusterError(f"searchd node {i} did not listen on {spec.sql_port} in {timeout:g}s")

    def stop_node(self, i: int, timeout: float = 20.0) -> None:
        p = self.procs[i] if i < len(self.procs) else None
        if p is None:
            return
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs[i] = None

    def stop(self) -> None:
        for i in range(len(self.procs)):
            self.stop_node(i)

    def __enter__(self) -> LocalCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
