"""The annual review (bilan annuel) of a year: meetings and attendance, actions done, late
and open, indicators against their targets, and the decisions log, as readable tables."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QTextBrowser, QVBoxLayout

from app.facilitation import actions as A
from app.facilitation import committee_review as R
from app.facilitation import indicators as I
from app.i18n import _, ngettext
from app.views.committees.common import Page
from app.views.models.committees import day_text, with_unit
from app.views.models.sessions import decision_status

_CSS = """
h2 { color: #1f3a4d; margin-top: 14px; }
table { border-collapse: collapse; }
th { background: #eef1f4; text-align: left; padding: 3px 8px; }
td { padding: 3px 8px; border-bottom: 1px solid #e3e1dc; }
td.n { text-align: right; }
.late { color: #8a1c12; font-weight: bold; }
"""


def _table(headers: list[str], rows: list[list[str]], numeric: tuple[int, ...] = ()) -> str:
    if not rows:
        return "<p>" + html.escape(_("Nothing this year.")) + "</p>"
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(
            f"<td class='n'>{cell}</td>" if n in numeric else f"<td>{cell}</td>"
            for n, cell in enumerate(row)
        ) + "</tr>"
        for row in rows
    )  # fmt: skip
    return f"<table width='100%'><tr>{head}</tr>{body}</table>"


def _e(text) -> str:
    return html.escape("" if text is None else str(text))


def review_html(review: R.AnnualReview) -> str:
    """The annual review as one HTML page (also what the tests read)."""
    r = review
    parts = [f"<style>{_CSS}</style>"]
    parts.append(
        "<h1>"
        + _e(_("Annual review {year} — {title}").format(year=r.year, title=r.committee.title))
        + "</h1>"
    )  # fmt: skip
    parts.append(
        "<p>" + _e(_("As of {day}. {meetings}, {attendance}; {created}, {done} ({late} late), "
                     "{open} still open.").format(
            day=day_text(r.as_of),
            meetings=ngettext("{n} meeting", "{n} meetings", len(r.meetings)).format(
                n=len(r.meetings)),
            attendance=ngettext("{n} sign-in", "{n} sign-ins", r.attendance).format(
                n=r.attendance),
            created=ngettext("{n} action created", "{n} actions created", r.created).format(
                n=r.created),
            done=ngettext("{n} done", "{n} done", len(r.done)).format(n=len(r.done)),
            late=r.done_late,
            open=len(r.open),
        )) + "</p>"
    )  # fmt: skip
    parts.append("<h2>" + _e(_("Meetings and attendance")) + "</h2>")
    parts.append(_table(
        [_("Date"), _("Meeting"), _("Signed in"), _("Members present")],
        [[_e(day_text(m.day)), _e(m.meeting.title), str(m.present),
          _e(f"{m.members_present} / {m.members}" if m.members else "")] for m in r.meetings],
        numeric=(2, 3),
    ))  # fmt: skip
    parts.append("<h2>" + _e(_("Actions done")) + "</h2>")
    parts.append(_table(
        [_("Action"), _("Owner"), _("Due date"), _("Done on")],
        [[_e(d.action.title), _e(d.action.owner_name), _e(day_text(d.action.due_on)),
          (f"<span class='late'>{_e(day_text(d.done_on))} · {_e(_('late'))}</span>"
           if d.late else _e(day_text(d.done_on)))] for d in r.done],
    ))  # fmt: skip
    parts.append("<h2>" + _e(_("Actions still open")) + "</h2>")
    parts.append(_table(
        [_("Action"), _("Owner"), _("Due date"), _("Status"), _("Progress")],
        [[_e(a.title), _e(a.owner_name),
          (f"<span class='late'>{_e(day_text(a.due_on))} · {_e(_('overdue'))}</span>"
           if a.overdue else _e(day_text(a.due_on))),
          _e(A.status_label(a.status)), f"{a.progress}\u00a0%"] for a in r.open],
        numeric=(4,),
    ))  # fmt: skip
    parts.append("<h2>" + _e(_("Indicators")) + "</h2>")
    parts.append(_table(
        [_("Indicator"), _("Start of year"), _("End of year"), _("Target"), _("Status")],
        [[_e(i.indicator.name), _e(with_unit(i.start_value, i.indicator.unit)),
          _e(with_unit(i.end_value, i.indicator.unit)),
          _e(with_unit(i.indicator.target, i.indicator.unit)), _e(I.status_label(i.status))]
         for i in r.indicators],
        numeric=(1, 2, 3),
    ))  # fmt: skip
    parts.append("<h2>" + _e(_("Decisions log")) + "</h2>")
    parts.append(_table(
        [_("Date"), _("Decision"), _("Decided by"), _("Status"), _("Meeting")],
        [[_e(day_text(d.decided_on)), _e(d.text), _e(d.decided_by),
          _e(decision_status(d.status)), _e(d.meeting_title)] for d in r.decisions],
    ))  # fmt: skip
    return "".join(parts)


class AnnualPage(Page):
    def __init__(self, area) -> None:
        super().__init__(area)
        self.review: R.AnnualReview | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Year:"), self))
        self.year = QSpinBox(self)
        self.year.setObjectName("reviewYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(area.today().year)
        #: Until someone picks a year, the review shows the area's current year.
        self.year_chosen = False
        self.year.valueChanged.connect(self._year_changed)
        top.addWidget(self.year)
        show = QPushButton(_("Show"), self)
        show.clicked.connect(self.reload)
        top.addWidget(show)
        top.addStretch(1)
        layout.addLayout(top)
        self.text = QTextBrowser(self)
        self.text.setObjectName("annualReview")
        layout.addWidget(self.text, 1)

    def _year_changed(self) -> None:
        self.year_chosen = True
        self.reload()

    def reload(self) -> None:
        if not self.year_chosen:
            self.year.blockSignals(True)
            self.year.setValue(self.area.today().year)
            self.year.blockSignals(False)
        with self.store.session() as session:
            self.review = R.annual_review(
                session, self.area.committee_id, self.year.value(), today=self.area.today()
            )
        self.text.setHtml(review_html(self.review))
