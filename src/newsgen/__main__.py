"""The `newsgen` command (and `python -m newsgen`): newsgen.cli.main, then the process ends."""

import os
import sys
from typing import NoReturn


def run() -> NoReturn:
    """After `build` or `check` the process ends without freeing what the build made
    object by object (a second at 100,000 articles): every file it wrote is closed by
    then, and what it printed is flushed here. Ctrl-C or SIGTERM while newsgen is still
    starting ends it as quietly as during a build."""
    argv = sys.argv[1:]
    from newsgen.signals import block, can_hold, stop_on_sigterm, unblock

    stop_on_sigterm()
    held = can_hold()  # held back while newsgen is imported: one raised inside an import's
    block(held)  # cleanup would be lost ("Exception ignored"); let through once it is done
    try:
        from newsgen.cli import main

        unblock(held)
        code = main(argv)  # (the command line is read outside the build's own handling)
    except KeyboardInterrupt as stop:  # (nothing written yet: said as during a build)
        from newsgen.output.interrupt import stopped

        message, code = stopped(stop)
        print(message, file=sys.stderr)
        raise SystemExit(code) from None
    if argv[:1] in (["build"], ["check"]):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    raise SystemExit(code)


if __name__ == "__main__":
    run()
