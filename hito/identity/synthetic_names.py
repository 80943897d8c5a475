"""Name frequencies for the `realistic` profile of the synthetic registries.

The heads of the distributions are published statistics, as packaged (with their weights) by
Faker, a library made for generating fake people:

- Chile: the 500 commonest given names per sex and surnames of the Servicio de Registro Civil
  e Identificación (answer to transparency request AK002T0020771), Faker's `es_CL`;
- Colombia: the 300 commonest given names per sex and surnames of the "Ciudadanía Digital"
  open dataset (datos.gov.co, g4cd-bvpd), Faker's `es_CO`, also used for Venezuela, whose
  registry publishes none and whose names are closest to Colombia's;
- Peru: the Andean surnames already in `synthetic.py` (Quispe, Mamani, Huamán…), beside the
  Hispanic ones;
- Haiti: the names already in `synthetic.py`.

Faker keeps each head's weights relative to the head alone (they sum to 1), so the share of
people the head covers is our estimate, not a published figure: `COVERAGE`, 75% for the 500
Chilean surnames, 65% for the 300 Colombian ones, 85–90% for given names (González then comes
to 2.0% of Chileans). What the head leaves is spread over a long tail with Zipf weights
continuing from the head's last: every other Spanish
surname and given name Faker knows (`es_ES`, `es_MX`, `es_AR`), plus Italian and Portuguese
surnames in Venezuela and French ones in Haiti, the migrations those countries received. That
gives thousands of surnames, with namesakes as rare as real registries make them.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from functools import cache

import numpy as np

Pool = tuple[list[str], np.ndarray]


def _provider(locale: str) -> object:
    try:
        module = importlib.import_module(f"faker.providers.person.{locale}")
    except ImportError as error:  # pragma: no cover - faker is a dev dependency
        raise RuntimeError("the realistic profile needs Faker: pip install -e '.[dev]'") from error
    return module.Provider


def _names(locale: str, attribute: str) -> list[str]:
    return list(getattr(_provider(locale), attribute))


def _weighted(locale: str, attribute: str) -> Mapping[str, float]:
    """A published head: name → weight."""
    return dict(getattr(_provider(locale), attribute))


# Share of people the published heads cover (an estimate, see above).
COVERAGE = {"surnames_cl": 0.75, "surnames_co": 0.65, "given": 0.88}


def _tail(
    head: Mapping[str, float], others: Iterable[str], coverage: float = 1.0, exponent: float = 0.8
) -> Pool:
    """The head's names holding `coverage` of people in their published proportions, then
    `others` (not in the head) sharing the rest with Zipf weights that start where the head
    ends."""
    names = [n for n in head if " " not in n.strip()]
    total = sum(float(head[n]) for n in names) or 1.0
    weights = [float(head[n]) / total * coverage for n in names]
    seen = {n.lower() for n in names}
    tail = []
    for name in others:
        clean = name.strip()
        if clean and " " not in clean and clean.lower() not in seen:
            seen.add(clean.lower())
            tail.append(clean)
    left = max(0.0, 1.0 - sum(weights))
    if tail and left > 0:
        ranks = np.arange(len(names) + 1, len(names) + len(tail) + 1, dtype=float)
        zipf = ranks**-exponent
        weights += list(zipf / zipf.sum() * left)
        names += tail
    p = np.asarray(weights)
    return names, p / p.sum()


def _mix(*parts: tuple[Pool, float]) -> Pool:
    """Mixture of pools: each pool's probabilities scaled by its share."""
    total: dict[str, float] = {}
    for (names, p), share in parts:
        for name, value in zip(names, p, strict=True):
            total[name] = total.get(name, 0.0) + float(value) * share
    names = list(total)
    values = np.asarray([total[n] for n in names])
    return names, values / values.sum()


def _zipf(names: list[str], exponent: float = 0.9) -> Pool:
    ranks = np.arange(2, len(names) + 2, dtype=float) ** -exponent
    return list(names), ranks / ranks.sum()


@cache
def pools(
    hispanic_given: tuple[tuple[str, tuple[str, ...]], ...],
    andean: tuple[str, ...],
    haitian_given: tuple[tuple[str, tuple[str, ...]], ...],
    haitian_surnames: tuple[str, ...],
) -> tuple[dict[tuple[str, str], Pool], dict[str, Pool]]:
    """(given names by (group, sex), surnames by nationality) for the realistic profile; the
    arguments are synthetic.py's own lists for what no published table covers."""
    spanish = [*_names("es_ES", "last_names"), *_names("es_MX", "last_names"),
               *_names("es_AR", "last_names")]  # fmt: skip
    chile = _tail(
        _weighted("es_CL", "last_names"),
        [*_names("es_CO", "last_names"), *spanish],
        COVERAGE["surnames_cl"],
    )
    colombia = _tail(
        _weighted("es_CO", "last_names"),
        [*_names("es_CL", "last_names"), *spanish],
        COVERAGE["surnames_co"],
    )
    immigrants = [*_names("it_IT", "last_names"), *_names("pt_PT", "last_names")]
    venezuela = _tail(
        _weighted("es_CO", "last_names"),
        [*_names("es_CL", "last_names"), *spanish, *immigrants, *_names("pt_BR", "last_names")],
        COVERAGE["surnames_co"],
    )
    peru = _mix((_zipf(list(andean)), 0.35), (chile, 0.35), (colombia, 0.30))
    haiti = _mix(
        (_zipf(list(haitian_surnames)), 0.6), (_tail({}, _names("fr_FR", "last_names")), 0.4)
    )
    surnames = {"CL": chile, "CO": colombia, "VE": venezuela, "PE": peru, "HT": haiti}

    given: dict[tuple[str, str], Pool] = {}
    own = dict(hispanic_given)
    for sex, suffix in (("F", "female"), ("M", "male")):
        spanish_given = [*_names("es_ES", f"first_names_{suffix}"),
                         *_names("es_MX", f"first_names_{suffix}"), *own[sex]]  # fmt: skip
        chilean = _tail(
            _weighted("es_CL", f"first_names_{suffix}"), spanish_given, COVERAGE["given"]
        )
        colombian = _tail(
            _weighted("es_CO", f"first_names_{suffix}"), spanish_given, COVERAGE["given"]
        )
        given[("HISP", sex)] = _mix((chilean, 0.4), (colombian, 0.6))
        haitian = dict(haitian_given)[sex]
        given[("HT", sex)] = _mix(
            (_zipf(list(haitian)), 0.7),
            (_tail({}, _names("fr_FR", f"first_names_{suffix}")), 0.3),
        )
    return given, surnames
