#!/bin/bash
# Runs every .mpy file our mpy-cross writes for the corpus on the official
# MicroPython VM (WebAssembly, installed by .ci/deps into build/node) and
# compares what it prints with the corpus expectation. Fails loudly when the
# official VM is not installed.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
export MPY_REF_NODE_PREFIX=$PWD/build/node
if [ ! -d "$MPY_REF_NODE_PREFIX/node_modules/@micropython" ]; then
    echo "official VM not installed in build/node: run .ci/deps"
    echo "0 passed, 1 failed"
    exit 1
fi
. tests/cli/corpus-project.sh
"$CORPUS_CHECK" -v --only refvm "$PROJ"
