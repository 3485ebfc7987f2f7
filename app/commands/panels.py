"""Sub-commands of the ``atelier`` CLI (being written)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's sub-commands to its group."""
