"""ICAO Doc 9303 machine-readable zones: TD1 (3×30), TD2 (2×36) and TD3 (2×44).

Written here rather than taken from PyPI: the `mrz` package has not been released since 2020 and
reports only valid/invalid, while officers need to know which field's check digit failed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any

_WEIGHTS = (7, 3, 1)
_ALLOWED = re.compile(r"^[A-Z0-9<]+$")
_TWO_LINE = {36: "TD2", 44: "TD3"}


class MrzError(ValueError):
    """The text is not a machine-readable zone at all (wrong shape or characters)."""


def check_digit(text: str) -> str:
    """ICAO 9303 part 3 §4.9: weights 7, 3, 1; A–Z count 10–35 and the filler < counts 0."""
    total = 0
    for position, char in enumerate(text):
        if char.isdigit():
            value = int(char)
        elif "A" <= char <= "Z":
            value = ord(char) - 55
        else:
            value = 0
        total += value * _WEIGHTS[position % 3]
    return str(total % 10)


@dataclass(frozen=True)
class Check:
    """One check digit: what the zone says and what its field computes to."""

    field: str
    found: str
    expected: str

    @property
    def ok(self) -> bool:
        return self.found == self.expected


@dataclass
class MrzReading:
    format: str
    document_code: str
    issuing_state: str
    document_number: str
    primary_identifier: str  # surnames
    secondary_identifier: str  # given names
    nationality: str
    birth_date: str | None  # ISO date, century resolved; None when the field is unreadable
    sex: str  # F, M or X (unspecified)
    expiry_date: str | None
    optional_data: list[str]
    checks: list[Check] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems and all(check.ok for check in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["checks"] = [{**asdict(c), "ok": c.ok} for c in self.checks]
        data["valid"] = self.valid
        return data


def split_lines(text: str) -> list[str]:
    """The zone's lines from text as typed or scanned: blank lines and spaces dropped,
    lower case raised; a single run of 88, 72 or 90 characters is cut into its lines."""
    lines = [re.sub(r"\s+", "", line).upper() for line in text.strip().splitlines()]
    lines = [line for line in lines if line]
    if len(lines) == 1:
        run = lines[0]
        for count, width in ((2, 44), (2, 36), (3, 30)):
            if len(run) == count * width:
                return [run[i * width : (i + 1) * width] for i in range(count)]
    return lines


def _shape(lines: list[str]) -> str:
    if len(lines) == 3 and all(len(line) == 30 for line in lines):
        return "TD1"
    if len(lines) == 2 and len(lines[0]) == len(lines[1]) and len(lines[0]) in _TWO_LINE:
        return _TWO_LINE[len(lines[0])]
    widths = " + ".join(str(len(line)) for line in lines) or "nothing"
    raise MrzError(
        f"a machine-readable zone is 3 lines of 30 (TD1), 2 of 36 (TD2) or 2 of 44 (TD3) "
        f"characters; got {len(lines)} line(s): {widths}"
    )


def _names(zone: str) -> tuple[str, str]:
    primary, _, secondary = zone.rstrip("<").partition("<<")
    return (
        re.sub(r"<+", " ", primary).strip(),
        re.sub(r"<+", " ", secondary).strip(),
    )


def _date(text: str, *, kind: str, today: dt.date) -> str | None:
    """YYMMDD → ISO date. Birth dates are never in the future; expiry dates are 20YY."""
    if not text.isdigit():
        return None
    year, month, day = int(text[:2]), int(text[2:4]), int(text[4:])
    if kind == "birth":
        century = 2000 if 2000 + year <= today.year else 1900
    else:
        century = 2000
    try:
        date = dt.date(century + year, month, day)
    except ValueError:
        return None
    if kind == "birth" and date > today:
        date = date.replace(year=date.year - 100)
    return date.isoformat()


def _number(main: str, check: str, overflow: str) -> tuple[str, str, str]:
    """Document number, its check digit and the text it covers, following the long-number
    rule of TD1/TD2 (9303 part 5 §4.2.4): a filler in the check position means the number
    goes on in the optional data, whose last character before the fillers is the check digit."""
    if check == "<" and overflow.strip("<"):
        rest = overflow.split("<", 1)[0]
        covered = main + rest[:-1]
        return covered, rest[-1:], covered
    return main.rstrip("<"), check, main


def parse(text: str, *, today: dt.date | None = None) -> MrzReading:
    """Read a zone; raises MrzError only when it is not shaped like one. Failed check digits
    are reported in the reading (`failed`), never corrected."""
    today = today or dt.date.today()
    lines = split_lines(text)
    kind = _shape(lines)
    for number, line in enumerate(lines, 1):
        if not _ALLOWED.match(line):
            bad = sorted({c for c in line if not re.match(r"[A-Z0-9<]", c)})
            raise MrzError(f"line {number} has characters outside A–Z, 0–9 and <: {''.join(bad)}")
    if kind == "TD1":
        reading = _td1(lines)
    else:
        reading = _td2_td3(lines, kind)
    reading.birth_date = _date(reading.birth_date or "", kind="birth", today=today)
    reading.expiry_date = _date(reading.expiry_date or "", kind="expiry", today=today)
    if reading.birth_date is None:
        reading.problems.append("date of birth is not a valid YYMMDD date")
    if reading.sex not in ("F", "M", "X"):
        reading.problems.append(f"sex is {reading.sex!r}, expected F, M or <")
    return reading


def _td1(lines: list[str]) -> MrzReading:
    one, two, three = lines
    number, number_check, number_text = _number(one[5:14], one[14], one[15:30])
    primary, secondary = _names(three)
    checks = [
        Check("document_number", number_check, check_digit(number_text)),
        Check("birth_date", two[6], check_digit(two[0:6])),
        Check("expiry_date", two[14], check_digit(two[8:14])),
        Check("composite", two[29], check_digit(one[5:30] + two[0:7] + two[8:15] + two[18:29])),
    ]
    return MrzReading(
        format="TD1",
        document_code=one[0:2].rstrip("<"),
        issuing_state=one[2:5].rstrip("<"),
        document_number=number,
        primary_identifier=primary,
        secondary_identifier=secondary,
        nationality=two[15:18].rstrip("<"),
        birth_date=two[0:6],
        sex="X" if two[7] == "<" else two[7],
        expiry_date=two[8:14],
        optional_data=[d for d in (one[15:30].strip("<"), two[18:29].strip("<")) if d],
        checks=checks,
    )


def _td2_td3(lines: list[str], kind: str) -> MrzReading:
    one, two = lines
    end = len(two) - 1  # position of the composite check digit
    if kind == "TD2":
        optional = two[28:35]
        number, number_check, number_text = _number(two[0:9], two[9], optional)
    else:
        optional = two[28:42]
        number, number_check, number_text = two[0:9].rstrip("<"), two[9], two[0:9]
    primary, secondary = _names(one[5:])
    checks = [
        Check("document_number", number_check, check_digit(number_text)),
        Check("birth_date", two[19], check_digit(two[13:19])),
        Check("expiry_date", two[27], check_digit(two[21:27])),
    ]
    if kind == "TD3":
        # An empty personal number may carry < or 0 as its check digit.
        found = two[42]
        expected = check_digit(optional)
        if found == "<" and not optional.strip("<"):
            expected = "<"
        checks.append(Check("personal_number", found, expected))
    checks.append(Check("composite", two[end], check_digit(two[0:10] + two[13:20] + two[21:end])))
    return MrzReading(
        format=kind,
        document_code=one[0:2].rstrip("<"),
        issuing_state=one[2:5].rstrip("<"),
        document_number=number,
        primary_identifier=primary,
        secondary_identifier=secondary,
        nationality=two[10:13].rstrip("<"),
        birth_date=two[13:19],
        sex="X" if two[20] == "<" else two[20],
        expiry_date=two[21:27],
        optional_data=[optional.strip("<")] if optional.strip("<") else [],
        checks=checks,
    )
