"""``python -m hdil2`` runs the CLI."""

from hdil2.cli.app import main

raise SystemExit(main())
