#!/bin/sh
# Run every benchmark by hand (not part of the test suite). Loopback only; each step bounded.
#   bench/run.sh            # everything (about 35 minutes)
#   bench/run.sh get        # one step: setup get login rss signup purge variants profile split instructions
# Knobs: BENCH_ROUNDS (2), BENCH_WRK_SECONDS (8), BENCH_WRK_CONNS (4), BENCH_SITE_DIR.
# Results: bench/results/*.json, *.log, profile-*.txt
set -e
cd "$(dirname "$0")"
PY=../.venv/bin/python
mkdir -p results
steps="${*:-setup get login rss signup purge variants profile split instructions}"
for step in $steps; do
  case "$step" in
    setup)    ./setup.sh ;;
    get)      timeout 1200 $PY get_pages.py 2>&1 | tee results/get_pages.log ;;
    login)    timeout 600 $PY post_login.py 2>&1 | tee results/post_login.log ;;
    rss)      timeout 900 $PY rss_workers.py 2>&1 | tee results/rss_workers.log ;;
    signup)   timeout 600 $PY signup.py 2>&1 | tee results/signup.log ;;
    purge)    timeout 900 $PY purge.py 2>&1 | tee results/purge.log ;;
    variants) timeout 300 $PY variants.py 2>&1 | tee results/variants.log ;;
    split)    timeout 300 $PY cpu_split.py 2>&1 | tee results/cpu_split.log ;;
    instructions) for scenario in get-login post-login verify; do
                timeout 1800 $PY instructions.py $scenario 2>&1 | tee -a results/instructions.log
              done ;;
    profile)  timeout 300 $PY profile_app.py /login 500 > /dev/null
              timeout 300 $PY profile_app.py /help/create-account/ 500 gzip > /dev/null
              echo "profiles in bench/results/profile-*.txt" ;;
    *) echo "unknown step $step" >&2; exit 2 ;;
  esac
done
