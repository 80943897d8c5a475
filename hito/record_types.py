"""Every record type the exchange carries, registered once (as ``hito.models`` lists tables).

A capability that adds a shareable record type writes a ``sharing`` module and imports it here.
"""

import hito.crossings.sharing
import hito.events.sharing
import hito.flows.sharing
import hito.humanitarian.sharing
import hito.identity.sharing
import hito.patrols.sharing
import hito.people.sharing
import hito.places.sharing
import hito.rfi.sharing  # noqa: F401

__all__: list[str] = []
