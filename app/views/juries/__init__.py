"""Juries: evaluation juries (scoring candidates) and citizen juries drawn by lot."""
