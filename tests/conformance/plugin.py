"""Every Bot API request the bot makes in a test, and every answer the sandbox gives, checked
against the specification (`spec.py`) when the test ends.

An autouse fixture wraps `SandboxServer._execute` (the step every call that reached the
sandbox's methods passes) for the test's duration and records the method, its parameters
and its result. At teardown the test fails with the list of violations. Each test checks its
own calls, so this works the same under pytest-xdist; the counts of what was checked travel
from the workers to the controller (`workeroutput`), which prints one line at the end:
"Bot API conformance (Bot API 10.1): N requests and M answers checked, 0 violations".

Requests are not checked in tests/sandbox/, whose tests probe the sandbox with requests
that are wrong on purpose; answers are checked everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.sandbox.server import SandboxServer
from tests.conformance.spec import Violation, check_answer, check_request, version

_totals = {"requests": 0, "answers": 0, "violations": 0, "tests": 0}


@dataclass
class Recorder:
    """What one test sent and got back; `take` hands expected violations to the test."""

    check_requests: bool = True
    requests: int = 0
    answers: int = 0
    violations: list[Violation] = field(default_factory=list)

    def request(self, method: str, values: dict[str, Any], uploads: list[str]) -> None:
        if self.check_requests:
            self.requests += 1
            self.violations.extend(check_request(method, values, uploads))

    def answer(self, method: str, result: Any) -> None:
        self.answers += 1
        self.violations.extend(check_answer(method, result))

    def take(self) -> list[Violation]:
        """The violations so far, forgotten (a test that provokes them on purpose)."""
        found, self.violations = self.violations, []
        return found


def _wrapped(recorder: Recorder) -> Any:
    original = SandboxServer._execute

    async def recording(self: SandboxServer, call: Any, name: str, handler: Any) -> Any:
        recorder.request(name, dict(call.params.values), list(call.params.uploads))
        result = await original(self, call, name, handler)
        recorder.answer(name, result)
        return result

    return recording


@pytest.fixture(autouse=True)
def bot_api_conformance(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Recorder]:
    """Record this test's Bot API calls; fail it at teardown if any broke the specification."""
    in_sandbox_tests = "tests/sandbox/" in request.node.nodeid
    recorder = Recorder(check_requests=not in_sandbox_tests)
    monkeypatch.setattr(SandboxServer, "_execute", _wrapped(recorder))
    yield recorder
    if recorder.requests or recorder.answers:
        _totals["tests"] += 1
    _totals["requests"] += recorder.requests
    _totals["answers"] += recorder.answers
    _totals["violations"] += len(recorder.violations)
    if recorder.violations:
        listed = "\n".join(f"  {v}" for v in recorder.violations[:50])
        pytest.fail(
            f"{len(recorder.violations)} Bot API violation(s) ({version()}):\n{listed}",
            pytrace=False,
        )


def pytest_sessionfinish(session: pytest.Session) -> None:
    output = getattr(session.config, "workeroutput", None)
    if output is not None:  # an xdist worker: hand the counts to the controller
        output["bot_api_conformance"] = dict(_totals)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    counts = getattr(node, "workeroutput", {}).get("bot_api_conformance", {})
    for key, value in counts.items():
        _totals[key] += value


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not (_totals["requests"] or _totals["answers"]):
        return
    terminalreporter.write_line(
        f"Bot API conformance ({version()}): {_totals['requests']:,} requests and "
        f"{_totals['answers']:,} answers checked in {_totals['tests']:,} tests, "
        f"{_totals['violations']} violations"
    )
