"""Clinical knowledge as versioned, sourced data: drugs, classes, lab tests, and the rules
the engines read. Loaded and checked once by `load_knowledge()`."""

from nextline.knowledge.base import KB_VERSION, Knowledge, load_knowledge, name_key
from nextline.knowledge.schema import Drug, DrugClass, LabTest, Source, SourceRef

__all__ = [
    "KB_VERSION",
    "Drug",
    "DrugClass",
    "Knowledge",
    "LabTest",
    "Source",
    "SourceRef",
    "load_knowledge",
    "name_key",
]
