# shellcheck shell=bash
# The labs' flat KTAP: tests collected as lines with a NUM placeholder,
# numbered when written. Sourced by lab.sh and bochs/vmx-lab.sh.

# flat: add one test to the flat KTAP. flat VERDICT NAME [DIRECTIVE|DIAG]
#   VERDICT ok | not_ok | skip | xfail | xpass | error
declare -a KFLAT=()
declare -A KCOUNT=()
flat() {
	local v=$1 name=$2 why=${3:-}
	case "$v" in
	ok) KFLAT+=("ok NUM $name${why:+ # $why}") ;;
	not_ok) KFLAT+=("not ok NUM $name${why:+ # $why}") ;;
	skip) KFLAT+=("ok NUM $name # SKIP $why") ;;
	xfail) KFLAT+=("ok NUM $name # XFAIL $why") ;;
	xpass) KFLAT+=("not ok NUM $name # XPASS $why") ;;
	error) KFLAT+=("not ok NUM $name # ERROR $why") ;;
	esac
	KCOUNT[$v]=$((${KCOUNT[$v]:-0} + 1))
}
diag() { KFLAT+=("# $*"); }

# ktap_leaves FILE: "VERDICT ID DIRECTIVE" for each vector of a kmc-run KTAP
# file, then its "# ..." lines (kmc-run prints them before the vector's
# result, as KTAP has it) as "DIAG text" right after the vector.
ktap_leaves() {
	awk '
	/^    (not )?ok [0-9]+ / || /^  (not )?ok [0-9]+ / {
		line = $0; sub(/^ +/, "", line)
		nok = (line ~ /^not ok /); sub(/^(not )?ok [0-9]+ /, "", line)
		id = line; dir = ""
		i = index(line, " # "); if (i) { id = substr(line, 1, i - 1); dir = substr(line, i + 3) }
		v = nok ? "not_ok" : "ok"
		if (dir ~ /^SKIP/) { v = "skip"; sub(/^SKIP ?/, "", dir) }
		else if (dir ~ /^XFAIL/) { v = "xfail"; sub(/^XFAIL ?/, "", dir) }
		else if (dir ~ /^XPASS/) { v = "xpass"; sub(/^XPASS ?/, "", dir) }
		else if (dir ~ /^ERROR/) { v = "error"; sub(/^ERROR ?/, "", dir) }
		# a file-level line (its id ends in .kmv) is not a vector
		if (id ~ /\.kmv(:[0-9]+)?$/ && v != "error") { pend = ""; next }
		print v "\t" id "\t" dir; printf "%s", pend; pend = ""; next
	}
	/^ +# / { t = $0; sub(/^ +# /, "", t); if (t !~ /^Subtest:/) pend = pend "DIAG\t" t "\n"; next }
	' "$1"
}

# add_ktap PREFIX FILE [STRIP_HEAD [STRIP_TAIL]]: every vector of FILE as a
# flat test PREFIX.ID, ID without STRIP_HEAD and STRIP_TAIL (l2. and .6-1)
add_ktap() {
	local v id dir name
	while IFS=$'\t' read -r v id dir; do
		if [[ $v == DIAG ]]; then
			diag "$id"
			continue
		fi
		name=${id#"${3:-}"}
		name=${name%"${4:-}"}
		flat "$v" "$1.$name" "$dir"
	done < <(ktap_leaves "$2")
}

# ktap_numbered LINE...: the lines with NUM replaced by 1, 2, ...
ktap_numbered() {
	local i=0 l
	for l in "$@"; do
		if [[ $l == *" NUM "* ]]; then
			i=$((i + 1))
			l=${l/ NUM / $i }
		fi
		printf '%s\n' "$l"
	done
}

# ktap_totals: the "# Totals:" line of KCOUNT
ktap_totals() {
	printf '# Totals: pass:%d fail:%d xfail:%d xpass:%d skip:%d error:%d\n' "${KCOUNT[ok]:-0}" \
		"${KCOUNT[not_ok]:-0}" "${KCOUNT[xfail]:-0}" "${KCOUNT[xpass]:-0}" "${KCOUNT[skip]:-0}" "${KCOUNT[error]:-0}"
}

# ktap_not_passing LINE...: the failures and XFAILs of flat lines, each with
# the diagnostics that follow it (for summary.txt)
ktap_not_passing() {
	printf '%s\n' "$@" | awk '
		/^not ok NUM / { show = 1; sub(/^not ok NUM /, "FAIL  "); print; next }
		/^ok NUM .* # XFAIL/ { show = 1; sub(/^ok NUM /, "XFAIL "); print; next }
		/^(not )?ok NUM / { show = 0; next }
		show { print "      " $0 }'
}

# The labs' totals over all kernels, and what each kernel's collection adds
declare -a FLAT=()
declare -a SUMMARY=()
declare -a RETRIES=()
T_PASS=0 T_FAIL=0 T_XFAIL=0 T_XPASS=0 T_SKIP=0 T_ERROR=0

# collect_kernel FUNC K STATE TEST: run FUNC K (a lab's per-kernel collection
# of results, which adds tests with flat/diag and lines to SUMMARY and
# RETRIES) in a subshell, so that a command failing there under set -e (a
# block file a lost console marker never wrote, say) ends only this kernel's
# collection: the failing line and command become the ERROR test TEST, the
# tests collected before it are kept, and the lab goes on with the next
# kernel. STATE is a file prefix for what comes back from the subshell.
collect_kernel() {
	local fn=$1 k=$2 st=$3 test=$4 rc=0
	rm -f "$st".flat "$st".count "$st".lists "$st".err
	(
		save() {
			printf '%s\0' "${KFLAT[@]}" >"$st.flat"
			declare -p KCOUNT >"$st.count"
			{ printf 'SUMMARY\t%s\n' "${SUMMARY[@]}"; printf 'RETRIES\t%s\n' "${RETRIES[@]}"; } >"$st.lists"
		}
		set -E
		# (under set +e a failing command is expected, and stops nothing)
		trap 'e=$?; [[ $- != *e* ]] || { printf "line %s: %s (exit %s)\n" "$LINENO" "$BASH_COMMAND" "$e" >"$st.err"; save; }' ERR
		SUMMARY=() RETRIES=() KFLAT=() KCOUNT=()
		"$fn" "$k"
		save
	) &
	# (waited for, not run as "( ... ) || rc=$?": in a || list bash ignores
	# set -e inside the subshell, and a failing command would go unnoticed)
	wait "$!" || rc=$?
	KFLAT=()
	KCOUNT=()
	[[ -r $st.flat ]] && mapfile -d '' -t KFLAT <"$st.flat"
	# shellcheck disable=SC1090
	[[ -r $st.count ]] && . "$st.count"
	if [[ -r $st.lists ]]; then
		local kind line
		while IFS=$'\t' read -r kind line; do
			[[ -n $line ]] || continue
			case $kind in SUMMARY) SUMMARY+=("$line") ;; RETRIES) RETRIES+=("$line") ;; esac
		done <"$st.lists"
	fi
	if ((rc)); then
		local why
		why=$(cat "$st.err" 2>/dev/null || echo "exit $rc, no line recorded")
		flat error "$test" "collecting the results of kernel $k stopped at $why; the tests before this one are what it got to"
		printf '%s: error: collecting the results of kernel %s stopped at %s; going on\n' "$PROG" "$k" "$why" >&2
		SUMMARY+=("$k: collection stopped at $why")
	fi
	FLAT+=("${KFLAT[@]}")
	T_PASS=$((T_PASS + ${KCOUNT[ok]:-0})) T_FAIL=$((T_FAIL + ${KCOUNT[not_ok]:-0}))
	T_XFAIL=$((T_XFAIL + ${KCOUNT[xfail]:-0})) T_XPASS=$((T_XPASS + ${KCOUNT[xpass]:-0}))
	T_SKIP=$((T_SKIP + ${KCOUNT[skip]:-0})) T_ERROR=$((T_ERROR + ${KCOUNT[error]:-0}))
	return 0
}

# name_failures: a command that stops the lab under set -e names itself
# (line, command, exit status) on stderr instead of ending it silently.
name_failures() {
	set -E
	trap 'e=$?; [[ $- != *e* ]] || printf "%s: error: line %s: %s failed (exit %s); stopping\n" "$PROG" "$LINENO" "$BASH_COMMAND" "$e" >&2' ERR
}
