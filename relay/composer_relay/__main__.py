"""``python -m composer_relay`` is the ``relay`` command."""

from composer_relay.cli import main

raise SystemExit(main())
