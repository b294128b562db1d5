"""Checks JSON Schemas with the `jsonschema` package (PyPI), draft 2020-12.

    python3 tests/jsonschema_check.py SCHEMA [JSONL]

Checks SCHEMA against the 2020-12 meta-schema; with JSONL (a file, or `-`
for standard input), validates every line and prints `LINE: message` for
each invalid one. Exits 1 on any problem.
"""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
cls = jsonschema.validators.validator_for(schema)
if cls is not jsonschema.Draft202012Validator:
    print(f"{sys.argv[1]}: not a draft 2020-12 schema ({cls.__name__})")
    sys.exit(1)
cls.check_schema(schema)
bad = 0
if len(sys.argv) > 2:
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    src = sys.stdin if sys.argv[2] == "-" else open(sys.argv[2])
    for n, line in enumerate(src, 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except ValueError as e:
            print(f"{n}: not JSON: {e}")
            bad += 1
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        for e in errors:
            print(f"{n}: {'/'.join(map(str, e.path)) or '(line)'}: {e.message}")
        bad += bool(errors)
sys.exit(1 if bad else 0)
