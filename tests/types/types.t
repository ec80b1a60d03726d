#!/usr/bin/env bash
# types.t - the fidelity procedure (tests/fidelity/fidelity.t: pull A and B, baseline A,
# generate + migrate to B, dumps equal, diff --database --strict clean, rollback gives A back)
# on the corpus of tests/types/cases: hand-written DDL with SQL domains and declarative
# partitioning, including the changes that force an order (a domain's check a table uses
# changes; a partition is added; a default partition; a domain a column stops using is dropped).
cd "$(dirname "$0")/../.." || exit 1
CASES=tests/types/cases exec tests/fidelity/fidelity.t
