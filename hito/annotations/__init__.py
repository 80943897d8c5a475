"""Local notes on records, received ones included: they stay on the node that wrote them."""

from hito.annotations.models import Annotation
from hito.annotations.schemas import AnnotationCreate, AnnotationPublic
from hito.annotations.service import annotate, annotations_of

__all__ = ["Annotation", "AnnotationCreate", "AnnotationPublic", "annotate", "annotations_of"]
