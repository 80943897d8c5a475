"""People in need and reached, by place, sex and age group, for IOM's and UNHCR's dashboards.

Aggregates only, never a person: one row per side of the border and sector, counts of open
vulnerable cases (``#inneed``) and of cases closed after assistance (``#reached``), by sex and
age group. Cells of 1 to 4 people are suppressed (left empty) so that no one can be singled
out; when a row would have a single suppressed cell, the next smallest is suppressed too, so
the hidden one cannot be worked out from the total.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.aggregates import suppress_cells, suppress_total
from hito.humanitarian.models import CaseStatus, HumanitarianCase, Screening
from hito.humanitarian.schemas import age_group
from hito.people.models import Person, Sex
from hito.places.models import Sector

CELLS = [
    (sex, age) for sex in ("f", "m") for age in ("children", "adults", "elderly")
]  # the disaggregations of each indicator
COLUMNS = ["country", "sector", *[
    f"{indicator}_{part}"
    for indicator in ("inneed", "reached")
    for part in ("total", *[f"{s}_{a}" for s, a in CELLS])
]]  # fmt: skip
HXL = {"country": "#country+code", "sector": "#loc+code"}
for _indicator in ("inneed", "reached"):
    HXL[f"{_indicator}_total"] = f"#{_indicator}+ind"
    for _sex, _age in CELLS:
        HXL[f"{_indicator}_{_sex}_{_age}"] = f"#{_indicator}+{_sex}+{_age}"
_AGE = {"child": "children", "adult": "adults", "elderly": "elderly"}
_SEX = {Sex.female: "f", Sex.male: "m"}


def aggregates(session: Session) -> list[dict[str, int | str | None]]:
    """The rows, with small cells already suppressed (``None``)."""
    query = (
        select(
            HumanitarianCase.origin_node,
            Sector.code,
            HumanitarianCase.status,
            HumanitarianCase.closure_reason,
            Person.sex,
            Screening.age_years,
        )
        .join(Person, Person.id == HumanitarianCase.person_id)
        .outerjoin(Sector, Sector.id == HumanitarianCase.sector_id)
        .outerjoin(Screening, Screening.id == HumanitarianCase.latest_screening_id)
        .where(HumanitarianCase.vulnerable.is_(True))
    )
    counts: dict[tuple[str, str], Counter[str]] = {}
    for node, sector, status, closure, sex, age in session.execute(query):
        if status is CaseStatus.closed and (closure or "").startswith("merged into"):
            continue  # the person is counted in the case it was merged into
        indicator = "inneed" if status is CaseStatus.open else "reached"
        row = counts.setdefault((node, sector or ""), Counter())
        row[f"{indicator}_total"] += 1
        group = _AGE.get(age_group(age))
        if sex in _SEX and group:
            row[f"{indicator}_{_SEX[sex]}_{group}"] += 1
    return [
        {"country": node, "sector": sector, **_suppressed(row)}
        for (node, sector), row in sorted(counts.items())
    ]


def _suppressed(row: Counter[str]) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for indicator in ("inneed", "reached"):
        total = suppress_total(row[f"{indicator}_total"])
        out[f"{indicator}_total"] = total
        cells = {f"{indicator}_{s}_{a}": row[f"{indicator}_{s}_{a}"] for s, a in CELLS}
        out.update(suppress_cells(total, cells))
    return out


def write(rows: Iterable[dict[str, int | str | None]], out: TextIO, *, fmt: str) -> int:
    """Write the rows as csv or hxl (a row of HXL hashtags under the header); return how many."""
    if fmt not in ("csv", "hxl"):
        raise ValueError(f"unknown format {fmt!r}: csv or hxl")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    if fmt == "hxl":
        writer.writerow(HXL)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count
