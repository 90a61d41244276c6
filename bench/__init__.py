"""`make bench`: PlaceVoice measured at a combined authority's volume.

`python -m bench.run` seeds (or reuses) the volume database, serves it with gunicorn on
loopback, drives each page with a bounded load from a second process (`bench.load`), counts
SQL queries per request in-process, times the evidence summary against its hand-written SQL
aggregate, and writes BENCHMARKS.md. Not part of `make test` or CI.
"""
