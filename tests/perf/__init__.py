"""The benchmark (`python -m tests.perf`): a whole city's deployment on SQLite and PostgreSQL,
the real bot in its own process against the sandbox Bot API, and the naive design beside it.

Not a timed unit test: `tests/perf/test_perf_smoke.py` runs it at a tiny scale so it cannot rot.
"""
