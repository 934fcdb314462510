"""Read a PDF in a worker process with a time and memory ceiling ("PDF bombs").

pypdf already refuses streams that inflate past its limits, but a small file can
still hold a page of millions of drawing operators (tens of seconds, hundreds of
MB) or nesting that eats memory. Python cannot interrupt a running parse, so the
parse runs in one reusable worker process: when a file takes longer than the
time limit the worker is killed and a fresh one serves the next file, and the
worker's address space is capped so a bomb fails there, not in the app.

The worker starts with `spawn` (a clean interpreter: no copy of the model, no
inherited threads); it is started on first use and kept for later files. It ends
itself when its parent is gone: a parent killed outright (SIGKILL, the
out-of-memory killer) cannot stop it, and an orphaned worker would otherwise
wait for work forever, holding memory and the parent's output pipes.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PdfLimits:
    """How long one PDF may take to read and how much memory its reader may use."""

    timeout_s: float = 60.0
    memory_mb: int = 2048


DEFAULT_LIMITS = PdfLimits()


class PdfTooCostly(Exception):
    """The PDF hit a ceiling; `reason` is the Dutch text for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


PARENT_CHECK_S = 1.0  # how often the worker looks whether its parent still exists


def _start_worker(memory_mb: int, parent: int) -> None:
    """Worker initializer: cap the memory and end with the parent process (`parent`: its pid)."""
    _cap_memory(memory_mb)
    threading.Thread(target=_end_with_parent, args=(parent,), name="end-with-parent", daemon=True).start()


def _end_with_parent(parent: int) -> None:
    """Exit once the parent is gone (the worker is then re-parented, so its parent pid changes).

    Polling rather than PR_SET_PDEATHSIG: that signal fires when the *thread* that
    started the worker ends, e.g. one of the web app's request threads.
    """
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(0)


def _cap_memory(memory_mb: int) -> None:
    """Limit the worker's address space (Linux; ignored where unsupported)."""
    try:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


class _Worker:
    """One spawned worker process, restarted after a kill; calls are serialised."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._memory_mb: int | None = None

    def forget_after_fork(self) -> None:
        """In a forked child: drop the parent's pool and lock without touching them.

        A forked process (e.g. a `ProcessPoolExecutor` of the caller's) inherits a copy
        of the parent's pool whose worker and queue threads do not exist in the child:
        submitting to it waits forever. The child starts its own worker on first use.
        """
        self._lock = threading.Lock()
        self._pool = None
        self._memory_mb = None

    def _executor(self, memory_mb: int) -> ProcessPoolExecutor:
        if self._pool is None or self._memory_mb != memory_mb:
            self._stop()
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(memory_mb, os.getpid()),
            )
            self._memory_mb = memory_mb
        return self._pool

    def _stop(self) -> None:
        """Kill the worker (it may be stuck in a parse) and forget the pool."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def run(self, func: Callable[..., Any], args: tuple[Any, ...], limits: PdfLimits) -> Any:
        """`func(*args)` in the worker; `PdfTooCostly` when it takes too long or runs out of memory.

        Exceptions raised by `func` itself come back as they are.
        """
        with self._lock:
            future = self._executor(limits.memory_mb).submit(func, *args)
            try:
                return future.result(timeout=limits.timeout_s)
            except FutureTimeout:
                self._stop()
                raise PdfTooCostly(
                    f"PDF kost te veel tijd om te lezen (meer dan {limits.timeout_s:g} s; "
                    "mogelijk een opzettelijk zwaar bestand); niet gelezen"
                ) from None
            except MemoryError:
                self._stop()
                raise PdfTooCostly(_too_much_memory(limits)) from None
            except BrokenProcessPool:
                codes = self._exit_codes()
                self._stop()
                raise PdfTooCostly(_worker_died(codes, limits)) from None

    def _exit_codes(self) -> list[int]:
        """Exit codes of the pool's worker processes that have ended (negative: killed by that signal)."""
        processes = getattr(self._pool, "_processes", None) or {}
        codes = []
        for process in list(processes.values()):
            process.join(timeout=1.0)  # a broken pool's worker is gone or about to be
            if process.exitcode is not None:
                codes.append(process.exitcode)
        return codes


def _too_much_memory(limits: PdfLimits) -> str:
    return f"PDF vraagt te veel geheugen om te lezen (meer dan {limits.memory_mb} MB); niet gelezen"


def _worker_died(codes: list[int], limits: PdfLimits) -> str:
    """Why the worker died, as a user reads it: killed (SIGKILL, what the kernel's out-of-memory killer
    sends) or out of memory says memory; any other end says the reader stopped, with its exit code,
    instead of blaming memory for, say, a crash of the PDF library."""
    if not codes or -signal.SIGKILL in codes:
        return _too_much_memory(limits)
    code = codes[0]
    how = f"signaal {-code}" if code < 0 else f"code {code}"
    return f"PDF-lezer stopte onverwacht ({how}); niet gelezen"


_WORKER = _Worker()
os.register_at_fork(after_in_child=_WORKER.forget_after_fork)


def run_bounded(func: Callable[..., Any], args: tuple[Any, ...], limits: PdfLimits | None = None) -> Any:
    """Run a module-level `func(*args)` in the PDF worker within `limits` (see `_Worker.run`)."""
    return _WORKER.run(func, args, limits or DEFAULT_LIMITS)
