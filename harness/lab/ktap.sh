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
