"""`make bench` / `python -m bench.run`: PlaceVoice at a combined authority's volume.

1. Points Django at the volume database (PostgreSQL; `--database-url`), migrates it, and seeds
   it with `seed_volume` unless its counts already match (`--reseed` forces a fresh seed).
2. Counts SQL queries per request in-process (Django test client + CaptureQueriesContext
   against the same database) and checks each page against its query budget, and each API
   list for the same count at page sizes 1 and 50.
3. Serves the database with gunicorn on loopback (DEBUG off, the floor view mounted) and
   drives every page with a bounded closed-loop load from a second process (`bench.load`):
   a fixed number of requests from 10 concurrent clients, capped in time.
4. Times the one-year evidence summary job in-process against the single hand-written SQL
   aggregate `evidence.aggregation.per_theme_counts_sql`.
5. Writes BENCHMARKS.md and exits non-zero when any page exceeds its query budget (or an API
   list's query count changes with its page size, or a page answers with errors).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import secrets
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/placevoice_bench"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/12"
SIGN_UP_SLUG = "bench-sign-up"
SIGN_UP_EMAIL_PREFIX = "bench-sign-up-"
P95_TARGET_MS = 150.0
FLOOR_RATIO_TARGET = 3.0
SUMMARY_RATIO_TARGET = 2.0


@dataclass
class Endpoint:
    name: str
    path: str
    budget: int
    method: str = "GET"
    signed_in: bool = True
    body: str | None = None
    content_type: str | None = None
    page_size_check: bool = False  # an API list: same queries at page_size 1 and 50
    targeted: bool = True  # held to the latency targets (the floors are the reference)
    note: str = ""
    # filled in
    queries: int | None = None
    queries_page_size: tuple[int, int] | None = None
    slowest_sql_ms: float | None = None
    slowest_sql: str = ""
    status: int | None = None
    load: dict[str, Any] = field(default_factory=dict)

    @property
    def is_floor(self) -> bool:
        return self.name in ("floor", "floor, end of run")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument(
        "--broker-url",
        default=os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER_URL),
        help="tasks queued by sign-ups go here (purged after); '' runs them in-process",
    )
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--insights", type=int, default=2_000_000)
    parser.add_argument("--events", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reseed", action="store_true", help="seed afresh even if counts match")
    parser.add_argument("--requests", type=int, default=400, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--time-limit", type=float, default=90.0, help="seconds per page, at most")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", default="", help="comma-separated endpoint names to measure")
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))
    parser.add_argument("--note", default="", help="a line added to BENCHMARKS.md")
    parser.add_argument(
        "--findings",
        default=str(ROOT / "bench" / "findings.md"),
        help="a hand-written analysis appended to BENCHMARKS.md when the file exists",
    )
    return parser.parse_args(argv)


def server_environment(args: argparse.Namespace) -> dict[str, str]:
    """What both gunicorn and this process run with: production-like, loopback only."""
    environment = dict(os.environ)
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": args.database_url,
            "DEBUG": "0",
            # DEBUG off needs a key of its own; a fresh one per run signs only bench data.
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "127.0.0.1,testserver",
            "BENCH_FLOOR": "1",
            # Raised, not removed: the limiter's cache round trip stays in the measurement.
            "SIGNUP_RATE_LIMIT": "1000000/m",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "LOG_LEVEL": "ERROR",
            "CELERY_BROKER_URL": args.broker_url,
            "DATABASE_CONN_MAX_AGE": "600",
            # The static files are served from the finders (no collectstatic for a bench).
            "PYTHONWARNINGS": "ignore:No directory at",
        }
    )
    return environment


# ------------------------------------------------------------------------------------------
# Data
# ------------------------------------------------------------------------------------------


def table_counts() -> dict[str, int]:
    from django.db import connection

    from contacts.models import Organisation, Person
    from engagement.models import Action, Event, Interaction, Registration
    from insights.models import Insight

    counts = {}
    with connection.cursor() as cursor:
        for label, model in (
            ("organisations", Organisation),
            ("people", Person),
            ("interactions", Interaction),
            ("insights", Insight),
            ("insight theme tags", Insight.themes.through),
            ("interaction–organisation links", Interaction.organisations.through),
            ("events", Event),
            ("registrations", Registration),
            ("actions", Action),
        ):
            cursor.execute(f"SELECT COUNT(*) FROM {model._meta.db_table}")  # noqa: S608
            counts[label] = int(cursor.fetchone()[0])
    return counts


def ensure_volume(args: argparse.Namespace) -> tuple[dict[str, int], str]:
    from django.core.management import call_command

    wanted = {
        "organisations": args.organisations,
        "people": args.people,
        "interactions": args.interactions,
        "insights": args.insights,
    }
    counts = table_counts()
    if not args.reseed and all(counts[name] == wanted[name] for name in wanted):
        return counts, "reused"
    started = time.perf_counter()
    call_command(
        "seed_volume",
        reset=True,
        interactive=False,
        seed=args.seed,
        events=args.events,
        stdout=sys.stderr,
        **wanted,
    )
    return table_counts(), f"seeded in {time.perf_counter() - started:.0f} s"


def prepare(args: argparse.Namespace) -> dict[str, Any]:
    """The officer the pages are viewed as, and the parameters of each page."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from contacts.models import Organisation
    from engagement.models import Event

    User = get_user_model()
    officer = (
        User._default_manager.filter(username__startswith="vol-officer")
        .annotate(key_accounts=Count("managed_organisations"))
        .order_by("-key_accounts", "username")
        .first()
    )
    if officer is None:
        raise SystemExit("no volume officer: run seed_volume first")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT organisation_id, COUNT(*) FROM engagement_interaction_organisations "
            "GROUP BY organisation_id ORDER BY COUNT(*) DESC"
        )
        per_org = cursor.fetchall()
    busiest_id, busiest_count = per_org[0]
    typical_id, typical_count = per_org[len(per_org) // 2]
    host = Organisation.objects.filter(key_account=True).order_by("id").first()
    now = timezone.now()
    Event.objects.update_or_create(
        slug=SIGN_UP_SLUG,
        defaults={
            "title": "Benchmark sign-up event",
            "kind": "conference",
            "starts_at": now + datetime.timedelta(days=60),
            "ends_at": now + datetime.timedelta(days=60, hours=3),
            "capacity": 1_000_000,
            "waitlist_enabled": True,
            "status": "published",
            "registration_opens_at": now - datetime.timedelta(days=1),
            "registration_closes_at": now + datetime.timedelta(days=59),
            "venue_name": "Benchmark hall",
        },
    )
    return {
        "officer": officer,
        "busiest": (busiest_id, busiest_count),
        "typical": (typical_id, typical_count),
        "host_name": host.name if host else "Benchmark Ltd",
        "today": datetime.date.today(),
    }


def endpoints(context: dict[str, Any]) -> list[Endpoint]:
    """The pages measured. A budget is a ceiling that catches an N+1 coming back (the session,
    user and role lookups included); it is not a target to fill."""
    today: datetime.date = context["today"]
    year_ago = today - datetime.timedelta(days=365)
    period = f"recorded_after={year_ago.isoformat()}&recorded_before={today.isoformat()}"
    busiest_id, busiest_count = context["busiest"]
    typical_id, typical_count = context["typical"]
    sign_up = json.dumps(
        {
            "first_name": "Bench",
            "last_name": "Client",
            "email": f"{SIGN_UP_EMAIL_PREFIX}{{n}}@example.org",
            "organisation": context["host_name"],
            "job_title": "Director",
            "marketing_consent": False,
        }
    )
    return [
        Endpoint("floor", "/bench/floor", budget=0, signed_in=False, note="trivial view"),
        Endpoint(
            "floor, signed in",
            "/bench/floor",
            budget=3,
            targeted=False,
            note="the same view with the officer's session: what signing in costs",
        ),
        Endpoint("organisation list", "/organisations/", budget=8, note="first page"),
        Endpoint(
            "organisation list, filtered",
            "/organisations/?sector=C&local_authority=Birmingham",
            budget=8,
            note="manufacturing in Birmingham",
        ),
        Endpoint("organisation search", "/organisations/?q=kestrel", budget=8, note="name search"),
        Endpoint(
            "organisations API",
            "/api/v1/organisations/?sector=C",
            budget=6,
            page_size_check=True,
        ),
        Endpoint(
            "organisation page (busiest)",
            f"/organisations/{busiest_id}/",
            budget=20,
            note=f"timeline of {busiest_count:,} interactions",
        ),
        Endpoint(
            "organisation page (typical)",
            f"/organisations/{typical_id}/",
            budget=20,
            note=f"timeline of {typical_count:,} interactions",
        ),
        Endpoint(
            "insight list, theme + year",
            f"/insights/?theme=skills&{period}",
            budget=12,
            note="skills and its sub-themes, last 365 days; the count by theme loads after it",
        ),
        Endpoint(
            "insight count by theme, theme + year",
            f"/insights/theme-counts/?theme=skills&{period}",
            budget=10,
            targeted=False,
            note="the list's count by theme (htmx, after the list): reads every matching insight",
        ),
        Endpoint(
            "insights API, theme + year",
            f"/api/v1/insights/?theme=skills&{period}",
            budget=8,
            page_size_check=True,
        ),
        Endpoint("interactions API", "/api/v1/interactions/", budget=10, page_size_check=True),
        Endpoint("officer home", "/", budget=16, note="actions, key accounts, recent, events"),
        Endpoint(
            "public sign-up (POST)",
            f"/api/v1/public/events/{SIGN_UP_SLUG}/registrations/",
            budget=20,
            method="POST",
            signed_in=False,
            body=sign_up,
            content_type="application/json",
            note="new person each time",
        ),
        Endpoint(
            "floor, end of run",
            "/bench/floor",
            budget=0,
            signed_in=False,
            note="trivial view again: *× floor* uses the mean of both floor p95s",
        ),
    ]


# ------------------------------------------------------------------------------------------
# Queries per request (in-process)
# ------------------------------------------------------------------------------------------


def _with_page_size(path: str, size: int) -> str:
    return f"{path}{'&' if '?' in path else '?'}page_size={size}"


def count_queries(points: list[Endpoint], officer: Any) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # A page that fails is reported (and fails the run), not allowed to stop the others.
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    anonymous = Client(raise_request_exception=False)
    sequence = 0

    def request(point: Endpoint, path: str) -> tuple[int, int, list[dict[str, str]]]:
        nonlocal sequence
        client = signed_in if point.signed_in else anonymous
        with CaptureQueriesContext(connection) as captured:
            if point.method == "POST":
                sequence += 1
                body = (point.body or "").replace("{n}", f"queries-{os.getpid()}-{sequence}")
                response = client.post(
                    path, data=body, content_type=point.content_type or "application/json"
                )
            else:
                response = client.get(path)
        return response.status_code, len(captured.captured_queries), captured.captured_queries

    for point in points:
        request(point, point.path)  # warm caches (content types, templates)
        point.status, point.queries, captured = request(point, point.path)
        # Service time with nothing else in flight: the median of 5 requests in-process.
        alone = []
        for _ in range(5):
            started = time.perf_counter()
            request(point, point.path)
            alone.append((time.perf_counter() - started) * 1000)
        point.load["alone_ms"] = statistics.median(alone)
        if captured:
            slowest = max(captured, key=lambda query: float(query.get("time") or 0))
            point.slowest_sql_ms = float(slowest.get("time") or 0) * 1000
            point.slowest_sql = slowest["sql"][:600]
        if point.page_size_check:
            small = request(point, _with_page_size(point.path, 1))[1]
            large = request(point, _with_page_size(point.path, 50))[1]
            point.queries_page_size = (small, large)
        print(f"  {point.name}: {point.status}, {point.queries} queries", file=sys.stderr)


# ------------------------------------------------------------------------------------------
# Load over HTTP
# ------------------------------------------------------------------------------------------


def start_gunicorn(
    args: argparse.Namespace, environment: dict[str, str]
) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi:application",
        "--bind", f"127.0.0.1:{args.port}",
        "--workers", str(args.workers),
        "--threads", str(args.threads),
        "--worker-class", "gthread",
        "--keep-alive", "30",
        "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=environment, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{args.port}/bench/floor", timeout=2
            ) as r:
                if r.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
        if process.poll() is not None:
            raise SystemExit("gunicorn exited early; see its output above")
    stop_gunicorn(process)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_gunicorn(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def apply_load(args: argparse.Namespace, points: list[Endpoint], session_cookie: str) -> None:
    # Prime every gunicorn worker and thread (imports, URL resolvers, connections) before any
    # figure is taken, so the first page measured does not pay for the server's start.
    primer = {
        "url": f"http://127.0.0.1:{args.port}/bench/floor",
        "requests": 20 * args.workers * args.threads,
        "warmup": 0,
        "concurrency": args.concurrency,
        "time_limit": 60,
    }
    subprocess.run(
        [sys.executable, "-m", "bench.load", json.dumps(primer)],
        cwd=ROOT,
        capture_output=True,
        timeout=180,
        check=True,
    )
    for point in points:
        headers = {"Accept": "application/json" if "/api/" in point.path else "text/html"}
        if point.signed_in:
            headers["Cookie"] = f"sessionid={session_cookie}"
        if point.content_type:
            headers["Content-Type"] = point.content_type
        spec = {
            "url": f"http://127.0.0.1:{args.port}{point.path}",
            "method": point.method,
            "headers": headers,
            "body": point.body,
            "requests": args.requests,
            "warmup": args.warmup,
            "concurrency": args.concurrency,
            "time_limit": args.time_limit,
            "run_id": f"load-{os.getpid()}-{int(time.time())}",
        }
        completed = subprocess.run(
            [sys.executable, "-m", "bench.load", json.dumps(spec)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=args.time_limit + 120,
            check=True,
        )
        point.load.update(json.loads(completed.stdout))
        load = point.load
        print(
            f"  {point.name}: median {load['median_ms']:.1f} ms, p95 {load['p95_ms']:.1f} ms, "
            f"{load['rps']:.0f} req/s, statuses {load['statuses']}",
            file=sys.stderr,
        )


# ------------------------------------------------------------------------------------------
# Evidence summary vs hand-written SQL
# ------------------------------------------------------------------------------------------


def time_summary(officer: Any, repeats: int = 3) -> dict[str, Any]:
    """The one-year summary job end to end (claim, aggregate, store), against the single SQL
    aggregate of the same per-theme counts; best of `repeats` each, alternating."""
    try:
        from evidence import aggregation, tasks
    except ImportError as exc:
        return {"skipped": f"evidence summaries are not there yet ({exc})"}
    if not hasattr(aggregation, "per_theme_counts_sql"):
        return {"skipped": "evidence.aggregation.per_theme_counts_sql does not exist yet"}
    from evidence.models import EvidenceSummary

    today = datetime.date.today()
    start = today - datetime.timedelta(days=364)
    job_times: list[float] = []
    sql_times: list[float] = []
    agree = True
    for _ in range(repeats):
        # The SQL runs under the job's own session settings (work_mem, JIT), so the ratio
        # measures the job's design, not a difference in configuration.
        session = getattr(aggregation, "reporting_session", contextlib.nullcontext)
        with session():
            began = time.perf_counter()
            counts = aggregation.per_theme_counts_sql(start, today)
            sql_times.append(time.perf_counter() - began)

        summary = EvidenceSummary.objects.create(
            period_start=start, period_end=today, requested_by=officer
        )
        began = time.perf_counter()
        tasks.build_summary.apply(kwargs={"summary_id": summary.pk})
        job_times.append(time.perf_counter() - began)
        summary.refresh_from_db()
        result = summary.result or {}
        if summary.status != "done":
            EvidenceSummary.objects.filter(pk=summary.pk).delete()
            return {"skipped": f"the summary job did not finish: {summary.status} {summary.error}"}
        for theme in result.get("themes", []):
            expected = counts.get(theme["theme"], {"insights": 0, "organisations": 0})
            if (theme["insights"], theme["organisations"]) != (
                expected["insights"],
                expected["organisations"],
            ):
                agree = False
        EvidenceSummary.objects.filter(pk=summary.pk).delete()
    job, sql = min(job_times), min(sql_times)
    return {
        "period": f"{start.isoformat()} to {today.isoformat()}",
        "job_s": job,
        "sql_s": sql,
        "ratio": job / sql if sql else float("nan"),
        "job_runs_s": job_times,
        "sql_runs_s": sql_times,
        "agree": agree,
    }


# ------------------------------------------------------------------------------------------
# Cleanup, machine, report
# ------------------------------------------------------------------------------------------


def cleanup(broker_url: str) -> None:
    from contacts.models import Person
    from engagement.models import Event, Registration

    Registration.objects.filter(email__startswith=SIGN_UP_EMAIL_PREFIX).delete()
    Person.objects.filter(email__startswith=SIGN_UP_EMAIL_PREFIX).delete()
    Event.objects.filter(slug=SIGN_UP_SLUG).delete()
    if broker_url.startswith("redis://"):
        try:
            import redis

            redis.Redis.from_url(broker_url).flushdb()  # our own db number only
        except Exception as exc:  # noqa: BLE001 - leftover queued emails are harmless
            print(f"could not purge the broker: {exc}", file=sys.stderr)


def machine() -> dict[str, str]:
    from django.db import connection

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = str(cursor.fetchone()[0])
    load = os.getloadavg()
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "postgres": postgres,
        "python": platform.python_version(),
        "load": f"{load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}",
    }


def _ms(value: float | None) -> str:
    if value is None or value != value:  # NaN
        return "–"
    return f"{value:.1f}"


def floor_reference(points: list[Endpoint]) -> float | None:
    """The floor's p95 the pages are compared with: the mean of its runs at the start and the
    end, so a burst of outside load during one of them weighs half."""
    values = [p.load["p95_ms"] for p in points if p.is_floor and "p95_ms" in p.load]
    return sum(values) / len(values) if values else None


def latency_verdict(point: Endpoint, floor_p95: float | None) -> str:
    """'met', or what was missed, for one page's latency targets."""
    if point.is_floor or not point.targeted or "p95_ms" not in point.load:
        return ""
    p95 = point.load["p95_ms"]
    misses = []
    if not p95 < P95_TARGET_MS:
        misses.append(f"p95 ≥ {P95_TARGET_MS:.0f} ms")
    if floor_p95 and not p95 <= FLOOR_RATIO_TARGET * floor_p95:
        misses.append(f"> {FLOOR_RATIO_TARGET:.0f}× floor")
    return "met" if not misses else "missed: " + ", ".join(misses)


def evaluate(points: list[Endpoint]) -> tuple[list[str], list[str], list[str]]:
    """(query-budget failures, error failures: both make the run exit non-zero; pages that
    missed a latency target)."""
    budget: list[str] = []
    errors: list[str] = []
    missed: list[str] = []
    floor_p95 = floor_reference(points)
    for point in points:
        if point.queries is not None and point.queries > point.budget:
            budget.append(f"{point.name}: {point.queries} queries > budget {point.budget}")
        if point.queries_page_size and point.queries_page_size[0] != point.queries_page_size[1]:
            budget.append(
                f"{point.name}: {point.queries_page_size[0]} queries at page_size=1 but "
                f"{point.queries_page_size[1]} at 50"
            )
        if point.status is not None and point.status >= 400:
            errors.append(f"{point.name}: answered {point.status} in-process")
        bad = {k: v for k, v in point.load.get("statuses", {}).items() if not k.startswith("2")}
        if bad:
            errors.append(f"{point.name}: non-2xx responses under load {bad}")
        verdict = latency_verdict(point, floor_p95)
        if verdict.startswith("missed"):
            missed.append(f"{point.name} ({verdict.removeprefix('missed: ')})")
    return budget, errors, missed


def write_report(
    args: argparse.Namespace,
    path: Path,
    counts: dict[str, int],
    provenance: str,
    host: dict[str, str],
    points: list[Endpoint],
    summary: dict[str, Any],
    verdicts: tuple[list[str], list[str], list[str]],
    load_after: str,
) -> None:
    budget, errors, missed = verdicts
    floor_p95 = floor_reference(points)
    full = counts["organisations"] >= 100_000 and counts["insights"] >= 2_000_000
    lines = [
        "# PlaceVoice benchmarks",
        "",
        "Written by `make bench` (`python -m bench.run`). Re-run it to refresh; the "
        "figures below are from one run.",
        "",
        f"- **Date**: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- **Machine**: {host['cpus']} CPUs ({host['cpu']}), {host['memory']} memory; "
        f"PostgreSQL {host['postgres']}; Python {host['python']}",
        f"- **Load average** before / after the run: {host['load']} / {load_after} "
        "(the run's own load included: see the note on noise)",
        f"- **Server**: gunicorn, {args.workers} workers × {args.threads} threads (gthread), "
        "DEBUG off, loopback; sessions and data in PostgreSQL; sign-up tasks queued to Redis",
        f"- **Load**: {args.requests} measured requests per page after {args.warmup} warm-up, "
        f"{args.concurrency} concurrent clients on keep-alive connections, from a separate "
        f"process (`bench.load`), at most {args.time_limit:.0f} s per page",
        f"- **Volume** ({provenance}"
        + ("" if full else "; **below the full volume of SPEC §4**")
        + "): "
        + ", ".join(f"{count:,} {label}" for label, count in counts.items()),
        "",
        "## Pages",
        "",
        "Latency in milliseconds under load; *× floor* is the page's p95 over the trivial "
        "view's p95 in the same run (the mean of its two runs, first and last); *queries* "
        "are SQL queries per request (budget), measured in-process with the same data; "
        "*slowest SQL* is that request's slowest query; *alone* is the service time of one "
        "request with nothing else in flight (in-process, median of 5), the cost the load "
        "multiplies.",
        "",
        "| page | request | alone | median | p95 | req/s | × floor | latency targets "
        "| queries (budget) | slowest SQL | note |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---|",
    ]
    for point in points:
        load = point.load
        ratio = f"{load['p95_ms'] / floor_p95:.1f}" if floor_p95 and "p95_ms" in load else "–"
        queries = "–" if point.queries is None else f"{point.queries} ({point.budget})"
        if point.queries_page_size:
            queries += f"; size 1/50: {point.queries_page_size[0]}/{point.queries_page_size[1]}"
        lines.append(
            f"| {point.name} | `{point.method} {point.path}` | {_ms(load.get('alone_ms'))} | "
            f"{_ms(load.get('median_ms'))} | "
            f"{_ms(load.get('p95_ms'))} | {load.get('rps', 0):.0f} | {ratio} | "
            f"{latency_verdict(point, floor_p95) or '–'} | {queries} | "
            f"{_ms(point.slowest_sql_ms)} | {point.note} |"
        )
    lines += ["", "## Evidence summary against the hand-written SQL", ""]
    if "skipped" in summary:
        lines.append(f"Not measured: {summary['skipped']}.")
    else:
        lines += [
            f"One-year summary ({summary['period']}, all themes, no filters), best of "
            f"{len(summary['job_runs_s'])}: the job (claim, every aggregate of SPEC §2, quotes, "
            f"store) took **{summary['job_s']:.2f} s**; the single SQL aggregate of the same "
            f"per-theme insight and organisation counts took **{summary['sql_s']:.2f} s**: "
            f"ratio **{summary['ratio']:.2f}** (target < {SUMMARY_RATIO_TARGET:.0f}). "
            f"The job's per-theme counts {'match' if summary['agree'] else 'DO NOT match'} "
            "the SQL's.",
            "",
            "Runs (s): job " + ", ".join(f"{t:.2f}" for t in summary["job_runs_s"])
            + "; SQL " + ", ".join(f"{t:.2f}" for t in summary["sql_runs_s"]),
        ]  # fmt: skip
    lines += ["", "## Targets", ""]
    targeted = [p for p in points if p.targeted and not p.is_floor and p.load]
    target_lines = [
        f"- Latency, p95 < {P95_TARGET_MS:.0f} ms with {args.concurrency} concurrent clients "
        f"and ≤ {FLOOR_RATIO_TARGET:.0f}× the floor's p95: "
        + (
            f"**met** by all {len(targeted)} pages."
            if not missed
            else f"**met** by {len(targeted) - len(missed)} of {len(targeted)} pages; "
            "**missed** by " + "; ".join(missed) + "."
        ),
        "- Queries per request within each page's budget, and the same at page sizes 1 and 50 "
        "for the API lists: "
        + ("**met**." if not budget else "**missed**: " + "; ".join(budget) + "."),
        "- Every request answered 2xx: "
        + ("**yes**." if not errors else "**no**: " + "; ".join(errors) + "."),
    ]
    if "skipped" not in summary:
        met = summary["ratio"] < SUMMARY_RATIO_TARGET
        target_lines.append(
            f"- One-year summary < {SUMMARY_RATIO_TARGET:.0f}× the SQL aggregate: "
            + ("**met**" if met else "**missed**")
            + f" ({summary['ratio']:.2f}×)."
        )
    lines += target_lines
    if args.note:
        lines += ["", args.note]
    notes = Path(args.findings)
    if args.findings and notes.exists():
        lines += ["", notes.read_text().strip()]
    lines += [
        "",
        "## Noise",
        "",
        "The machine has 2 cores; the load average before the run says whether other work "
        "shared them (near 0: idle). The load generator itself runs on the same 2 cores as "
        "gunicorn and PostgreSQL. Closed-loop "
        "latency with 10 clients on 2 cores is roughly 10 × service time ÷ 2, so figures move "
        "by tens of percent between runs; the *alone* column (one request at a time) is the "
        "steadiest figure.",
        "",
        "## Reproduce",
        "",
        "```",
        "make bench                       # seeds placevoice_bench on first use (~1 minute)",
        "make bench BENCH_ARGS=\"--only 'organisation list' --requests 200\"",
        ".venv/bin/python manage.py seed_volume --organisations 1000 --people 2000 \\",
        "    --interactions 10000 --insights 20000 --reset --noinput   # any database, any size",
        "```",
        "",
    ]
    path.write_text("\n".join(lines))


def ensure_database(url: str) -> None:
    """Create the benchmark database on first use: a fresh machine has none."""
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    server = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            print(f"Creating the database {name}…", file=sys.stderr)
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("make bench needs PostgreSQL: set --database-url or BENCH_DATABASE_URL")
    ensure_database(args.database_url)
    environment = server_environment(args)
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    host = machine()
    print("Migrating the volume database…", file=sys.stderr)
    call_command("migrate", verbosity=0)
    cleanup(args.broker_url)  # sign-ups left by an interrupted run would spoil the counts
    counts, provenance = ensure_volume(args)
    print(f"Volume {provenance}: {counts}", file=sys.stderr)
    context = prepare(args)
    points = endpoints(context)
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        points = [p for p in points if p.name in wanted or p.name.startswith("floor")]

    print("Queries per request (in-process):", file=sys.stderr)
    count_queries(points, context["officer"])
    client = Client()
    client.force_login(context["officer"], backend="django.contrib.auth.backends.ModelBackend")
    session_cookie = client.cookies["sessionid"].value

    print("Load (gunicorn on loopback):", file=sys.stderr)
    server = start_gunicorn(args, environment)
    try:
        apply_load(args, points, session_cookie)
    finally:
        stop_gunicorn(server)

    print("Evidence summary against the SQL aggregate…", file=sys.stderr)
    summary = time_summary(context["officer"]) if not args.only else {"skipped": "--only"}
    cleanup(args.broker_url)
    load = os.getloadavg()
    verdicts = evaluate(points)
    failures = verdicts[0] + verdicts[1]
    write_report(
        args,
        Path(args.output),
        counts,
        provenance,
        host,
        points,
        summary,
        verdicts,
        f"{load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}",
    )
    print(f"Wrote {args.output}", file=sys.stderr)
    for line in failures:
        print(f"FAIL {line}", file=sys.stderr)
    for line in verdicts[2]:
        print(f"latency target missed: {line}", file=sys.stderr)
    if summary.get("ratio") is not None:
        print(f"summary ratio {summary['ratio']:.2f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
