"""Closing a vote whose count has ties: the seeded draw, or the facilitators' recorded order.

The dialog shows each tie the provisional count met and lets the facilitators either keep the
draw (its seed was fixed and logged when the vote opened) or put the tied options in the order
they decided together; either way the rule is written into the result and the audit log.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.facilitation.voting.base import Result
from app.i18n import _, ngettext


class TieDecisionDialog(QDialog):
    """Asks how to break the ties of ``result``; ``decided_order()`` is None for the draw."""

    def __init__(self, result: Result, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tieDecisionDialog")
        self.setWindowTitle(_("Close and count"))
        self.options = result.options
        layout = QVBoxLayout(self)
        intro = QLabel(
            ngettext(
                "Counting “{question}” meets a tie:",
                "Counting “{question}” meets {n} ties:",
                len(result.ties),
            ).format(question=question, n=len(result.ties)),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        tied: list[int] = []
        for tie in result.ties:
            names = ", ".join(self.options[i] for i in tie.tied)
            # contexts are stored as source strings: shown in the interface language
            context = _(tie.context)
            label = QLabel("• " + _("{context}: {names}").format(context=context, names=names))
            label.setWordWrap(True)
            layout.addWidget(label)
            tied.extend(i for i in tie.order if i not in tied)

        self.draw = QRadioButton(
            _("Break them by the draw (seed {seed}, recorded when the vote opened)").format(
                seed=result.ties[0].seed if result.ties[0].seed is not None else "—"
            ),
            self,
        )
        self.draw.setObjectName("tieByDraw")
        self.draw.setWhatsThis(
            _(
                "The tied options are ordered by a draw whose seed was fixed and "
                "logged when the vote opened: nobody could choose it afterwards."
            )
        )
        self.decide = QRadioButton(_("Break them in the order the facilitators decided:"), self)
        self.decide.setObjectName("tieByDecision")
        self.draw.setChecked(True)
        layout.addWidget(self.draw)
        layout.addWidget(self.decide)

        row = QHBoxLayout()
        self.order = QListWidget(self)
        self.order.setObjectName("tieOrder")
        self.order.setWhatsThis(
            _(
                "When the facilitators break the tie together: put the tied "
                "options in the order agreed, first on top. The rule is written "
                "into the result and the log."
            )
        )
        for i in tied:
            self.order.addItem(self.options[i])
            self.order.item(self.order.count() - 1).setData(Qt.ItemDataRole.UserRole, i)
        self.order.setCurrentRow(0)
        row.addWidget(self.order, 1)
        moves = QVBoxLayout()
        self.up = QPushButton(_("Move up"), self)
        self.up.setObjectName("tieUp")
        self.down = QPushButton(_("Move down"), self)
        self.down.setObjectName("tieDown")
        self.up.clicked.connect(lambda: self.move(-1))
        self.down.clicked.connect(lambda: self.move(1))
        moves.addWidget(self.up)
        moves.addWidget(self.down)
        moves.addStretch(1)
        row.addLayout(moves)
        layout.addLayout(row)
        hint = QLabel(_("First in the list = favoured. The decision is recorded with the result."))
        hint.setWordWrap(True)
        layout.addWidget(hint)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        close = buttons.addButton(_("Close and count"), QDialogButtonBox.ButtonRole.AcceptRole)
        close.setObjectName("tieClose")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.decide.toggled.connect(self._enable)
        self._enable(False)

    def _enable(self, deciding: bool) -> None:
        for widget in (self.order, self.up, self.down):
            widget.setEnabled(deciding)

    def move(self, step: int) -> None:
        row = self.order.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.order.count():
            return
        item = self.order.takeItem(row)
        self.order.insertItem(target, item)
        self.order.setCurrentRow(target)

    def decided_order(self) -> list[int] | None:
        if not self.decide.isChecked():
            return None
        role = Qt.ItemDataRole.UserRole
        return [self.order.item(row).data(role) for row in range(self.order.count())]
