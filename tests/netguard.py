"""A network guard for the processes a test starts: nothing may leave the machine.

`NetGuard(folder)` writes a `sitecustomize.py` into `folder`; a Python process
started with `NetGuard.env()` (its folder first on PYTHONPATH) imports it before
anything else and installs an audit hook (`sys.addaudithook`) that refuses every
connection, datagram and name lookup for an address that is not loopback
(`socket.connect`, `socket.sendto`, `socket.sendmsg`, `socket.getaddrinfo`,
`socket.gethostbyname*`, `socket.gethostbyaddr`) and records it in `attempts.log`.
Child processes inherit the environment, so PDF workers are guarded too. Each
guarded process also notes itself in `active.log`, so a test can show the guard
really ran in the app and in the ingest.

Native code that opens sockets without Python (Rust, C libraries) passes no audit
hook. `NetGuard.prefix()` therefore runs a command under `strace -f` (when strace
is installed and may trace here), which records every `connect`, `sendto` and `sendmsg` system call
with an address; `native_attempts()` lists those to an address that is not
loopback, including DNS queries to the resolver.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import subprocess
from pathlib import Path

SITECUSTOMIZE = '''\
"""Test network guard (tests/netguard.py): refuse and record what would leave this machine."""
import ipaddress
import os
import socket
import sys

_ATTEMPTS = os.environ["NETGUARD_ATTEMPTS"]
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _local_host(host):
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").split("%")[0]
    if host == "" or host.lower() in _LOCAL_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name that would be looked up
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    return ip.is_loopback or ip.is_unspecified or (mapped is not None and mapped.is_loopback)


def _local_address(address):
    if not isinstance(address, tuple):
        return True  # a Unix socket path, or a netlink pair of ints
    return _local_host(address[0]) if address and isinstance(address[0], (str, bytes)) else True


def _hook(event, args):
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        target = args[1]
        if target is None or _local_address(target):
            return
        error = ConnectionRefusedError(111, "network blocked by the test guard")
    elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
                   "socket.gethostbyaddr"):
        target = args[0]
        if _local_host(target):
            return
        error = socket.gaierror(socket.EAI_NONAME, "name lookup blocked by the test guard")
    else:
        return
    with open(_ATTEMPTS, "a", encoding="utf-8") as log:
        log.write(f"{os.getpid()} {event} {target!r}\\n")
    raise error


sys.addaudithook(_hook)
with open(os.environ["NETGUARD_ACTIVE"], "a", encoding="utf-8") as _log:
    _log.write(f"{os.getpid()} {' '.join(sys.orig_argv)}\\n")
'''

_ADDRESS = re.compile(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6,\s*"([^"]+)"')


def _working_strace() -> str | None:
    """strace's path when it can trace here (a container may forbid ptrace), else None."""
    strace = shutil.which("strace")
    if strace is None:
        return None
    probe = [strace, "-f", "--seccomp-bpf", "-qq", "-e", "trace=connect", "-o", os.devnull, "true"]
    ok = subprocess.run(probe, capture_output=True, timeout=30).returncode == 0
    return strace if ok else None


class NetGuard:
    """The guard's files in one folder: the sitecustomize, the attempts and the guarded processes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
        self.attempts_log = folder / "attempts.log"
        self.active_log = folder / "active.log"
        self.strace = _working_strace()

    def env(self) -> dict[str, str]:
        """Environment entries that guard a Python process (merge into the child's environment)."""
        path = os.pathsep.join(p for p in (str(self.folder), os.environ.get("PYTHONPATH", "")) if p)
        return {
            "PYTHONPATH": path,
            "NETGUARD_ATTEMPTS": str(self.attempts_log),
            "NETGUARD_ACTIVE": str(self.active_log),
        }

    def prefix(self, name: str) -> list[str]:
        """`strace` before a command, recording its socket calls in `<name>.strace`; [] without strace."""
        if self.strace is None:
            return []
        calls = "trace=connect,sendto,sendmsg"
        return [
            self.strace,
            "-f",
            "--seccomp-bpf",
            "-qq",
            "-e",
            calls,
            "-o",
            str(self.folder / f"{name}.strace"),
        ]

    @staticmethod
    def _lines(path: Path) -> list[str]:
        return path.read_text(encoding="utf-8").splitlines() if path.is_file() else []

    def attempts(self) -> list[str]:
        """What the audit hook refused: "pid event target" lines."""
        return self._lines(self.attempts_log)

    def active(self) -> list[str]:
        """The guarded processes: "pid command line" lines."""
        return self._lines(self.active_log)

    def native_attempts(self) -> list[str]:
        """System calls (from every `prefix`ed command) that addressed something other than loopback."""
        found = []
        for trace in sorted(self.folder.glob("*.strace")):
            for line in self._lines(trace):
                for v4, v6 in _ADDRESS.findall(line):
                    ip = ipaddress.ip_address(v4 or v6)
                    if not (ip.is_loopback or ip.is_unspecified):
                        found.append(f"{trace.stem}: {line}")
        return found
