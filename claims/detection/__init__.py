"""Claim detection: an article's text -> proposed claims, each with its claimant, kind,
explainable check-worthiness score and a short statement a reviewer can edit.

Pure functions over a str, standard library only: no Django (detection worker processes
import this package), no model, no network. The result is deterministic and every offset
is a Python str index (a Unicode code point) into the text given, end exclusive.

The pipeline, per sentence, a module each:

1. `sentences` splits the text, minding abbreviations, decimals, initials, ellipses,
   closing quotes and paragraph breaks.
2. `claimants` finds the sentence's asserted clause and its claimant with it: a direct
   quote and its speaker ("“...,” Blinken said"), reported speech ("Washington and Seoul
   denounced that ..."), "according to X", or else the sentence itself (claimant "": the
   article).
3. `clauses` splits the clause where it asserts a second checkable thing (", under an
   agreement that ...", ", after ...", "; ...").
4. `signals` finds each part's explainable signals (numbers, names, attribution, legal
   words, time, its length; minus opinion, hedges, calls to action, greetings, questions,
   a sentence ending its paragraph without a full stop, "I", "we", "you") and combines
   their weights by a logistic function into its score; `statements` restates the part
   as a short editable statement; `claims` assembles the sentence's proposed claims.

`reading.proposed_claims(text)` reads a whole text, and `reading` reads a long one in parts
with exactly the result of one reading; `pool` sends the parts to worker processes for the
importer (`detected_batches`). `evaluation` measures the detector on labelled sentences
and `training` learns the weights (`weights.json`, read by `signals`) from their
development documents: nothing here imports either, nor does anything the web app.

Everything runs in time linear in the text: precompiled regular expressions without
nested unbounded repetition, bounded look-back windows, and one scan of the whole text for
the signal words (trie-shaped expressions), looked up per claim by offset.
"""

from claims.detection.claims import ACCEPT_THRESHOLD, ProposedClaim
from claims.detection.pool import detected_batches, detected_claims
from claims.detection.reading import proposed_claims
from claims.detection.signals import KINDS, Signal

__all__ = [
    "ACCEPT_THRESHOLD",
    "KINDS",
    "ProposedClaim",
    "Signal",
    "detected_batches",
    "detected_claims",
    "proposed_claims",
]
