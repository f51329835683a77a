// SPDX-License-Identifier: GPL-2.0
/*
 * The vmx watch's /dev/kmc client (kvm_kmcdev.c), without VMX: on
 * kmc.ko's recorded facts and on synthetic watch output; the checks of a
 * watch's readings; which VM-entry flag a guest command ran with; the
 * VERW derivation; commands and their errors.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kvm_check.h"
#include "vmxwatch.h"

/* kmc.ko's own output in the lab's L1 (kmod/tests/data, no VMX there) */
START_TEST(kmcdev_recorded_facts)
{
	static const char *const series[] = { "6.1", "6.12", "7.2" };
	static const int64_t min[] = { 0x1998, 0x1950, 0x1a40 };

	for (int i = 0; i < 3; i++) {
		char path[128], *text;
		struct kmc_dev_facts f;
		char why[256];

		snprintf(path, sizeof(path), "kmod/tests/data/facts-%s.txt", series[i]);
		text = kt_slurp(path);
		ck_assert_msg(text != NULL, "%s", path);
		kmc_dev_parse(text, &f);
		ck_assert_int_eq(f.format, 1);
		ck_assert_str_eq(f.vmx_status, "unavailable no-vmx");
		ck_assert_int_eq(f.min_offset, min[i]);
		ck_assert_int_eq(f.nslots, 0);
		ck_assert_uint_eq(f.nslot_seen, 0);
		ck_assert_int_eq(f.watch_offset, -1);
		ck_assert_int_eq(f.bug_mds, 0);
		ck_assert_int_eq(f.feat_md_clear, 0);
		ck_assert_int_eq(f.feat_arch_cap, 0);
		ck_assert_int_eq(f.cpu_online, 1);
		ck_assert_uint_eq(f.nac, 1);
		ck_assert_str_eq(f.last_error, "0");
		/* an EPYC under TCG: no MDS, no 0x10a: VERW clears nothing */
		ck_assert_int_eq(kmc_dev_verw_clears(&f, 0, why, sizeof(why)), 0);
		free(text);
	}
}
END_TEST

/* what kmc.ko prints while armed (vmx.c: kmc_vmx_show), two vCPUs of one VM */
static const char armed[] =
	"kmc.format 1\n"
	"kmc.last_error 0\n"
	"bug.mds 0\n"
	"bug.taa 0\n"
	"feature.arch_capabilities 1\n"
	"feature.md_clear 1\n"
	"cpu.online 2\n"
	"msr.cpu0.0x10a 0x000000000006013f\n"
	"msr.cpu1.0x10a 0x000000000006013f\n"
	"vmx.probe_target vmx\n"
	"vmx.min_offset 0x1998\n"
	"vmx.status armed\n"
	"vmx.watch.pid 4242\n"
	"vmx.watch.offset 0x2230\n"
	"vmx.watch.missed 0\n"
	"vmx.slots 2\n"
	"vmx.dropped 0\n"
	"vmx.faults 0\n"
	"vmx.vm0.vcpu0.disable_fb_clear 0\n"
	"vmx.vm0.vcpu0.after_reset 1\n"
	"vmx.vm0.vcpu0.after_set_arch_cap 0\n"
	"vmx.vm0.vcpu0.at_run none\n"
	"vmx.vm0.vcpu0.resets 1\n"
	"vmx.vm0.vcpu0.arch_cap_writes 2\n"
	"vmx.vm0.vcpu0.runs 0\n"
	"vmx.vm0.vcpu0.changes 1\n"
	"vmx.vm0.vcpu1.disable_fb_clear 1\n"
	"vmx.vm0.vcpu1.after_reset 1\n"
	"vmx.vm0.vcpu1.after_set_arch_cap none\n"
	"vmx.vm0.vcpu1.at_run 1\n"
	"vmx.vm0.vcpu1.resets 1\n"
	"vmx.vm0.vcpu1.arch_cap_writes 0\n"
	"vmx.vm0.vcpu1.runs 3\n"
	"vmx.vm0.vcpu1.runs_disabled 3\n"
	"vmx.vm0.vcpu1.changes 0\n"
	"vmx.vm0.vcpu1.some_later_key 12\n"
	"verw.status not_run\n";

START_TEST(kmcdev_armed_facts)
{
	struct kmc_dev_facts f;
	const struct kmc_dev_slot *s;
	char why[256];

	kmc_dev_parse(armed, &f);
	ck_assert_str_eq(f.vmx_status, "armed");
	ck_assert_int_eq(f.watch_pid, 4242);
	ck_assert_int_eq(f.watch_offset, 0x2230);
	ck_assert_int_eq(f.nslots, 2);
	ck_assert_uint_eq(f.nslot_seen, 2);
	ck_assert_int_eq(f.bad_slot_value, 0);
	s = kmc_dev_slot_find(&f, 0, 0);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->last, 0);
	ck_assert_int_eq(s->after_reset, 1);
	ck_assert_int_eq(s->after_set_arch_cap, 0);
	ck_assert_int_eq(s->at_run, -1);
	ck_assert_uint_eq(s->arch_cap_writes, 2);
	ck_assert_uint_eq(s->changes, 1);
	ck_assert_int_eq(s->have_runs_disabled, 0);	/* as from a kmc.ko before runs_disabled */
	s = kmc_dev_slot_find(&f, 0, 1);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->at_run, 1);
	ck_assert_uint_eq(s->runs, 3);
	ck_assert_int_eq(s->have_runs_disabled, 1);
	ck_assert_uint_eq(s->runs_disabled, 3);
	ck_assert_uint_eq(s->changes, 0);	/* a key kmc-run does not know changed nothing */
	ck_assert_ptr_null(kmc_dev_slot_find(&f, 1, 0));
	/* tigerlake's 0x6013f has FB_CLEAR: VERW clears unless FB_CLEAR_DIS is set */
	ck_assert_int_eq(kmc_dev_verw_clears(&f, 0, why, sizeof(why)), 1);
	ck_assert_int_eq(kmc_dev_verw_clears(&f, 1, why, sizeof(why)), 0);
	ck_assert_int_eq(kmc_dev_verw_clears(&f, -1, why, sizeof(why)), -1);
	ck_assert_msg(strstr(why, "not observed"), "%s", why);
}
END_TEST

/* armed[] with @from replaced by @to, parsed; the slot of vCPU @vcpu or NULL and @why */
static const struct kmc_dev_slot *armed_with(struct kmc_dev_facts *f, const char *from,
					     const char *to, long pid, int vcpu, char *why,
					     size_t len)
{
	char t[sizeof(armed) + 128], *p = strstr(armed, from);

	ck_assert_ptr_nonnull(p);
	snprintf(t, sizeof(t), "%.*s%s%s", (int)(p - armed), armed, to, p + strlen(from));
	kmc_dev_parse(t, f);
	return kmc_dev_watch_slot(f, pid, 0x2230, vcpu, why, len);
}

START_TEST(kmcdev_watch_checks)
{
	static const struct { const char *from, *to; long pid; int vcpu; const char *why; } bad[] = {
		{ "vmx.status armed", "vmx.status idle", 4242, 0, "'idle', not armed" },
		{ "vmx.watch.pid 4242", "vmx.watch.pid 4243", 4242, 0, "not kmc-run's (pid 4242, 0x2230)" },
		{ "vmx.watch.offset 0x2230", "vmx.watch.offset 0x21f0", 4242, 0, "offset 0x21f0" },
		{ "vmx.watch.missed 0", "vmx.watch.missed 2", 4242, 0, "vmx.watch.missed 2" },
		{ "vmx.dropped 0", "vmx.dropped 1", 4242, 0, "vmx.dropped 1" },
		{ "vmx.faults 0", "vmx.faults 3", 4242, 0, "vmx.faults 3" },
		{ "vcpu1.after_reset 1", "vcpu1.after_reset 2", 4242, 0, "neither 0, 1 nor none" },
		{ "vmx.vm0.vcpu1.disable_fb_clear", "vmx.vm1.vcpu1.disable_fb_clear", 4242, 0,
		  "second VM (vm1)" },
		{ "vmx.status", "vmx.status", 4242, 5, "no vmx_vcpu_reset() of vCPU 5" },
		{ "vmx.vm0.vcpu0.resets 1", "vmx.vm0.vcpu0.resets 0", 4242, 0, "no vmx_vcpu_reset()" },
	};
	struct kmc_dev_facts f;
	const struct kmc_dev_slot *s;
	char why[512];

	s = armed_with(&f, "vmx.status", "vmx.status", 4242, 0, why, sizeof(why));
	ck_assert_msg(s && s->vcpu == 0 && s->last == 0, "%s", why);
	s = armed_with(&f, "vmx.status", "vmx.status", 4242, 1, why, sizeof(why));
	ck_assert_msg(s && s->vcpu == 1 && s->last == 1, "%s", why);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		why[0] = '\0';
		s = armed_with(&f, bad[i].from, bad[i].to, bad[i].pid, bad[i].vcpu, why, sizeof(why));
		ck_assert_msg(!s && strstr(why, bad[i].why), "case %zu: %s", i, why);
	}
}
END_TEST

/*
 * The flag the guest command's VM-entries ran with, from vCPU 0's slot
 * before and after it.  Two starting points: at_run alone (a kmc.ko
 * without runs_disabled), and with runs_disabled counted.
 */
static const struct kmc_dev_slot at_run_only = {
	.last = 1, .after_reset = 1, .after_set_arch_cap = 1, .at_run = -1, .resets = 1,
	.arch_cap_writes = 1,
};
static const struct kmc_dev_slot counted = {
	.last = 1, .after_reset = 1, .after_set_arch_cap = 1, .at_run = 1, .resets = 1,
	.arch_cap_writes = 1, .runs = 2, .have_runs_disabled = 1, .runs_disabled = 2,
};

START_TEST(kmcdev_entry_flag)
{
	/* what changed from @before: the rest of "after" is @before's */
	static const struct {
		const char *name;
		const struct kmc_dev_slot *before;
		int64_t runs, at_run, arch_cap_writes, changes, runs_disabled, have_runs_disabled;
		int want;
		const char *why;	/* NULL: not checked */
	} rows[] = {
		{ "one VM-entry, nothing else: the flag it entered with",
		  &at_run_only, 1, 1, 1, 0, 0, 0, 1, NULL },
		{ "several entries for one command (exits handled in KVM)",
		  &at_run_only, 4, 1, 1, 0, 0, 0, 1, NULL },
		{ "entered with 0", &at_run_only, 4, 0, 1, 0, 0, 0, 0, NULL },
		{ "no entry seen", &at_run_only, 0, 0, 1, 0, 0, 0, -1, "no VM-entry" },
		{ "a 0x10a write in between", &at_run_only, 2, 0, 2, 0, 0, 0, -1, "0x10a writes 1 -> 2" },
		{ "a change in between", &at_run_only, 2, 0, 1, 1, 0, 0, -1, "changes 0 -> 1" },
		{ "counted: all entries at 1", &counted, 5, 1, 1, 0, 5, 1, 1, NULL },
		{ "counted: none at 1", &counted, 5, 0, 1, 0, 2, 1, 0, NULL },
		/* at_run alone would say 0 */
		{ "counted: 2 of 3 entries at 1", &counted, 5, 0, 1, 0, 4, 1, -1,
		  "counted 2 of the command's 3 VM-entries" },
		{ "counted: runs_disabled in the reason", &counted, 5, 0, 1, 0, 4, 1, -1,
		  "runs_disabled 2 -> 4" },
		{ "counted: all at 1 but the last read 0", &counted, 5, 0, 1, 0, 5, 1, -1, NULL },
		{ "counted: none at 1 but the last read 1", &counted, 5, 1, 1, 0, 2, 1, -1, NULL },
		{ "counted: a count that went backwards (another watch in between)",
		  &counted, 5, 1, 1, 0, 1, 1, -1, NULL },
		{ "one side from a kmc.ko without the key: at_run as before",
		  &counted, 5, 1, 1, 0, 1, 0, 1, NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct kmc_dev_slot after = *rows[i].before;
		char why[300] = "";
		int got;

		after.runs = (uint64_t)rows[i].runs;
		after.at_run = (int)rows[i].at_run;
		after.arch_cap_writes = (uint64_t)rows[i].arch_cap_writes;
		after.changes = (uint64_t)rows[i].changes;
		after.runs_disabled = (uint64_t)rows[i].runs_disabled;
		after.have_runs_disabled = (int)rows[i].have_runs_disabled;
		got = kmc_dev_entry_flag(rows[i].before, &after, why, sizeof(why));
		ck_assert_msg(got == rows[i].want, "%s: %d, want %d (%s)", rows[i].name, got,
			      rows[i].want, why);
		if (rows[i].why)
			ck_assert_msg(strstr(why, rows[i].why), "%s: %s", rows[i].name, why);
	}
}
END_TEST

START_TEST(kmcdev_bad_values)
{
	struct kmc_dev_facts f;
	char *t = strdup(armed), *p = strstr(t, "vcpu1.at_run 1");

	ck_assert_ptr_nonnull(p);
	p[strlen("vcpu1.at_run ")] = '7';	/* a byte that is no bool: a wrong OFFSET */
	kmc_dev_parse(t, &f);
	ck_assert_int_eq(f.bad_slot_value, 1);
	free(t);
	kmc_dev_parse("kmc.format 1\nvmx.vm0.vcpu0.at_run nonsense\nvmx.vm99999999999.vcpu0.runs 1\n"
		      "msr.cpu0.0x10a fault\nvmx.status failed error:-2\n", &f);
	ck_assert_int_eq(f.bad_slot_value, 1);
	ck_assert_str_eq(f.vmx_status, "failed error:-2");
	ck_assert_uint_eq(f.nac_fault, 1);
	ck_assert_int_eq(f.min_offset, -1);
}
END_TEST

/* the host facts of the VERW derivation, one by one */
START_TEST(kmcdev_verw_derivation)
{
	static const struct {
		const char *facts;
		int want;
		const char *why;
	} cases[] = {
		/* MDS-affected with MD_CLEAR: clears */
		{ "bug.mds 1\nfeature.md_clear 1\nfeature.arch_capabilities 0\ncpu.online 1\n", 1, NULL },
		/* MDS-affected without the microcode, no 0x10a: keeps */
		{ "bug.mds 1\nfeature.md_clear 0\nfeature.arch_capabilities 0\ncpu.online 1\n", 0, NULL },
		/* MDS_NO part without FB_CLEAR (e.g. an older Atom): keeps */
		{ "bug.mds 0\nfeature.md_clear 1\nfeature.arch_capabilities 1\ncpu.online 1\n"
		  "msr.cpu0.0x10a 0x0000000000040029\n", 0, NULL },
		/* the CPUs disagree on FB_CLEAR */
		{ "bug.mds 0\nfeature.md_clear 1\nfeature.arch_capabilities 1\ncpu.online 2\n"
		  "msr.cpu0.0x10a 0x0000000000060029\nmsr.cpu1.0x10a 0x0000000000040029\n", -1, "disagree" },
		/* one CPU's value missing */
		{ "bug.mds 0\nfeature.md_clear 1\nfeature.arch_capabilities 1\ncpu.online 2\n"
		  "msr.cpu0.0x10a 0x0000000000060029\n", -1, "1 of 2 online CPUs" },
		/* a faulting read */
		{ "bug.mds 0\nfeature.md_clear 1\nfeature.arch_capabilities 1\ncpu.online 1\n"
		  "msr.cpu0.0x10a fault\n", -1, "faulted" },
		/* bug.mds unknown */
		{ "bug.mds unavailable not-exported\nfeature.md_clear 1\nfeature.arch_capabilities 1\n",
		  -1, "bug.mds" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kmc_dev_facts f;
		char why[256] = "";
		int got;

		kmc_dev_parse(cases[i].facts, &f);
		got = kmc_dev_verw_clears(&f, 0, why, sizeof(why));
		ck_assert_msg(got == cases[i].want, "case %zu: %d (%s)", i, got, why);
		if (cases[i].why)
			ck_assert_msg(strstr(why, cases[i].why), "case %zu: %s", i, why);
		/* FB_CLEAR_DIS set: keeps, whatever the host */
		ck_assert_int_eq(kmc_dev_verw_clears(&f, 1, why, sizeof(why)), 0);
	}
}
END_TEST

START_TEST(kmcdev_commands_and_errors)
{
	char dir[] = "/tmp/kmc-dev-XXXXXX", path[64], msg[512], *text;
	struct kmc_dev_facts f;
	int ret;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/kmc", dir);
	kt_write_file(path, armed, strlen(armed));
	ret = kmc_dev_read(path, &f, msg, sizeof(msg));
	ck_assert_msg(!ret, "%s", msg);
	ck_assert_int_eq(f.watch_offset, 0x2230);
	/* a command is one write(2) */
	ret = kmc_dev_cmd(path, "watch 0 0x2230", msg, sizeof(msg));
	ck_assert_msg(!ret, "%s", msg);
	text = kt_slurp(path);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(!strncmp(text, "watch 0 0x2230", 14), "%s", text);
	free(text);
	/* a write that fails: the command, the file and the errno */
	ret = kmc_dev_cmd("/dev/full", "watch 0 0x2230", msg, sizeof(msg));
	ck_assert_msg(ret == -ENOSPC && strstr(msg, "write 'watch 0 0x2230' to /dev/full: No space left on device"),
		      "%d %s", ret, msg);
	ret = kmc_dev_cmd(dir, "unwatch", msg, sizeof(msg));
	ck_assert_msg(ret == -EISDIR && strstr(msg, "write 'unwatch' to ") && strstr(msg, "Is a directory"),
		      "%d %s", ret, msg);
	unlink(path);
	ret = kmc_dev_cmd(path, "watch 0 0x2230", msg, sizeof(msg));
	ck_assert_msg(ret == -ENOENT && strstr(msg, "No such file or directory"), "%d %s", ret, msg);
	ret = kmc_dev_read(path, &f, msg, sizeof(msg));
	ck_assert_msg(ret == -ENOENT && strstr(msg, path), "%d %s", ret, msg);
	/* not kmc's facts */
	kt_write_file(path, "hello\n", 6);
	ret = kmc_dev_read(path, &f, msg, sizeof(msg));
	ck_assert_msg(ret == -EPROTO && strstr(msg, "not kmc.format 1"), "%d %s", ret, msg);
	unlink(path);
	rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kvm_kmcdev");
	const TTest *const tests[] = {
		kmcdev_recorded_facts, kmcdev_armed_facts, kmcdev_watch_checks, kmcdev_entry_flag,
		kmcdev_bad_values, kmcdev_verw_derivation, kmcdev_commands_and_errors, NULL,
	};

	kt_case(s, "kmcdev", 60, NULL, NULL, tests);
	return kt_run(s);
}
