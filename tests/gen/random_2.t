#!/usr/bin/env bash
# random_2.t - the second half of random.t's cases (RANDOM_SHARD=2/2), a program of its own so
# that tests/run runs the two halves side by side.
RANDOM_SHARD=2/2 exec "$(dirname "$0")/random.t"
