#!/usr/bin/env bash
# Refresh cedar-hitl-core/data/, the copy of the built-in rules and constants that ships inside
# the published core crate (a packaged crate cannot read files outside itself). The top-level
# policies/ and contracts/constants.json stay the files people edit; the core's test
# `embedded_data` fails until this script has been run after an edit.
set -euo pipefail
cd "$(dirname "$0")/.."
for f in policies/hard_deny.cedar policies/soft_deny.cedar \
         policies/upstream/hard_deny.cedar policies/upstream/soft_deny.cedar \
         contracts/constants.json; do
  mkdir -p "cedar-hitl-core/data/$(dirname "$f")"
  cp "$f" "cedar-hitl-core/data/$f"
done
