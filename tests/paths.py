"""Where the suite's data lives, for tests in any sub-folder of tests/."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
GOLD = TESTS / "gold"
CORPUS = TESTS / "corpus"
# the seed documents, in the shared folder beside the checkout (../shared/seeds)
SEEDS = ROOT.parent / "shared" / "seeds"
