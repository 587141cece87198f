"""A fork server for kernels: import the scientific stack once, fork a kernel per notebook.

Starting an IPython kernel and importing pandas, matplotlib, seaborn and the
study package costs seconds of CPU in every kernel. The fork server is one
process, started with this interpreter (:data:`sys.executable`) right after the
parameters are validated, that imports those modules once (while the runner is
still checking the data) and then forks a fresh kernel process per notebook.
Each kernel is a new process with no notebook state: only modules without
import-time side effects on global settings are pre-imported (no
``matplotlib_fontja``, which changes the default font when imported).

The kernel manager gets a :class:`ForkProvisioner`, a ``LocalProvisioner`` whose
``launch_kernel`` asks the fork server instead of ``Popen``. Set
``STUDY_KERNEL_FORK=0`` to start every kernel as a plain subprocess instead.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from contextlib import suppress
from typing import Any

#: Modules every fork server pre-imports (plus each notebook model's ``warm_imports``).
BASE_MODULES = ("ipykernel.kernelapp", "numpy", "pandas", "matplotlib", "matplotlib.pyplot")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
#: Environment variable naming a file for a forked kernel's stderr.
STDERR_ENV = "STUDY_KERNEL_STDERR"


def enabled() -> bool:
    """Whether kernels are forked from a fork server (``STUDY_KERNEL_FORK`` not 0; POSIX only)."""
    return hasattr(os, "fork") and os.environ.get("STUDY_KERNEL_FORK", "1") not in ("0", "false", "no")


# ---------------------------------------------------------------------------
# the server process


def _child(req: dict[str, Any], proto_fd: int) -> None:
    """In the forked child: become the kernel (never returns)."""
    code = 0
    try:
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)  # the server ignores it; a kernel is interrupted by it
        os.close(proto_fd)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.environ.clear()
        os.environ.update(req["env"])
        log = os.environ.get(STDERR_ENV)
        if log:  # the kernel's own stderr (start-up and shutdown messages) goes to the run's log file
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.close(fd)
        if req.get("cwd"):
            os.chdir(req["cwd"])
        argv = list(req["argv"])
        # argv = [python, -m, ipykernel_launcher, -f, CONNECTION_FILE, ...]
        args = argv[3:] if len(argv) > 2 and argv[1] == "-m" else argv[1:]
        # the kernel's parent is this server: poll it (exit when it goes) and print no console banner
        args.append(f"--IPKernelApp.parent_handle={os.getppid()}")
        sys.argv = [argv[0], *args]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=args)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve(modules: list[str]) -> None:
    """Main loop of the fork server: pre-import, say ``ready``, then one fork per request line."""
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)  # what ipykernel sets before user code runs
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    proto_fd = os.dup(1)
    os.dup2(2, 1)  # anything printed goes to stderr, never into the protocol
    proto = os.fdopen(proto_fd, "w", buffering=1)
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as exc:  # a missing optional module only costs speed
            print(f"study fork server: could not pre-import {name}: {exc}", file=sys.stderr)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is for `study`, which shuts the kernels down itself
    proto.write("ready\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        if "preload" in req:  # more modules, before the first fork
            for name in req["preload"]:
                try:
                    importlib.import_module(name)
                except Exception as exc:
                    print(f"study fork server: could not pre-import {name}: {exc}", file=sys.stderr)
            proto.write("ok\n")
            continue
        pid = os.fork()
        if pid == 0:
            _child(req, proto_fd)
        proto.write(json.dumps({"pid": pid}) + "\n")


# ---------------------------------------------------------------------------
# the runner side


class ForkServer:
    """Handle on a running fork server (thread-safe)."""

    def __init__(self, modules: list[str] | tuple[str, ...] = (), env: dict[str, str] | None = None) -> None:
        self.modules = list(dict.fromkeys([*BASE_MODULES, *modules]))
        code = "import sys, json; from study.runner.zygote import serve; serve(json.loads(sys.argv[1]))"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, json.dumps(self.modules)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
            env={**os.environ, "PYTHONHASHSEED": "0", **(env or {})},
            start_new_session=True,  # a Ctrl-C in the terminal reaches `study`, not the server
        )
        self._lock = threading.Lock()
        self._ready = False
        self._pending_acks = 0

    def preload(self, modules: list[str]) -> None:
        """Ask the server to import more modules (returns at once; forks wait for them)."""
        todo = [m for m in dict.fromkeys(modules) if m not in self.modules]
        if not todo:
            return
        with self._lock:
            self.modules.extend(todo)
            self.proc.stdin.write(json.dumps({"preload": todo}) + "\n")
            self.proc.stdin.flush()
            self._pending_acks += 1

    def _wait_ready(self) -> None:
        if not self._ready:
            line = self.proc.stdout.readline()
            if line.strip() != "ready":
                raise RuntimeError(f"the kernel fork server did not start (exit code {self.proc.poll()})")
            self._ready = True
        while self._pending_acks:
            if self.proc.stdout.readline().strip() != "ok":
                raise RuntimeError("the kernel fork server failed while pre-importing modules")
            self._pending_acks -= 1

    def spawn(self, argv: list[str], env: dict[str, str], cwd: str | None) -> int:
        """Fork a kernel running ``argv`` (an ipykernel command line) with ``env``; return its pid."""
        with self._lock:
            self._wait_ready()
            self.proc.stdin.write(json.dumps({"argv": argv, "env": dict(env), "cwd": cwd}) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the kernel fork server exited")
        return int(json.loads(line)["pid"])

    def close(self) -> None:
        """Stop the server at once (kernels it forked run in their own sessions and are not affected)."""
        try:
            self.proc.kill()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                if f:
                    f.close()
            except OSError:
                pass

    def __enter__(self) -> ForkServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ForkedProcess:
    """A ``Popen``-like handle on a kernel forked by the server (not our child: no exit status)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
            except PermissionError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.05)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        with suppress(ProcessLookupError):
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def start() -> ForkServer | None:
    """A fork server with the base modules, or ``None`` when forking is disabled."""
    return ForkServer() if enabled() else None


def provisioner(km: Any, server: ForkServer | None) -> Any:
    """A provisioner for ``km`` that launches its kernel through ``server`` (or as a plain
    subprocess when ``server`` is ``None``) and registers it with :data:`study.runner.stop.STOP`,
    so that an interrupt kills it at once."""
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    from study.runner.stop import STOP

    class TrackedProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
            if STOP.is_set():
                raise RuntimeError("interrupted before the kernel started")
            if server is None:
                info = await super().launch_kernel(cmd, **kwargs)
            else:
                env = kwargs.get("env") or dict(os.environ)
                pid = server.spawn(cmd, env, kwargs.get("cwd"))
                self.process = ForkedProcess(pid)
                self.pid = pid
                self.pgid = pid  # the child calls setsid(): its own process group
                info = self.connection_info
            if self.pid:
                STOP.add_kernel(self.pid)
            return info

        async def cleanup(self, restart: bool = False) -> None:
            if self.pid:
                STOP.remove_kernel(self.pid)
            await super().cleanup(restart=restart)

    return TrackedProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
