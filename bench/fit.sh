# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2153,SC2154 # work, SKC, CLANG, LIB, BUILD, PEAK, ...: set by bench/run.sh
# bench/fit.sh - the "will it fit?" rows of `make bench` (sourced by
# bench/run.sh; uses its profile, note, fail, ratio, gen_ir).
#
# `skcexec fit` measures one run with the library and estimates the peak
# without it.  Each row checks that against reality, for the skc-like
# fixture + the real clang++ -O2 at two sizes (FIT_SIZES: "HOLD:IR_FUNCS"
# pairs), its heap anonymous or three quarters of it in a MAP_SHARED state
# file (--init, as the Skip runtime keeps its persistent heap):
#   - real peaks with and without the library (max, sum), no limit;
#   - fit at the limit midway between them: its estimate without the
#     library must be within 5% of the real peak without it;
#   - real runs without and with the library under that limit: fit's
#     verdict (fits without the library, only with it) must be what
#     happens: OOM-killed or not.
#   FIT_SIZES ("600:50 1500:100")

FIT_SIZES=${FIT_SIZES:-600:50 1500:100}
FIT_ROWS=()
SKCEXEC=$BUILD/bin/skcexec

# fit_case HOLD IR HEAP: one row.  HEAP: anon or shared.
fit_case() {
    local hold=$1 ir=$2 heap=$3 label="fit-$1-$3" args max sum limit est err verdict
    local line kb ks match
    rm -f "$work/fit/state.db"
    args=(--hold-mb "$hold")
    [ "$heap" = shared ] &&
        args=(--init "$work/fit/state.db" --state-mb $((hold * 3 / 4)) --hold-mb $((hold / 4)))
    args+=(--ir "$ir" -o "$work/fit/prog" --clang "$CLANG")
    profile "$label-with" "" "" env LD_PRELOAD="$LIB" "$SKC" "${args[@]}"
    max=$PEAK
    profile "$label-without" "" "" env -u LD_PRELOAD "$SKC" "${args[@]}"
    sum=$PEAK
    if [ "$STATUS" != 0 ]; then
        fail "$label: the run without the library failed ($work/$label-without.err)"
        return
    fi
    limit=$(( (max + sum) / 2 ))
    "$SKCEXEC" fit --limit "$limit" -- "$SKC" "${args[@]}" >"$work/$label-fit.err" 2>&1
    line=$(grep '^skcexec-fit: peak_mib=' "$work/$label-fit.err")
    est=$(echo "$line" | sed -n 's/.* peak_without_mib=\([0-9]*\).*/\1/p')
    verdict=$(sed -n "s/^skcexec-fit: limit_mib=$limit fits=\([a-z]*\) .*/\1/p" "$work/$label-fit.err")
    if [ -z "$est" ] || [ -z "$verdict" ] || ! echo "$line" | grep -q ' replaced=1 '; then
        fail "$label: fit gave no estimate with skc replaced ($work/$label-fit.err)"
        return
    fi
    err=$(awk -v e="$est" -v r="$sum" 'BEGIN { printf "%+.1f%%", (e - r) * 100 / r }')
    [ "$(awk -v e="$est" -v r="$sum" 'BEGIN { d = e - r; if (d < 0) d = -d; print (d * 100 <= 5 * r) }')" = 1 ] ||
        fail "$label: estimate $est MiB is not within 5% of the real $sum MiB"
    profile "$label-limited-without" "$limit" "" env -u LD_PRELOAD "$SKC" "${args[@]}"
    kb=$OOM
    profile "$label-limited-with" "$limit" "" env LD_PRELOAD="$LIB" "$SKC" "${args[@]}"
    ks=$OOM
    match=yes
    if { [ "$verdict" = without ] && [ "$kb" != 0 ]; } ||
       { [ "$verdict" = with ] && [ "$kb" != 1 ]; } ||
       [ "$verdict" = no ] || [ "$ks" != 0 ]; then
        match=no
        fail "$label: fit said fits=$verdict at $limit MiB; real runs: OOM kill $kb without the library, $ks with it"
    fi
    note "fit $hold MiB $heap heap: real without $sum MiB, estimate $est MiB ($err);" \
        "at $limit MiB fit says fits=$verdict, real OOM kill without $kb, with $ks"
    FIT_ROWS+=("| $hold MiB, $heap | $max / $sum MiB | $est MiB ($err) | $limit MiB | $verdict | $([ "$kb" = 1 ] && echo killed || echo "not killed") / $([ "$ks" = 1 ] && echo killed || echo "not killed") | $match |")
}

fit_bench() {
    local size hold funcs ir
    mkdir -p "$work/fit"
    for size in $FIT_SIZES; do
        hold=${size%%:*} funcs=${size#*:}
        ir=$work/fit/input-$funcs.ll
        [ -s "$ir" ] || gen_ir "$CLANG" "$funcs" "$IR_OPS" "$ir" || return 1
        fit_case "$hold" "$ir" anon
        fit_case "$hold" "$ir" shared
    done
}

fit_table() {
    if [ "${#FIT_ROWS[@]}" -eq 0 ]; then
        [ -n "${FIT_SKIPPED:-}" ] && echo "$FIT_SKIPPED"
        return 0
    fi
    echo "skcexec fit against reality: the skc-like program (HOLD MiB, anonymous or 3/4 in a shared state file) + clang++ -O2;" \
        "fit measures one run with the library; the real runs are without it (and with it) under the same cgroup accounting"
    echo
    echo "| skc holds, heap | real peak with / without the library | fit's estimate without (error) | limit midway | fit says: fits | real, under that limit: without / with the library | verdict right |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    printf '%s\n' "${FIT_ROWS[@]}"
    echo
}
