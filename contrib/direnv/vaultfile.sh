# shellcheck shell=bash
# direnv support for vaultfile: `use vaultfile` in an .envrc loads the vault's secrets into the environment
# direnv manages, and reloads them when the vault file changes.
#
# Install: copy this file to ~/.config/direnv/lib/vaultfile.sh (direnv sources every lib/*.sh), then in .envrc:
#
#   use vaultfile                          # .secrets.yaml (or $VAULTFILE_FILE), every secret
#   use vaultfile deploy/.secrets.yaml --only PYPI_TOKEN,NPM_TOKEN --exclude-expired
#
# Arguments: the vault file (optional), then any `vaultfile export` options. vaultfile is looked up on PATH, then
# in ./node_modules/.bin (a devDependency); set VAULTFILE_BIN to choose. The key comes from where vaultfile always
# looks (VAULTFILE_AGE_KEY, ~/.config/sops/age/keys.txt, …). On any failure nothing is loaded and direnv reports
# the error; the secrets never touch a file.
use_vaultfile() {
  local file="${VAULTFILE_FILE:-.secrets.yaml}"
  if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    file="$1"
    shift
  fi
  local bin="${VAULTFILE_BIN:-}"
  if [ -z "$bin" ]; then
    if command -v vaultfile >/dev/null 2>&1; then
      bin=vaultfile
    elif [ -x ./node_modules/.bin/vaultfile ]; then
      bin=./node_modules/.bin/vaultfile
    else
      _vaultfile_direnv_error "vaultfile not found: install it (npm i -D vaultfile) or set VAULTFILE_BIN"
      return 1
    fi
  fi
  watch_file "$file"
  local exports
  if ! exports="$("$bin" -f "$file" export --format shell "$@")"; then
    _vaultfile_direnv_error "could not load the secrets of $file (see the error above)"
    return 1
  fi
  eval "$exports"
}

_vaultfile_direnv_error() {
  if declare -F log_error >/dev/null; then log_error "vaultfile: $1"; else echo "direnv: vaultfile: $1" >&2; fi
}
