#!/usr/bin/env bash
# Differential check for internal (speed) changes: converts the same inputs with a reference build
# and with this tree's build and compares every output byte for byte (report lines included; the
# run's timing and the interchange's ISA/GS date and time are masked).
#
#   bench/diff-outputs.sh REF_DIR [GENERATED_MB]
#
# REF_DIR holds a reference build: bin/, dist/, mappings/, package.json and node_modules (e.g. a
# `git worktree add` of main's HEAD after `npm run build`, or a copy of those four of this tree
# taken before the change). Inputs: samples/, ../shared/corpus (X12 and FHIR, when present), a
# generated X217 file of GENERATED_MB (default 8) and, PAS -> X12, the reference's bundles of that
# file and of its responses (bench/make-responses.js). DIFF_LOSSLESS=1 compares every X12 input
# converted with --lossless too. Exit status 1 on any difference.
set -euo pipefail
ref=$(cd "${1:?usage: bench/diff-outputs.sh REF_DIR [GENERATED_MB]}" && pwd)
mb=${2:-8}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in" "$work/this"
# This tree's build, copied, so that a rebuild during the run cannot change what is compared.
cp -r "$here/bin" "$here/dist" "$here/mappings" "$here/package.json" "$work/this/"
ln -s "$here/node_modules" "$work/this/node_modules"

gen="$work/in/generated.x12"
node "$here/bench/generate.js" "$gen" "$mb" >/dev/null
rm -f "$gen.json"
BENCH_DIST_URL="file://$ref/dist/index.js" node "$here/bench/make-responses.js" "$gen" "$work/in/generated-responses.x12" >/dev/null

inputs=("$here"/samples/* "$gen" "$work/in/generated-responses.x12")
if [ -d "$here/../shared/corpus" ]; then
  while IFS= read -r f; do inputs+=("$f"); done < <(find "$here/../shared/corpus" -type f \( -name '*.x12' -o -name '*.edi' -o -name '*.txt' -o -name '*.json' \) | sort)
fi

# One run: stdout and the report, with the timing and the envelope's clock masked.
run() { # dir input out [option]
  rm -f "$3.ctl"
  node "$1/bin/x12pas.js" convert "$2" --workers 0 --control-file "$3.ctl" ${4:+"$4"} >"$3.out" 2>"$3.err" || true
  sed -E -i 's/ in [0-9.]+ s \([0-9,.]+ [a-z]+\/s/ in T s (R/' "$3.err"
  sed -E -i 's/^(ISA(\*[^*]*){8})\*[0-9]{6}\*[0-9]{4}/\1*D*T/; s/^(GS(\*[^*]*){3})\*[0-9]{8}\*[0-9]{4,8}/\1*D*T/' "$3.out"
}

# PAS -> X12 on the bundles the reference writes for the generated requests and responses.
for x in generated generated-responses; do
  node "$ref/bin/x12pas.js" convert "$work/in/$x.x12" --workers 0 --control-file "$work/ctl" -o "$work/in/$x-bundles.ndjson" 2>/dev/null || true
  inputs+=("$work/in/$x-bundles.ndjson")
done

status=0
n=0
compare() { # input [option]
  n=$((n + 1))
  run "$ref" "$1" "$work/ref" ${2:+"$2"}
  run "$work/this" "$1" "$work/new" ${2:+"$2"}
  for k in out err; do
    if ! cmp -s "$work/ref.$k" "$work/new.$k"; then
      echo "DIFFERENT ($k${2:+, $2}): $1"
      diff <(head -c 200000 "$work/ref.$k") <(head -c 200000 "$work/new.$k") | head -5 || true
      status=1
    fi
  done
}
for f in "${inputs[@]}"; do
  compare "$f"
  case "$f" in *.json | *.ndjson) ;; *) if [ "${DIFF_LOSSLESS:-}" = 1 ]; then compare "$f" --lossless; fi ;; esac
done
echo "$n conversions compared: $([ $status = 0 ] && echo 'all identical' || echo 'differences above')"
exit $status
