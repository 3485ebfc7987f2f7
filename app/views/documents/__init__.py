"""The Documents area and the "Print…" actions other areas call (PDF made off the UI thread)."""
