"""Person linkage and deduplication: the only part of Hito that imports Splink."""

from hito.identity.linkage.model import REVIEW_BAND
from hito.identity.linkage.run import Blocking, Outcome, blocking_recall, dedupe, explain, link

__all__ = ["REVIEW_BAND", "Blocking", "Outcome", "blocking_recall", "dedupe", "explain", "link"]
