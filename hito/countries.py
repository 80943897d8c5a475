"""Countries by ISO 3166-1 alpha-2."""

from __future__ import annotations

from typing import Annotated

import pycountry
from pydantic import AfterValidator


def iso_alpha2(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. VE, CL, PE)")
    return code


CountryCode = Annotated[str, AfterValidator(iso_alpha2)]


def alpha2(alpha3: str) -> str | None:
    """ICAO/ISO alpha-3 (as in a machine-readable zone) → alpha-2; None when unknown."""
    code = alpha3.strip("<").upper()
    if code == "D":  # Germany's code in ICAO 9303
        return "DE"
    country = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    return country.alpha_2 if country else None
