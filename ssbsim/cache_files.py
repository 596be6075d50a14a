"""The files of ssbsim's disk caches -- built models (``simulation/build_cache.py``), the
remembered keys of compiled code (``model/compiled.py``) -- kept bounded: the least
recently used (oldest modification time; a hit touches its file) go first."""

from pathlib import Path


def prune(folder, suffix, max_entries, max_bytes=float("inf")):
    """Delete the least recently used files ending in ``suffix`` of ``folder`` beyond
    ``max_entries`` or ``max_bytes`` in all."""
    entries = []
    for path in Path(folder).glob("*" + suffix):
        try:
            stat = path.stat()
        except OSError:  # removed meanwhile by another process
            continue
        entries.append((stat.st_mtime_ns, stat.st_size, path))
    entries.sort(reverse=True)
    total = 0
    for count, (_, size, path) in enumerate(entries, start=1):
        total += size
        if count > max_entries or total > max_bytes:
            path.unlink(missing_ok=True)
