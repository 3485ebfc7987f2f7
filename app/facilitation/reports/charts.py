"""Vector charts for documents (reportlab.graphics), in the colours of the in-app charts.

Each function returns a :class:`~reportlab.graphics.shapes.Drawing`, a flowable that goes
straight into a document's story. Sizes are in points; labels use the embedded fonts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.facilitation.reports.style import (
    ACCENT,
    BASELINE,
    FONT,
    FONT_BOLD,
    GRADE_COLOURS,
    GRID,
    INK,
    LINE,
    MUTED,
    OFF,
    OTHER,
    TARGET,
    WINNER,
    format_number,
    format_percent,
    register_fonts,
)

#: The usual width of a chart: the text column of a portrait A4 page.
FULL_WIDTH = 174 * mm
LABEL_SIZE = 7.5


def _clip(text: str, width: float, size: float = LABEL_SIZE, font: str = FONT) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _label_width(labels: Sequence[str], width: float) -> float:
    widest = max((stringWidth(t, FONT, LABEL_SIZE) for t in labels), default=0)
    return min(max(widest + 6, 20 * mm), width * 0.38)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    width: float = FULL_WIDTH,
    bar_height: float = 11,
    highlight: Sequence[int] = (),
    reference: Sequence[float | None] | None = None,
    value_text: Callable[[float], str] | None = None,
    reference_label: str | None = None,
    value_label: str | None = None,
    colour: colors.Color | None = None,
) -> Drawing:
    """Horizontal bars, one per label, the value written at the end of each bar.

    ``highlight``: indexes drawn in the winner's green (the others in grey-blue unless
    ``colour``). ``reference``: a second, thin bar under each (e.g. the population's share),
    with a legend naming both series.
    """
    register_fonts()
    text = value_text or (lambda v: format_number(v, 0 if float(v).is_integer() else 1))
    n = len(labels)
    pair = reference is not None
    step = bar_height + (bar_height * 0.55 if pair else 0) + 5
    legend = 14 if pair and (reference_label or value_label) else 0
    height = n * step + 6 + legend
    drawing = Drawing(width, height)
    left = _label_width(labels, width)
    right_room = 38
    span = max(width - left - right_room, 10)
    top = max([*values, *[r for r in (reference or []) if r is not None], 0]) or 1
    y = height - legend - step
    for i, (label, value) in enumerate(zip(labels, values, strict=False)):
        main_y = y + (bar_height * 0.55 if pair else 0)
        drawing.add(
            String(
                left - 4,
                main_y + bar_height / 2 - 2.6,
                _clip(label, left - 6),
                fontName=FONT,
                fontSize=LABEL_SIZE,
                fillColor=INK,
                textAnchor="end",
            )
        )
        fill = WINNER if i in highlight else (colour or (OTHER if highlight else LINE))
        length = span * (value / top) if value > 0 else 0
        drawing.add(Rect(left, main_y, length, bar_height, fillColor=fill, strokeColor=None))
        drawing.add(
            String(
                left + length + 3,
                main_y + bar_height / 2 - 2.6,
                text(value),
                fontName=FONT,
                fontSize=LABEL_SIZE,
                fillColor=INK,
            )
        )
        if pair:
            ref = reference[i] if i < len(reference) else None
            if ref is not None:
                ref_len = span * (ref / top) if ref > 0 else 0
                drawing.add(
                    Rect(left, y, ref_len, bar_height * 0.45, fillColor=BASELINE, strokeColor=None)
                )
                drawing.add(
                    String(
                        left + ref_len + 3,
                        y - 0.5,
                        text(ref),
                        fontName=FONT,
                        fontSize=LABEL_SIZE - 1,
                        fillColor=MUTED,
                    )
                )
        y -= step
    drawing.add(Line(left, 3, left, height - legend, strokeColor=GRID, strokeWidth=0.6))
    if legend:
        x = left
        for name, fill in ((value_label, colour or LINE), (reference_label, BASELINE)):
            if not name:
                continue
            drawing.add(Rect(x, height - 9, 8, 6, fillColor=fill, strokeColor=None))
            drawing.add(
                String(
                    x + 11, height - 8.5, name, fontName=FONT, fontSize=LABEL_SIZE, fillColor=INK
                )
            )
            x += 11 + stringWidth(name, FONT, LABEL_SIZE) + 12
    return drawing


def share_chart(
    labels: Sequence[str],
    shares: Sequence[float],
    references: Sequence[float | None] | None = None,
    *,
    width: float = FULL_WIDTH,
    share_label: str | None = None,
    reference_label: str | None = None,
) -> Drawing:
    """Bars of shares (0–1) written as percentages, optionally beside the population's."""
    return bar_chart(
        labels,
        shares,
        width=width,
        reference=references,
        value_text=lambda v: format_percent(v),
        value_label=share_label,
        reference_label=reference_label,
    )


def merit_profile(
    options: Sequence[str],
    profiles: Sequence[Sequence[float]],
    grades: Sequence[str],
    *,
    width: float = FULL_WIDTH,
    bar_height: float = 13,
    winners: Sequence[int] = (),
) -> Drawing:
    """Majority judgment: one 100 % bar per option, grades stacked best first, median line.

    ``profiles[i][g]`` is the number of judges giving grade ``g`` (best first) to option ``i``.
    """
    register_fonts()
    n = len(options)
    legend_rows = 1 + (len(grades) > 5)
    legend = 11 * legend_rows + 4
    step = bar_height + 5
    height = n * step + legend + 14
    drawing = Drawing(width, height)
    left = _label_width(options, width)
    span = width - left - 6
    y = height - legend - step
    for i, (name, counts) in enumerate(zip(options, profiles, strict=False)):
        total = sum(counts) or 1
        font = FONT_BOLD if i in winners else FONT
        drawing.add(
            String(
                left - 4,
                y + bar_height / 2 - 2.6,
                _clip(name, left - 6, font=font),
                fontName=font,
                fontSize=LABEL_SIZE,
                fillColor=INK,
                textAnchor="end",
            )
        )
        x = left
        for g, count in enumerate(counts):
            w = span * count / total
            if w > 0:
                fill = GRADE_COLOURS[g % len(GRADE_COLOURS)]
                drawing.add(
                    Rect(
                        x,
                        y,
                        w,
                        bar_height,
                        fillColor=fill,
                        strokeColor=colors.white,
                        strokeWidth=0.4,
                    )
                )
                if w > 18:
                    share = format_percent(count / total)
                    ink = colors.white if g in (0, 1, len(GRADE_COLOURS) - 2, 6) else INK
                    drawing.add(
                        String(
                            x + w / 2,
                            y + bar_height / 2 - 2.5,
                            share,
                            fontName=FONT,
                            fontSize=6.5,
                            fillColor=ink,
                            textAnchor="middle",
                        )
                    )
            x += w
        y -= step
    middle = left + span / 2
    drawing.add(
        Line(
            middle,
            y + step - 4,
            middle,
            height - legend - 1,
            strokeColor=INK,
            strokeWidth=0.8,
            strokeDashArray=[2, 2],
        )
    )
    drawing.add(
        String(middle, 3, "50 %", fontName=FONT, fontSize=6.5, fillColor=MUTED, textAnchor="middle")
    )
    x, row = left, 0
    for g, grade in enumerate(grades):
        label_w = stringWidth(grade, FONT, LABEL_SIZE) + 24
        if x + label_w > width and x > left:
            x, row = left, row + 1
        yy = height - 9 - 11 * row
        drawing.add(
            Rect(x, yy, 8, 6, fillColor=GRADE_COLOURS[g % len(GRADE_COLOURS)], strokeColor=None)
        )
        drawing.add(
            String(x + 11, yy + 0.5, grade, fontName=FONT, fontSize=LABEL_SIZE, fillColor=INK)
        )
        x += label_w
    return drawing


def line_chart(
    x_labels: Sequence[str],
    values: Sequence[float | None],
    *,
    width: float = FULL_WIDTH,
    height: float = 60 * mm,
    target: float | None = None,
    baseline: float | None = None,
    unit: str = "",
    target_label: str | None = None,
    baseline_label: str | None = None,
    off_track: Sequence[int] = (),
) -> Drawing:
    """A line of measures over time, with a dashed target and a dotted baseline.

    ``values`` may hold None (no measure): the line jumps over it. ``off_track``: indexes of
    points drawn in red (as the in-app indicator chart does).
    """
    register_fonts()
    drawing = Drawing(width, height)
    left, bottom, right, top_pad = 34, 18, 10, 14
    plot_w = width - left - right
    plot_h = height - bottom - top_pad
    known = [v for v in values if v is not None]
    refs = [r for r in (target, baseline) if r is not None]
    low = min([*known, *refs, 0])
    high = max([*known, *refs, 1])
    if high == low:
        high = low + 1
    pad = (high - low) * 0.08
    low, high = (low - pad if low < 0 else low), high + pad

    def yof(v: float) -> float:
        return bottom + plot_h * (v - low) / (high - low)

    n = max(len(x_labels), 1)

    def xof(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    for k in range(5):
        v = low + (high - low) * k / 4
        yy = yof(v)
        drawing.add(Line(left, yy, left + plot_w, yy, strokeColor=GRID, strokeWidth=0.5))
        drawing.add(
            String(
                left - 3,
                yy - 2.5,
                format_number(v, 0 if abs(high - low) > 8 else 1),
                fontName=FONT,
                fontSize=6.5,
                fillColor=MUTED,
                textAnchor="end",
            )
        )
    every = max(1, (n + 11) // 12)
    for i, label in enumerate(x_labels):
        if i % every == 0:
            drawing.add(
                String(
                    xof(i),
                    5,
                    _clip(label, plot_w / n * every - 2, 6.5),
                    fontName=FONT,
                    fontSize=6.5,
                    fillColor=MUTED,
                    textAnchor="middle",
                )
            )
    for ref, colour, dash, label in (
        (baseline, BASELINE, [1, 2], baseline_label),
        (target, TARGET, [4, 3], target_label),
    ):
        if ref is None:
            continue
        yy = yof(ref)
        drawing.add(
            Line(
                left, yy, left + plot_w, yy, strokeColor=colour, strokeWidth=1, strokeDashArray=dash
            )
        )
        if label:
            drawing.add(
                String(
                    left + plot_w,
                    yy + 2,
                    f"{label} {format_number(ref, 1)}{unit}",
                    fontName=FONT,
                    fontSize=6.5,
                    fillColor=colour,
                    textAnchor="end",
                )
            )
    run: list[float] = []
    for i, v in enumerate([*values, None]):
        if v is None:
            if len(run) >= 4:
                drawing.add(PolyLine(run, strokeColor=LINE, strokeWidth=1.4))
            run = []
        else:
            run += [xof(i), yof(v)]
    for i, v in enumerate(values):
        if v is not None:
            fill = OFF if i in off_track else LINE
            drawing.add(Rect(xof(i) - 2, yof(v) - 2, 4, 4, fillColor=fill, strokeColor=None))
    drawing.add(Line(left, bottom, left + plot_w, bottom, strokeColor=INK, strokeWidth=0.6))
    return drawing


def probability_strip(
    groups: Sequence[tuple[str, Sequence[float]]],
    *,
    width: float = FULL_WIDTH,
    row_height: float = 12,
    mean: float | None = None,
) -> Drawing:
    """Each person's chance of being drawn as a tick on a 0–max axis, one row per group.

    ``mean``: a dashed line at the average chance (the panel size over the pool size).
    """
    register_fonts()
    labels = [g for g, _v in groups]
    left = _label_width(labels, width)
    span = width - left - 12
    height = len(groups) * (row_height + 3) + 22
    drawing = Drawing(width, height)
    every = [p for _g, values in groups for p in values]
    top = max([*every, mean or 0, 0.01])
    top = min(1.0, top * 1.1)
    y = height - 6 - row_height
    for label, values in groups:
        drawing.add(
            String(
                left - 4,
                y + row_height / 2 - 2.6,
                _clip(label, left - 6),
                fontName=FONT,
                fontSize=LABEL_SIZE,
                fillColor=INK,
                textAnchor="end",
            )
        )
        drawing.add(
            Rect(left, y, span, row_height, fillColor=colors.HexColor("#f3f6fa"), strokeColor=None)
        )
        for p in values:
            x = left + span * min(p, top) / top
            drawing.add(
                Line(x, y + 1.5, x, y + row_height - 1.5, strokeColor=LINE, strokeWidth=0.7)
            )
        y -= row_height + 3
    axis_y = y + row_height - 2
    drawing.add(Line(left, axis_y, left + span, axis_y, strokeColor=INK, strokeWidth=0.6))
    for k in range(5):
        v = top * k / 4
        x = left + span * k / 4
        drawing.add(Line(x, axis_y, x, axis_y - 2.5, strokeColor=INK, strokeWidth=0.6))
        drawing.add(
            String(
                x,
                axis_y - 10,
                format_percent(v),
                fontName=FONT,
                fontSize=6.5,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
    if mean is not None:
        x = left + span * min(mean, top) / top
        drawing.add(
            Line(
                x,
                axis_y,
                x,
                height - 4,
                strokeColor=ACCENT,
                strokeWidth=0.9,
                strokeDashArray=[3, 2],
            )
        )
    return drawing


#: Bars of volunteers whose chance is below half of size/pool (as in the app's chart).
LOW = colors.HexColor("#d9822b")


def probability_bars(
    probabilities: Sequence[float],
    ratio: float,
    *,
    width: float = FULL_WIDTH,
    height: float = 62 * mm,
    ratio_label: str | None = None,
    half_label: str | None = None,
) -> Drawing:
    """Every volunteer's chance of being drawn, one bar each sorted from the lowest (as the
    app's probability chart): a solid line at size/pool (``ratio``), a dashed one at half of
    it, and bars below the dashed line in orange. Labels take ``{p}`` for the percentage."""
    register_fonts()
    drawing = Drawing(width, height)
    left, bottom, right, top_pad = 30, 6, 6, 6
    plot_w = width - left - right
    plot_h = height - bottom - top_pad
    values = sorted(probabilities)
    top = 1.0

    def yof(p: float) -> float:
        return bottom + plot_h * min(max(p, 0.0), top) / top

    for p in (0.0, 0.25, 0.5, 0.75, 1.0):
        yy = yof(p)
        drawing.add(Line(left, yy, left + plot_w, yy, strokeColor=GRID, strokeWidth=0.5))
        drawing.add(
            String(left - 3, yy - 2.5, format_percent(p), fontName=FONT, fontSize=6.5,
                   fillColor=MUTED, textAnchor="end")
        )  # fmt: skip
    half = ratio / 2
    n = len(values)
    if n:
        step = plot_w / n
        gap = min(1.0, step * 0.2)
        for i, p in enumerate(values):
            h = max(plot_h * min(p, top) / top, 0.8)  # someone who cannot be drawn still shows
            fill = LOW if p < half - 1e-9 else LINE
            drawing.add(
                Rect(left + i * step + gap / 2, bottom, max(step - gap, 0.3), h,
                     fillColor=fill, strokeColor=None)
            )  # fmt: skip
        for value, dash, label in ((ratio, None, ratio_label), (half, [3, 2], half_label)):
            yy = yof(value)
            drawing.add(
                Line(left, yy, left + plot_w, yy, strokeColor=INK, strokeWidth=1.1,
                     strokeDashArray=dash)
            )  # fmt: skip
            if label:
                caption = label.format(p=format_percent(value, 1))
                w = stringWidth(caption, FONT, 6.5) + 6
                drawing.add(
                    Rect(left + 4, yy + 1.5, w, 9, fillColor=colors.Color(1, 1, 1, 0.85),
                         strokeColor=None)
                )  # fmt: skip
                drawing.add(
                    String(left + 7, yy + 3.5, caption, fontName=FONT, fontSize=6.5,
                           fillColor=INK)
                )  # fmt: skip
    drawing.add(Line(left, bottom, left + plot_w, bottom, strokeColor=INK, strokeWidth=0.6))
    return drawing


__all__ = [
    "FULL_WIDTH",
    "bar_chart",
    "line_chart",
    "merit_profile",
    "probability_bars",
    "probability_strip",
    "share_chart",
]
