"""National identity numbers of the people met at this border.

Chile and Peru come from python-stdnum (cl.rut, pe.cui); the Venezuelan and Colombian cédulas and
the Peruvian Carné de Extranjería carry no check digit, so only their shape is checked.
"""

from __future__ import annotations

import re

from stdnum.cl import rut
from stdnum.exceptions import ValidationError
from stdnum.pe import cui


class DocumentInvalid(ValueError):
    """The value is not a valid number of its type; the message says which part and why."""

    def __init__(self, reason: str, *, field: str = "number") -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


_SEPARATORS = re.compile(r"[\s.\-_/]")


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value).upper()


def chile_run(value: str) -> str:
    """RUN/RUT: '12.345.678-5', '12345678-5', '123456785' → '12345678-5' (K upper case)."""
    number = rut.compact(value)
    if not number:
        raise DocumentInvalid("empty RUN")
    if not number[:-1].isdigit() or not re.fullmatch(r"[0-9K]", number[-1]):
        raise DocumentInvalid(
            "a RUN is digits followed by a check digit 0–9 or K, e.g. 12.345.678-5"
        )
    if not 8 <= len(number) <= 9:
        raise DocumentInvalid(
            f"a RUN has 7 or 8 digits before the check digit, got {len(number) - 1}"
        )
    body, found = number[:-1], number[-1]
    expected = rut.calc_check_digit(body)
    if found != expected:
        grouped = f"{int(body):,}".replace(",", ".")
        raise DocumentInvalid(
            f"check digit is {found}, expected {expected} for {grouped}", field="check_digit"
        )
    try:
        rut.validate(number)
    except ValidationError as error:  # pragma: no cover - the checks above cover stdnum's
        raise DocumentInvalid(str(error)) from None
    return f"{body}-{found}"


def peru_dni(value: str) -> str:
    """DNI/CUI: 8 digits, optionally followed by its check character (digit or letter).
    The normalised value is the 8 digits; a given check character must be right."""
    number = cui.compact(value)
    if not number[:8].isdigit() or len(number) < 8:
        raise DocumentInvalid("a DNI has 8 digits, optionally followed by its check character")
    if len(number) > 9:
        raise DocumentInvalid(
            f"a DNI has 8 digits and at most one check character, got {len(number)}"
        )
    if len(number) == 9:
        checks = cui.calc_check_digits(number[:8])  # 'digit letter', e.g. '2G'
        digit, letter = checks[0], checks[1]
        if number[8] not in (digit, letter):
            raise DocumentInvalid(
                f"check character is {number[8]}, expected {digit} or {letter}",
                field="check_digit",
            )
    return number[:8]


def peru_ce(value: str) -> str:
    """Carné de Extranjería: 9 digits; leading zeros an officer left out are put back."""
    number = _compact(value)
    if not number.isdigit():
        raise DocumentInvalid("a Carné de Extranjería number is digits only")
    if not 6 <= len(number) <= 9:
        raise DocumentInvalid(
            f"a Carné de Extranjería number has up to 9 digits, got {len(number)}"
        )
    return number.zfill(9)


def venezuela_cedula(value: str) -> str:
    """Cédula: V (Venezuelan) or E (foreign resident) and up to 9 digits: 'V-12.345.678' →
    'V12345678'. Without a letter, V is assumed."""
    number = _compact(value)
    letter = "V"
    if number[:1] in ("V", "E"):
        letter, number = number[0], number[1:]
    if not number.isdigit():
        raise DocumentInvalid("a cédula is V or E followed by digits, e.g. V-12.345.678")
    if not 5 <= len(number) <= 9 or int(number) == 0:
        raise DocumentInvalid(f"a cédula has 5 to 9 digits, got {len(number)}")
    return f"{letter}{int(number)}"


def colombia_cedula(value: str) -> str:
    """Cédula de ciudadanía: 3 to 10 digits, separators dropped."""
    number = _compact(value)
    if not number.isdigit():
        raise DocumentInvalid("a cédula de ciudadanía is digits only")
    if not 3 <= len(number) <= 10 or int(number) == 0:
        raise DocumentInvalid(f"a cédula de ciudadanía has 3 to 10 digits, got {len(number)}")
    return str(int(number))


def passport_number(value: str) -> str:
    """Passport numbers vary by issuer: letters and digits, 5–20, checked only through the MRZ."""
    number = _compact(value)
    if not re.fullmatch(r"[A-Z0-9]{5,20}", number):
        raise DocumentInvalid("a passport number is 5 to 20 letters and digits")
    return number
