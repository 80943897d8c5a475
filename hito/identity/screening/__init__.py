"""Alert screening: is there an alert on this person or this document?"""

from hito.identity.screening.index import AlertIndex, Candidate, Preparer
from hito.identity.screening.scoring import DEFAULT_THRESHOLD

__all__ = ["DEFAULT_THRESHOLD", "AlertIndex", "Candidate", "Preparer"]
