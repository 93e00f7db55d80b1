import pytest

from claims.sources.pagemeta import content_hash, excerpt_found, normalise_for_matching


def test_content_hash_is_sha256_hex():
    """The hash is the SHA-256 hex digest of the text's UTF-8 bytes."""
    assert content_hash("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert content_hash("abc") != content_hash("abd")


def test_normalise_for_matching():
    """Quotes, dashes, invisible characters, case and whitespace are unified."""
    raw = "  “Hello”—it’s\u00a0a\u00adlot \u200bof\tWORDS – ok  "
    assert normalise_for_matching(raw) == '"hello"-it\'s alot of words - ok'


@pytest.mark.parametrize(
    "excerpt",
    [
        '"about one million artillery rounds"',
        "ABOUT ONE MILLION",
        "about   one\nmillion",
        "about\u00a0one million",
        "North Korea’s",
        "North Korea's",
        "sent to Russia — officials",
    ],
)
def test_excerpt_found_tolerates_typography(excerpt):
    """An excerpt matches despite curly or straight quotes, case, spacing and nbsp."""
    page_text = (
        "North Korea’s shipments: “about one million artillery rounds” "
        "sent to Russia – officials said."
    )
    assert excerpt_found(excerpt, page_text)


@pytest.mark.parametrize("excerpt", ["", "   ", "two million artillery rounds"])
def test_excerpt_not_found(excerpt):
    """An empty excerpt or different words are not found."""
    assert not excerpt_found(excerpt, "about one million artillery rounds")
