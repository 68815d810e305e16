#!/usr/bin/env bash
# Logical PostgreSQL backup with retention (Kubernetes CronJob and docker-compose hosts).
# Connection from the standard libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE) or DATABASE_URL.
#   BACKUP_DIR       where dumps go (default /backups)
#   RETENTION_DAYS   dumps older than this are deleted after a successful dump (default 30)
# Writes db_<database>_<UTC stamp>.dump (pg_dump custom format, restore with pg_restore or `stockval ops restore`),
# checks it is readable with pg_restore --list, and records the time in last_success (for freshness alerts).
set -euo pipefail

BACKUP_DIR=${BACKUP_DIR:-/backups}
RETENTION_DAYS=${RETENTION_DAYS:-30}
case "$RETENTION_DAYS" in '' | *[!0-9]*) echo "RETENTION_DAYS must be a whole number of days" >&2; exit 2 ;; esac

target=()
if [ -n "${DATABASE_URL:-}" ]; then
  target=(--dbname "$DATABASE_URL")
  name=$(printf '%s' "$DATABASE_URL" | sed -E 's#^[^/]*//[^/]*/([^?]*).*#\1#')
else
  name=${PGDATABASE:?set PGDATABASE or DATABASE_URL}
fi

mkdir -p "$BACKUP_DIR"
stamp=$(date -u +%Y%m%d_%H%M%S)
final="$BACKUP_DIR/db_${name}_${stamp}.dump"
partial="$final.partial"
trap 'rm -f "$partial"' EXIT

start=$(date +%s)
pg_dump --format=custom --compress=6 --no-owner --no-privileges "${target[@]}" --file "$partial"
pg_restore --list "$partial" >/dev/null
mv "$partial" "$final"
date -u +%s >"$BACKUP_DIR/last_success"

# Retention: only after a good dump, only our own files.
find "$BACKUP_DIR" -maxdepth 1 -type f -name 'db_*.dump' -mtime "+$RETENTION_DAYS" -print -delete

printf '{"msg":"backup complete","file":"%s","bytes":%s,"seconds":%s}\n' \
  "$final" "$(stat -c %s "$final")" "$(($(date +%s) - start))"
