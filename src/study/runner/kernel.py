"""A private kernelspec pinned to the interpreter running ``study``.

Papermill normally looks a kernel up by name (``python3``) through Jupyter's
search path, so a ``python3`` kernelspec in ``~/.local/share/jupyter``, in
``$JUPYTER_PATH`` or — with ``JUPYTER_PREFER_ENV_PATH`` — in another
environment can silently run the notebook with another Python. Here every run
gets its own kernelspec, written into a temporary folder, whose ``argv[0]`` is
:data:`sys.executable`; the kernel manager handed to papermill searches only
that folder. The same kernelspec carries the run's environment (output folder,
data folder, ``PYTHONHASHSEED``) and a private
``IPYTHONDIR``, so user start-up scripts do not run either.

The temporary folder is ``$TMPDIR/study-kernel-<pid>-<random>`` with an owner
lock beside it (:class:`study.atomic.OwnedTemp`); folders left by killed runs
are removed by the next run once their creator is gone.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Name of the private kernelspec (never installed anywhere).
KERNEL_NAME = "study-pinned"
#: Prefix of the temporary kernelspec folders.
TMP_PREFIX = "study-kernel-"


def kernel_spec(env: dict[str, str]) -> dict:
    """The kernel.json content: this interpreter, ipykernel, the given environment."""
    return {
        "argv": [
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            "--HistoryManager.enabled=False",
            "--matplotlib=inline",
        ],
        "display_name": f"study (pinned: {sys.executable})",
        "language": "python",
        "interrupt_mode": "signal",
        "env": {
            "PYTHONHASHSEED": "0",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            **env,
        },
        "metadata": {"debugger": False},
    }


@contextmanager
def pinned_kernel(env: dict[str, str] | None = None, server: object | None = None) -> Iterator[type]:
    """Yield a kernel-manager class bound to a kernelspec pinned to :data:`sys.executable`.

    Pass it to ``papermill.execute_notebook(..., kernel_name=KERNEL_NAME,
    kernel_manager_class=...)``; nbclient creates, owns and shuts down the kernel.
    With a :class:`~study.runner.zygote.ForkServer`, the kernel is forked from it
    (same interpreter, scientific stack already imported). The temporary
    kernelspec folder is removed on exit.
    """
    import uuid

    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    from study.atomic import OwnedTemp, remove_stale

    tmpdir = Path(tempfile.gettempdir())
    remove_stale(tmpdir, (TMP_PREFIX,))
    with OwnedTemp(tmpdir, TMP_PREFIX) as tmp:
        root = tmp.path
        kdir = root / "kernels" / KERNEL_NAME
        kdir.mkdir(parents=True)
        ipython_dir = root / "ipython"
        ipython_dir.mkdir()
        spec = kernel_spec({"IPYTHONDIR": str(ipython_dir), **(env or {})})
        (kdir / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
        ksm = KernelSpecManager(kernel_dirs=[str(root / "kernels")], ensure_native_kernel=False)

        class PinnedKernelManager(AsyncKernelManager):
            """Searches only the private kernelspec folder; IPC transport in that folder."""

            def __init__(self, **kw: object) -> None:
                kw["kernel_name"] = KERNEL_NAME
                super().__init__(kernel_spec_manager=ksm, transport="ipc", ip=str(root / "ipc"), **kw)
                from study.runner.zygote import provisioner

                self.kernel_id = str(uuid.uuid4())
                self.provisioner = provisioner(self, server)  # tracked: an interrupt kills it

        yield PinnedKernelManager
