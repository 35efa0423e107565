"""The `make bench` Pulumi program (scripts/bench.py copies __main__.py into .bench/program)."""
