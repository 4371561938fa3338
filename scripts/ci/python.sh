#!/usr/bin/env bash
# The Python package (python/) in CI, called by .ci/run:
#   python.sh install LOGDIR   installs Debian's python3-psycopg, python3-cryptography and
#                              python3-pytest when /usr/bin/python3 lacks them (the cross-language
#                              vitest tests in python/test/ need the first two)
#   python.sh test REPORT      runs the Python unit tests once and writes a JUnit XML report, which
#                              scripts/ci-summary.mjs adds to the closing "N passed, N failed" line
set -uo pipefail
cd "$(dirname "$0")/../.."
python=/usr/bin/python3

case "${1:-}" in
  install)
    log="${2:-/tmp}/python-install.log"
    if [ -x "$python" ] && "$python" -c 'import psycopg, cryptography, pytest' 2>/dev/null; then exit 0; fi
    echo "installing python3-psycopg, python3-cryptography and python3-pytest (apt) for python/"
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
      python3 python3-psycopg python3-cryptography python3-pytest; } >"$log" 2>&1; then
      cat "$log"
      echo "could not install the Python packages; the Python tests will fail"
      exit 1
    fi
    ;;
  test)
    report=$2
    echo "::group::pytest (python/)"
    (cd python && "$python" -m pytest -q -p no:cacheprovider --junitxml="$report")
    code=$?
    echo "::endgroup::"
    # Exit 5 means pytest collected no tests: not a failure of this script, and the report says 0.
    [ "$code" -eq 0 ] || [ "$code" -eq 5 ]
    ;;
  *)
    echo "usage: $0 install LOGDIR | test REPORT" >&2
    exit 2
    ;;
esac
