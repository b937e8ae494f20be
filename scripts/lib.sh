# Shared helpers for the scripts in this folder.
step() { printf '\n==> %s\n' "$*"; }

# need CMD APT_PACKAGE: make CMD available, installing the Debian package when
# missing. On a laptop without root it explains how to install and returns 1.
need() {
  local cmd=$1 pkg=${2:-$1}
  command -v "$cmd" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing $pkg (apt)"
    (apt-get install -y -qq "$pkg" >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$pkg" >/dev/null 2>&1; }) || true
  fi
  command -v "$cmd" >/dev/null 2>&1 && return 0
  missing "$cmd" "install it with: sudo apt-get install $pkg"
}

# missing TOOL HOW: with CI=true a missing tool is a failure; elsewhere a skip.
missing() {
  if [ "${CI:-}" = true ]; then
    echo "FAIL: $1 is missing and CI=true ($2)" >&2
    exit 1
  fi
  echo "SKIP: $1 is missing ($2)" >&2
  return 1
}

# What the scripts download or build once and reuse lives under one cache
# folder, shared by every checkout: Pebble, and the Python virtualenvs in
# $cache/venvs/NAME.
cache=${WIRELAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wirelab}

# quietly CMD...: run CMD with its output kept aside, shown only if it fails.
quietly() {
  local log rc=0
  log=$(mktemp "${TMPDIR:-/tmp}/wirelab-quietly.XXXXXX")
  "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" != 0 ]; then cat "$log" >&2; fi
  rm -f "$log"
  return "$rc"
}

# python_venv NAME REQUIREMENT...: set venv to the virtualenv
# $cache/venvs/NAME, holding the pinned REQUIREMENTs (pip arguments:
# "kosoku==0.1.0", or "-r interop/python/requirements.txt"). The first call
# creates it with ${PYTHON:-python3} and installs them quietly; later calls
# reuse it until the requirements (or a -r file's text) change. A missing
# python3, venv module or package is reported by `missing`, so it returns 1
# (a skip) or, under CI=true, exits:
#   python_venv autobahn "kosoku==$KOSOKU_VERSION" || exit 0
#   "$venv/bin/kosoku" ...
python_venv() {
  local name=$1 py=${PYTHON:-python3} want a prev=
  shift
  venv=$cache/venvs/$name
  want="python=$py $*"
  for a in "$@"; do
    if [ "$prev" = -r ]; then want+=$'\n'$(cat "$a"); fi
    prev=$a
  done
  if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.wirelab-requirements" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  need "$py" python3 || return 1
  echo "python: installing $* into $venv"
  if [ ! -x "$venv/bin/python" ]; then
    mkdir -p "$cache/venvs"
    if ! "$py" -m venv "$venv" >/dev/null 2>&1; then
      rm -rf "$venv"
      # Debian splits ensurepip out of python3.
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get install -y -qq python3-venv >/dev/null 2>&1 || true
      fi
      if ! "$py" -m venv "$venv" >/dev/null 2>&1; then
        rm -rf "$venv"
        missing "python3 venv" "install it with: sudo apt-get install python3-venv"
        return 1
      fi
    fi
  fi
  rm -f "$venv/.wirelab-requirements"
  if ! quietly "$venv/bin/python" -m pip install -q --disable-pip-version-check "$@"; then
    missing "$*" "pip could not install it into $venv"
    return 1
  fi
  printf '%s' "$want" >"$venv/.wirelab-requirements"
}
