"""The fixed vocabularies of the domain (PRODUCT.md's words): statuses, kinds, stances.

A module of their own so that the row-set rules (claims.querysets) can use them without
importing the models, which import the row-set rules."""

from django.db import models


class Reliability(models.TextChoices):
    UNRATED = "unrated", "Not yet rated"
    RELIABLE = "reliable", "Generally reliable"
    MIXED = "mixed", "Mixed: use with care"
    UNRELIABLE = "unreliable", "Generally unreliable"
    DEPRECATED = "deprecated", "Deprecated"


class SourceKind(models.TextChoices):
    PRIMARY = "primary", "Primary document"
    OFFICIAL = "official", "Official statement"
    NEWS = "news", "News report"
    DATASET = "dataset", "Dataset"
    EXPERT = "expert", "Expert"
    OTHER = "other", "Other"


class FetchStatus(models.TextChoices):
    NOT_FETCHED = "not_fetched", "Not fetched"
    PENDING = "pending", "Fetching…"
    FETCHED = "fetched", "Fetched"
    FAILED = "failed", "Fetch failed"


class ClaimKind(models.TextChoices):
    STATISTIC = "statistic", "Statistic"
    EVENT = "event", "Event"
    QUOTE = "quote", "Quote"
    LEGAL = "legal", "Legal or official"
    PREDICTION = "prediction", "Prediction"
    OTHER = "other", "Other"


class ClaimOrigin(models.TextChoices):
    DETECTED = "detected", "Detected"
    MANUAL = "manual", "Added by hand"


class ClaimStatus(models.TextChoices):
    DETECTED = "detected", "Detected"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"
    RESEARCHING = "researching", "Researching"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    REFUTES = "refutes", "Refutes"
    CONTEXT = "context", "Adds context"


class ExcerptCheck(models.TextChoices):
    UNCHECKED = "unchecked", "Not checked"
    FOUND = "found", "Excerpt found in source"
    NOT_FOUND = "not_found", "Excerpt not found"


class VerdictState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned"


class ImportState(models.TextChoices):
    """Where an admin's CSV import of the library stands (LibraryImport)."""

    PREVIEWED = "previewed", "Previewed, waiting for the admin to confirm"
    QUEUED = "queued", "Confirmed, waiting for the worker or importing"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Failed: nothing was written"
