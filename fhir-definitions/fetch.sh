#!/usr/bin/env bash
# Rebuilds fhir-definitions/ from the npm registry, or fetches the official
# R4 examples for the conformance tests.
#
#   fhir-definitions/fetch.sh            refresh the committed definitions
#   fhir-definitions/fetch.sh examples   put hl7.fhir.r4.examples-4.0.1.tgz in
#                                        target/fhir-packages/ (not committed)
#
# Every download is checked against fhir-definitions/SHA256SUMS.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"

fetch() {
    local spec="$1" dest="$2"
    local file
    file="$(echo "$spec" | sed 's/@/-/')".tgz
    if [ ! -f "$dest/$file" ]; then
        (cd "$dest" && npm pack --silent "$spec" >/dev/null)
    fi
    (cd "$dest" && grep " $file\$" "$here/SHA256SUMS" | sha256sum --check --quiet)
    echo "$dest/$file"
}

case "${1:-definitions}" in
examples)
    mkdir -p "$root/target/fhir-packages"
    fetch hl7.fhir.r4.examples@4.0.1 "$root/target/fhir-packages"
    ;;
definitions)
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    core="$(fetch hl7.fhir.r4.examples@4.0.1 "$work")"
    plan_net="$(fetch hl7.fhir.us.davinci-pdex-plan-net@1.2.0 "$work")"
    rm -rf "$here/hl7.fhir.r4.core#4.0.1"
    python3 "$here/trim.py" "$core" "$here/hl7.fhir.r4.core#4.0.1"
    cp "$plan_net" "$here/"
    ;;
*)
    echo "usage: $0 [definitions|examples]" >&2
    exit 2
    ;;
esac
