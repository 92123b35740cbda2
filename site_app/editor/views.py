"""/editor: the editors' report, its CSV exports. Anyone not granted gets the 404 page.

The table is sorted by the server (the column headers are links), so it works without
script; the charts are inline SVG (:mod:`.charts`).
"""

import csv
import io
from datetime import date, timedelta

from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..clock import utcnow
from . import charts
from .grants import is_editor
from .report import FIGURES, MAX_DAYS, build_report

bp = Blueprint("editor", __name__, url_prefix="/editor")

#: The table's columns that can be sorted, in the order shown.
COLUMNS = ("topic", "lang", *FIGURES)
PERIODS = (7, 30, 90)
DEFAULT_DAYS = 30


@bp.before_request
def _editors_only() -> None:
    """Anonymous, ordinary or revoked: the same 404 page as an address that does not exist."""
    if not is_editor(current_user):
        abort(404)


class PeriodError(ValueError):
    """The period asked for cannot be reported on; the message says why."""


def period() -> tuple[date, date]:
    """The UTC days asked for: ``?from=&to=`` (ISO dates), or ``?days=``; by default the last
    30 days, today included."""
    today = utcnow().date()
    start, end = request.args.get("from", ""), request.args.get("to", "")
    if start or end:
        try:
            first = date.fromisoformat(start) if start else today - timedelta(DEFAULT_DAYS - 1)
            last = date.fromisoformat(end) if end else today
        except ValueError:
            raise PeriodError(
                _l("Write the dates as YYYY-MM-DD, for example 2026-12-01.")
            ) from None
    else:
        days = request.args.get("days", type=int) or DEFAULT_DAYS
        first, last = today - timedelta(days=max(1, min(days, MAX_DAYS)) - 1), today
    if first > last:
        raise PeriodError(_l("The first day must come before the last one."))
    if (last - first).days >= MAX_DAYS:
        raise PeriodError(_l("Choose a period of at most %(days)d days.", days=MAX_DAYS))
    return first, last


def _sorted(rows: list) -> tuple[list, str, str]:
    column = request.args.get("sort", "shown")
    column = column if column in COLUMNS else "shown"
    order = "asc" if request.args.get("order") == "asc" else "desc"
    rows = sorted(rows, key=lambda row: (row.topic, row.lang))
    rows.sort(key=lambda row: getattr(row, column), reverse=order == "desc")
    return rows, column, order


@bp.route("")
def report():
    """The report over the chosen period: charts, the sortable table, pages, searches."""
    try:
        start, end = period()
    except PeriodError as error:
        today = utcnow().date()
        return render_template(
            "editor/report.html",
            problem=error.args[0],
            start=None,
            end=None,
            today=today,
            periods=PERIODS,
        ), 400
    built = build_report(start, end)
    rows, column, order = _sorted(built.rows)
    series = (("shown", "chart-shown"), ("followed", "chart-followed"))
    return render_template(
        "editor/report.html",
        problem=None,
        report=built,
        rows=rows,
        sort=column,
        order=order,
        columns=COLUMNS,
        start=start,
        end=end,
        today=utcnow().date(),
        periods=PERIODS,
        per_day=charts.per_day(built.days, series),
        per_topic=charts.per_row(
            sorted(built.rows, key=lambda r: (-r.shown, -r.followed, r.topic, r.lang)),
            series,
            label=lambda row: f"{row.topic} ({row.lang})",
        ),
    )


def spreadsheet_safe(value) -> str | int:
    """A cell no spreadsheet runs as a formula (OWASP, CSV injection): text that starts with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with ``'``."""
    if isinstance(value, int):
        return value
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(name: str, header: list[str], rows, start: date, end: date):
    out = io.StringIO()
    out.write("\ufeff")  # spreadsheets then read UTF-8 (Arabic, accents) as such
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
    filename = f"{name}-{start.isoformat()}-{end.isoformat()}.csv"
    return (
        out.getvalue(),
        200,
        {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


@bp.route("/report.csv")
def report_csv():
    """Per day, topic and language: every figure of the table."""
    try:
        start, end = period()
    except PeriodError:
        abort(400)
    built = build_report(start, end)
    rows = (
        [day.isoformat(), topic, lang, *(getattr(figures, name) for name in FIGURES)]
        for (topic, lang, day), figures in sorted(
            built.daily.items(), key=lambda i: (i[0][2], i[0][0], i[0][1])
        )
    )
    return _csv("help-report", ["day", "topic", "language", *FIGURES], rows, start, end)


@bp.route("/searches.csv")
def searches_csv():
    """The failed searches of the period, with their counts (what readers typed)."""
    try:
        start, end = period()
    except PeriodError:
        abort(400)
    built = build_report(start, end, searches=10_000)
    return _csv("failed-searches", ["query", "language", "count"], built.searches, start, end)
