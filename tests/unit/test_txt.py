"""TXT splitting for Route53 (RFC 1035 3.3.14, RFC 7208 3.3; terraform-provider-aws issue 14941)."""

from __future__ import annotations

import string

from maildns.records.txt import MAX_STRING, character_strings, split_txt

ALPHABET = string.ascii_letters + string.digits + " =;:+/-._!%"


def test_every_length_round_trips_in_pieces_of_at_most_255_octets():
    """Every length 0..1000: the published strings joined without spaces are the input, each <= 255 octets."""
    for length in range(1001):
        value = "".join(ALPHABET[(i * 7 + length) % len(ALPHABET)] for i in range(length))
        strings = character_strings(split_txt(value))
        assert "".join(strings) == value, length
        assert all(len(s.encode("ascii")) <= MAX_STRING for s in strings), length
        # Only the last piece may be short; a value up to 255 octets stays one string.
        assert len(strings) == max(1, -(-length // MAX_STRING)), length
        assert all(len(s) == MAX_STRING for s in strings[:-1]), length


def test_a_short_value_is_left_as_it_is():
    assert split_txt("v=DMARC1; p=reject") == "v=DMARC1; p=reject"
    assert split_txt("x" * 256) == "x" * 255 + '""' + "x"
