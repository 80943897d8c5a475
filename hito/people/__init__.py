"""Person encounters, their identity documents, and family or travel groups."""

from hito.people.models import (
    DatePrecision,
    DocumentType,
    GroupKind,
    IdentityDocument,
    Person,
    PersonGroup,
    Relationship,
    Sex,
    Vulnerability,
)
from hito.people.schemas import (
    DocumentIn,
    GroupCreate,
    GroupPublic,
    PersonCreate,
    PersonFilters,
    PersonPage,
    PersonPublic,
    Protection,
)
from hito.people.service import (
    create_group,
    create_person,
    create_persons,
    get_group,
    get_person,
    list_persons,
    person_standard,
)

__all__ = [
    "DatePrecision",
    "DocumentIn",
    "DocumentType",
    "GroupCreate",
    "GroupKind",
    "GroupPublic",
    "IdentityDocument",
    "Person",
    "PersonCreate",
    "PersonFilters",
    "PersonGroup",
    "PersonPage",
    "PersonPublic",
    "Protection",
    "Relationship",
    "Sex",
    "Vulnerability",
    "create_group",
    "create_person",
    "create_persons",
    "get_group",
    "get_person",
    "list_persons",
    "person_standard",
]
