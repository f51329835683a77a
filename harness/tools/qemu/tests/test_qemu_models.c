// SPDX-License-Identifier: GPL-2.0
/*
 * `kmc qemu-models` and the QEMU data it reads.  The expectations come
 * from the sources each case names (lkml 000, QEMU's changelog and
 * commits, docs/qemu-models.md), not from the program's output.  make
 * check runs the tests from the top of the tree: data/qemu/ is there.
 */
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "names.h"
#include "qemu_data.h"
#include "qemu_models.h"
#include "check_main.h"

#define QEMU_OLD "data/qemu/qemu-7.2.22.txt"
#define QEMU_NEW "data/qemu/qemu-11.1.3.txt"

static const struct qd_model *model(const struct qd_data *d, const char *name)
{
	for (unsigned int i = 0; i < d->nmodels; i++)
		if (!strcmp(d->models[i].name, name))
			return &d->models[i];
	return NULL;
}

/* The whole JSON answer for one host, profile and QEMU */
static json_t *run_json(const char *host, const char *profile, const char *qemu)
{
	struct kmc_qemu_models_args a = { .host = host, .profile = profile,
					  .data_dir = "data/qemu", .qemu = qemu, .json = 1 };
	char *text = NULL, err[512] = "";
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	json_error_t je;
	json_t *j;
	int ret;

	ck_assert_ptr_nonnull(m);
	ret = kmc_qemu_models(m, &a, err, sizeof(err));
	fclose(m);
	ck_assert_msg(ret == 0, "qemu-models failed: %s", err);
	j = json_loads(text, 0, &je);
	ck_assert_msg(j != NULL, "not JSON: %s", je.text);
	free(text);
	return j;
}

static json_t *json_model(json_t *top, const char *name)
{
	json_t *q = json_array_get(json_object_get(top, "qemu"), 0), *m;
	size_t i;

	json_array_foreach(json_object_get(q, "models"), i, m)
		if (!strcmp(json_string_value(json_object_get(m, "name")), name))
			return m;
	ck_abort_msg("no model %s", name);
	return NULL;
}

static int has(json_t *arr, const char *s)
{
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
		if (!strcmp(json_string_value(v), s))
			return 1;
	return 0;
}

/*
 * The name fb-clear came with QEMU 8.1 (22e1094ca82, "target/i386: add
 * support for FB_CLEAR feature"): 7.2 has no such feature, 11.1 has it at
 * MSR 0x10a bit 17 (msr-index.h ARCH_CAP_FB_CLEAR)
 */
START_TEST(fb_clear_name_since_8_1)
{
	struct qd_data d;
	char err[512];

	ck_assert_msg(qd_read(QEMU_OLD, &d, err, sizeof(err)) == 0, "%s", err);
	ck_assert_ptr_null(qd_qemu_name(&d, 1, KMC_AC_FB_CLEAR));
	ck_assert_str_eq(qd_qemu_name(&d, 1, KMC_AC_MDS_NO), "mds-no");
	ck_assert_uint_eq(d.major, 7);
	qd_free(&d);
	ck_assert_msg(qd_read(QEMU_NEW, &d, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(qd_qemu_name(&d, 1, KMC_AC_FB_CLEAR), "fb-clear");
	ck_assert_str_eq(qd_qemu_name(&d, 0, KMC_F(MWAIT)), "monitor");
	/* every model has a vendor and Cascadelake-Server-v1 is Intel family 6 model 0x55 */
	ck_assert_str_eq(model(&d, "Cascadelake-Server-v1")->vendor, "GenuineIntel");
	ck_assert_uint_eq(model(&d, "Cascadelake-Server-v1")->model, 0x55);
	qd_free(&d);
}
END_TEST

/*
 * qemu.git 00001a22d183 went into 10.2.0 and, through qemu-stable, into
 * 10.0.6 and 10.1.2 (their changelogs); nothing before
 */
START_TEST(fb_clear_synthesis_versions)
{
	ck_assert(!kmc_qemu_has_fb_clear_synth(7, 2, 22));
	ck_assert(!kmc_qemu_has_fb_clear_synth(9, 2, 4));
	ck_assert(!kmc_qemu_has_fb_clear_synth(10, 0, 5));
	ck_assert(kmc_qemu_has_fb_clear_synth(10, 0, 6));
	ck_assert(!kmc_qemu_has_fb_clear_synth(10, 1, 1));
	ck_assert(kmc_qemu_has_fb_clear_synth(10, 1, 2));
	ck_assert(kmc_qemu_has_fb_clear_synth(10, 2, 0));
	ck_assert(kmc_qemu_has_fb_clear_synth(11, 1, 3));
}
END_TEST

/*
 * lkml 000: a named model with FB_CLEAR cannot start (enforce) on
 * Sapphire Rapids, whose KVM does not advertise it; 6.1 boots tsx=off, so
 * KVM hides TAA_NO too and QEMU's synthesis does not fire (anchors 4.2).
 * Cascadelake-Server-v6 asks for fb-clear in QEMU 11.1 (its data).
 */
START_TEST(fb_clear_model_refused_on_spr_61)
{
	json_t *j = run_json("cpu=sapphirerapids", "6.1", "11.1");
	json_t *m = json_model(j, "Cascadelake-Server-v6");
	json_t *q = json_array_get(json_object_get(j, "qemu"), 0);

	ck_assert(has(json_object_get(m, "arch_cap"), "fb-clear"));
	ck_assert(has(json_object_get(m, "kvm_lacks_arch_cap"), "fb_clear"));
	ck_assert_str_eq(json_string_value(json_object_get(m, "enforce")), "refused");
	/* without enforce the guest is not told FB_CLEAR */
	ck_assert(!has(json_object_get(m, "guest_arch_cap_names"), "fb_clear"));
	ck_assert(json_is_true(json_object_get(q, "fb_clear_synthesis")));
	ck_assert(json_is_false(json_object_get(q, "fb_clear_synthesis_fires")));
	json_decref(j);
}
END_TEST

/*
 * anchors 4.2: on 7.2 (tsx=auto) Sapphire Rapids' KVM keeps TAA_NO, so all
 * five NO bits are there and QEMU 11.1 adds FB_CLEAR: the same model
 * starts, and its guest is told FB_CLEAR while SPR's VERW does not clear
 * the fill buffers -- the verw_promise_hw finding (lkml 001)
 */
START_TEST(fb_clear_synthesis_fires_on_spr_72)
{
	json_t *j = run_json("cpu=sapphirerapids", "7.2", "11.1");
	json_t *m = json_model(j, "Cascadelake-Server-v6");

	ck_assert(!has(json_object_get(m, "kvm_lacks_arch_cap"), "fb_clear"));
	ck_assert(has(json_object_get(m, "guest_arch_cap_names"), "fb_clear"));
	ck_assert(json_is_false(json_object_get(m, "verw_clears")));
	ck_assert(has(json_object_get(m, "findings"), "verw_promise_hw"));
	json_decref(j);
}
END_TEST

/*
 * QEMU 7.2 has no FB_CLEAR synthesis and no model with fb-clear: no model
 * can lack it there
 */
START_TEST(qemu_72_never_lacks_fb_clear)
{
	json_t *j = run_json("cpu=sapphirerapids", "6.1", "7.2");
	json_t *q = json_array_get(json_object_get(j, "qemu"), 0), *m;
	size_t i, n = 0;

	ck_assert(json_is_false(json_object_get(q, "fb_clear_synthesis")));
	json_array_foreach(json_object_get(q, "models"), i, m) {
		ck_assert(!has(json_object_get(m, "kvm_lacks_arch_cap"), "fb_clear"));
		n++;
	}
	ck_assert_uint_gt(n, 100);
	json_decref(j);
}
END_TEST

/*
 * TSX off (6.1's default): KVM has no RTM/HLE, so a model with rtm and hle
 * (Cascadelake-Server-v1) is refused for them; -noTSX versions are not
 */
START_TEST(tsx_models_refused_without_rtm)
{
	json_t *j = run_json("cpu=cascadelake tsx=off", "7.2", "7.2");

	ck_assert(has(json_object_get(json_model(j, "Cascadelake-Server-v1"), "kvm_lacks_cpuid"),
		      "rtm"));
	ck_assert(has(json_object_get(json_model(j, "Cascadelake-Server-v1"), "kvm_lacks_cpuid"),
		      "hle"));
	ck_assert(!has(json_object_get(json_model(j, "Cascadelake-Server-noTSX"),
				       "kvm_lacks_cpuid"), "rtm"));
	json_decref(j);
}
END_TEST

/*
 * On KVM QEMU starts every model with monitor=off (kvm_default_props): a
 * model with monitor (EPYC-Genoa-v1) never lacks MWAIT, which KVM only
 * emulates
 */
START_TEST(monitor_never_asked_of_kvm)
{
	json_t *j = run_json("cpu=sapphirerapids", "6.1", "11.1");
	json_t *m = json_model(j, "EPYC-Genoa-v1");

	/* KVM_GET_SUPPORTED_CPUID has no MWAIT; the model asks for monitor */
	ck_assert(!has(json_object_get(j, "kvm_cpuid"), "mwait"));
	ck_assert(has(json_object_get(m, "cpuid"), "monitor"));
	ck_assert(!has(json_object_get(m, "kvm_lacks_cpuid"), "mwait"));
	ck_assert(!has(json_object_get(m, "guest_cpuid"), "mwait"));
	json_decref(j);
}
END_TEST

static int read_text(const char *text, char *err, size_t len)
{
	char path[] = "/tmp/kmc-qd-XXXXXX";
	int fd = mkstemp(path), ret;
	struct qd_data d;
	FILE *f;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	ret = qd_read(path, &d, err, len);
	if (!ret)
		qd_free(&d);
	unlink(path);
	return ret;
}

/* Bad data is refused with the line and the reason */
START_TEST(bad_data)
{
	char err[512];

	ck_assert_int_eq(read_text("qemu 7.2.22 x\nfeature arch-cap mds-no mds_no msr-0x10a[5]\n"
				   "model M vendor=V fms=6:0x55:1 arch-cap=fb-clear cpuid=- other=0\n",
				   err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, ":3: 'fb-clear' is not a arch-cap feature") != NULL, "%s", err);
	ck_assert_int_eq(read_text("qemu 7.2.22 x\nfeature arch-cap mds-no no_such msr-0x10a[5]\n",
				   err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, ":2: ") && strstr(err, "no_such"), "%s", err);
	ck_assert_int_eq(read_text("feature cpuid rtm rtm 0x7.0:EBX[11]\n", err, sizeof(err)),
			 -EINVAL);
	ck_assert_msg(strstr(err, ":1: the 'qemu VERSION' line must come first") != NULL, "%s",
		      err);
	ck_assert_int_eq(read_text("qemu 7.2.22 x\nmodel M vendor=V fms=6:0x55:1 cpuid=- other=0\n",
				   err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, ":2: model 'M' lacks") != NULL, "%s", err);
	ck_assert_int_eq(read_text("qemu 7.2.22 x\n", err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "no model lines") != NULL, "%s", err);
}
END_TEST

/* A QEMU version with no data, or a host the model cannot read, is an error */
START_TEST(bad_arguments)
{
	struct kmc_qemu_models_args a = { .host = "cpu=sapphirerapids", .profile = "6.1",
					  .data_dir = "data/qemu", .qemu = "7.20" };
	char err[512];
	FILE *null = fopen("/dev/null", "w");

	ck_assert_int_eq(kmc_qemu_models(null, &a, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "no data for QEMU 7.20") != NULL, "%s", err);
	a.qemu = NULL;
	a.host = "cpu=no_such_cpu";
	ck_assert_int_eq(kmc_qemu_models(null, &a, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "no_such_cpu") != NULL, "%s", err);
	fclose(null);
}
END_TEST

/*
 * --observed: a start whose missing 0x10a bits and modelled features are
 * the predicted ones passes, one that differs fails, and features kmc does
 * not model explain a refusal the model calls starts*.  On the QEMU lab's
 * L1 (qemu-epyc, an AMD host) KVM has no IBRS_ALL (passthrough only,
 * KVM_SUPPORTED_ARCH_CAP) and no TAA_NO (no RTM: C.3), which
 * Icelake-Server-v3 asks for; qemu64 asks for neither.
 */
START_TEST(observed_starts)
{
	struct kmc_qemu_models_args a = { .host = "cpu=qemu-epyc", .profile = "7.2",
					  .data_dir = "data/qemu" };
	char path[] = "/tmp/kmc-obs-XXXXXX", err[512] = "", *text = NULL;
	int fd = mkstemp(path);
	size_t len = 0;
	FILE *f, *m;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs("qemu 7.2.22\n"
	      "start qemu64-v1 rc=0 missing=-\n"
	      "start Icelake-Server-v3 rc=1 missing=ibrs-all,taa-no,pku,avx512f\n"
	      "start Icelake-Server-v4 rc=1 missing=taa-no\n"
	      "start EPYC-v1 rc=1 missing=rdrand\n", f);
	fclose(f);
	a.observed = path;
	m = open_memstream(&text, &len);
	ck_assert_int_eq(kmc_qemu_check(m, &a, err, sizeof(err)), 1);
	fclose(m);
	unlink(path);
	ck_assert_msg(strstr(text, "ok 1 qemu64-v1 # starts") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "ok 2 Icelake-Server-v3 # refused as predicted") != NULL, "%s",
		      text);
	ck_assert_msg(strstr(text, "not ok 3 Icelake-Server-v4") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "ok 4 EPYC-v1 # refused for features kmc does not model: rdrand")
		      != NULL, "%s", text);
	free(text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("qemu_models");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, fb_clear_name_since_8_1);
	tcase_add_test(tc, fb_clear_synthesis_versions);
	tcase_add_test(tc, fb_clear_model_refused_on_spr_61);
	tcase_add_test(tc, fb_clear_synthesis_fires_on_spr_72);
	tcase_add_test(tc, qemu_72_never_lacks_fb_clear);
	tcase_add_test(tc, tsx_models_refused_without_rtm);
	tcase_add_test(tc, monitor_never_asked_of_kvm);
	tcase_add_test(tc, bad_data);
	tcase_add_test(tc, bad_arguments);
	tcase_add_test(tc, observed_starts);
	suite_add_tcase(s, tc);
	return kmc_check_run(s);
}
