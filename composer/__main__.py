"""The program entry: ``python -m composer``, the ``request-composer`` command and the bundled app.

Everything here concerns the process, not the command: tests call
:func:`composer.cli.main` in-process and get none of it.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # (not typing's: importing typing is a third of `--version`)
if TYPE_CHECKING:
    from typing import NoReturn

__all__ = ["run"]


def run() -> NoReturn:
    """Run the command line, then end the process (without the teardown where the command allows it)."""
    if sys.argv[1:] == ["--version"]:  # the one answer that needs no parser, nor what it imports
        from composer import VERSION_LINE

        print(VERSION_LINE)
        sys.exit(0)
    # The app uses no third-party pydantic plugins; unless told this, pydantic reads the entry points of
    # every installed distribution on the first model build (about 3 ms of every start). setdefault:
    # whoever sets the variable (to "" to have plugins) keeps their choice.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from composer.cli import main, quick_exit_allowed

    code = main()
    if quick_exit_allowed():
        try:
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:  # None when started with the stream closed
                    stream.flush()
        except (OSError, ValueError):
            pass  # a reader that went away, a closed stream: the normal exit deals with it as before
        else:
            # Nothing is left to do but free memory the system frees anyway (about 7 ms).
            os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    run()
