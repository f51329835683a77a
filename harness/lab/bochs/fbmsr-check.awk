# fbmsr-check.awk -v fbdis=0|1 MSRLOG MARKS (vmx-lab.sh's fbmsr check)
#
# MSRLOG: bochs-patch.so's log of the emulated CPU's writes, lines
#   "wrmsr n=K cpu=C msr=0xM value=0xV"; a write to 0x5ff is kmc-run's marker
#   (1..254 in order, round again; 255 at the end) and starts a segment.
# MARKS: kmc-run's KMC_KVM_MARK_LOG, one line per marker:
#   "N ID vcpus=V runs=R runs_disabled=D" (kmc.ko watched the vector's VM)
#   or "N ID -".
# For each watched vector the FB_CLEAR_DIS (bit 3 of MCU_OPT_CTRL, 0x123)
# set-writes of its segment must equal kmc.ko's runs_disabled, with as many
# clears; the markers must be kmc-run's, in order; with fbdis=1 at least one
# set-write in all, with fbdis=0 none. Prints a line per watched vector
# ("agree ..." or "DISAGREE ..."), then "RESULT BAD WATCHED SETS VECTORS".
# Plain POSIX awk (mawk): no strtonum, no bit operators.
function hex(s,   i, v) {
	s = tolower(s); sub(/^(value=)?0x/, "", s); v = 0
	for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
FNR == 1 { f++ }
# msr.log: "wrmsr n=K cpu=C msr=0xM value=0xV"; the k-th marker write
# starts segment k (its value is k, 1..254 and round again; 255 ends)
f == 1 && $4 == "msr=0x5ff" { v = hex($5); seg = v == 255 ? 0 : ++nseg; if (v != 255 && v != (nseg - 1) % 254 + 1) badmark++; next }
f == 1 && $4 == "msr=0x123" && seg > 0 {
	if (int(hex($5) / 8) % 2) set[seg]++; else clr[seg]++
	next
}
# kmc-run: "N ID vcpus=V runs=R runs_disabled=D" or "N ID -"
f == 2 {
	n = $1 + 0; id[n] = $2; if (n > nv) nv = n
	watched[n] = NF > 3
	for (i = 3; i <= NF; i++) { split($i, kv, "="); m[n, kv[1]] = kv[2] + 0 }
}
END {
	bad = 0; sets = 0; nw = 0
	if (badmark || nseg != nv) { printf "DISAGREE %d markers in the CPU log, %d vectors in kmc-run's log (%d out of order)\n", nseg, nv, badmark; bad++ }
	for (n = 1; n <= nv; n++) {
		s = set[n] + 0; c = clr[n] + 0; sets += s
		if (watched[n]) {
			nw++
			want = m[n, "runs_disabled"]
			ok = (s == want && c == s)
			printf "%s %d %s: kmc.ko: %d of %d VM-entries with disable_fb_clear=1; CPU: %d FB_CLEAR_DIS set, %d clear writes\n", ok ? "agree" : "DISAGREE", n, id[n], want, m[n, "runs"], s, c
		} else {
			ok = 1	# kmc-run watched only the vectors about disable_fb_clear or VERW
		}
		if (!ok) bad++
	}
	if (fbdis && sets == 0) { print "DISAGREE the configuration arms FB_CLEAR_DIS but no vector made KVM write it"; bad++ }
	if (!fbdis && sets > 0) { print "DISAGREE FB_CLEAR_DIS written on a configuration that must not arm it"; bad++ }
	printf "RESULT %d %d %d %d\n", bad, nw, sets, nv
}
