"""The committee at a glance: next meeting, counts, overdue actions, indicators off track."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout

from app.facilitation import actions as A
from app.facilitation import committee_review as R
from app.i18n import _, ngettext
from app.views.committees.common import Page, table
from app.views.models.committees import ActionModel, IndicatorModel
from app.views.models.sessions import local_datetime


class DashboardPage(Page):
    def __init__(self, area) -> None:
        super().__init__(area)
        self.data: R.Dashboard | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.next_box = QGroupBox(_("Next meeting"), self)
        box = QVBoxLayout(self.next_box)
        self.next_label = QLabel(self.next_box)
        self.next_label.setObjectName("dashboardNext")
        self.next_label.setWordWrap(True)
        box.addWidget(self.next_label)
        top.addWidget(self.next_box, 1)
        self.counts_box = QGroupBox(_("Action plan"), self)
        grid = QGridLayout(self.counts_box)
        self.count_labels: dict[str, QLabel] = {}
        for n, code in enumerate(A.status_choices()):
            grid.addWidget(QLabel(code[1], self.counts_box), n // 3, 2 * (n % 3))
            value = QLabel("0", self.counts_box)
            value.setStyleSheet("font-weight: 600;")
            self.count_labels[code[0]] = value
            grid.addWidget(value, n // 3, 2 * (n % 3) + 1)
        self.totals = QLabel(self.counts_box)
        self.totals.setObjectName("dashboardTotals")
        grid.addWidget(self.totals, 2, 0, 1, 6)
        top.addWidget(self.counts_box, 2)
        layout.addLayout(top)

        self.overdue_title = QLabel(self)
        self.overdue_title.setObjectName("detailTitle")
        layout.addWidget(self.overdue_title)
        self.overdue_model = ActionModel(self)
        self.overdue_table = table(self, self.overdue_model, "dashboardOverdue")
        self.overdue_table.doubleClicked.connect(self._open_action)
        layout.addWidget(self.overdue_table, 2)
        self.off_title = QLabel(self)
        self.off_title.setObjectName("detailTitle")
        layout.addWidget(self.off_title)
        self.off_model = IndicatorModel(self)
        self.off_table = table(self, self.off_model, "dashboardOffTrack")
        layout.addWidget(self.off_table, 1)

    def reload(self) -> None:
        with self.store.session() as session:
            self.data = d = R.dashboard(session, self.area.committee_id, today=self.area.today())
        if d.next_meeting is None:
            self.next_label.setText(_("No meeting planned. Plan one in “Meetings and decisions”."))
        else:
            m = d.next_meeting
            self.next_label.setText(
                "<b>{title}</b><br>{when}{place}".format(
                    title=_escape(m.title),
                    when=_escape(local_datetime(m.starts_at)),
                    place=f" · {_escape(m.place)}" if m.place else "",
                )
            )
        for code, label in self.count_labels.items():
            label.setText(str(d.actions_by_status.get(code, 0)))
        self.totals.setText(
            _("{open} open of {total} actions · {indicators}").format(
                open=d.open_actions,
                total=d.actions,
                indicators=ngettext("{n} indicator", "{n} indicators", d.indicators).format(
                    n=d.indicators
                ),
            )
        )
        self.overdue_title.setText(
            ngettext("{n} overdue action", "{n} overdue actions", len(d.overdue_actions)).format(
                n=len(d.overdue_actions)
            )
        )
        self.overdue_model.set_rows(d.overdue_actions)
        self.off_title.setText(
            ngettext("{n} indicator off track", "{n} indicators off track", len(d.off_track))
            .format(n=len(d.off_track))
            + (
                " · " + ngettext("{n} without data", "{n} without data", len(d.no_data)).format(
                    n=len(d.no_data))
                if d.no_data
                else ""
            )
        )  # fmt: skip
        self.off_model.set_rows(d.off_track)

    def _open_action(self, index) -> None:
        row = self.overdue_model.row_at(index.row())
        self.area.show_tab(self.area.plan)
        self.area.plan.select(row.id)


def _escape(text: str | None) -> str:
    import html

    return html.escape(text or "")
