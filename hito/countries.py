"""Countries by ISO 3166-1 alpha-2."""

from __future__ import annotations

from typing import Annotated

import pycountry
from pydantic import AfterValidator


def _iso_alpha2(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. VE, CL, PE)")
    return code


CountryCode = Annotated[str, AfterValidator(_iso_alpha2)]
