"""A restored tree proved by its bytes in a forked child, beside the build.

A CI job restores `dist/` and the standby tree (newsgen.output.writer) as new folders:
neither is trusted until its bytes give the digest the state recorded
(`guard.tree_digest`). The build proves the output itself when it first needs its
record, to tell whether there is anything to do; the standby is needed only once
the build writes. `prove_meanwhile` starts that proof in a child process once the
build knows it has work to do, so that it is done while the build loads, links and
plans, before the writer asks (`proven`). At 100,000 articles each proof reads
130,000 files: 6 s here, against 25 s of loading and linking.

The child also sends back each file's digest, by its device, inode, size and time, so
the new output's digest (`--changes`; the former standby brought up to date) reads
only the files this build wrote, as when the proof ran in this process.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

from newsgen.output import guard
from newsgen.output.seal import answer, forked

_ENTRY = struct.Struct("QQQq64s")  # device, inode, size, time; the file's digest


@dataclass
class _Proof:
    identity: tuple[int, int]  # the folder's when the child started
    pid: int


_PENDING: dict[Path, _Proof] = {}


def forget_proofs() -> None:
    """Forget the proofs of earlier builds in this process (each build starts here): their
    children were reaped when those builds ended (`seal.abandon_all`), and a pid may
    have been given to another child since."""
    _PENDING.clear()


def prove_meanwhile(folder: Path) -> None:
    """Start digesting `folder` for `proven`; nothing when it is not there, or cannot
    fork (`proven` then reads it itself)."""
    start = guard.identity(folder)
    if start is None:
        return
    known = len(guard.DIGESTS)

    def child(pipe: int) -> None:
        try:
            found = guard.tree_digest(folder)
        except OSError:
            return  # (nothing written: not proven)
        new = list(guard.DIGESTS.items())[known:]  # (a dict keeps its order)
        with os.fdopen(pipe, "wb") as out:
            out.write(found.encode("ascii"))
            out.write(b"".join(_ENTRY.pack(*key, data) for key, data in new))

    pid = forked(child)
    if pid is not None:
        _PENDING[folder] = _Proof(start, pid)


def proven(folder: Path, expected: str | None) -> bool:
    """`guard.holds(folder, expected)`, from the digest `prove_meanwhile` started when it
    was of the same folder (not replaced since)."""
    proof = _PENDING.pop(folder, None)
    if proof is None:
        return guard.holds(folder, expected)
    said = answer(proof.pid) or b""
    found, entries = said[:32].decode("ascii", "replace"), said[32:]
    for at in range(0, len(entries) - _ENTRY.size + 1, _ENTRY.size):
        *key, data = _ENTRY.unpack_from(entries, at)
        guard.DIGESTS[tuple(key)] = data
    if len(said) < 32 or guard.identity(folder) != proof.identity:
        return guard.holds(folder, expected)  # (another build's meanwhile: read it here)
    return found == expected
