// SPDX-License-Identifier: GPL-2.0
/*
 * bochs-patch.so: LD_PRELOAD'ed into Debian's bochs-bin by the VMX lab
 * (harness/lab/bochs/boot-bochs.sh) to give the emulated Intel CPU a chosen
 * IA32_ARCH_CAPABILITIES and to log the IA32_MCU_OPT_CTRL writes it gets.
 *
 * Why patch: Bochs 2.7 answers MSR 0x10a with a constant 0x1f (an immediate
 * operand in BX_CPU_C::rdmsr), and its configurable-MSR file cannot override
 * an MSR it implements.  Without FB_CLEAR_CTRL in the host's 0x10a,
 * kvm_intel never arms FB_CLEAR_DIS, so the lab could not see it.
 *
 * What it changes, in this process's memory only, before main() runs:
 *   1. KMC_BOCHS_ARCH_CAP=VALUE: the 13 bytes that load the constant 0x1f
 *      become "movabs $VALUE, %r12; mov %r12d, %ecx" (r12 is the value
 *      rdmsr stores; ecx/edx only feed its debug log line).
 *   2. KMC_BOCHS_MSR_LOG=FILE: bx_instr_wrmsr(cpu, index, value) -- an
 *      instrumentation stub ("ret") that BX_CPU_C::wrmsr calls first for
 *      every MSR write -- jumps to kmc_wrmsr() instead, which appends a
 *      line for each write to the MSRs of KMC_BOCHS_MSR_WATCH (default
 *      0x123, and 0x5ff: the marker kmc-run writes before each vector,
 *      KMC_KVM_MARK_MSR) to FILE.
 * Nothing is changed unless the running binary is exactly the one the
 * table below describes (GNU build-id) and every patched byte is what the
 * table expects; otherwise the process exits with status 97 and a message
 * before Bochs starts.  boot-bochs.sh also checks the package version and
 * the file's SHA-256 (harness/lab/bochs/bochs-builds.txt).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <link.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define EXIT_REFUSED 97
#define MAX_WATCH 8

/* One Bochs build we know how to patch.  Offsets are from the symbol. */
struct bochs_build {
	const char *package;		/* dpkg version, for the messages */
	const char *build_id;		/* hex of NT_GNU_BUILD_ID */
	const char *rdmsr_sym;		/* BX_CPU_C::rdmsr(unsigned, Bit64u *) */
	unsigned long arch_cap_off;	/* "xor edx,edx; mov $0x1f,ecx; mov $0x1f,r12d" */
	unsigned char arch_cap_old[13];
	const char *instr_sym;		/* bx_instr_wrmsr(unsigned, unsigned, Bit64u) */
	unsigned char instr_old[16];	/* "ret" and the padding up to the next function */
};

static const struct bochs_build builds[] = {
	{
		.package = "bochs 2.7+dfsg-4+deb12u1 amd64",
		.build_id = "6e89e0c07c096ab305b68eb0bf69c4aeb788d10d",
		.rdmsr_sym = "_ZN8BX_CPU_C5rdmsrEjPm",
		.arch_cap_off = 0x9aa,
		.arch_cap_old = { 0x31, 0xd2, 0xb9, 0x1f, 0x00, 0x00, 0x00,
				  0x41, 0xbc, 0x1f, 0x00, 0x00, 0x00 },
		.instr_sym = "_Z14bx_instr_wrmsrjjm",
		.instr_old = { 0xc3, 0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00,
			       0x00, 0x00, 0x00, 0x00, 0x0f, 0x1f, 0x40, 0x00 },
	},
};

static int log_fd = -1;
static unsigned int watch[MAX_WATCH];
static unsigned int nwatch;
static unsigned long nwrites;

static void refuse(const char *fmt, ...)
{
	va_list ap;

	fputs("bochs-patch: refusing to run: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	_exit(EXIT_REFUSED);
}

/* The main program's GNU build-id, as hex, into buf. */
static int main_build_id_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	char *buf = data;

	(void)size;
	if (info->dlpi_name && info->dlpi_name[0])	/* "" is the main program */
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const unsigned char *p, *end;

		if (ph->p_type != PT_NOTE)
			continue;
		p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
			const unsigned char *name = p + sizeof(*n);
			const unsigned char *desc = name + ((n->n_namesz + 3) & ~3u);

			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
			    !memcmp(name, "GNU", 4) && n->n_descsz <= 64) {
				for (unsigned int j = 0; j < n->n_descsz; j++)
					sprintf(buf + 2 * j, "%02x", desc[j]);
				return 1;
			}
			p = desc + ((n->n_descsz + 3) & ~3u);
		}
	}
	return 1;
}

static void *symbol(const char *name)
{
	void *p = dlsym(RTLD_DEFAULT, name);

	if (!p)
		refuse("symbol %s not found in the running binary", name);
	return p;
}

static void check_bytes(const char *what, const unsigned char *at,
			const unsigned char *want, size_t n)
{
	if (memcmp(at, want, n)) {
		char got[3 * 32 + 1] = "";

		for (size_t i = 0; i < n && i < 32; i++)
			sprintf(got + 3 * i, "%02x ", at[i]);
		refuse("%s: unexpected bytes at %p: %s", what, (const void *)at, got);
	}
}

static void poke(unsigned char *at, const unsigned char *bytes, size_t n)
{
	long pg = sysconf(_SC_PAGESIZE);
	uintptr_t lo = (uintptr_t)at & ~(uintptr_t)(pg - 1);
	uintptr_t hi = ((uintptr_t)at + n + pg - 1) & ~(uintptr_t)(pg - 1);

	if (mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE | PROT_EXEC))
		refuse("mprotect(%p): %s", (void *)lo, strerror(errno));
	memcpy(at, bytes, n);
	if (mprotect((void *)lo, hi - lo, PROT_READ | PROT_EXEC))
		refuse("mprotect(%p) back: %s", (void *)lo, strerror(errno));
	__builtin___clear_cache((char *)at, (char *)at + n);
}

static void log_line(const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && log_fd >= 0 && write(log_fd, buf, (size_t)n) < 0)
		log_fd = -1;	/* a full disk must not stop the emulator */
}

/* Called (through the patched stub) by BX_CPU_C::wrmsr for every write. */
static void kmc_wrmsr(unsigned int cpu, unsigned int index, uint64_t value)
{
	for (unsigned int i = 0; i < nwatch; i++) {
		if (watch[i] == index) {
			log_line("wrmsr n=%lu cpu=%u msr=0x%x value=0x%" PRIx64 "\n",
				 ++nwrites, cpu, index, value);
			return;
		}
	}
}

static uint64_t parse_u64(const char *env, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		refuse("%s=%s: not a number", env, s);
	return v;
}

static void parse_watch(const char *s)
{
	char *copy = strdup(s), *save = NULL, *tok;

	if (!copy)
		refuse("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint64_t v = parse_u64("KMC_BOCHS_MSR_WATCH", tok);

		if (nwatch == MAX_WATCH || v > 0xffffffffu)
			refuse("KMC_BOCHS_MSR_WATCH=%s: at most %d 32-bit MSR indices", s, MAX_WATCH);
		watch[nwatch++] = (unsigned int)v;
	}
	free(copy);
}

__attribute__((constructor)) static void bochs_patch_init(void)
{
	const char *ac = getenv("KMC_BOCHS_ARCH_CAP");
	const char *logf = getenv("KMC_BOCHS_MSR_LOG");
	const char *w = getenv("KMC_BOCHS_MSR_WATCH");
	const struct bochs_build *b = NULL;
	char id[2 * 64 + 1] = "";

	if (!ac && !logf)
		return;
	dl_iterate_phdr(main_build_id_cb, id);
	for (size_t i = 0; i < sizeof(builds) / sizeof(builds[0]); i++)
		if (!strcmp(id, builds[i].build_id))
			b = &builds[i];
	if (!b)
		refuse("this binary's build-id is '%s'; known: %s (%s)", id,
		       builds[0].build_id, builds[0].package);

	/* Check every site before changing any. */
	unsigned char *ac_at = (unsigned char *)symbol(b->rdmsr_sym) + b->arch_cap_off;
	unsigned char *in_at = symbol(b->instr_sym);

	check_bytes("BX_CPU_C::rdmsr, MSR 0x10a", ac_at, b->arch_cap_old, sizeof(b->arch_cap_old));
	check_bytes("bx_instr_wrmsr", in_at, b->instr_old, sizeof(b->instr_old));

	if (ac) {
		uint64_t v = parse_u64("KMC_BOCHS_ARCH_CAP", ac);
		unsigned char code[13] = { 0x49, 0xbc };	/* movabs $imm64, %r12 */

		memcpy(code + 2, &v, 8);
		code[10] = 0x44, code[11] = 0x89, code[12] = 0xe1;	/* mov %r12d, %ecx */
		poke(ac_at, code, sizeof(code));
		fprintf(stderr, "bochs-patch: %s: MSR 0x10a reads 0x%" PRIx64 "\n", b->package, v);
	}
	if (logf) {
		uintptr_t hook = (uintptr_t)kmc_wrmsr;
		unsigned char code[12] = { 0x48, 0xb8 };	/* movabs $hook, %rax */

		parse_watch(w ? w : "0x123,0x5ff");
		log_fd = open(logf, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (log_fd < 0)
			refuse("KMC_BOCHS_MSR_LOG=%s: %s", logf, strerror(errno));
		memcpy(code + 2, &hook, 8);
		code[10] = 0xff, code[11] = 0xe0;		/* jmp *%rax */
		poke(in_at, code, sizeof(code));
		log_line("# bochs-patch: %s build-id %s; MSR 0x10a %s%s\n", b->package, id,
			 ac ? "= " : "unchanged", ac ? ac : "");
		fprintf(stderr, "bochs-patch: %s: MSR writes to %s logged in %s\n", b->package,
			w ? w : "0x123,0x5ff", logf);
	}
}
