"""Markers the suite sets itself, so `-m` selects tests without a decorator in every file.

- By folder: tests/unit → unit, tests/importer → importer, tests/property → property,
  tests/db → db, tests/cli → cli, tests/sandbox → sandbox, tests/end_to_end → e2e,
  tests/browser → browser and e2e, tests/perf → perf, tests/project → project,
  tests/conformance → conformance.
- postgres: the test runs on the machine's PostgreSQL (the `db_url` fixture's "postgresql"
  parameter, or the `pg_url` fixture).
- slow: the test took `SLOW_SECONDS` or more (setup + call + teardown) in the run recorded in
  tests/durations.json; `pytest --store-durations` rewrites that file from the run it makes.
  A test the file does not know is not slow, so a new test shows up in the fast subset.
- serial: the test shares something with others (the checkout's build/ directory, its
  bytecode): with pytest-xdist, every serial test runs on one worker, one after another
  (`xdist_group("serial")`, honoured by `--dist loadgroup`).
- timeout: folders whose tests never need long get a tighter pytest-timeout than the global
  one in pyproject.toml; a test's own `@pytest.mark.timeout` wins.

With pytest-xdist (`-n`), the tests are handed out longest first (by the recorded
durations), so no worker is left alone with a long test at the end.

The hooks are imported into tests/conftest.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
DURATIONS = TESTS / "durations.json"
SLOW_SECONDS = 1.0

FOLDER_MARKERS: dict[str, tuple[str, ...]] = {
    "unit": ("unit",),
    "importer": ("importer",),
    "property": ("property",),
    "db": ("db",),
    "cli": ("cli",),
    "sandbox": ("sandbox",),
    "end_to_end": ("e2e",),
    "browser": ("browser", "e2e"),
    "perf": ("perf",),
    "project": ("project",),
    "conformance": ("conformance",),
}
# seconds; the rest have pyproject's global timeout
FOLDER_TIMEOUTS: dict[str, float] = {
    "unit": 120,
    "importer": 120,
    "sandbox": 120,
    "conformance": 120,
}
# files whose tests write into the checkout: the wheel build (build/, *.egg-info) and the
# benchmark (compiles the checkout's bytecode); ruff reads the tree they write
SERIAL_FILES = frozenset({"test_i18n.py", "test_style.py", "test_perf_smoke.py"})


def _folder(item: pytest.Item) -> str | None:
    path = Path(str(item.path))
    try:
        relative = path.relative_to(TESTS)
    except ValueError:
        return None
    return relative.parts[0] if len(relative.parts) > 1 else None


def _on_postgres(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.params.get("db_url") == "postgresql":
        return True
    return "pg_url" in getattr(item, "fixturenames", ())


def _recorded_durations() -> dict[str, float]:
    if not DURATIONS.exists():
        return {}
    return {str(k): float(v) for k, v in json.loads(DURATIONS.read_text("utf-8")).items()}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store-durations",
        action="store_true",
        help=f"write each test's duration to {DURATIONS.name} (what the slow marker reads)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    durations = _recorded_durations()
    for item in items:
        folder = _folder(item)
        for name in FOLDER_MARKERS.get(folder or "", ()):
            item.add_marker(name)
        if folder in FOLDER_TIMEOUTS and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(FOLDER_TIMEOUTS[folder]))
        if _on_postgres(item):
            item.add_marker("postgres")
        if durations.get(item.nodeid, 0.0) >= SLOW_SECONDS:
            item.add_marker("slow")
        if Path(str(item.path)).name in SERIAL_FILES:
            item.add_marker("serial")
        if item.get_closest_marker("serial") is not None:
            item.add_marker(pytest.mark.xdist_group("serial"))
    if _distributed(config):
        order = {id(item): n for n, item in enumerate(items)}
        items.sort(key=lambda item: (-durations.get(item.nodeid, 0.0), order[id(item)]))


def _distributed(config: pytest.Config) -> bool:
    """Running under pytest-xdist: in a worker, or in the controller of `-n N`."""
    return hasattr(config, "workerinput") or bool(getattr(config.option, "numprocesses", None))


class DurationRecorder:
    """Adds up setup, call and teardown per test; writes the file at the end of the run."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[report.nodeid] = self.seconds.get(report.nodeid, 0.0) + report.duration

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if hasattr(session.config, "workerinput"):
            return  # an xdist worker: the controller sees every report and writes the file
        recorded = _recorded_durations()
        recorded.update({k: round(v, 2) for k, v in self.seconds.items()})
        root = TESTS.parent
        recorded = {k: v for k, v in recorded.items() if (root / k.split("::")[0]).exists()}
        text = json.dumps(dict(sorted(recorded.items())), indent=0, ensure_ascii=False)
        DURATIONS.write_text(text + "\n", "utf-8")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--store-durations"):
        config.pluginmanager.register(DurationRecorder(), "dutybot-durations")
