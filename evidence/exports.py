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

from django.conf import settings
from django.utils import timezone
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable
from reportlab.platypus.tableofcontents import TableOfContents

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
    "share_percent",
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
                    # Beside the exact fraction, the percentage people read: 58.8.
                    f"{entry['share'] * 100:.1f}",
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
                        "",
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


# reportlab ships no type stubs, so its classes are Any.
class _PageCount(Flowable):  # type: ignore[misc]
    """The number of pages, for "Page 2 of 5": an indexing flowable, so the document is laid
    out again until the total printed in the footers is the total laid out (bookmarks and
    links keep their real pages, which deferring every page to the end would break)."""

    def __init__(self) -> None:
        super().__init__()
        self.known: int | None = None
        self.seen = 0
        self._satisfied = False

    def isIndexing(self) -> int:  # noqa: N802 (reportlab's name)
        return 1

    def isSatisfied(self) -> int:  # noqa: N802 (reportlab's name)
        return int(self._satisfied)

    def beforeBuild(self) -> None:  # noqa: N802 (reportlab's name)
        self.seen = 0

    def afterBuild(self) -> None:  # noqa: N802 (reportlab's name)
        self._satisfied = self.known == self.seen
        self.known = self.seen

    def notify(self, kind: str, stuff: Any) -> None:
        """Indexing flowables hear every notification; a page count needs none."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


class _Heading(Paragraph):  # type: ignore[misc]
    """A heading that becomes a PDF bookmark and a line of the contents."""

    def __init__(self, text: str, style: ParagraphStyle, *, level: int, key: str) -> None:
        super().__init__(escape(text), style)
        self.outline_text = text
        self.outline_level = level
        self.outline_key = key


class _Report(BaseDocTemplate):  # type: ignore[misc]
    """The report's document: a footer on every page ("Page 2 of 5"), bookmarks and contents
    from its headings, and a time budget: it stops laying out once the budget is spent."""

    def __init__(self, *args: Any, seconds: float, footer: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = time.monotonic() + seconds
        self.footer = footer
        self.page_count = _PageCount()
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._footer)])

    def _footer(self, canvas: Canvas, document: BaseDocTemplate) -> None:
        self.page_count.seen = max(self.page_count.seen, document.page)
        total = self.page_count.known or document.page
        width = self.pagesize[0]
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, 9 * mm, self.footer)
        canvas.drawRightString(width - MARGIN, 9 * mm, f"Page {document.page} of {total}")
        canvas.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab's name)
        if time.monotonic() > self._deadline:
            raise ExportTooSlow("The PDF took too long to draw")
        if isinstance(flowable, _Heading):
            self.canv.bookmarkPage(flowable.outline_key)
            self.canv.addOutlineEntry(
                flowable.outline_text, flowable.outline_key, level=flowable.outline_level
            )
            self.notify(
                "TOCEntry",
                # The contents lines are paragraph markup: "R&D" must arrive escaped.
                (
                    flowable.outline_level,
                    escape(flowable.outline_text),
                    self.page,
                    flowable.outline_key,
                ),
            )


BLUE = colors.HexColor("#1d70b8")
GREY = colors.HexColor("#505a5f")
RULE = colors.HexColor("#b1b4b6")
LIGHT = colors.HexColor("#f3f2f1")
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN


def _styles() -> dict[str, ParagraphStyle]:
    sheet = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=sheet["BodyText"], fontName="Helvetica", fontSize=10)
    # keepWithNext: a heading never ends a page without the first thing it introduces.
    return {
        "title": ParagraphStyle("title", parent=sheet["Title"], alignment=0, fontSize=22),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=14, leading=18),
        "h2": ParagraphStyle(
            "h2", parent=sheet["Heading2"], fontSize=14, spaceBefore=12, keepWithNext=1
        ),
        "h3": ParagraphStyle(
            "h3", parent=sheet["Heading3"], fontSize=11, spaceBefore=8, keepWithNext=1
        ),
        "body": body,
        "intro": ParagraphStyle("intro", parent=body, keepWithNext=1),
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=10.5),
        "note": ParagraphStyle(
            "note", parent=body, fontSize=8.5, leading=10.5, textColor=GREY, spaceBefore=3
        ),
        "quote": ParagraphStyle("quote", parent=body, leftIndent=8 * mm, textColor=colors.black),
        "toc0": ParagraphStyle("toc0", parent=body, fontSize=10, leading=14),
        "toc1": ParagraphStyle("toc1", parent=body, fontSize=9, leading=12, leftIndent=6 * mm),
    }


def _table(rows: list[list[Any]], widths: list[float] | None = None) -> Table:
    # repeatRows: a table that runs onto the next page repeats its header row there.
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def axis_scale(largest: int, *, ticks: int = 6) -> tuple[int, int]:
    """(axis maximum, tick step) for counts up to `largest`: a round step (1, 2, 5 or 2.5
    times a power of ten, whole numbers only) and at most `ticks` steps, the maximum a
    multiple of the step at or above `largest`. 108 → (125, 25); 88 → (100, 20)."""
    largest = max(1, largest)
    magnitude = 1
    while True:
        for factor in (1, 2, 2.5, 5):
            step = factor * magnitude
            if step != int(step):
                continue
            steps = -(-largest // int(step))
            if steps <= ticks:
                return int(step) * steps, int(step)
        magnitude *= 10


def _bar_chart(labels: list[str], series: list[list[int]], names: list[str]) -> Flowable:
    """A horizontal bar chart; with two series, a legend above the plot in its own band, so
    it can never cover the axis numbers below."""
    legend_band = 16 if len(series) > 1 else 0
    axis_band = 18  # the value axis and its numbers
    plot = 10 + 14 * len(labels) * len(series)
    drawing = Drawing(WIDTH, axis_band + plot + legend_band + 4)
    chart = HorizontalBarChart()
    chart.x, chart.y = 55 * mm, axis_band
    chart.width, chart.height = WIDTH - 55 * mm - 14 * mm, plot
    # reportlab stacks a category's bars from the bottom up: the series are given last
    # first so the first series (this period) reads first, on top, as in the legend.
    chart.data = [list(reversed(values)) for values in reversed(series)]
    chart.categoryAxis.categoryNames = [fit_text(label, 40) for label in reversed(labels)]
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.labels.fontSize = 8
    maximum, step = axis_scale(max([0] + [value for values in series for value in values]))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = maximum
    chart.valueAxis.valueStep = step
    chart.valueAxis.labelTextFormat = "{:,.0f}".format
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = LIGHT
    chart.barLabelFormat = "%d"
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    for index, colour in enumerate(list(reversed([BLUE, GREY][: len(series)]))):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    if len(series) > 1:
        y = axis_band + plot + 6
        x = chart.x
        for colour, name in zip([BLUE, GREY], names, strict=False):
            drawing.add(Rect(x, y, 8, 8, fillColor=colour, strokeColor=None))
            drawing.add(String(x + 11, y + 1, name, fontName="Helvetica", fontSize=8))
            x += 11 + stringWidth(name, "Helvetica", 8) + 14
    return drawing


def _cover(summary: EvidenceSummary, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    council = getattr(settings, "OPERATOR_NAME", "")
    if summary.published and summary.published_at:
        status = "Published to the growth group"
        issued = timezone.localtime(summary.published_at).date()
    else:
        status = "Draft: not yet published to the growth group"
        issued = timezone.localdate()
    facts = [
        ["Council", council or "Not set"],
        [
            "Period",
            f"{selectors.long_date(summary.period_start)} to "
            f"{selectors.long_date(summary.period_end)}",
        ],
        ["Date of issue", selectors.long_date(issued)],
        ["Status", status],
    ]
    table = Table(
        [
            [Paragraph(f"<b>{escape(k)}</b>", styles["body"]), Paragraph(escape(v), styles["body"])]
            for k, v in facts
        ],
        colWidths=[35 * mm, WIDTH - 35 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEABOVE", (0, 0), (-1, 0), 2, BLUE),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return [
        Paragraph(escape(council), styles["subtitle"]) if council else Spacer(1, 0),
        Paragraph("Evidence report", styles["title"]),
        Paragraph(
            escape(
                f"What businesses told us, theme by theme: "
                f"{selectors.long_date(summary.period_start)} to "
                f"{selectors.long_date(summary.period_end)}"
            ),
            styles["subtitle"],
        ),
        Spacer(1, 6 * mm),
        table,
        Spacer(1, 4 * mm),
    ]


def _contents(styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    contents = TableOfContents()
    contents.levelStyles = [styles["toc0"], styles["toc1"]]
    contents.dotsMinLevel = 0
    return [Paragraph("Contents", styles["h2"]), contents]


def summary_pdf(summary: EvidenceSummary) -> bytes:
    """The report page as a PDF: a cover block and contents, the headline, charts with their
    tables, then each theme's sub-themes and quotes."""
    styles = _styles()
    report = selectors.report_for(summary)
    title = selectors.report_title(summary)
    council = getattr(settings, "OPERATOR_NAME", "")
    buffer = io.BytesIO()
    document = _Report(
        buffer,
        seconds=PDF_SECONDS,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=council or "PlaceVoice",
        subject="What businesses told the council, theme by theme, for the growth group",
        creator="PlaceVoice",
        lang="en-GB",
        footer=fit_text(
            " · ".join(
                part
                for part in (council, title, "Published" if summary.published else "Draft")
                if part
            ),
            110,
        ),
    )
    story: list[Flowable] = [document.page_count, *_cover(summary, styles)]
    if report is None:
        story.append(Paragraph("This report has no result yet.", styles["body"]))
        document.multiBuild(story)
        return buffer.getvalue()
    story += _contents(styles)
    story += [
        PageBreak(),
        _Heading("What this report covers", styles["h2"], level=0, key="scope"),
        *[
            Paragraph(escape(sentence), styles["body"])
            for sentence in selectors.describe_scope(summary)
        ],
        Spacer(1, 3 * mm),
        Paragraph(
            f"<b>{selectors.thousands(report.engaged_organisations)}</b> organisations were "
            "engaged in the period (an interaction or a recorded insight).",
            styles["body"],
        ),
        # A heading, its chart and its table are read together: kept on one page when they
        # fit (a heading's keepWithNext alone would still leave it above a moved block).
        KeepTogether(
            [
                _Heading("Themes by organisations", styles["h2"], level=0, key="themes-chart"),
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
                            selectors.thousands(row.organisations),
                            f"{row.share_percent}%",
                            selectors.thousands(row.insights),
                            selectors.thousands(row.barriers),
                            selectors.thousands(row.opportunities),
                            row.employees_display,
                        ]
                        for row in report.themes
                    ],
                    [52 * mm, 22 * mm, 16 * mm, 16 * mm, 16 * mm, 22 * mm, 20 * mm],
                ),
                Paragraph(
                    escape(
                        "Share: the organisations that raised the theme as a share of the "
                        f"{selectors.thousands(report.engaged_organisations)} engaged "
                        "organisations. " + selectors.EMPLOYEES_NOTE
                    ),
                    styles["note"],
                ),
            ]
        ),
        KeepTogether(
            [
                _Heading(
                    "This period against the previous period",
                    styles["h2"],
                    level=0,
                    key="trend-chart",
                ),
                _bar_chart(
                    [row.name for row in report.themes],
                    [
                        [row.organisations for row in report.themes],
                        [row.previous_organisations for row in report.themes],
                    ],
                    ["This period", _previous_label(report)],
                ),
                _table(
                    [["Theme", "This period", "Previous period", "Change"]]
                    + [
                        [
                            Paragraph(escape(fit_text(row.name, limits.NAME_MAX)), styles["small"]),
                            selectors.thousands(row.organisations),
                            selectors.thousands(row.previous_organisations),
                            f"{row.change:+,d}",
                        ]
                        for row in report.themes
                    ],
                    [70 * mm, 30 * mm, 30 * mm, 30 * mm],
                ),
            ]
        ),
        _Heading("Organisations by sector and theme", styles["h2"], level=0, key="sector-chart"),
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
                    + [selectors.thousands(count) for _theme, count, _shade in sector.cells]
                    for sector in report.sectors
                ],
                [50 * mm] + [(WIDTH - 50 * mm) / max(1, len(report.themes))] * len(report.themes),
            )
        )
    else:
        story.append(
            Paragraph("No organisation with a known sector raised these themes.", styles["body"])
        )
    story += [
        _Heading("Organisations by size and theme", styles["h2"], level=0, key="size-table"),
        _table(
            [["Theme"] + [label.replace(" (", "\n(") for _band, label in report.size_bands]]
            + [
                [Paragraph(escape(fit_text(row.name, limits.NAME_MAX)), styles["small"])]
                + [selectors.thousands(count) for count in row.size_band_counts]
                for row in report.themes
            ],
            [50 * mm]
            + [(WIDTH - 50 * mm) / max(1, len(report.size_bands))] * len(report.size_bands),
        ),
    ]
    # The section's heading and introduction travel with its first theme.
    opening: list[Flowable] = [
        _Heading("Theme by theme", styles["h2"], level=0, key="by-theme"),
        Paragraph(
            "For each theme, the sub-themes organisations raised and what they said. An "
            "organisation that raised two sub-themes is counted under each.",
            styles["intro"],
        ),
    ]
    budget = QUOTES_PER_EXPORT
    for row in report.themes:
        name = fit_text(row.name, limits.NAME_MAX)
        block: list[Flowable] = [*opening, _Heading(name, styles["h3"], level=1, key=row.anchor)]
        opening = []
        if row.sub_themes:
            block.append(
                _table(
                    [["Sub-theme", "Organisations"]]
                    + [
                        [
                            Paragraph(escape(fit_text(sub, limits.NAME_MAX)), styles["small"]),
                            selectors.thousands(count),
                        ]
                        for sub, count in row.sub_themes
                    ],
                    [90 * mm, 30 * mm],
                )
            )
        else:
            block.append(Paragraph("No sub-theme was raised.", styles["small"]))
        shown = row.quotes[: min(QUOTES_PER_THEME, budget)]
        budget -= len(shown)
        block.append(Spacer(1, 2 * mm))
        for quote in shown:
            text = fit_text(str(quote["text"]), limits.STATEMENT_MAX)
            attribution = fit_text(str(quote["attribution"]), limits.NAME_MAX)
            block.append(Paragraph(f"“{escape(text)}” — {escape(attribution)}", styles["quote"]))
        if not shown:
            block.append(Paragraph("No quote may be shared for this theme.", styles["small"]))
        # A theme's sub-themes and quotes stay on one page with its heading when they fit.
        story.append(KeepTogether(block))
    document.multiBuild(story)
    return buffer.getvalue()


def _previous_label(report: selectors.Report) -> str:
    if report.previous_start and report.previous_end:
        return (
            f"Previous period ({selectors.short_date(report.previous_start)} to "
            f"{selectors.short_date(report.previous_end)})"
        )
    return "Previous period"
