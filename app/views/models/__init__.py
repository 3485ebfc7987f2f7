"""Qt item models, one per list, over rows the facilitation layer returns."""
