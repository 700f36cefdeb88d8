"""Files that appear whole or not at all, even when the process writing them is killed."""

import contextlib
import os
import tempfile
from pathlib import Path

PARTIAL_SUFFIX = ".partial"


def _partial_prefix(path: Path) -> str:
    return f".{path.name}."


def _stale_partials_remove(path: Path) -> None:
    """Remove the temporary files of earlier writes of `path` whose process has died (SIGKILL
    leaves them; a process of this machine that still runs keeps its own)."""
    for partial in path.parent.glob(f"{_partial_prefix(path)}*{PARTIAL_SUFFIX}"):
        pid_text = partial.name[len(_partial_prefix(path)) :].split(".", 1)[0]
        if not pid_text.isdigit():
            continue
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                partial.unlink()
        except PermissionError:
            pass


def file_write_atomic(path: str | os.PathLike[str], content: bytes) -> Path:
    """Write `content` to `path` through a hidden temporary file beside it
    (".NAME.PID.XXXX.partial"), flushed to disk and then renamed over `path` (os.replace, atomic on
    one file system): a reader sees the old file or the new one, never a part of it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    _stale_partials_remove(target)
    fd, temporary = tempfile.mkstemp(
        dir=target.parent,
        prefix=f"{_partial_prefix(target)}{os.getpid()}.",
        suffix=PARTIAL_SUFFIX,
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it 0600; a written export is an ordinary file
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    # The rename itself survives a power cut once the folder is flushed too.
    with contextlib.suppress(OSError):
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    return target
