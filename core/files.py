"""Reading a file the learner names, safely: pure standard library, shared by the
session files (core.session_file) and the lessons files (gui/lessons.py), each with
its own limit and wording."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable

CHUNK = 1 << 20


def read_regular_file(path, limit: int, error: type[Exception], fail: str, what: str,
                      too_big: Callable[[int], str], grew: str) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them, else `error`
    with a message "`fail`: why". Not a folder (`what` names the file it should be), nor
    a pipe (it would block), a device (it could be endless) or a socket: checked before
    opening, and again once open without blocking (the path may have been swapped
    since). `too_big(size)`: the reason for a file larger than `limit`; `grew`: for one
    that grew past it while read. Read in chunks, so that a growing file stops there."""
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise error(f"{fail}: it is a folder, not {what}")
        if not stat.S_ISREG(st.st_mode):
            raise error(f"{fail}: it is not a regular file (a pipe, device or socket)")
        if st.st_size > limit:
            raise error(f"{fail}: {too_big(st.st_size)}")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise error(f"{fail}: it is not a regular file")
            chunks, size = [], 0
            while size <= limit:
                chunk = f.read(min(CHUNK, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
    except error:
        raise
    except FileNotFoundError:
        raise error(f"{fail}: there is no such file") from None
    except PermissionError:
        raise error(f"{fail}: permission denied") from None
    except OSError as exc:
        raise error(f"{fail}: {exc.strerror or 'the system refused'}") from None
    except ValueError:  # a NUL character in the path
        raise error(f"{fail}: that is not a valid file name") from None
    if size > limit:
        raise error(f"{fail}: {grew}")
    return b"".join(chunks)


__all__ = ["read_regular_file"]
