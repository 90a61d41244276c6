"""A small closed-loop HTTP load generator: `concurrency` clients on keep-alive connections
send a fixed number of requests (bounded in count and in time) to one loopback URL, and the
latencies are reported as JSON. Run as a separate process so the client's work does not
share the server's interpreter: `python -m bench.load '<json spec>'`.

Spec: {"url": "http://127.0.0.1:8765/path", "method": "GET", "headers": {…},
"body": "… {n} …" (optional; {n} becomes a unique number per request), "requests": 300,
"warmup": 20, "concurrency": 10, "time_limit": 60}
"""

from __future__ import annotations

import http.client
import itertools
import json
import math
import statistics
import sys
import threading
import time
import urllib.parse
from typing import Any


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))
    return ordered[index]


def run(spec: dict[str, Any]) -> dict[str, Any]:
    url = urllib.parse.urlsplit(spec["url"])
    if url.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("bench.load only drives loopback servers")
    target = url.path + (f"?{url.query}" if url.query else "")
    method = spec.get("method", "GET")
    headers = dict(spec.get("headers", {}))
    body_template: str | None = spec.get("body")
    total = int(spec.get("requests", 300))
    warmup = int(spec.get("warmup", 20))
    concurrency = int(spec.get("concurrency", 10))
    time_limit = float(spec.get("time_limit", 60))
    run_id = spec.get("run_id", "0")

    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors: list[str] = []
    phase_started: dict[str, float] = {}
    deadline = time.monotonic() + time_limit

    def client() -> None:
        connection: http.client.HTTPConnection | None = None
        while True:
            number = next(counter)
            if number >= warmup + total or time.monotonic() > deadline:
                break
            if number == warmup:
                with lock:
                    phase_started.setdefault("measured", time.perf_counter())
            body = None
            if body_template is not None:
                body = body_template.replace("{n}", f"{run_id}-{number}").encode()
            if connection is None:
                connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
            started = time.perf_counter()
            try:
                connection.request(method, target, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                elapsed = time.perf_counter() - started
                status = str(response.status)
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as exc:
                elapsed = time.perf_counter() - started
                status = "error"
                if connection is not None:
                    connection.close()
                connection = None
                with lock:
                    errors.append(f"{exc.__class__.__name__}: {exc}")
            if number >= warmup:
                with lock:
                    latencies.append(elapsed)
                    statuses[status] = statuses.get(status, 0) + 1
        if connection is not None:
            connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(time_limit + 60)
    finished = time.perf_counter()
    measured_wall = finished - phase_started.get("measured", started)
    return {
        "requests": len(latencies),
        "statuses": statuses,
        "errors": errors[:5],
        "median_ms": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95_ms": _percentile(latencies, 0.95) * 1000,
        "max_ms": max(latencies) * 1000 if latencies else float("nan"),
        "rps": len(latencies) / measured_wall if measured_wall > 0 else 0.0,
        "wall_s": measured_wall,
        "timed_out": time.monotonic() > deadline,
    }


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.argv[1]))))
