# Sourced by scripts/bench and scripts/loadrun: a fresh copy of a data set to measure on.
# copy_database SOURCE TARGET: drop TARGET, create it from SOURCE (a file copy, which PostgreSQL
# allows only while nobody is connected to SOURCE), migrate it to this commit (its indexes are
# part of what is measured) and VACUUM ANALYZE it, as autovacuum would have done on a live
# database after a bulk load (index-only scans need the visibility map).
copy_database() {
  local source="$1" target="$2"
  echo "copying $source to $target …" >&2
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS \"$target\""
  psql "$PG/postgres" -qc "CREATE DATABASE \"$target\" TEMPLATE \"$source\" STRATEGY FILE_COPY"
  DATABASE_URL="$PG/$target" python manage.py migrate -v0
  psql "$PG/$target" -qc "VACUUM (ANALYZE)"
}
