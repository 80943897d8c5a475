"""Document types and their stable codes, relied on by users and scripts."""

from __future__ import annotations

import enum


class DocumentType(enum.StrEnum):
    cl_run = "cl-run"
    pe_dni = "pe-dni"
    pe_ce = "pe-ce"
    ve_cedula = "ve-cedula"
    co_cedula = "co-cedula"
    passport = "passport"
    mrz = "mrz"
    other = "other"
