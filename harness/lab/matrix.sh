#!/usr/bin/env bash
# The L2 matrix (matrix.txt): reading it, and turning a row into l2run.sh
# arguments. Sourced by qemu-lab.sh; also a command of its own for a look at the
# matrix (see --help).
set -euo pipefail
# shellcheck source=harness/lab/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MATRIX_DEFAULT=$LAB_DIR/matrix.txt
KMC=${KMC:-$KMC_ROOT/build/bin/kmc}

declare -a MX_IDS=()      # row ids in file order
declare -A MX=()          # "ID key" -> value (append: space-separated list)
declare -A MX_DESC=()     # ID -> the "# ..." text
declare -A CAT_VENDOR=() CAT_FMS=() CAT_AC=()
declare -a FEAT_NAMES=()  # kmc's order
declare -A FEAT_LEAF=() FEAT_REG=() FEAT_BIT=()
declare -A AC_BIT=()

MX_KEYS=" cpu qemu ac set clr props append kernels tags "

# kmc_load: the catalog, feature and 0x10a bit names from the model itself.
kmc_load() {
	local name vendor fms ac spec leaf reg bit
	[[ -x $KMC ]] || die "$KMC not found; build it with 'make' (or set KMC=path/to/kmc)"
	while read -r name vendor fms _core ac _rest; do
		[[ $name == NAME ]] && continue
		CAT_VENDOR[$name]=$vendor
		CAT_FMS[$name]=$fms
		CAT_AC[$name]=$ac
	done < <("$KMC" cpus)
	((${#CAT_FMS[@]})) || die "'$KMC cpus' listed no CPUs"
	# "arch_capabilities  0x7.0:EDX[29]"
	while read -r name spec; do
		[[ $spec =~ ^(0x[0-9a-f]+\.[0-9]+):([A-Z]{3})\[([0-9]+)\]$ ]] ||
			die "'$KMC names features': cannot read '$name $spec'"
		leaf=${BASH_REMATCH[1]}
		reg=${BASH_REMATCH[2],,}
		bit=${BASH_REMATCH[3]}
		FEAT_NAMES+=("$name")
		FEAT_LEAF[$name]=$leaf
		FEAT_REG[$name]=$reg
		FEAT_BIT[$name]=$bit
	done < <("$KMC" names features)
	while read -r bit name; do
		[[ $bit =~ ^[0-9]+$ ]] || continue
		AC_BIT[$name]=$bit
	done < <("$KMC" names arch-cap)
}

# matrix_load FILE: read and check every row.
matrix_load() {
	local file=$1 line n=0 body desc id tok key val
	[[ -r $file ]] || die "matrix $file not readable"
	MX_IDS=()
	MX=()
	MX_DESC=()
	while IFS= read -r line || [[ -n $line ]]; do
		n=$((n + 1))
		[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
		body=${line%%#*}
		desc=
		[[ $line == *"#"* ]] && desc=${line#*#}
		desc=${desc# }
		read -ra toks <<<"$body"
		id=${toks[0]}
		[[ $id =~ ^[a-z0-9][a-z0-9-]*$ ]] || die "$file:$n: bad configuration id '$id' (a-z 0-9 -)"
		[[ -z ${MX_DESC[$id]+x} ]] || die "$file:$n: configuration '$id' given twice"
		MX_IDS+=("$id")
		MX_DESC[$id]=$desc
		for tok in "${toks[@]:1}"; do
			[[ $tok == ?*=?* ]] || die "$file:$n: '$tok' is not KEY=VALUE"
			key=${tok%%=*}
			val=${tok#*=}
			[[ $MX_KEYS == *" $key "* ]] || die "$file:$n: unknown key '$key' (one of:$MX_KEYS)"
			if [[ $key == append ]]; then
				MX["$id append"]+="${MX["$id append"]:+ }$val"
			else
				[[ -z ${MX["$id $key"]+x} ]] || die "$file:$n: '$key' given twice"
				MX["$id $key"]=$val
			fi
		done
		[[ -n ${MX["$id cpu"]:-} ]] || die "$file:$n: $id has no cpu="
		[[ -n ${CAT_FMS[${MX["$id cpu"]}]+x} ]] || die "$file:$n: unknown CPU '${MX["$id cpu"]}' (see $KMC cpus)"
		[[ -n ${MX["$id qemu"]:-} ]] || die "$file:$n: $id has no qemu="
		[[ -n ${MX["$id ac"]:-} ]] || die "$file:$n: $id has no ac= (off, qemu or a value)"
		mx_ac_value "$id" >/dev/null || die "$file:$n: $id: bad ac=${MX["$id ac"]}"
		mx_cpuid_list "${MX["$id set"]:-}" >/dev/null || die "$file:$n: $id: bad set=${MX["$id set"]}"
		mx_cpuid_list "${MX["$id clr"]:-}" >/dev/null || die "$file:$n: $id: bad clr=${MX["$id clr"]}"
		mx_host_tokens "$id" >/dev/null || die "$file:$n: $id: append=${MX["$id append"]} is not a vector host token"
	done <"$file"
	((${#MX_IDS[@]})) || die "matrix $file has no configurations"
}

# mx_ac_value ID: "off", "qemu" or the 0x10a value to force (hex).
mx_ac_value() {
	local spec=${MX["$1 ac"]} v=0 t cpu=${MX["$1 cpu"]}
	case "$spec" in off | qemu) echo "$spec"; return 0 ;; esac
	local IFS=,
	for t in $spec; do
		case "$t" in
		catalog) v=$((v | ${CAT_AC[$cpu]})) ;;
		-*)
			[[ -n ${AC_BIT[${t#-}]+x} ]] || { warn "unknown 0x10a bit '${t#-}' (kmc names arch-cap)"; return 1; }
			v=$((v & ~(1 << ${AC_BIT[${t#-}]})))
			;;
		0x[0-9a-fA-F]* | [0-9]*)
			[[ $t =~ ^(0x[0-9a-fA-F]{1,16}|[0-9]+)$ ]] || { warn "bad number '$t'"; return 1; }
			v=$((v | t))
			;;
		*)
			[[ -n ${AC_BIT[$t]+x} ]] || { warn "unknown 0x10a bit '$t' (kmc names arch-cap)"; return 1; }
			v=$((v | (1 << ${AC_BIT[$t]})))
			;;
		esac
	done
	printf '0x%x\n' "$v"
}

# mx_cpuid_list LIST: kmc feature names / leaf.sub.reg.bit -> l2wrap's form.
mx_cpuid_list() {
	local list=$1 out=() t
	[[ -z $list ]] && return 0
	local IFS=,
	for t in $list; do
		if [[ -n ${FEAT_LEAF[$t]+x} ]]; then
			out+=("${FEAT_LEAF[$t]}.${FEAT_REG[$t]}.${FEAT_BIT[$t]}")
		elif [[ $t =~ ^(0x[0-9a-f]+|[0-9]+)\.[0-9]+\.(eax|ebx|ecx|edx)\.[0-9]+$ ]]; then
			out+=("$t")
		else
			warn "unknown CPUID feature '$t' (kmc names features, or leaf.subleaf.reg.bit)"
			return 1
		fi
	done
	echo "${out[*]}"
}

# mx_host_tokens ID: the row's kernel command line as vector host tokens.
mx_host_tokens() {
	local a out=()
	for a in ${MX["$1 append"]:-}; do
		case "$a" in
		mitigations=off | mds=off | tsx_async_abort=off | mmio_stale_data=off | reg_file_data_sampling=off | \
			tsx=on | tsx=off | tsx=auto | gather_data_sampling=off | gather_data_sampling=force | \
			l1tf=off | l1tf=flush | l1tf=flush,nowarn | l1tf=flush,nosmt | l1tf=full | l1tf=full,force | nofsgsbase)
			out+=("$a")
			;;
		*) warn "append=$a: not a host token of the vector format (docs/vectors.md)"; return 1 ;;
		esac
	done
	echo "${out[*]}"
}

# mx_on_kernel ID SERIES: true when the row runs on that kernel.
mx_on_kernel() {
	local k=${MX["$1 kernels"]:-}
	[[ -z $k || ",$k," == *",$2,"* ]]
}

mx_has_tag() {
	[[ ",${MX["$1 tags"]:-}," == *",$2,"* ]]
}

# mx_qemu_cpu ID: the -cpu argument.
mx_qemu_cpu() {
	local id=$1 cpu=${MX["$1 cpu"]} f m s vendor acprop=on
	IFS=: read -r f m s <<<"${CAT_FMS[$cpu]}"
	case "${CAT_VENDOR[$cpu]}" in
	intel) vendor=GenuineIntel ;;
	amd) vendor=AuthenticAMD ;;
	hygon) vendor=HygonGenuine ;;
	*) die "$id: the lab cannot give L2 the vendor '${CAT_VENDOR[$cpu]}' of $cpu" ;;
	esac
	[[ ${MX["$id ac"]} == off ]] && acprop=off
	printf '%s,vendor=%s,family=%d,model=%d,stepping=%d,arch-capabilities=%s%s\n' \
		"${MX["$id qemu"]}" "$vendor" "$f" "$m" "$s" "$acprop" "${MX["$id props"]:+,${MX["$id props"]}}"
}

# mx_l2run_args ID: the l2run.sh command line (a shell-quoted string).
mx_l2run_args() {
	local id=$1 ac set clr args
	ac=$(mx_ac_value "$id")
	args=(--cpu "$(mx_qemu_cpu "$id")")
	[[ $ac == off || $ac == qemu ]] || args+=(--arch-cap "$ac")
	set=$(mx_cpuid_list "${MX["$id set"]:-}")
	clr=$(mx_cpuid_list "${MX["$id clr"]:-}")
	[[ -z $set ]] || args+=(--cpuid-set "${set// /,}")
	[[ -z $clr ]] || args+=(--cpuid-clr "${clr// /,}")
	[[ -z ${MX["$id append"]:-} ]] || args+=(--append "${MX["$id append"]}")
	printf '%q ' "${args[@]}"
	echo
}

matrix_usage() {
	cat <<EOF
usage: $PROG [--matrix FILE] list|args ID|table

Reads the L2 matrix (default harness/lab/matrix.txt; see its header) with the
model's CPU catalog and names (\$KMC, default build/bin/kmc):
  list      one line per configuration: id, kernels, tags
  args ID   the l2run.sh arguments qemu-lab.sh uses for configuration ID
  table     the markdown table of docs/lab.md (id, CPU, F:M:S, 0x10a, CPUID
            changes, what it exercises)
EOF
}

matrix_main() {
	local file=$MATRIX_DEFAULT id cpu ac chg
	while (($#)); do
		case "$1" in
		--matrix) (($# >= 2)) || die "--matrix needs a file"; file=$2; shift ;;
		-h | --help) matrix_usage; exit 0 ;;
		*) break ;;
		esac
		shift
	done
	(($#)) || die "no command (see --help)"
	kmc_load
	matrix_load "$file"
	case "$1" in
	list)
		for id in "${MX_IDS[@]}"; do
			printf '%-16s kernels=%s tags=%s\n' "$id" "${MX["$id kernels"]:-all}" "${MX["$id tags"]:--}"
		done
		;;
	args)
		(($# == 2)) || die "args needs an ID"
		[[ -n ${MX_DESC[$2]+x} ]] || die "no configuration '$2' in $file"
		mx_l2run_args "$2"
		;;
	table)
		echo "| # | id | CPU (F:M:S) | QEMU model | 0x10a | CPUID / cmdline | exercises |"
		echo "|---|---|---|---|---|---|---|"
		local i=0
		for id in "${MX_IDS[@]}"; do
			i=$((i + 1))
			cpu=${MX["$id cpu"]}
			ac=$(mx_ac_value "$id")
			[[ $ac == off || $ac == qemu ]] || ac="\`$ac\` (${MX["$id ac"]//,/, })"
			chg=${MX["$id set"]:++${MX["$id set"]//,/ +}}
			chg+=${MX["$id clr"]:+ -${MX["$id clr"]//,/ -}}
			chg+=${MX["$id props"]:+ ${MX["$id props"]}}
			chg+=${MX["$id append"]:+ \`${MX["$id append"]}\`}
			printf '| %d | %s%s | %s (%s) | %s | %s | %s | %s |\n' "$i" "$id" \
				"$(mx_has_tag "$id" smoke && echo ' (smoke)')" "$cpu" "${CAT_FMS[$cpu]}" \
				"${MX["$id qemu"]}" "$ac" "${chg:--}" "${MX_DESC[$id]}"
		done
		;;
	*) die "unknown command '$1' (see --help)" ;;
	esac
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	matrix_main "$@"
fi
