"""`python -m assistant.evaluation ...` is `assistant eval ...`."""

from assistant.evaluation.cli import main

raise SystemExit(main())
