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
    from newsgen.signals import stop_on_sigterm

    stop_on_sigterm()
    try:
        from newsgen.cli import main
    except KeyboardInterrupt as stop:  # (nothing written yet: said as during a build)
        from newsgen.output.interrupt import stopped

        message, code = stopped(stop)
        print(message, file=sys.stderr)
        raise SystemExit(code) from None
    code = main(argv)
    if argv[:1] in (["build"], ["check"]):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    raise SystemExit(code)


if __name__ == "__main__":
    run()
