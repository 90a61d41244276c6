"""Simultaneous public sign-ups over real HTTP: the concurrency test and `make bench` use it.

`sign_up_burst(base_url=…, slug=…, count=200, concurrency=32)` sends `count` sign-ups with
distinct emails to `POST /api/v1/public/events/{slug}/registrations/` from `concurrency`
threads, each on its own connection, all released together by a barrier, and reports the
status codes, the answers and the throughput. Only for servers on this machine (loopback).
"""

import http.client
import json
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any


@dataclass
class BurstResult:
    count: int
    seconds: float
    statuses: Counter[int] = field(default_factory=Counter)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    def summary(self) -> dict[str, Any]:
        return {
            "sign_ups": self.count,
            "seconds": round(self.seconds, 3),
            "per_second": round(self.per_second, 1),
            "p50_ms": round(self.percentile(0.5) * 1000, 1),
            "p95_ms": round(self.percentile(0.95) * 1000, 1),
            "statuses": dict(self.statuses),
            "errors": len(self.errors),
        }


def _post(base: urllib.parse.SplitResult, path: str, payload: dict[str, Any]) -> tuple[int, Any]:
    connection = http.client.HTTPConnection(base.hostname or "127.0.0.1", base.port, timeout=60)
    try:
        body = json.dumps(payload)
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw or b"null")
        except ValueError:
            return response.status, {"raw": raw[:200].decode("utf-8", "replace")}
    finally:
        connection.close()


def sign_up_burst(
    *,
    base_url: str,
    slug: str,
    count: int = 200,
    concurrency: int = 32,
    email_prefix: str = "burst",
) -> BurstResult:
    """Send `count` distinct sign-ups at once and collect what came back."""
    base = urllib.parse.urlsplit(base_url)
    if base.hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise ValueError("sign_up_burst only targets a server on this machine")
    path = f"/api/v1/public/events/{slug}/registrations/"
    barrier = threading.Barrier(min(concurrency, count))
    result = BurstResult(count=count, seconds=0.0)
    lock = threading.Lock()

    def one(n: int) -> None:
        if n < barrier.parties:
            barrier.wait(timeout=60)  # the first wave starts together
        payload = {
            "first_name": "Load",
            "last_name": f"Tester {n}",
            "email": f"{email_prefix}-{n}@load.example",
            "organisation": f"Load Test {n % 17} Ltd",
        }
        started = time.perf_counter()
        try:
            status, body = _post(base, path, payload)
        except (OSError, http.client.HTTPException) as exc:
            with lock:
                result.errors.append(f"{n}: {exc!r}")
            return
        elapsed = time.perf_counter() - started
        with lock:
            result.statuses[status] += 1
            result.latencies.append(elapsed)
            if isinstance(body, dict):
                result.bodies.append(body)
            if status >= 500 or status == 429:
                result.errors.append(f"{n}: HTTP {status} {body}")

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, range(count)))
    result.seconds = time.perf_counter() - started
    return result


def bench_sign_ups(
    *, base_url: str, count: int = 200, capacity: int = 50, concurrency: int = 32
) -> dict[str, Any]:
    """For `make bench`: make a published event in the database the server at `base_url`
    uses, fire `count` simultaneous sign-ups at it, check the capacity invariant, delete the
    event and return the figures (throughput, latency percentiles, statuses, `correct`).
    Raise SIGNUP_RATE_LIMIT on that server first: every request comes from one address."""
    import datetime
    import uuid

    from django.utils import timezone

    from contacts.models import Person
    from engagement.models import Event, EventStatus, Registration, RegistrationStatus

    starts = timezone.now() + datetime.timedelta(days=30)
    event = Event.objects.create(
        title="Sign-up benchmark",
        slug=f"bench-{uuid.uuid4().hex[:12]}",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        capacity=capacity,
        waitlist_enabled=True,
        status=EventStatus.PUBLISHED,
    )
    try:
        result = sign_up_burst(
            base_url=base_url,
            slug=event.slug,
            count=count,
            concurrency=concurrency,
            email_prefix=event.slug,
        )
        registrations = Registration.objects.filter(event=event)
        confirmed = registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        positions = sorted(
            position or 0
            for position in registrations.filter(status=RegistrationStatus.WAITLISTED).values_list(
                "waitlist_position", flat=True
            )
        )
        summary = result.summary()
        summary.update(
            capacity=capacity,
            confirmed=confirmed,
            waitlisted=len(positions),
            correct=(
                confirmed == min(capacity, count)
                and positions == list(range(1, count - confirmed + 1))
                and not result.errors
            ),
        )
        return summary
    finally:
        Registration.objects.filter(event=event).delete()
        event.delete()
        Person.objects.filter(email__startswith=f"{event.slug}-").delete()
