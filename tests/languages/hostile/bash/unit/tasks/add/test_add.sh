#!/bin/bash
set -e

candidate() {
    add "$@"
}

run_test() {
    [[ $(candidate "2" "3") = "5" ]]
    [[ $(candidate "-1" "1") = "0" ]]
}

run_test
