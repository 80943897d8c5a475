"""Indicators written as CSV, HXL (a row of hashtags under the header) or Excel."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

from hito.monitoring.schemas import IndicatorValue

FORMATS = ("csv", "hxl", "xlsx")
COLUMNS = {  # column → HXL hashtag (https://hxlstandard.org/standard/1-1final/dictionary/)
    "id": "#indicator+code",
    "label": "#indicator+name",
    "value": "#indicator+value+num",
    "unit": "#indicator+unit",
    "level": "#status",
    "warning": "#indicator+warning+num",
    "critical": "#indicator+critical+num",
    "reference": "#indicator+reference+num",
    "as_of": "#date+reported",
    "source": "#meta+source",
    "definition": "#description",
}


def _row(v: IndicatorValue) -> list[object]:
    data = v.model_dump(mode="json")
    return ["" if data[c] is None else data[c] for c in COLUMNS]


def write_indicators(values: Sequence[IndicatorValue], fmt: str) -> bytes:
    """The indicators as a file of format ``fmt`` (csv, hxl or xlsx)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "indicadores"
        sheet.append(list(COLUMNS))
        for v in values:
            sheet.append(_row(v))
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    if fmt == "hxl":
        writer.writerow(COLUMNS.values())
    writer.writerows(_row(v) for v in values)
    return text.getvalue().encode("utf-8")
