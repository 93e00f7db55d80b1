"""Article revisions: a new text of an article brought in, what changed, and every claim
found again in it or flagged for a reviewer.

News articles are edited after publication. A reviewer pastes the new text, or the desk
fetches the article's URL again (through the same fetch, extraction and preview as an
import); the desk keeps every version (ArticleVersion) and re-anchors each claim by its
TextQuoteSelector (claims.anchoring.find_anchor). A claim whose exact words are not found
exactly once, with their context deciding between repeats, is never moved onto other
words: it is marked orphaned, keeps the quote and span of the version it was last found
in, and waits for a reviewer.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from claims.anchoring import find_anchor, text_hash
from claims.importing import ArticleRejected, article_text
from claims.models import ArchivedPage, Article, ArticleVersion, Claim


class RevisionRefused(ValueError):
    """The new text cannot be taken; the message says why, in plain words."""


class Outcome(models.TextChoices):
    UNCHANGED = "unchanged", "Unchanged"
    MOVED = "moved", "Moved"
    FOUND_AGAIN = "found_again", "Found again"
    EDITED = "edited", "Words changed"
    DELETED = "deleted", "Words removed"
    AMBIGUOUS = "ambiguous", "Words found more than once"
    NOT_FOUND = "not_found", "Still not found"
    KEPT = "kept", "Kept on its version"  # a reviewer left it on the version it was found in


# Outcomes that leave the claim orphaned, for a reviewer to look at.
FLAGGED = frozenset({Outcome.EDITED, Outcome.DELETED, Outcome.AMBIGUOUS, Outcome.NOT_FOUND})

# Paragraph pairs longer than this are shown whole, not word by word: difflib's matching
# grows with the product of the two lengths.
WORD_DIFF_MAX_CHARS = 20_000
PARAGRAPH_SIMILARITY = 0.5
MAX_PAIRINGS = 400  # paragraphs replaced x paragraphs replacing them


REANCHORED_FIELDS = [
    *("start", "end", "quote", "prefix", "suffix", "anchor_hash", "is_orphaned", "kept_on_version"),
    *("version", "updated_at"),
]


@dataclass(frozen=True)
class ClaimOutcome:
    claim: Claim
    outcome: Outcome
    place: tuple[int, int] | None  # the new span; None when flagged

    @property
    def is_flagged(self) -> bool:
        return self.outcome in FLAGGED


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """The [start, end) span of every non-empty line of text."""
    return [match.span() for match in re.finditer(r"[^\n]+", text)]


def reanchored(old_body: str, new_body: str, claims: list[Claim]) -> list[ClaimOutcome]:
    """Where each claim is in new_body, or why it is flagged; writes nothing.

    A claim counted in old_body is hinted at its old offset; one already orphaned (its span
    counted in an older version) is looked for by its quote and context alone. Two claims
    found on the same span are both flagged: which one it is is a reviewer's call.
    """
    old_hash, new_hash = text_hash(old_body), text_hash(new_body)
    paragraphs = _paragraphs(old_body)
    before = [old_body[a:b] for a, b in paragraphs]
    after = [new_body[a:b] for a, b in _paragraphs(new_body)]
    opcodes = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    removed = _removed_paragraphs(before, after, opcodes)

    outcomes = []
    for claim in claims:
        in_old = not claim.is_orphaned and claim.anchor_hash == old_hash
        # An orphan's span counts in the version it was last found in: a hint only if the
        # new text is that version again.
        hinted = in_old or claim.anchor_hash == new_hash
        place = find_anchor(new_body, claim.selector, hint=claim.start if hinted else None)
        if place is not None:
            if not in_old:
                outcome = Outcome.FOUND_AGAIN
            elif place == (claim.start, claim.end):
                outcome = Outcome.UNCHANGED
            else:
                outcome = Outcome.MOVED
        elif not in_old:
            outcome = Outcome.KEPT if claim.kept_on_version else Outcome.NOT_FOUND
        elif new_body.count(claim.quote) > 1:
            outcome = Outcome.AMBIGUOUS
        else:
            covering = [
                i for i, (a, b) in enumerate(paragraphs) if a < claim.end and claim.start < b
            ]
            whole_gone = bool(covering) and all(i in removed for i in covering)
            outcome = Outcome.DELETED if whole_gone else Outcome.EDITED
        outcomes.append(ClaimOutcome(claim, outcome, place))

    taken: dict[tuple[int, int], int] = {}
    for outcome in outcomes:
        if outcome.place is not None:
            taken[outcome.place] = taken.get(outcome.place, 0) + 1
    return [
        ClaimOutcome(o.claim, Outcome.AMBIGUOUS, None)
        if o.place is not None and taken[o.place] > 1
        else o
        for o in outcomes
    ]


def _removed_paragraphs(before: list[str], after: list[str], opcodes) -> set[int]:
    """The old paragraphs the diff does not keep and no new paragraph resembles, wherever
    it stands: a paragraph edited while another moved past it is edited, not removed, and
    one whose place another paragraph took is removed. Past MAX_PAIRINGS pairs, only the
    paragraphs the diff deletes outright count as removed."""
    gone = [i for tag, i1, i2, _, _ in opcodes if tag != "equal" for i in range(i1, i2)]
    added = [after[j] for tag, _, _, j1, j2 in opcodes if tag != "equal" for j in range(j1, j2)]
    if len(gone) * len(added) > MAX_PAIRINGS:
        return {i for tag, i1, i2, _, _ in opcodes if tag == "delete" for i in range(i1, i2)}
    return {i for i in gone if not any(_similar(before[i], new) for new in added)}


@transaction.atomic
def revise_article(
    article: Article,
    *,
    body: str | bytes,
    by=None,
    archived_page: ArchivedPage | None = None,
    refetched: bool = False,
) -> tuple[ArticleVersion, list[ClaimOutcome]]:
    """Make body the article's new version, re-anchoring or flagging every claim.

    `refetched`: the desk's scheduled check of the article's page brought it in (by=None).
    RevisionRefused (and nothing written) when the text is not a valid article text, is
    the current one already, or is another article's.
    """
    try:
        text = article_text(body)
    except ArticleRejected as error:
        raise RevisionRefused(str(error)) from error
    article = Article.objects.select_for_update().get(pk=article.pk)
    new_hash = text_hash(text)
    if new_hash == article.body_hash:
        raise RevisionRefused("This is the article's current text: nothing changed.")
    other = Article.objects.filter(body_hash=new_hash).exclude(pk=article.pk).first()
    if other is not None:
        raise RevisionRefused(f"This text is already another article: “{other.title}”.")

    claims = list(article.claims.select_for_update().order_by("pk"))
    outcomes = reanchored(article.body, text, claims)
    now = timezone.now()
    for outcome in outcomes:
        claim = outcome.claim
        if outcome.place is not None:
            claim.anchor_to(text, *outcome.place, body_hash=new_hash)
        else:
            claim.is_orphaned = True  # keeps the span and hash of the version it was found in
        claim.version += 1
        claim.updated_at = now
    latest = article.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = ArticleVersion.objects.create(
        article=article,
        number=latest + 1,
        body=text,
        body_hash=new_hash,
        archived_page=archived_page,
        claim_outcomes=[
            {"claim": o.claim.pk, "outcome": o.outcome.value, "quote": o.claim.quote[:300]}
            for o in outcomes
        ],
        created_by=by,
        created_at=now,
        refetched=refetched,
    )
    reason = f"Article version {version.number}"
    if refetched:
        reason += ", re-fetched from its page"
    if claims:
        bulk_update_with_history(
            claims,
            Claim,
            REANCHORED_FIELDS,
            batch_size=500,
            default_user=by,
            default_change_reason=reason,
            default_date=now,
        )
    # The article's own save() refuses a new body under claims: this is the one place
    # that changes it, with its claims re-anchored above.
    changes = {"body": text, "body_hash": new_hash, "updated_at": now}
    if archived_page is not None:
        changes["archived_page"] = archived_page
    Article.objects.filter(pk=article.pk).update(**changes)
    return version, outcomes


# What changed, for people ---------------------------------------------------------------


@dataclass
class Change:
    """A run of paragraphs: kept ("same", counted only), "added", "removed" or "changed"
    (then `words` holds the word-by-word diff: (kind, text) with kind same/added/removed)."""

    kind: str
    old: str = ""
    new: str = ""
    count: int = 0
    words: list[tuple[str, str]] = field(default_factory=list)


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    if len(old) + len(new) > WORD_DIFF_MAX_CHARS:
        return [("removed", old), ("added", new)]
    before, after = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    words = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            words.append(("same", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            words.append(("removed", "".join(before[i1:i2])))
        if j2 > j1:
            words.append(("added", "".join(after[j1:j2])))
    return words


def _similar(old: str, new: str) -> bool:
    """Two paragraphs are one edited paragraph when most of their words are shared."""
    matcher = difflib.SequenceMatcher(None, old.split(), new.split(), autojunk=False)
    return matcher.quick_ratio() >= PARAGRAPH_SIMILARITY and matcher.ratio() >= PARAGRAPH_SIMILARITY


def _paired(before: list[str], after: list[str]) -> list[Change]:
    """Replaced paragraphs, in order: a similar pair is one changed paragraph, any other
    paragraph is removed or added. A large rewrite is shown as removed, then added."""
    if len(before) * len(after) > MAX_PAIRINGS:
        return [Change("removed", old=p) for p in before] + [Change("added", new=p) for p in after]
    changes, i, j = [], 0, 0
    while i < len(before) and j < len(after):
        if _similar(before[i], after[j]):
            changes.append(
                Change("changed", before[i], after[j], words=_word_diff(before[i], after[j]))
            )
            i, j = i + 1, j + 1
        elif any(_similar(before[i], later) for later in after[j + 1 :]):
            changes.append(Change("added", new=after[j]))
            j += 1
        else:
            changes.append(Change("removed", old=before[i]))
            i += 1
    changes.extend(Change("removed", old=p) for p in before[i:])
    changes.extend(Change("added", new=p) for p in after[j:])
    return changes


def text_changes(old: str, new: str) -> list[Change]:
    """What changed between two texts, paragraph by paragraph, word by word inside a
    changed paragraph; unchanged paragraphs are only counted."""
    before = [old[a:b] for a, b in _paragraphs(old)]
    after = [new[a:b] for a, b in _paragraphs(new)]
    changes = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes.append(Change("same", count=i2 - i1))
        elif tag == "delete":
            changes.extend(Change("removed", old=text) for text in before[i1:i2])
        elif tag == "insert":
            changes.extend(Change("added", new=text) for text in after[j1:j2])
        else:
            changes.extend(_paired(before[i1:i2], after[j1:j2]))
    return changes
