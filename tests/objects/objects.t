#!/usr/bin/env bash
# objects.t - the adoption procedure of tests/fidelity/fidelity.t (pull A and B, baseline A,
# generate + migrate to B, dumps equal, diff --database --strict clean, rollback gives A back)
# on the hand-written cases of tests/objects/cases: views, materialized views, functions,
# procedures, triggers, row level security, policies and extensions, and the changes that force
# a dependent object to be dropped and re-created (a column a view reads, a function a trigger
# uses). CASE=name runs one case, KEEP=1 keeps the work directory.
cd "$(dirname "$0")/../.." || exit 1
CASES=tests/objects/cases exec bash tests/fidelity/fidelity.t
