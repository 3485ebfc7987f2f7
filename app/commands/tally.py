"""``atelier tally --method NAME FILE``: count a PrefLib or pabulib file without a workspace."""

from __future__ import annotations

import argparse


def register_verb(subparsers: argparse._SubParsersAction) -> list[argparse.ArgumentParser]:
    """Add the ``tally`` verb; returns the parsers added."""
    return []
