"""Document checks: national numbers and ICAO 9303 machine-readable zones."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from hito.identity.documents import check_document, mrz

# The specimens printed in ICAO Doc 9303 (parts 4, 5 and 6).
TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
TD2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6"
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
)


@pytest.mark.parametrize(
    ("doc_type", "value", "normalized"),
    [
        ("cl-run", "12.345.678-5", "12345678-5"),
        ("cl-run", "12345678-5", "12345678-5"),
        ("cl-run", "123456785", "12345678-5"),
        ("cl-run", " 7.654.321-6 ", "7654321-6"),
        ("cl-run", "10.000.013-k", "10000013-K"),
        ("pe-dni", "10117410", "10117410"),
        ("pe-dni", "10117410-2", "10117410"),
        ("pe-dni", "10117410G", "10117410"),
        ("pe-ce", "001234567", "001234567"),
        ("pe-ce", "1234567", "001234567"),
        ("ve-cedula", "V-12.345.678", "V12345678"),
        ("ve-cedula", "e-84.123.456", "E84123456"),
        ("ve-cedula", "12345678", "V12345678"),
        ("co-cedula", "1.020.304.050", "1020304050"),
        ("passport", "ab 123456", "AB123456"),
        ("other", "  carnet 77 ", "carnet 77"),
    ],
)
def test_valid_numbers_are_normalised(doc_type: str, value: str, normalized: str) -> None:
    check = check_document(doc_type, value)
    assert check.valid, check.reason
    assert check.normalized == normalized


@pytest.mark.parametrize(
    ("doc_type", "value", "field", "reason"),
    [
        ("cl-run", "12.345.678-4", "check_digit", "check digit is 4, expected 5"),
        ("cl-run", "10.000.013-1", "check_digit", "expected K"),
        ("cl-run", "1-9", "number", "7 or 8 digits"),
        ("cl-run", "12.345.67A-5", "number", "digits followed by a check digit"),
        ("cl-run", "", "number", "empty"),
        ("pe-dni", "10117410-3", "check_digit", "check character is 3, expected 2 or G"),
        ("pe-dni", "1011741", "number", "8 digits"),
        ("pe-dni", "1011741023", "number", "at most one check character"),
        ("pe-ce", "12A45678", "number", "digits only"),
        ("ve-cedula", "X-1234567", "number", "V or E"),
        ("ve-cedula", "V-123", "number", "5 to 9 digits"),
        ("co-cedula", "12", "number", "3 to 10 digits"),
        ("passport", "'; DROP TABLE person;--", "number", "letters and digits"),
    ],
)
def test_invalid_numbers_say_which_part_and_why(
    doc_type: str, value: str, field: str, reason: str
) -> None:
    check = check_document(doc_type, value)
    assert not check.valid
    assert check.normalized is None
    assert check.field == field
    assert reason in (check.reason or "")


@pytest.mark.parametrize(("zone", "kind"), [(TD3, "TD3"), (TD2, "TD2"), (TD1, "TD1")])
def test_icao_specimens_read_with_every_check(zone: str, kind: str) -> None:
    reading = mrz.parse(zone)
    assert reading.valid
    assert reading.format == kind
    assert reading.primary_identifier == "ERIKSSON"
    assert reading.secondary_identifier == "ANNA MARIA"
    assert reading.birth_date == "1974-08-12"
    assert reading.expiry_date == "2012-04-15"
    assert reading.sex == "F"
    assert reading.issuing_state == "UTO"
    fields = {check.field for check in reading.checks}
    assert {"document_number", "birth_date", "expiry_date", "composite"} <= fields
    assert all(check.ok for check in reading.checks)


@pytest.mark.parametrize(
    ("line", "position", "field"),
    [(1, 9, "document_number"), (1, 19, "birth_date"), (1, 27, "expiry_date"),
     (1, 42, "personal_number"), (1, 43, "composite")],
)  # fmt: skip
def test_each_td3_check_digit_failure_is_named(line: int, position: int, field: str) -> None:
    lines = TD3.splitlines()
    digit = lines[line][position]
    lines[line] = lines[line][:position] + str((int(digit) + 1) % 10) + lines[line][position + 1 :]
    reading = mrz.parse("\n".join(lines))
    assert not reading.valid
    # the composite covers the other check digits too
    expected = [field] if field == "composite" else [field, "composite"]
    assert [check.field for check in reading.failed] == expected
    check = check_document("mrz", "\n".join(lines))
    assert check.field == field and f"{field.replace('_', ' ')} check digit" in (check.reason or "")


def test_a_changed_data_digit_fails_its_check_and_the_composite() -> None:
    changed = TD3.replace("7408122", "7409122")
    assert [c.field for c in mrz.parse(changed).failed] == ["birth_date", "composite"]


def test_century_of_birth_dates_is_resolved_against_today() -> None:
    today = dt.date(2026, 11, 28)
    young = TD3.replace("7408122F", "1008125F")
    assert mrz._date("100812", kind="birth", today=today) == "2010-08-12"
    assert mrz._date("300812", kind="birth", today=today) == "1930-08-12"
    assert mrz._date("261231", kind="birth", today=today) == "1926-12-31"  # not in the future
    assert mrz._date("300812", kind="expiry", today=today) == "2030-08-12"
    assert mrz.parse(young, today=today).birth_date == "2010-08-12"


def test_td1_long_document_number_continues_in_optional_data() -> None:
    number = "D23145890123"
    body = number[:9]
    rest = number[9:] + mrz.check_digit(number)
    line1 = f"I<UTO{body}<{rest}".ljust(30, "<")
    line2 = "7408122F1204159UTO<<<<<<<<<<<"
    composite = mrz.check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    zone = f"{line1}\n{line2}{composite}\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
    reading = mrz.parse(zone)
    assert reading.valid, reading.failed
    assert reading.document_number == number


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "got 0 line"),
        ("P<UTO\nL898", "got 2 line(s): 5 + 4"),
        (TD3.replace("ERIKSSON", "ERIKSSÖN"), "characters outside"),
    ],
)
def test_text_that_is_not_a_zone_is_refused_with_its_shape(text: str, message: str) -> None:
    with pytest.raises(mrz.MrzError) as raised:
        mrz.parse(text)
    assert message in str(raised.value)


def test_zone_typed_in_lower_case_on_one_line_is_read() -> None:
    assert mrz.parse(TD3.replace("\n", "").lower()).valid


HITO = [sys.executable, "-c", "from hito.cli import app; app()"]


def _hito(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HITO, "identity", *args], input=stdin, capture_output=True, text=True, check=False
    )


def test_cli_check_doc_exit_codes() -> None:
    done = _hito("check-doc", "cl-run", "12.345.678-5")
    assert (done.returncode, done.stdout.strip()) == (0, "12345678-5")
    done = _hito("check-doc", "cl-run", "12.345.678-4")
    assert done.returncode == 1
    assert "check digit is 4, expected 5" in done.stderr
    done = _hito("check-doc", "xx-card", "1")
    assert done.returncode == 2 and "unknown document type" in done.stderr


def test_cli_parse_mrz_prints_what_was_read_even_when_a_check_fails() -> None:
    done = _hito("parse-mrz", stdin=TD3 + "\n")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["document_number"] == "L898902C3"
    broken = TD3[:-1] + "1"
    done = _hito("parse-mrz", stdin=broken)
    assert done.returncode == 1
    reading = json.loads(done.stdout)
    assert reading["valid"] is False and reading["secondary_identifier"] == "ANNA MARIA"
    assert "composite check digit is 1, expected 0" in done.stderr
    done = _hito("parse-mrz", stdin="not a zone")
    assert done.returncode == 1 and "3 lines of 30" in done.stderr
