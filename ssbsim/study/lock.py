"""One study at a time per folder: an exclusive lock on ``<folder>/.lock``.

The lock is an ``flock`` held by the running ``ssbsim study`` for its whole run and
released by the kernel when the process ends, however it ends (a SIGKILLed study leaves
no stale lock). The file records the holder's process id for the message. Everything
that reads or writes the folder's state -- the check that it holds the same study, the
journal, ``cases.parquet`` -- happens under the lock.
"""

import fcntl
import os
from pathlib import Path

from ..errors import InputError


class StudyLock:
    def __init__(self, folder):
        self.path = Path(folder) / ".lock"
        self._fd = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise InputError(
                self.path.parent,
                f"another ssbsim study (process {holder}) is running in this folder: "
                "wait for it to finish, or choose another -o",
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def __exit__(self, *exc):
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        return False
