"""The desk measured against Django's floor: `make bench` (`manage.py bench`).

`data` builds the benchmark's desk (articles of 5 to 5,000 claims, 100,000 sources) with
bulk inserts; `load` starts the production profile on it, drives each page with wrk and
prints the figures and the budgets of docs/bench.md; `floor` holds the two reference
pages served only when the BENCH setting is on.
"""
