"""Round trips on generated articles: JSON out and back in loses nothing."""

from __future__ import annotations

import json

from hypothesis import given, settings
from jsonschema import Draft202012Validator

import messenger_content as mc
from tests.strategies import articles

VALIDATOR = Draft202012Validator(mc.json_schema())


@settings(max_examples=300)
@given(articles())
def test_loads_dumps_round_trip(article: mc.Article) -> None:
    """loads(dumps(a)) == a for generated articles covering every block and inline type."""
    text = mc.dumps(article)
    assert mc.loads(text) == article
    assert mc.dumps(mc.loads(text)) == text


@given(articles())
def test_dumps_output_validates_against_the_schema(article: mc.Article) -> None:
    """What dumps() writes is valid against the shipped JSON Schema."""
    errors = [
        f"{e.json_path}: {e.message}" for e in VALIDATOR.iter_errors(json.loads(mc.dumps(article)))
    ]
    assert errors == []


@given(articles())
def test_generated_articles_cover_the_format(article: mc.Article) -> None:
    """The strategy makes articles the loader accepts when written by hand (no model shortcuts)."""
    document = json.loads(mc.dumps(article))
    del document["type"]
    assert mc.loads(json.dumps(document, ensure_ascii=True)) == article
