"""A vote's result as people can read it: the sentence, the ranking, a chart, the rounds.

Takes a frozen result (the dict stored at closing, see ``Result.as_dict``) or a live
:class:`Result`; everything is read from that one document, so what is shown is what was
recorded.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.facilitation.voting.base import Result
from app.i18n import N_, _, ngettext
from app.views import dialogs
from app.views.models.base import Index, RowTableModel

#: Colours of the bars, and of the grades of a merit profile (best grade first).
WINNER_COLOUR = QColor("#2e7d32")
OTHER_COLOUR = QColor("#90a4ae")
GRADE_COLOURS = ["#1b5e20", "#43a047", "#9ccc65", "#fdd835", "#fb8c00", "#e53935", "#8e0000"]


def as_document(result: dict | Result) -> dict[str, Any]:
    return result.as_dict() if isinstance(result, Result) else result


def figure(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}"
    if isinstance(value, (int, float)):
        return str(int(value))
    return str(value)


def _by_index(mapping: dict, index: int) -> Any:
    """A value of a details table whose keys may be ints (live) or strings (stored JSON)."""
    if index in mapping:
        return mapping[index]
    return mapping.get(str(index))


class RankingModel(RowTableModel):
    COLUMNS = (N_("Rank"), N_("Option"), N_("Score"), N_("Outcome"))

    def __init__(self, document: dict[str, Any], parent=None) -> None:
        super().__init__(parent)
        options = document["options"]
        winners = set(document["winners"])
        scores = document.get("scores", {})
        details = document.get("details", {}) or {}
        grade_names = (
            details.get("majority_grade_name")
            if document["method"] == ("majority_judgment")
            else None
        )
        for rank, option in enumerate(document["order"], start=1):
            if grade_names is not None:
                score = figure(_by_index(grade_names, option))
            else:
                score = figure(_by_index(scores, option))
            self._rows.append((rank, options[option], score, option in winners))

    def row_at(self, row: int) -> tuple:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        rank, option, score, won = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return str(rank)
            if column == 1:
                return option
            if column == 2:
                return score
            return "✔ " + _("Winner") if won else ""
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def csv_rows(self) -> list[list[str]]:
        header = [_(c) for c in self.COLUMNS]
        return [header] + [
            [str(rank), option, score, _("Winner") if won else ""]
            for rank, option, score, won in self._rows
        ]


class RoundsModel(RowTableModel):
    """Round by round (instant-runoff, STV, Method of Equal Shares): what happened."""

    COLUMNS = (N_("Round"), N_("What happened"))

    def __init__(self, rounds: list[dict], parent=None) -> None:
        super().__init__(parent)
        self._rows = [
            (str(r.get("round", i + 1)), str(r.get("description", "")))
            for i, r in enumerate(rounds)
        ]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        return None


class FundedModel(RowTableModel):
    """The projects a participatory budget funds."""

    COLUMNS = (N_("Project"), N_("Cost"), N_("Approvals"))

    def __init__(self, funded: list[dict], parent=None) -> None:
        super().__init__(parent)
        self._rows = [
            (str(f.get("project", "")), figure(f.get("cost")), figure(f.get("approvals")))
            for f in funded
        ]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ResultChart(QWidget):
    """Horizontal bars, first option on top; for majority judgment, each option's merit
    profile stacked from the best grade (left) to the worst (right), with the median marked."""

    ROW = 26
    LABEL_WIDTH = 180

    def __init__(self, document: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultChart")
        options = document["options"]
        winners = set(document["winners"])
        details = document.get("details", {}) or {}
        self.grades: list[str] = []
        #: (option name, won, segments): one segment per grade, or one figure for a plain bar.
        self.bars: list[tuple[str, bool, list[float]]] = []
        if document["method"] == "majority_judgment" and details.get("profiles"):
            self.grades = [str(g) for g in details.get("grades", [])]
            for option in document["order"]:
                profile = _by_index(details["profiles"], option) or []
                self.bars.append((options[option], option in winners, [float(p) for p in profile]))
        else:
            scores = document.get("scores", {})
            for option in document["order"]:
                value = _by_index(scores, option)
                number = float(value) if isinstance(value, (int, float)) else 0.0
                self.bars.append((options[option], option in winners, [number]))
        self.setMinimumHeight(self.sizeHint().height())
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def bar_count(self) -> int:
        return len(self.bars)

    def sizeHint(self) -> QSize:
        legend = self.ROW if self.grades else 0
        return QSize(520, self.ROW * len(self.bars) + legend + 8)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        label_width = min(self.LABEL_WIDTH, self.width() // 3)
        left = label_width + 8
        width = max(10, self.width() - left - 60)
        if self.grades:
            top = max((sum(s) for _n, _w, s in self.bars), default=0) or 1
        else:
            top = max((s[0] for _n, _w, s in self.bars), default=0) or 1
        for row, (name, won, segments) in enumerate(self.bars):
            y = 4 + row * self.ROW
            painter.setPen(text)
            font = painter.font()
            font.setBold(won)
            painter.setFont(font)
            painter.drawText(QRectF(0, y, label_width, self.ROW - 6),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             painter.fontMetrics().elidedText(
                                 name, Qt.TextElideMode.ElideRight, label_width))  # fmt: skip
            painter.setPen(Qt.PenStyle.NoPen)
            x = float(left)
            if self.grades:
                total = sum(segments) or 1
                for grade, count in enumerate(segments):
                    w = width * count / total
                    painter.setBrush(QColor(GRADE_COLOURS[grade % len(GRADE_COLOURS)]))
                    painter.drawRect(QRectF(x, y, w, self.ROW - 6))
                    x += w
                painter.setPen(text)
                middle = left + width / 2
                painter.drawLine(int(middle), y - 2, int(middle), y + self.ROW - 4)
            else:
                w = width * segments[0] / top
                painter.setBrush(WINNER_COLOUR if won else OTHER_COLOUR)
                painter.drawRect(QRectF(x, y, max(w, 1), self.ROW - 6))
                painter.setPen(text)
                painter.drawText(QRectF(x + w + 4, y, 56, self.ROW - 6),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 figure(segments[0]))  # fmt: skip
        if self.grades:
            y = 4 + len(self.bars) * self.ROW
            x = float(left)
            metrics = painter.fontMetrics()
            for grade, name in enumerate(self.grades):
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(GRADE_COLOURS[grade % len(GRADE_COLOURS)]))
                painter.drawRect(QRectF(x, y + 4, 12, 12))
                painter.setPen(text)
                painter.drawText(int(x + 16), y + 15, name)
                x += 28 + metrics.horizontalAdvance(name)
        painter.end()


def _table(model: RowTableModel, parent: QWidget, name: str) -> QTableView:
    table = QTableView(parent)
    table.setObjectName(name)
    table.setModel(model)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    for column in range(model.columnCount()):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    table.resizeRowsToContents()
    rows = sum(table.rowHeight(r) for r in range(model.rowCount()))
    table.setFixedHeight(min(360, header.sizeHint().height() + rows + 2 * table.frameWidth()))
    return table


def tie_sentence(tie: dict[str, Any], options: list[str]) -> str:
    order = ", ".join(options[i] for i in tie.get("order", []))
    if tie.get("rule") == "decision":
        return _("{context}: {order} (order decided by the facilitators, recorded)").format(
            context=tie.get("context", ""), order=order
        )
    return _("{context}: {order} (drawn by lot, seed {seed})").format(
        context=tie.get("context", ""), order=order, seed=tie.get("seed")
    )


class ResultView(QDialog):
    """The result of one vote; "Export CSV…" writes the ranking table."""

    def __init__(
        self, result: dict | Result, title: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("voteResult")
        self.document = as_document(result)
        document = self.document
        options = document["options"]
        details = document.get("details", {}) or {}
        self.setWindowTitle(_("Result: {question}").format(question=title) if title
                            else _("Result"))  # fmt: skip
        self.resize(760, 640)

        outer = QVBoxLayout(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        body = QWidget(scroll)
        layout = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        if title:
            heading = QLabel(title, body)
            heading.setObjectName("areaTitle")
            heading.setWordWrap(True)
            layout.addWidget(heading)
        winners = [options[i] for i in document["winners"]]
        self.winners_label = QLabel(body)
        self.winners_label.setObjectName("resultWinners")
        self.winners_label.setWordWrap(True)
        if winners:
            self.winners_label.setText(
                ngettext("Winner: {names}", "Winners: {names}", len(winners)).format(
                    names=", ".join(winners)
                )
            )
        else:
            self.winners_label.setText(_("No option wins."))
        layout.addWidget(self.winners_label)
        self.explanation = QLabel(document.get("explanation", ""), body)
        self.explanation.setObjectName("resultExplanation")
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)
        self.counts_label = QLabel(
            _("Valid ballots: {valid} · blank: {blank} · spoiled: {spoiled}").format(
                valid=document.get("valid", 0),
                blank=document.get("blank", 0),
                spoiled=document.get("spoiled", 0),
            ),
            body,
        )
        self.counts_label.setObjectName("resultCounts")
        layout.addWidget(self.counts_label)

        self.chart = ResultChart(document, body)
        self.chart.setWhatsThis(
            _(
                "One bar per option, the first on top. For majority judgment, "
                "each bar is the option's merit profile: the share of voters "
                "who gave each grade, from the best (left) to the worst "
                "(right); the middle line marks the majority grade."
            )
        )
        layout.addWidget(self.chart)

        self.ranking = RankingModel(document, self)
        layout.addWidget(QLabel(_("Ranking"), body))
        self.ranking_table = _table(self.ranking, body, "rankingTable")
        self.ranking_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch
        )
        layout.addWidget(self.ranking_table)

        ties = document.get("ties") or []
        self.ties_label = QLabel(body)
        self.ties_label.setObjectName("resultTies")
        self.ties_label.setWordWrap(True)
        if ties:
            lines = [tie_sentence(t, options) for t in ties]
            self.ties_label.setText(
                ngettext("One tie was broken:", "{n} ties were broken:", len(ties)).format(
                    n=len(ties)
                )
                + "\n"
                + "\n".join("• " + line for line in lines)
            )
            layout.addWidget(self.ties_label)

        self.funded: FundedModel | None = None
        if "funded" in details:
            self.funded = FundedModel(details["funded"], self)
            layout.addWidget(QLabel(
                _("Funded projects: {spent} spent of a budget of {budget}, {left} left.").format(
                    spent=figure(details.get("spent")), budget=figure(details.get("budget")),
                    left=figure(details.get("left"))), body))  # fmt: skip
            funded_table = _table(self.funded, body, "fundedTable")
            funded_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            layout.addWidget(funded_table)

        self.rounds: RoundsModel | None = None
        if details.get("rounds"):
            self.rounds = RoundsModel(details["rounds"], self)
            layout.addWidget(QLabel(_("Round by round"), body))
            table = _table(self.rounds, body, "roundsTable")
            table.setWordWrap(True)
            # Rows follow the wrapped sentences as the column width changes.
            table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            table.setMinimumHeight(min(320, 40 + 40 * self.rounds.rowCount()))
            table.setMaximumHeight(360)
            layout.addWidget(table)
        layout.addStretch(1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        export = buttons.addButton(_("Export CSV…"), QDialogButtonBox.ButtonRole.ActionRole)
        export.setObjectName("exportCsv")
        export.clicked.connect(self.choose_export)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)

    def choose_export(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Export the ranking"), "", _("CSV files (*.csv)")
        )
        if not path:
            return
        try:
            self.export_csv(Path(path))
        except OSError as error:
            dialogs.show_error(
                self,
                _("Export the ranking"),
                _("The file could not be written: {error}").format(error=error.strerror or error),
            )

    def export_csv(self, path: Path) -> None:
        """The ranking table, UTF-8 with a BOM (for spreadsheets), separated by ';'."""
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle, delimiter=";").writerows(self.ranking.csv_rows())
