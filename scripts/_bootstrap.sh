# Sourced by scripts/run and scripts/test: a virtualenv with the project's dependencies.
# Uses $PYTHON if set, else python3.11, else python3 (which must be 3.11).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# Re-install only when pyproject.toml changed since the last install.
stamp=.venv/.servicedesk-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  touch "$stamp"
fi
export PATH="$ROOT/.venv/bin:$PATH"
python scripts/messages.py compile
