"""Spec-driven persisted resources for the Platform namespaces without hand-written
behaviour (moto's and LocalStack's generic providers are the model).

``spec.py`` reads ``spec/platform.json``; ``planner.py`` groups its operations into
collections, items and singletons (``paths.py``) and says what each does (``plan.py``);
``resources.py`` carries that out on one table (``store.py``); ``schemas.py`` checks
request bodies and builds answers that satisfy the response schemas. ``notices.py`` is
the one behaviour on top: a notification when a service execution ends.
"""

from .notices import NOTIFICATIONS, NotifyingRunner
from .plan import Kind, Plan
from .planner import plan_operations
from .records import (
    FILE_KEY,
    Answer,
    Blob,
    Count,
    Defaults,
    Document,
    Fields,
    GenericRequest,
    Many,
    NotEmulated,
    Nothing,
    One,
    UploadedFile,
)
from .resources import GenericResources
from .schemas import MISSING, Schemas
from .spec import Operation, load_spec, platform_operations
from .store import GenericStore

__all__ = [
    "FILE_KEY",
    "MISSING",
    "NOTIFICATIONS",
    "Answer",
    "Blob",
    "Count",
    "Defaults",
    "Document",
    "Fields",
    "GenericRequest",
    "GenericResources",
    "GenericStore",
    "Kind",
    "Many",
    "NotEmulated",
    "Nothing",
    "NotifyingRunner",
    "One",
    "Operation",
    "Plan",
    "Schemas",
    "UploadedFile",
    "load_spec",
    "plan_operations",
    "platform_operations",
]
