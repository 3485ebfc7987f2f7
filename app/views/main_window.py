"""The main window: a sidebar of areas, the area in view, menus and a status bar."""

from __future__ import annotations

import asyncio
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QWhatsThis,
    QWidget,
)

from app import APP_NAME, config, i18n, store
from app.errors import AtelierError, Cancelled
from app.i18n import _
from app.views import qt_i18n
from app.views.areas import AREAS
from app.views.dialogs import AboutDialog, PreferencesDialog, show_error
from app.views.jobs import run_job
from app.views.settings import AppSettings

FILE_FILTER = "Atelier Citoyen (*.atelier)"


class MainWindow(QMainWindow):
    #: Emitted after a workspace was opened (its location).
    workspace_changed = Signal(str)

    def __init__(self, workspace: store.Store, settings: AppSettings) -> None:
        super().__init__()
        self.store = workspace
        self.settings = settings
        self._pending: set[asyncio.Future] = set()
        #: Backups run here, one at a time, so closing can wait for one still copying.
        self._backups = ThreadPoolExecutor(1, thread_name_prefix="backup")
        self.undo_stack = QUndoStack(self)
        self.setObjectName("mainWindow")
        self.resize(1100, 720)

        self.sidebar = QListWidget(self)
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.setFixedWidth(230)
        self.stack = QStackedWidget(self)
        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.sidebar.currentRowChanged.connect(self._show_area)

        self.location_label = QLabel(self)
        self.location_label.setObjectName("workspaceLocation")
        self.statusBar().addPermanentWidget(self.location_label, 1)

        self._build()
        self.sidebar.setCurrentRow(0)

    # ----------------------------------------------------------------- building
    def _build(self) -> None:
        """(Re)build every translated part: menus, sidebar, areas. Data are untouched."""
        current = max(0, self.sidebar.currentRow())
        self.setWindowTitle(self._title())
        self._build_menus()
        self.sidebar.blockSignals(True)
        self.sidebar.clear()
        while self.stack.count():
            widget = self.stack.widget(0)
            self.stack.removeWidget(widget)
            widget.deleteLater()
        for area in AREAS:
            item = QListWidgetItem(self.style().standardIcon(area.icon), _(area.title))
            item.setData(Qt.ItemDataRole.UserRole, area.key)
            item.setSizeHint(QSize(200, 40))
            self.sidebar.addItem(item)
            # Areas are built when first shown: start-up only pays for the first one.
            self.stack.addWidget(QWidget(self.stack))
        self._built = [False] * len(AREAS)
        qt_i18n.fit_sidebar(self.sidebar)  # the longest title whole, in every language
        self.sidebar.blockSignals(False)
        self.sidebar.setCurrentRow(current)
        self._show_area(current)
        self.location_label.setText(_("Workspace: {location}").format(location=self.store.location))
        if getattr(self.store, "working_copy", None) is not None:
            self.location_label.setText(
                _("Working on a local copy of {origin}; saved back to the stick on close").format(
                    origin=self.store.origin
                )
            )
            if self.store.resumed:
                self.statusBar().showMessage(
                    _(
                        "Work not written back to the stick last time was recovered from the "
                        "local copy."
                    )
                )
            elif self.store.recovered_copy is not None:
                self.statusBar().showMessage(
                    _("An older local copy, never written back, was kept as {path}.").format(
                        path=self.store.recovered_copy
                    )
                )

    def _title(self) -> str:
        if self.store.path is not None:
            return f"{self.store.path.stem} — {APP_NAME}"
        return APP_NAME

    def _action(self, menu: QMenu, text: str, slot, shortcut=None, name: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        if name:
            action.setObjectName(name)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        bar.clear()
        file_menu = bar.addMenu(_("&File"))
        self._action(
            file_menu,
            _("&New workspace…"),
            self.new_workspace,
            QKeySequence.StandardKey.New,
            "actionNew",
        )
        self._action(
            file_menu, _("&Open…"), self.open_dialog, QKeySequence.StandardKey.Open, "actionOpen"
        )
        self.recent_menu = file_menu.addMenu(_("Recent workspaces"))
        self.recent_menu.setObjectName("menuRecent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._fill_recent()
        self._action(file_menu, _("Open the &demo"), self.open_demo, None, "actionDemo")
        file_menu.addSeparator()
        self._action(
            file_menu,
            _("Save a &copy as…"),
            self.save_copy_dialog,
            QKeySequence.StandardKey.SaveAs,
            "actionSaveCopy",
        )
        self._action(file_menu, _("&Back up now"), self.backup_now, None, "actionBackup")
        if getattr(self.store, "working_copy", None) is not None:
            self._action(
                file_menu,
                _("&Write back to the stick now"),
                self.save_back,
                None,  # Ctrl+S saves a participant's form
                "actionSaveBack",
            )
        file_menu.addSeparator()
        self._action(file_menu, _("E&xport a bundle…"), self.export_bundle_dialog, None,
                     "actionExportBundle")  # fmt: skip
        self._action(file_menu, _("I&mport a bundle…"), self.import_bundle_dialog, None,
                     "actionImportBundle")  # fmt: skip
        file_menu.addSeparator()
        self._action(file_menu, _("&Quit"), self.close, QKeySequence.StandardKey.Quit, "actionQuit")

        edit_menu = bar.addMenu(_("&Edit"))
        undo = self.undo_stack.createUndoAction(self, _("&Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        undo.setObjectName("actionUndo")
        redo = self.undo_stack.createRedoAction(self, _("&Redo"))
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        redo.setObjectName("actionRedo")
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)

        people = bar.addMenu(_("&Participants"))
        for text, method, name in (
            (_("&New participant"), "new_participant", "actionNewParticipant"),
            (_("&Import…"), "import_dialog", "actionImport"),
            (_("&Export…"), "export_dialog", "actionExport"),
            (_("&Duplicates…"), "duplicates_dialog", "actionDuplicates"),
            (_("&Retention…"), "retention_dialog", "actionRetention"),
            (_("Right of &access…"), "access_dialog", "actionAccess"),
        ):
            self._action(people, text, self._on_participants(method), None, name)

        settings_menu = bar.addMenu(_("&Settings"))
        self._action(
            settings_menu,
            _("&Preferences…"),
            self.show_preferences,
            QKeySequence.StandardKey.Preferences,
            "actionPreferences",
        )
        self._action(
            settings_menu,
            _("&Attributes…"),
            self._on_participants("attributes_dialog"),
            None,
            "actionAttributes",
        )
        self._action(
            settings_menu,
            _("&Consent purposes…"),
            self.show_purposes,
            None,
            "actionPurposes",
        )
        self._action(
            settings_menu,
            _("&Identity on documents…"),
            self.show_identity,
            None,
            "actionIdentity",
        )
        help_menu = bar.addMenu(_("&Help"))
        self._action(help_menu, _("&Guide"), self.show_guide, QKeySequence.StandardKey.HelpContents,
                     "actionGuide")  # fmt: skip
        previous = getattr(self, "_whats_this", None)
        if previous is not None:  # menus are rebuilt when the language changes
            previous.setParent(None)
            previous.deleteLater()
        whats_this = self._whats_this = QWhatsThis.createAction(self)
        whats_this.setText(_("What's &this?"))
        whats_this.setShortcut(QKeySequence("Shift+F1"))
        whats_this.setObjectName("actionWhatsThis")
        help_menu.addAction(whats_this)
        help_menu.addSeparator()
        about = _("&About {app}").format(app=APP_NAME)
        self._action(help_menu, about, self.show_about, None, "actionAbout")

    def _on_participants(self, method: str):
        """A slot that shows the Participants area and calls one of its actions."""
        return lambda _checked=False: getattr(self.select_area("participants"), method)()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = [p for p in self.settings.recent_workspaces() if p.exists()]
        for path in recent:
            action = self.recent_menu.addAction(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(p))
        self.recent_menu.setEnabled(bool(recent))

    # ----------------------------------------------------------------- workspaces
    def open_path(self, path: Path) -> bool:
        """Open the workspace at ``path`` instead of the current one; False if refused."""
        try:
            new = store.open_workspace(
                path, backup_count=self.settings.backup_count, backup_on_open=False
            )
        except AtelierError as exc:
            show_error(self, _("Cannot open this workspace"), str(exc))
            if not Path(path).exists():
                self.settings.remove_recent(Path(path))
            return False
        self._switch_to(new)
        self.settings.add_recent(Path(path))
        self.start_backup("open")
        return True

    def _finish_backups(self) -> None:
        """Wait for a background backup still copying the workspace about to be closed."""
        self._backups.shutdown(wait=True)
        self._backups = ThreadPoolExecutor(1, thread_name_prefix="backup")

    def _switch_to(self, new: store.Store) -> None:
        self._finish_backups()
        old, self.store = self.store, new
        self.undo_stack.clear()  # its commands belong to the workspace being closed
        self._build()
        self.workspace_changed.emit(self.store.location)
        try:
            old.close(backup=True)
        except AtelierError as exc:
            show_error(self, _("Backup failed"), str(exc))

    def open_dialog(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Open a workspace"), str(self._folder()), FILE_FILTER
        )
        if name:
            self.open_path(Path(name))

    def new_workspace(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, _("New workspace"), str(self._folder() / _("workshops.atelier")), FILE_FILTER
        )
        if name:
            self.create_at(Path(name))

    def create_at(self, path: Path) -> bool:
        if path.suffix != config.WORKSPACE_SUFFIX:
            path = path.with_name(path.name + config.WORKSPACE_SUFFIX)
        try:
            new = store.create_workspace(
                path, overwrite=path.exists(), backup_count=self.settings.backup_count
            )
        except AtelierError as exc:
            show_error(self, _("Cannot create this workspace"), str(exc))
            return False
        self._switch_to(new)
        self.settings.add_recent(path)
        return True

    def open_demo(self) -> None:
        from app.facilitation.demo import create_demo

        folder = Path(tempfile.mkdtemp(prefix="atelier-demo-"))
        try:
            demo = create_demo(folder / "demo.atelier")
        except AtelierError as exc:
            show_error(self, _("Cannot open the demo"), str(exc))
            return
        self._switch_to(demo)

    def save_copy_dialog(self) -> None:
        suggested = self._folder() / _("{name} (copy).atelier").format(
            name=self.store.path.stem if self.store.path else "atelier"
        )
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Save a copy as"), str(suggested), FILE_FILTER
        )
        if name:
            self.track(self.save_copy(Path(name)))

    async def save_copy(self, destination: Path) -> Path | None:
        if destination.suffix != config.WORKSPACE_SUFFIX:
            destination = destination.with_name(destination.name + config.WORKSPACE_SUFFIX)
        try:
            made = await run_job(self, _("Saving a copy…"), store.copy_to, self.store, destination)
        except Cancelled:
            self.statusBar().showMessage(_("Copy cancelled; nothing was written."), 5000)
            return None
        except AtelierError as exc:
            show_error(self, _("The copy failed"), str(exc))
            return None
        self.statusBar().showMessage(_("Copy saved to {path}").format(path=made), 8000)
        return made

    def save_back(self) -> bool:
        """Write the local working copy back to the stick now (atomically)."""
        try:
            where = self.store.save_back()
        except AtelierError as exc:
            show_error(self, _("Could not write back to the stick"), str(exc))
            return False
        self.statusBar().showMessage(_("Written back to {path}").format(path=where), 8000)
        return True

    def backup_now(self) -> None:
        self.track(self.backup(reason="manual"))

    def start_backup(self, reason: str) -> None:
        """Back up in the background (used on open, so the window shows at once)."""
        if self.store.is_file and self.settings.backup_count > 0:
            self.track(self.backup(reason=reason, quiet=True))

    async def backup(self, reason: str = "manual", quiet: bool = False) -> Path | None:
        if not self.store.is_file:
            show_error(self, _("Backup"), _("A shared database is backed up by its administrator."))
            return None
        self.store.backup_count = max(1, self.settings.backup_count)
        try:
            made = await run_job(
                self,
                _("Backing up…"),
                store.rotating_backup,
                self.store,
                reason=reason,
                executor=self._backups,
            )
        except Cancelled:
            self.statusBar().showMessage(_("Backup cancelled."), 5000)
            return None
        except AtelierError as exc:
            show_error(self, _("Backup failed"), str(exc))
            return None
        if not quiet:
            self.statusBar().showMessage(_("Backed up to {path}").format(path=made), 8000)
        return made

    def track(self, coroutine) -> asyncio.Future:
        """Run a coroutine on the qasync loop, keeping a reference until it ends."""
        future = asyncio.ensure_future(coroutine)
        self._pending.add(future)
        future.add_done_callback(self._pending.discard)
        return future

    def _folder(self) -> Path:
        origin = self.store.origin  # the stick's folder, not the local working copy's
        if origin is not None and not str(origin).startswith(tempfile.gettempdir()):
            return origin.resolve().parent
        return Path.home()

    # ----------------------------------------------------------------- bundles
    def export_bundle_dialog(self, _checked: bool = False, *, path: Path | None = None):
        """File › Export a bundle…: a process to a ``.atelier-bundle`` file."""
        from app.views.bundles import ExportBundleDialog

        dialog = ExportBundleDialog(self.store, self, path=path)
        dialog.exported.connect(
            lambda result: self.statusBar().showMessage(
                _("Bundle written to {path}").format(path=result.path), 8000
            )
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def import_bundle_dialog(self, _checked: bool = False, *, path: Path | None = None):
        """File › Import a bundle…: choose the file, then preview, settle and import."""
        from app.views.bundles import ImportBundleDialog
        from app.views.bundles.common import file_filter, folder_of

        if path is None:
            name, _filter = QFileDialog.getOpenFileName(
                self, _("Import a bundle"), str(folder_of(self.store)), file_filter()
            )
            if not name:
                return None
            path = Path(name)
        dialog = ImportBundleDialog(self.store, self, path=path)
        dialog.imported.connect(self._bundle_imported)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _bundle_imported(self, report) -> None:
        self._build()  # every area is built again from the data, imported ones included
        self.statusBar().showMessage(report.message(), 10000)

    # ----------------------------------------------------------------- settings
    def show_preferences(self) -> None:
        dialog = PreferencesDialog(self.settings, self)
        if dialog.exec():
            self.store.backup_count = self.settings.backup_count
            self.set_language(self.settings.language)

    def set_language(self, language: str | None) -> None:
        """Switch the interface language in place; the workspace stays open."""
        if i18n.normalise(language) == i18n.current_language():
            return
        qt_i18n.apply_language(language)
        self._build()
        guide = getattr(self, "guide_window", None)
        if guide is not None and guide.isVisible():  # an open guide follows the language
            guide.show_language()

    def show_purposes(self) -> None:
        from app.views.participants.purposes import PurposesDialog

        PurposesDialog(self.store, self).exec()

    def show_identity(self) -> None:
        """The municipality's name and logo printed on every document."""
        from app.views.documents.area import IdentityDialog

        IdentityDialog(self.store, self).exec()

    def show_guide(self) -> QWidget:
        """The facilitator's guide in the interface language, in a window of its own."""
        from app.views.guide import GuideWindow

        guide = getattr(self, "guide_window", None)
        if guide is None:
            guide = self.guide_window = GuideWindow(parent=self)
        guide.show_language()
        guide.show()
        guide.raise_()
        guide.activateWindow()
        return guide

    def show_about(self) -> None:
        AboutDialog(self.store.location, self).exec()

    def _page(self, row: int) -> QWidget:
        """The page of area ``row``, built on first use."""
        if not self._built[row]:
            area = AREAS[row]
            placeholder = self.stack.widget(row)
            page = area.make(self.store, self.undo_stack)
            page.setObjectName(f"area_{area.key}")
            self.stack.insertWidget(row, page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self._built[row] = True
        return self.stack.widget(row)

    def _show_area(self, row: int) -> None:
        if 0 <= row < len(AREAS):
            self._page(row)
            self.stack.setCurrentIndex(row)

    def current_area(self) -> QWidget:
        return self.stack.currentWidget()

    def select_area(self, key: str) -> QWidget:
        for row, area in enumerate(AREAS):
            if area.key == key:
                self.sidebar.setCurrentRow(row)
                return self._page(row)
        raise KeyError(key)

    # ----------------------------------------------------------------- closing
    def closeEvent(self, event: QCloseEvent) -> None:
        for future in list(self._pending):
            future.cancel()
        # A backup started on opening may still be copying: closing the store under it
        # would make it fail ("No such file") and show an error on the way out.
        self._backups.shutdown(wait=True)
        self.settings.set_value("window/geometry", self.saveGeometry())
        self.settings.sync()
        try:
            self.store.close(backup=True)
        except AtelierError as exc:
            show_error(self, _("Backup failed"), str(exc))
        super().closeEvent(event)

    def sizeHint(self) -> QSize:  # pragma: no cover - layout hint
        return QSize(1100, 720)
