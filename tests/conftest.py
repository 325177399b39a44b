"""Shared pytest configuration: the Hypothesis profiles.

Pick one with the ``HYPOTHESIS_PROFILE`` environment variable:

- ``ci`` (the default): 50 examples per property, fast enough for every run,
  and derandomized: every run tries the same examples, so CI passes or fails
  on the code, not on the draw;
- ``thorough``: 1000 random examples per property, for a deliberate search::

      HYPOTHESIS_PROFILE=thorough .venv/bin/pytest tests/test_markdown.py
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=50,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
