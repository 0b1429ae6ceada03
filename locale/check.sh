#!/bin/sh
# Fails unless every catalogue under locale/ is complete: no untranslated and no fuzzy entry, valid
# format strings (msgfmt --check), and a compiled .mo that matches its .po.
# Usage: locale/check.sh   (from anywhere; needs GNU gettext's msgfmt)
set -eu
cd "$(dirname "$0")"
status=0
for po in */LC_MESSAGES/*.po; do
    mo="${po%.po}.mo"
    stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1 | tail -n 1)
    echo "$po: $stats"
    case "$stats" in
        *fuzzy*|*untranslated*) echo "  FAIL: $po has fuzzy or untranslated entries"; status=1 ;;
    esac
    fresh=$(mktemp)
    msgfmt -o "$fresh" "$po"
    if ! cmp -s "$fresh" "$mo"; then
        echo "  FAIL: $mo is missing or out of date; run compilemessages (see $po header)"
        status=1
    fi
    rm -f "$fresh"
done
exit $status
