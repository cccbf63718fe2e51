# Shared set-up steps of scripts/demo and scripts/test. Each step checks
# first and only installs or starts what is missing, so a second run is fast.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${SERVISTA_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  log "installing Debian packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# The Python environment with Servista and its pinned dependencies.
ensure_venv() {
  local requirements="$1"   # requirements.txt or requirements-test.txt
  local stamp="$VENV/.servista-$(basename "$requirements")-$(cat "$ROOT/requirements.txt" "$ROOT/$requirements" "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)"
  if [ ! -x "$PY" ]; then
    log "creating $VENV"
    python3 -m venv "$VENV"
  fi
  if [ ! -f "$stamp" ]; then
    log "installing Python dependencies ($requirements)"
    "$PY" -m pip install -q --disable-pip-version-check -r "$ROOT/$requirements"
    "$PY" -m pip install -q --disable-pip-version-check --no-deps -e "$ROOT"
    touch "$stamp"
  fi
}

# PostgreSQL on 127.0.0.1:5432 with trust authentication for local TCP.
ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    apt_install postgresql
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    local version
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    log "starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  if ! psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    local version hba
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    hba="/etc/postgresql/$version/main/pg_hba.conf"
    log "allowing trust authentication on 127.0.0.1 in $hba"
    as_root sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
    sleep 1
  fi
}

ensure_database() {
  local name="$1"
  if ! psql -h 127.0.0.1 -U postgres -d postgres -Atqc "select 1 from pg_database where datname='$name'" | grep -q 1; then
    createdb -h 127.0.0.1 -U postgres "$name"
  fi
}

# Redis on 127.0.0.1:6379 (the Celery broker of production workers).
ensure_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    apt_install redis-server
  fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    log "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /tmp --logfile /tmp/servista-redis.log
    for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
  fi
}

# Debian's Chromium, driven headless by the browser tests.
ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    apt_install chromium
  fi
}

# curl, which the README's API examples use (tests/cli/test_readme_examples.py).
ensure_curl() {
  if ! command -v curl >/dev/null 2>&1; then
    apt_install curl
  fi
}
