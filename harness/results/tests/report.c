// SPDX-License-Identifier: GPL-2.0
/*
 * The HTML report (harness/report/), rendered in headless Chromium,
 * and the LAVA side (harness/lava/): the KTAP -> lava-test-case wrapper and
 * the test definition's own steps, run with stand-ins for LAVA's tools.
 */
#include <stdint.h>
#include "kr_test.h"

static char *tmp;
static char prev[4300], cur[4300], vec[4300];

static const char unfilled[] =
	"kmv 1\n"
	"vector host.mmio.spr-hidden.6-1 profile=6.1\n"
	"  host cpu=sapphirerapids ac=0x0c0000eb cpuid=+hypervisor smt=0\n"
	"  expect bugs\n"
	"\n"
	"vector host.mmio.spr-hidden.7-2 profile=7.2\n"
	"  host cpu=sapphirerapids ac=0x0c0000eb cpuid=+hypervisor smt=0\n"
	"  expect bugs\n"
	"\n"
	"vector vcpu.gate.epyc.7-2 profile=7.2\n"
	"  host cpu=epyc-rome\n"
	"  op set_msr 0x10a 0x5\n"
	"  op rdmsr 0x10a\n"
	"\n"
	"vector fb.promise.spr.7-2 profile=7.2\n"
	"  host cpu=sapphirerapids\n"
	"  op set_cpuid arch_capabilities,md_clear,flush_l1d\n"
	"  op set_msr 0x10a 0x0\n"
	"  op run\n"
	"  expect findings\n";

/* A previous run where everything passed, and a run where one vector fails */
static void setup(void)
{
	char in[4300], bad[4300];

	tmp = kr_tmpdir();
	snprintf(in, sizeof(in), "%s/in.kmv", tmp);
	snprintf(vec, sizeof(vec), "%s/t.kmv", tmp);
	/* the same file name, so that the runs' tests line up */
	snprintf(bad, sizeof(bad), "%s/b/t.kmv", tmp);
	ck_assert_int_eq(kr_sh("mkdir -p '%s/b'", tmp), 0);
	kr_write(in, unfilled);
	ck_assert_int_eq(kr_sh("'%s' fill '%s' > '%s'", kr_bin("kmc"), in, vec), 0);
	/* the same vectors, one expectation broken: its first `expect bugs=` */
	ck_assert_int_eq(kr_sh("sed '0,/expect bugs=/s/expect bugs=\\(.*\\)/expect bugs=mds/' '%s' > '%s'",
			       vec, bad), 0);
	snprintf(prev, sizeof(prev), "%s/runs/1_ref", tmp);
	snprintf(cur, sizeof(cur), "%s/runs/2_ref", tmp);
	ck_assert_int_eq(kr_sh("'%s' -q --known none --results '%s' '%s' >/dev/null", kr_bin("kmc-run"),
			       prev, vec), 0);
	ck_assert_int_eq(kr_sh("'%s' -q --known none --results '%s' '%s' >/dev/null", kr_bin("kmc-run"),
			       cur, bad), 1);
}

static void teardown(void)
{
	kr_rmrf(tmp);
	tmp = NULL;
}

/* An lcov tracefile and the index genhtml would write beside it */
static void fake_coverage(const char *dir)
{
	char p[4400];

	ck_assert_int_eq(kr_sh("mkdir -p '%s'", dir), 0);
	snprintf(p, sizeof(p), "%s/coverage.info", dir);
	kr_write(p, "TN:\nSF:model/host_bugs.c\nDA:1,1\nLF:200\nLH:190\nBRF:100\nBRH:91\nend_of_record\n"
		    "TN:\nSF:model/vcpu.c\nLF:100\nLH:100\nBRF:50\nBRH:45\nend_of_record\n"
		    "TN:\nSF:ref/kernel.c\nLF:300\nLH:285\nBRF:80\nBRH:72\nend_of_record\n");
	snprintf(p, sizeof(p), "%s/index.html", dir);
	kr_write(p, "<html><body>lcov</body></html>\n");
}

static char *make_report(const char *extra)
{
	char out[4300], cov[4300], p[4400];

	snprintf(out, sizeof(out), "%s/report", tmp);
	snprintf(cov, sizeof(cov), "%s/coverage", tmp);
	fake_coverage(cov);
	ck_assert_int_eq(kr_sh("'%s' report --out '%s' --coverage '%s' %s '%s' >/dev/null",
			       kr_bin("kmc-results"), out, cov, extra, cur), 0);
	snprintf(p, sizeof(p), "%s/report.css", out);
	ck_assert(kr_exists(p));
	snprintf(p, sizeof(p), "%s/index.html", out);
	return kr_slurp(p);
}

START_TEST(the_report_has_matrix_findings_diff_and_coverage)
{
	/* the previous run is found beside the current one (same backend, earlier) */
	char *html = make_report("");

	ck_assert_ptr_nonnull(strstr(html, "<table class=\"matrix\">"));
	/* rows host · kernel, columns rules */
	ck_assert_ptr_nonnull(strstr(html, "<th class=\"row\">sapphirerapids \xc2\xb7 6.1</th>"));
	ck_assert_ptr_nonnull(strstr(html, "<th class=\"row\">epyc-rome \xc2\xb7 7.2</th>"));
	ck_assert_ptr_nonnull(strstr(html, "<th class=\"col\"><span>host</span></th>"));
	ck_assert_ptr_nonnull(strstr(html, "<th class=\"col\"><span>fb</span></th>"));
	/* the failing cell is red and names the vector; the others are green */
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"FAIL\" title=\"host on sapphirerapids \xc2\xb7 6.1"));
	ck_assert_ptr_nonnull(strstr(html, "  host.mmio.spr-hidden.6-1\">0/1</td>"));
	ck_assert_uint_ge(kr_count(html, "<td class=\"PASS\" title="), 3);
	/* findings */
	ck_assert_ptr_nonnull(strstr(html, "<td>verw_promise_hw</td><td class=\"num\">1</td>"));
	ck_assert_ptr_nonnull(strstr(html, "fb.promise.spr.7-2<br>"));
	/* failures with their diagnostics */
	ck_assert_ptr_nonnull(strstr(html, "bugs: expected mds, got"));
	/* the diff against the previous run: one vector newly failing */
	ck_assert_ptr_nonnull(strstr(html, "2_ref against the previous run 1_ref"));
	ck_assert_ptr_nonnull(strstr(html, "newly failing: <b>1</b>, fixed: <b>0</b>"));
	ck_assert_ptr_nonnull(strstr(html, "<td>newly failing</td><td>t.kmv: host.mmio.spr-hidden.6-1</td>"
					   "<td class=\"PASS\">PASS</td><td class=\"FAIL\">FAIL</td>"));
	/* coverage, per directory, and the link to lcov's pages */
	ck_assert_ptr_nonnull(strstr(html, "<th>model/</th>"));
	ck_assert_ptr_nonnull(strstr(html, "96.7% (290/300)"));	/* model lines */
	ck_assert_ptr_nonnull(strstr(html, "90.7% (136/150)"));	/* model branches */
	ck_assert_ptr_nonnull(strstr(html, "<th>ref/</th>"));
	ck_assert_ptr_nonnull(strstr(html, "href=\"../coverage/index.html\""));
	/* links to the run's files, relative */
	ck_assert_ptr_nonnull(strstr(html, "href=\"../runs/2_ref/junit.xml\""));
	/* static: no script, nothing fetched */
	ck_assert_ptr_null(strstr(html, "<script"));
	ck_assert_ptr_null(strstr(html, "src="));
	ck_assert_ptr_null(strstr(html, "href=\"http"));
	ck_assert_ptr_null(strstr(html, "url("));
	free(html);
}
END_TEST

START_TEST(a_baseline_and_no_previous)
{
	char extra[4500], *html;

	snprintf(extra, sizeof(extra), "--previous none --baseline '%s'", prev);
	html = make_report(extra);
	ck_assert_ptr_null(strstr(html, "against the previous run"));
	ck_assert_ptr_nonnull(strstr(html, "2_ref against the baseline 1_ref"));
	free(html);
	/* a run that is not a results directory is an error naming it */
	ck_assert_int_eq(kr_sh("'%s' report --out '%s/r2' /nonexistent/run 2>'%s/err'",
			       kr_bin("kmc-results"), tmp, tmp), 1);
	snprintf(extra, sizeof(extra), "%s/err", tmp);
	html = kr_slurp(extra);
	ck_assert_ptr_nonnull(strstr(html, "/nonexistent/run"));
	free(html);
}
END_TEST

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Headless Chromium loads the page, builds the matrix, and paints it */
START_TEST(the_report_renders_in_headless_chromium)
{
	char png[4300], dom[4300], html[4300], *d;
	unsigned char *img;
	FILE *fp;
	long n;

	ck_assert_msg(kr_sh("command -v chromium >/dev/null") == 0, "no chromium (make deps)");
	free(make_report(""));
	snprintf(html, sizeof(html), "%s/report/index.html", tmp);
	snprintf(png, sizeof(png), "%s/report/shot.png", tmp);
	snprintf(dom, sizeof(dom), "%s/report/dom.html", tmp);
	ck_assert_int_eq(kr_sh("KMC_SHOT_TIMEOUT=25 sh harness/report/screenshot.sh '%s' '%s' 1200,900 '%s'",
			       html, png, dom), 0);
	fp = fopen(png, "rb");
	ck_assert_ptr_nonnull(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	ck_assert_int_gt(n, 20000);	/* a page with tables and colour, not a blank one */
	img = malloc((size_t)n);
	ck_assert_ptr_nonnull(img);
	ck_assert_int_eq(fread(img, 1, (size_t)n, fp), n);
	fclose(fp);
	ck_assert_int_eq(memcmp(img, "\x89PNG\r\n\x1a\n", 8), 0);
	ck_assert_int_eq(memcmp(img + 12, "IHDR", 4), 0);
	ck_assert_uint_eq(be32(img + 16), 1200);
	ck_assert_uint_eq(be32(img + 20), 900);
	free(img);
	d = kr_slurp(dom);
	ck_assert_ptr_nonnull(strstr(d, "<table class=\"matrix\">"));
	ck_assert_ptr_nonnull(strstr(d, "Conformance matrix: 2_ref"));
	ck_assert_ptr_nonnull(strstr(d, "class=\"FAIL\""));
	free(d);
}
END_TEST

/*
 * A full `make lab` as lab.sh and vmx-lab.sh leave it: the committed
 * baselines (real lab output) as results/lab/<stamp>_<kernel>/, adopted by
 * the lab hook, an older QEMU-lab run beside them, and results/baselines.
 */
static const char *const lab_kernels[] = { "6.1", "6.12", "7.2", "vmx-6.1", "vmx-6.12", "vmx-7.2" };

static void make_lab_tree(char *root, size_t len)
{
	char cwd[2048];

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	snprintf(root, len, "%s/results", tmp);
	ck_assert_int_eq(kr_sh("mkdir -p '%s/lab' && ln -s '%s/results/baselines' '%s/baselines'",
			       root, cwd, root), 0);
	for (unsigned int i = 0; i < sizeof(lab_kernels) / sizeof(lab_kernels[0]); i++) {
		const char *k = lab_kernels[i];
		const char *stamp = strncmp(k, "vmx-", 4) ? "20261207-111818" : "20261207-113313";

		ck_assert_int_eq(kr_sh("cp -r 'results/baselines/%s' '%s/lab/%s_%s' && "
				       "KMC_BIN='%s' sh harness/results/lab-hook.sh '%s/lab/%s_%s' >/dev/null",
				       k, root, stamp, k, kr_bin(""), root, stamp, k), 0);
	}
	/* yesterday's QEMU lab: not part of the newest run */
	ck_assert_int_eq(kr_sh("cp -r 'results/baselines/6.1' '%s/lab/20261206-090000_6.1'", root), 0);
}

/* make report on @root; @shot: with its screenshot */
static char *lab_report(const char *root, int shot)
{
	char p[4400];

	ck_assert_int_eq(kr_sh("KMC_RESULTS='%s' KMC_REPORT_SHOT=%d KMC_SHOT_TIMEOUT=25 sh harness/report/report.sh "
			       ">'%s/report.out' 2>&1", root, shot, tmp), 0);
	snprintf(p, sizeof(p), "%s/report/index.html", root);
	return kr_slurp(p);
}

START_TEST(make_report_shows_every_kernel_of_a_lab_run)
{
	char root[4300], *html;

	make_lab_tree(root, sizeof(root));
	html = lab_report(root, 0);
	/* both labs, every kernel, with its package and timing */
	ck_assert_ptr_nonnull(strstr(html, "<h3>QEMU lab: 3 kernels</h3>"));
	ck_assert_ptr_nonnull(strstr(html, "<h3>Bochs VMX lab: 3 kernels</h3>"));
	ck_assert_uint_eq(kr_count(html, "<td>6.1.0-57-amd64 (linux-image-6.1.0-57-amd64=6.1.192-3)</td>"), 2);
	ck_assert_uint_eq(kr_count(html, "<td>6.12.118+deb12-amd64 (linux-image-6.12.118+deb12-amd64="), 2);
	ck_assert_uint_eq(kr_count(html, "<td>7.2.13+deb14-amd64 (linux-binary-7.2.13+deb14-amd64="), 2);
	/* 6.1's three L1 boots (the second hung and its jobs got one more): 139.1 + 262.8 + 61.0 s */
	ck_assert_ptr_nonnull(strstr(html, "3: 7 min 43 s"));
	ck_assert_ptr_nonnull(strstr(html, "kmod 43.3 s"));		/* a step time */
	/* the older run is not shown */
	ck_assert_ptr_null(strstr(html, "20261206-090000"));
	/* one matrix per lab: a row per configuration, a column per kernel */
	ck_assert_uint_eq(kr_count(html, "<table class=\"matrix lab\">"), 2);
	ck_assert_ptr_nonnull(strstr(html, "<th class=\"kernel\">6.12<br>"));
	/* tgl-fbclear runs on 6.12 alone (configs.txt's on= tags): empty cells around it */
	ck_assert_ptr_nonnull(strstr(html, "<tr><th class=\"row\">tgl-fbclear</th><td class=\"none\"></td>"
					   "<td class=\"PASS\" title=\"vmx-6.12 on tgl-fbclear"
					   "&#10;PASS: 83&#10;SKIP: 3\">83/86</td><td class=\"none\"></td></tr>"));
	ck_assert_ptr_nonnull(strstr(html, "<th class=\"row\">l2.clx-noac</th><td class=\"PASS\" "
					   "title=\"6.1 on l2.clx-noac&#10;PASS: 2\">2/2</td>"));
	/* each kernel against its own baseline, tests matched by name: no differences */
	for (unsigned int i = 0; i < sizeof(lab_kernels) / sizeof(lab_kernels[0]); i++) {
		char row[4800];

		snprintf(row, sizeof(row), "_%s</td><td>the baseline <code>%s/baselines/%s</code></td>"
			 "<td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">0</td>"
			 "<td class=\"num\">0</td><td class=\"num\">0</td></tr>", lab_kernels[i], root,
			 lab_kernels[i]);
		ck_assert_msg(strstr(html, row), "no clean diff row for %s", lab_kernels[i]);
	}
	ck_assert_ptr_nonnull(strstr(html, "<p>No differences.</p>"));
	free(html);

	/* a verdict that changed is found, under its own name */
	ck_assert_int_eq(kr_sh("cd '%s/lab/20261207-113313_vmx-6.12' && "
			       "sed -i 's/^ok \\([0-9]*\\) vmx.6.12.tgl-mds.arch_cap/not ok \\1 vmx.6.12.tgl-mds.arch_cap/' "
			       "lab.ktap", root), 0);
	html = lab_report(root, 0);
	ck_assert_ptr_nonnull(strstr(html, "<td>newly failing</td><td>lab: vmx.6.12.tgl-mds.arch_cap</td>"
					   "<td class=\"PASS\">PASS</td><td class=\"FAIL\">FAIL</td>"));
	ck_assert_ptr_nonnull(strstr(html, "newly failing: <b>1</b>, fixed: <b>0</b>, changed: <b>0</b>, "
					   "new: <b>0</b>, gone: <b>0</b>"));
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"FAIL\" title=\"vmx-6.12 on tgl-mds"));
	free(html);
}
END_TEST

/*
 * Chromium lays the page out at @w x 900: the widest overflow of the page,
 * of a scrolling box, or of a matrix past the window's right edge, in CSS
 * pixels (0: nothing needs a sideways scroll).  The script goes into a copy
 * of the page only; the report itself has none.
 */
static long sideways(const char *html, int w)
{
	char copy[4400], dom[4400], *t, *m;
	FILE *fp;
	long px = -1;

	snprintf(copy, sizeof(copy), "%s.measure.html", html);
	snprintf(dom, sizeof(dom), "%s.dom", html);
	t = kr_slurp(html);
	fp = fopen(copy, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(t, fp);
	fputs("<script>var w=window.innerWidth,d=document.documentElement.scrollWidth-w;"
	      "document.querySelectorAll('.scroll').forEach(function(e){"
	      "d=Math.max(d,e.scrollWidth-e.clientWidth)});"
	      "document.querySelectorAll('table.matrix').forEach(function(e){"
	      "d=Math.max(d,Math.ceil(e.getBoundingClientRect().right)-w)});"
	      "document.body.setAttribute('data-sideways',String(Math.max(d,0)));</script>\n", fp);
	ck_assert_int_eq(fclose(fp), 0);
	free(t);
	ck_assert_int_eq(kr_sh("KMC_SHOT_TIMEOUT=25 sh harness/report/screenshot.sh '%s' '%s.png' %d,900 '%s'",
			       copy, copy, w, dom), 0);
	t = kr_slurp(dom);
	m = strstr(t, "data-sideways=\"");
	ck_assert_msg(m != NULL, "the measuring script did not run");
	px = strtol(m + 15, NULL, 10);
	free(t);
	return px;
}

START_TEST(a_lab_report_needs_no_sideways_scroll)
{
	char root[4300], html[4400], png[4400];
	unsigned char hdr[24];
	FILE *fp;

	ck_assert_msg(kr_sh("command -v chromium >/dev/null") == 0, "no chromium (make deps)");
	make_lab_tree(root, sizeof(root));
	free(lab_report(root, 1));
	/* make report's own screenshot: a PNG of the default 1400 x 1000 */
	snprintf(png, sizeof(png), "%s/report/report.png", root);
	fp = fopen(png, "rb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fread(hdr, 1, sizeof(hdr), fp), sizeof(hdr));
	fclose(fp);
	ck_assert_int_eq(memcmp(hdr, "\x89PNG\r\n\x1a\n", 8), 0);
	ck_assert_uint_eq(be32(hdr + 16), 1400);
	/* a laptop's window: nothing wider than it, no matrix scrolled sideways */
	snprintf(html, sizeof(html), "%s/report/index.html", root);
	ck_assert_int_eq(sideways(html, 1200), 0);
	/* the kmc-run matrix (host · kernel x rule family) too */
	free(make_report(""));
	snprintf(html, sizeof(html), "%s/report/index.html", tmp);
	ck_assert_int_eq(sideways(html, 1200), 0);
}
END_TEST

/* Stand-ins for LAVA's lava-test-case and lava-test-set: they log their arguments */
static void fake_lava(char *bin, size_t len, char *log, size_t loglen)
{
	char p[4400];

	snprintf(bin, len, "%s/fakebin", tmp);
	snprintf(log, loglen, "%s/lava.log", tmp);
	ck_assert_int_eq(kr_sh("mkdir -p '%s'", bin), 0);
	snprintf(p, sizeof(p), "%s/lava-test-case", bin);
	kr_write(p, "#!/bin/sh\necho \"lava-test-case $*\" >> \"$LAVA_LOG\"\n");
	snprintf(p, sizeof(p), "%s/lava-test-set", bin);
	kr_write(p, "#!/bin/sh\necho \"lava-test-set $*\" >> \"$LAVA_LOG\"\n");
	ck_assert_int_eq(kr_sh("chmod +x '%s'/lava-test-case '%s'/lava-test-set", bin, bin), 0);
}

START_TEST(ktap_to_lava_makes_one_test_case_per_group)
{
	char bin[4300], log[4300], p[4400], lab[4300], *l;

	fake_lava(bin, sizeof(bin), log, sizeof(log));
	snprintf(p, sizeof(p), "%s/lava.out", tmp);
	ck_assert_int_eq(kr_sh("PATH='%s':\"$PATH\" LAVA_LOG='%s' sh harness/lava/ktap-to-lava.sh '%s' > '%s'",
			       bin, log, cur, p), 0);
	l = kr_slurp(log);
	/* a case per group of each file, its worst result; not one per vector */
	ck_assert_str_eq(l, "lava-test-set start t.kmv\n"
			    "lava-test-case t.mmio --result fail\n"
			    "lava-test-case t.gate --result pass\n"
			    "lava-test-case t.promise --result pass\n"
			    "lava-test-set stop\n"
			    "lava-test-case run-complete --result pass\n");
	free(l);
	/* the job's log names the failing vector and its mismatch */
	l = kr_slurp(p);
	ck_assert_ptr_nonnull(strstr(l, "kmc: FAIL host.mmio.spr-hidden.6-1: "));
	ck_assert_ptr_nonnull(strstr(l, "bugs: expected mds, got"));
	free(l);
	/* outside LAVA: the send-to-lava.sh lines */
	snprintf(p, sizeof(p), "%s/plain.out", tmp);
	ck_assert_int_eq(kr_sh("PATH=/usr/bin:/bin sh harness/lava/ktap-to-lava.sh '%s/kmc-run.ktap' > '%s'",
			       cur, p), 0);
	l = kr_slurp(p);
	ck_assert_ptr_nonnull(strstr(l, "<TEST_CASE_ID=t.mmio RESULT=fail>\n"));
	ck_assert_ptr_nonnull(strstr(l, "<TEST_CASE_ID=ktap-complete RESULT=pass>\n"));
	free(l);
	/*
	 * a VMX lab kernel (the committed 6.12 baseline, three hosts, hundreds of tests): a case
	 * per host configuration, the configurations read off the lab's own boot lines
	 */
	snprintf(lab, sizeof(lab), "%s/20261207-113313_vmx-6.12", tmp);
	ck_assert_int_eq(kr_sh("cp -r results/baselines/vmx-6.12 '%s' && KMC_BIN=\"$(dirname '%s')\" "
			       "sh harness/results/lab-hook.sh '%s' >/dev/null", lab, kr_bin("kmc-results"), lab), 0);
	ck_assert_int_eq(kr_sh("rm -f '%s' && PATH='%s':\"$PATH\" LAVA_LOG='%s' sh harness/lava/ktap-to-lava.sh "
			       "'%s' >/dev/null", log, bin, log, lab), 0);
	snprintf(p, sizeof(p), "%s/want.log", tmp);
	ck_assert_int_eq(kr_sh("{ echo 'lava-test-set start lab'; sed -n 's/^ok [0-9]* vmx\\.6\\.12\\.\\([a-z0-9-]*\\)\\.boot.*/"
			       "lava-test-case lab.\\1 --result pass/p' '%s/lab.ktap'; echo 'lava-test-set stop'; "
			       "echo 'lava-test-case run-complete --result pass'; } > '%s'", lab, p), 0);
	l = kr_slurp(log);
	{
		char *want = kr_slurp(p);

		ck_assert_uint_ge(kr_count(want, "lava-test-case lab."), 3);
		ck_assert_str_eq(l, want);
		free(want);
	}
	free(l);
}
END_TEST

/*
 * The definition as LAVA reads it: LAVA's own schema (Debian's lava-common,
 * lava_common.schemas.test.testdef), a device type LAVA has, and the run's
 * packages in install: deps: (the ones harness/tools/deps.sh --list run names).
 * 0 when @yaml is all that.
 */
static int lava_definition_ok(const char *yaml)
{
	return kr_sh("/usr/bin/python3 - '%s' \"$(sh harness/tools/deps.sh --list run)\" 2>/dev/null <<'EOF'\n"
		     "import sys, yaml\n"
		     "from lava_common.schemas.test.testdef import validate\n"
		     "d = yaml.safe_load(open(sys.argv[1]))\n"
		     "validate(d)\n"
		     "# x86: LAVA's device type for a bare-metal x86 machine\n"
		     "# (etc/dispatcher-config/device-types/x86.jinja2); x86_64 is an architecture\n"
		     "devs = d['metadata'].get('devices', [])\n"
		     "assert devs and all(t == 'x86' for t in devs), devs\n"
		     "assert set(d['install']['deps']) == set(sys.argv[2].split()), d['install']\n"
		     "assert 'steps' not in d['install']\n"
		     "assert not any('make deps' in x or 'apt-get' in x for x in d['run']['steps'])\n"
		     "EOF", yaml);
}

START_TEST(the_lava_test_definition_is_what_lava_expects)
{
	char bad[4300];

	ck_assert_msg(kr_sh("/usr/bin/python3 -c 'import lava_common.schemas.test.testdef' 2>/dev/null") == 0,
		      "lava-common missing (make deps)");
	ck_assert_int_eq(lava_definition_ok("harness/lava/kmc.yaml"), 0);
	/* the check can fail: an architecture for a device type, a package missing, a bad format */
	snprintf(bad, sizeof(bad), "%s/bad.yaml", tmp);
	ck_assert_int_eq(kr_sh("sed 's/^    - x86$/    - x86_64/' harness/lava/kmc.yaml > '%s'", bad), 0);
	ck_assert_int_ne(lava_definition_ok(bad), 0);
	ck_assert_int_eq(kr_sh("sed '/^    - libjansson-dev$/d' harness/lava/kmc.yaml > '%s'", bad), 0);
	ck_assert_int_ne(lava_definition_ok(bad), 0);
	ck_assert_int_eq(kr_sh("sed 's/^  format: .*/  format: Lava-Test Test Definition 2.0/' "
			       "harness/lava/kmc.yaml > '%s'", bad), 0);
	ck_assert_int_ne(lava_definition_ok(bad), 0);
}
END_TEST

/* The test definition's steps, as LAVA's test shell runs them (params as variables) */
START_TEST(the_lava_test_definition_runs)
{
	char bin[4300], log[4300], script[4300], res[4300], cwd[2048], *yaml, *l, *s;
	FILE *fp;
	int in_steps = 0, in_params = 0, nsteps = 0;

	fake_lava(bin, sizeof(bin), log, sizeof(log));
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	snprintf(res, sizeof(res), "%s/lava-run", tmp);
	snprintf(script, sizeof(script), "%s/lava-steps.sh", tmp);
	yaml = kr_slurp("harness/lava/kmc.yaml");
	ck_assert_ptr_nonnull(strstr(yaml, "format: Lava-Test Test Definition 1.0\n"));
	fp = fopen(script, "w");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "set -e\n");
	for (char *line = strtok_r(yaml, "\n", &s); line; line = strtok_r(NULL, "\n", &s)) {
		if (line[0] != ' ' && line[0] != '#') {
			in_params = !strcmp(line, "params:");
			in_steps = 0;
		}
		if (!strcmp(line, "  steps:")) {
			in_steps = 1;
			continue;
		}
		if (in_params && line[0] == ' ' && line[2] != ' ' && line[2] != '#') {
			/* every param the definition declares, the value LAVA would pass */
			char key[64];

			ck_assert_int_eq(sscanf(line, " %63[A-Z_]:", key), 1);
			if (!strcmp(key, "KMC_DIR"))
				fprintf(fp, "KMC_DIR='%s'\n", cwd);
			else if (!strcmp(key, "BACKEND"))
				fprintf(fp, "BACKEND=ref\n");
			else if (!strcmp(key, "VECTORS"))
				fprintf(fp, "VECTORS='%s'\n", vec);
			else if (!strcmp(key, "RESULTS"))
				fprintf(fp, "RESULTS='%s'\n", res);
			else if (!strcmp(key, "DEPS") || !strcmp(key, "BUILD"))
				fprintf(fp, "%s=no\n", key);
			else
				ck_abort_msg("kmc.yaml has a param this test does not know: %s", key);
		}
		if (in_steps && !strncmp(line, "    - ", 6)) {
			fprintf(fp, "%s\n", line + 6);
			nsteps++;
		}
	}
	fclose(fp);
	free(yaml);
	ck_assert_int_ge(nsteps, 2);
	ck_assert_int_eq(kr_sh("cd / && PATH='%s':\"$PATH\" LAVA_LOG='%s' O='%s/%s' sh '%s' >/dev/null",
			       bin, log, cwd, getenv("O") && *getenv("O") ? getenv("O") : "build", script), 0);
	l = kr_slurp(log);
	ck_assert_ptr_nonnull(strstr(l, "lava-test-set start t.kmv\n"));
	ck_assert_ptr_nonnull(strstr(l, "lava-test-case t.gate --result pass\n"));
	ck_assert_ptr_nonnull(strstr(l, "lava-test-case kmc-run-exit --result pass --measurement 0 --units status\n"));
	free(l);
	{
		char runjson[4400];

		snprintf(runjson, sizeof(runjson), "%s/run.json", res);
		l = kr_slurp(runjson);
	}
	ck_assert_ptr_nonnull(strstr(l, "\"status\": \"complete\""));
	free(l);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 150);	/* Chromium, twice at worst (screenshot.sh) */
	tcase_add_test(tc, the_report_has_matrix_findings_diff_and_coverage);
	tcase_add_test(tc, a_baseline_and_no_previous);
	tcase_add_test(tc, the_report_renders_in_headless_chromium);
	tcase_add_test(tc, make_report_shows_every_kernel_of_a_lab_run);
	tcase_add_test(tc, a_lab_report_needs_no_sideways_scroll);
	tcase_add_test(tc, ktap_to_lava_makes_one_test_case_per_group);
	tcase_add_test(tc, the_lava_test_definition_is_what_lava_expects);
	tcase_add_test(tc, the_lava_test_definition_runs);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
