"""Workshop bundles in the app: export a process, preview and import a bundle, settle the
records changed on both sides (see :mod:`app.facilitation.exchange`)."""

from app.views.bundles.conflicts import ConflictDialog
from app.views.bundles.export import ExportBundleDialog
from app.views.bundles.importing import ImportBundleDialog

__all__ = ["ConflictDialog", "ExportBundleDialog", "ImportBundleDialog"]
