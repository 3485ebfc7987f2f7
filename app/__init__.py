"""Atelier Citoyen: an offline desktop application for civic co-construction workshops."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("atelier-citoyen")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

APP_NAME = "Atelier Citoyen"
APP_ID = "AtelierCitoyen"
