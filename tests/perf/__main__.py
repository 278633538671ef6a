"""`python -m tests.perf`: build the city on each backend, run the bot against the sandbox,
measure the naive design beside it, print one markdown table and write the JSON.

    python -m tests.perf                          # full scale, SQLite and PostgreSQL
    python -m tests.perf --backends sqlite --scale smoke
    python -m tests.perf --reuse                  # keep the databases of an earlier run
    python -m tests.perf --links-only --reuse     # only delivery over 0/150/300 ms links
    python -m tests.perf --backends postgresql,postgresql-city --no-baseline
                                                  # one jurisdiction beside a city of 12
                                                  # districts with two delivery workers
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tests.perf.baseline import BaselineResult, measure_baseline, measure_naive_bot
from tests.perf.processes import compile_bytecode
from tests.perf.report import links_table, machine, table, to_json
from tests.perf.runner import BackendResult, LinksOnly, run_backend, run_links_only
from tests.perf.scale import CITY_DISTRICTS, CITY_WORKERS, SCALES, Scale, as_city

DEFAULT_POSTGRES = os.environ.get(
    "DUTYBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


@dataclass(frozen=True)
class Options:
    scale: Scale
    backends: tuple[str, ...]
    postgres_url: str
    work_dir: Path
    json_path: Path
    reuse: bool
    baseline: bool
    links_only: bool = False


@dataclass(frozen=True)
class Outcome:
    table: str
    data: dict[str, Any]
    skipped: list[str]


BACKENDS = ("sqlite", "postgresql", "sqlite-city", "postgresql-city")
CITY_SUFFIX = "-city"


def scale_of(backend: str, scale: Scale) -> Scale:
    """A "-city" backend measures the same sizes as a city of districts with two workers."""
    return as_city(scale) if backend.endswith(CITY_SUFFIX) else scale


def _url(backend: str, options: Options) -> str:
    scale = scale_of(backend, options.scale)
    if backend.startswith("sqlite"):
        return f"sqlite+aiosqlite:///{options.work_dir / f'bench-{scale.name}.db'}"
    base = options.postgres_url.rsplit("/", 1)[0]
    return f"{base}/dutybot_bench_{scale.name.replace('-', '_')}"


async def postgres_reason(url: str) -> str | None:
    try:
        import asyncpg
    except ImportError:
        return "asyncpg is not installed"
    try:
        connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
        await connection.close()
    except Exception as exc:
        return f"no PostgreSQL at {url}: {exc}"
    return None


async def _backends(options: Options, skipped: list[str], say: Any) -> list[tuple[str, str]]:
    """(backend, URL) of each backend asked for and reachable; the others go to `skipped`."""
    found = []
    for backend in options.backends:
        if backend.startswith("postgresql"):
            reason = await postgres_reason(options.postgres_url)
            if reason:
                skipped.append(f"postgresql: {reason}")
                say(f"skipping PostgreSQL: {reason}")
                continue
        found.append((backend, _url(backend, options)))
    return found


async def run_links(options: Options, say: Any = print) -> Outcome:
    """`--links-only`: the city, then delivery over the links, on each backend."""
    options.work_dir.mkdir(parents=True, exist_ok=True)
    compile_bytecode()
    skipped: list[str] = []
    results: list[LinksOnly] = []
    for backend, url in await _backends(options, skipped, say):
        scale, work, reuse = scale_of(backend, options.scale), options.work_dir, options.reuse
        results.append(await run_links_only(backend, url, scale, work, reuse, say))
    data = {
        "scale": options.scale.__dict__,
        "machine": machine(),
        "links": [r.to_json() for r in results],
        "skipped": skipped,
    }
    options.json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False), "utf-8")
    return Outcome(links_table(options.scale, results), data, skipped)


async def run(options: Options, say: Any = print) -> Outcome:
    if options.links_only:
        return await run_links(options, say)
    options.work_dir.mkdir(parents=True, exist_ok=True)
    compile_bytecode()
    results: list[BackendResult] = []
    skipped: list[str] = []
    for backend, url in await _backends(options, skipped, say):
        scale = scale_of(backend, options.scale)
        results.append(await run_backend(backend, url, scale, options.work_dir, options.reuse, say))
    baseline: BaselineResult | None = None
    if options.baseline:
        say(f"naive baseline: {options.scale.baseline_jobs:,} APScheduler jobs…")
        jobs = options.scale.baseline_jobs
        baseline = await asyncio.to_thread(measure_baseline, options.work_dir, jobs)
        steps = naive_due_steps(options.scale.due)
        say(f"naive bot: {jobs:,} jobs, {', '.join(f'{n:,}' for n in steps)} of them due…")
        bots = [
            await measure_naive_bot(options.work_dir, jobs, due, options.scale.naive_wait)
            for due in steps
        ]
        baseline = replace(baseline, bots=tuple(bots))
    data = to_json(options.scale, results, baseline)
    data["skipped"] = skipped
    text = table(options.scale, results, baseline)
    options.json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False), "utf-8")
    return Outcome(text, data, skipped)


def naive_due_steps(due: int) -> list[int]:
    """How many of the naive bot's jobs are due at each start: none, ours (`due`), and two
    steps between, to show how its start grows with them."""
    return sorted({0, due // 5, 2 * due // 5, due})


def parse(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m tests.perf", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument(
        "--backends",
        default="sqlite,postgresql",
        help=f"of {', '.join(BACKENDS)}; '-city': {CITY_DISTRICTS} districts, "
        f"{CITY_WORKERS} delivery workers",
    )
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES, help="admin URL")
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/dutybot-bench"))
    parser.add_argument("--json", type=Path, help="where the JSON goes (default: work dir)")
    parser.add_argument("--reuse", action="store_true", help="keep databases built before")
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive design")
    parser.add_argument(
        "--links-only",
        action="store_true",
        help="only delivery over links of 0, 150 and 300 ms round trip (± 50 ms)",
    )
    args = parser.parse_args(argv)
    scale = SCALES[args.scale]
    backends = tuple(b.strip() for b in args.backends.split(",") if b.strip())
    unknown = set(backends) - set(BACKENDS)
    if unknown:
        parser.error(f"unknown backends: {sorted(unknown)}")
    work_dir = args.work_dir.resolve()
    return Options(
        scale=scale,
        backends=backends,
        postgres_url=args.postgres_url,
        work_dir=work_dir,
        json_path=args.json
        or work_dir / f"bench-{scale.name}{'-links' if args.links_only else ''}.json",
        reuse=args.reuse,
        baseline=not args.no_baseline,
        links_only=args.links_only,
    )


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    outcome = asyncio.run(run(options, lambda line: print(line, file=sys.stderr, flush=True)))
    print(outcome.table)
    print(f"\nJSON: {options.json_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
