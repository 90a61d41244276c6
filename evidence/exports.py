"""Exports of a finished evidence summary for the growth group: CSV and PDF.

Both read only the stored result snapshot, so an export always says what the report says.
The PDF is drawn with reportlab (pure-Python wheels, no system libraries: WeasyPrint would
need Pango and Cairo on every host).
"""

from __future__ import annotations

import csv
import io
import re
import time
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from contacts import sic
from core import limits
from evidence import selectors
from evidence.models import EvidenceSummary

CSV_COLUMNS = [
    "row",
    "theme",
    "theme_name",
    "sector",
    "sector_name",
    "organisations",
    "share",
    "insights",
    "employees",
    "barriers",
    "opportunities",
    "previous_organisations",
    "period_start",
    "period_end",
    "engaged_organisations",
]


def export_filename(summary: EvidenceSummary, extension: str) -> str:
    return (
        f"evidence-summary-{summary.pk}-{summary.period_start:%Y-%m-%d}-to-"
        f"{summary.period_end:%Y-%m-%d}.{extension}"
    )


def _cell(value: Any) -> Any:
    # Spreadsheet formula injection: text starting with = + - @ is not run as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def summary_csv(summary: EvidenceSummary) -> str:
    """A row per theme, then a row per theme × sector (organisations in that sector)."""
    result = summary.result or {}
    common = [
        result.get("period_start", ""),
        result.get("period_end", ""),
        result.get("engaged_organisations", 0),
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    themes = result.get("themes", [])
    for entry in themes:
        writer.writerow(
            [
                _cell(value)
                for value in [
                    "theme",
                    entry["theme"],
                    entry["name"],
                    "",
                    "",
                    entry["organisations"],
                    entry["share"],
                    entry["insights"],
                    entry["employees"],
                    entry["barriers"],
                    entry["opportunities"],
                    entry["previous_organisations"],
                    *common,
                ]
            ]
        )
    for entry in themes:
        for code, organisations in entry["by_sector"].items():
            writer.writerow(
                [
                    _cell(value)
                    for value in [
                        "theme_sector",
                        entry["theme"],
                        entry["name"],
                        code,
                        sic.SECTIONS.get(code, ""),
                        organisations,
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        *common,
                    ]
                ]
            )
    return buffer.getvalue()


# --- PDF ----------------------------------------------------------------------------------

# No export may hold a worker for more than a few seconds (SPEC §4). Laying out text costs
# reportlab far more than linear time in the length of a word or paragraph (a 1 MB quote
# took over 12 minutes), so text is cut and long words broken before layout, and the
# document as a whole has a budget of quotes and of seconds.
LONGEST_WORD = 60
QUOTES_PER_THEME = 10
QUOTES_PER_EXPORT = 200
PDF_SECONDS = 10.0
_LONG_WORD = re.compile(rf"\S{{{LONGEST_WORD}}}(?=\S)")


class ExportTooSlow(Exception):
    """The PDF went past its time budget; the caller says so rather than wait on."""


def fit_text(text: str, limit: int) -> str:
    """`text` at most `limit` characters (cut with an ellipsis), no word longer than
    LONGEST_WORD characters (broken with a space), so that its layout costs little.

    Rows stored before the limits of SPEC §4 may be longer than a form now accepts."""
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return _LONG_WORD.sub(lambda match: match.group(0) + " ", text)


class _Deadline(SimpleDocTemplate):
    """A document that stops laying out once its time budget is spent."""

    def __init__(self, *args: Any, seconds: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = time.monotonic() + seconds

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab's name)
        if time.monotonic() > self._deadline:
            raise ExportTooSlow("The PDF took too long to draw")


BLUE = colors.HexColor("#1d70b8")
GREY = colors.HexColor("#b1b4b6")
LIGHT = colors.HexColor("#f3f2f1")


def _styles() -> dict[str, ParagraphStyle]:
    sheet = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=sheet["BodyText"], fontName="Helvetica", fontSize=10)
    return {
        "title": ParagraphStyle("title", parent=sheet["Title"], alignment=0, fontSize=20),
        "h2": ParagraphStyle("h2", parent=sheet["Heading2"], fontSize=14, spaceBefore=10),
        "h3": ParagraphStyle("h3", parent=sheet["Heading3"], fontSize=11, spaceBefore=6),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=10.5),
        "quote": ParagraphStyle("quote", parent=body, leftIndent=8 * mm, textColor=colors.black),
    }


def _table(rows: list[list[Any]], widths: list[float] | None = None) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, GREY),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _bar_chart(labels: list[str], series: list[list[int]], names: list[str]) -> Flowable:
    height = 22 + 16 * len(labels) * len(series)
    drawing = Drawing(170 * mm, height + 20)
    chart = HorizontalBarChart()
    chart.x, chart.y = 55 * mm, 18
    chart.width, chart.height = 100 * mm, height
    chart.data = [list(reversed(values)) for values in series]
    chart.categoryAxis.categoryNames = list(reversed(labels))
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 8
    top = max([1] + [value for values in series for value in values])
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = max(1, -(-top // 5))
    chart.barLabelFormat = "%d"
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    for index, colour in enumerate([BLUE, GREY][: len(series)]):
        chart.bars[index].fillColor = colour
    drawing.add(chart)
    if len(names) > 1:
        drawing.add(String(55 * mm, 4, f"Blue: {names[0]}.  Grey: {names[1]}.", fontSize=8))
    return drawing


def summary_pdf(summary: EvidenceSummary) -> bytes:
    """The report page as a PDF: scope, headline, charts with their tables, quotes."""
    styles = _styles()
    report = selectors.report_for(summary)
    buffer = io.BytesIO()
    document = _Deadline(
        buffer,
        seconds=PDF_SECONDS,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"Evidence summary: {summary}",
        author="PlaceVoice",
        subject="Evidence summary for the growth group",
        lang="en-GB",
    )
    story: list[Flowable] = [
        Paragraph(
            escape(
                f"Evidence summary: {selectors.long_date(summary.period_start)} to "
                f"{selectors.long_date(summary.period_end)}"
            ),
            styles["title"],
        ),
    ]
    for sentence in selectors.describe_scope(summary):
        story.append(Paragraph(escape(sentence), styles["body"]))
    if report is None:
        story.append(Paragraph("This summary has no result yet.", styles["body"]))
        document.build(story)
        return buffer.getvalue()
    story += [
        Spacer(1, 4 * mm),
        Paragraph(
            f"<b>{report.engaged_organisations}</b> organisations were engaged in the period "
            "(an interaction or a recorded insight).",
            styles["body"],
        ),
        Paragraph("Themes by organisations", styles["h2"]),
        _bar_chart(
            [row.name for row in report.themes],
            [[row.organisations for row in report.themes]],
            ["Organisations"],
        ),
        _table(
            [
                [
                    "Theme",
                    "Organisations",
                    "Share",
                    "Insights",
                    "Barriers",
                    "Opportunities",
                    "Employees",
                ]
            ]
            + [
                [
                    Paragraph(escape(fit_text(row.name, limits.NAME_MAX)), styles["small"]),
                    row.organisations,
                    f"{row.share * 100:.1f}%",
                    row.insights,
                    row.barriers,
                    row.opportunities,
                    f"{row.employees:,}",
                ]
                for row in report.themes
            ],
            [52 * mm, 22 * mm, 16 * mm, 16 * mm, 16 * mm, 22 * mm, 20 * mm],
        ),
        Paragraph("This period against the previous period", styles["h2"]),
        _bar_chart(
            [row.name for row in report.themes],
            [
                [row.organisations for row in report.themes],
                [row.previous_organisations for row in report.themes],
            ],
            ["this period", "previous period"],
        ),
        _table(
            [["Theme", "This period", "Previous period", "Change"]]
            + [
                [
                    Paragraph(escape(fit_text(row.name, limits.NAME_MAX)), styles["small"]),
                    row.organisations,
                    row.previous_organisations,
                    f"{row.change:+d}",
                ]
                for row in report.themes
            ],
            [70 * mm, 30 * mm, 30 * mm, 30 * mm],
        ),
        Paragraph("Organisations by sector and theme", styles["h2"]),
    ]
    if report.sectors:
        story.append(
            _table(
                [
                    ["Sector"]
                    + [
                        Paragraph(escape(fit_text(row.name, limits.NAME_MAX)), styles["small"])
                        for row in report.themes
                    ]
                ]
                + [
                    [Paragraph(escape(f"{sector.name} ({sector.code})"), styles["small"])]
                    + [count for _theme, count, _shade in sector.cells]
                    for sector in report.sectors
                ],
                [50 * mm] + [(174 - 50) * mm / max(1, len(report.themes))] * len(report.themes),
            )
        )
    else:
        story.append(
            Paragraph("No organisation with a known sector raised these themes.", styles["body"])
        )
    story.append(Paragraph("What businesses said", styles["h2"]))
    quoted = False
    budget = QUOTES_PER_EXPORT
    for row in report.themes:
        shown = row.quotes[: min(QUOTES_PER_THEME, budget)]
        if not shown:
            continue
        quoted = True
        budget -= len(shown)
        block: list[Flowable] = [
            Paragraph(escape(fit_text(row.name, limits.NAME_MAX)), styles["h3"])
        ]
        for quote in shown:
            text = fit_text(str(quote["text"]), limits.STATEMENT_MAX)
            attribution = fit_text(str(quote["attribution"]), limits.NAME_MAX)
            block.append(Paragraph(f"“{escape(text)}” — {escape(attribution)}", styles["quote"]))
        story.append(KeepTogether(block))
    if not quoted:
        story.append(Paragraph("No quotes may be shared for this period.", styles["body"]))
    document.build(story)
    return buffer.getvalue()
