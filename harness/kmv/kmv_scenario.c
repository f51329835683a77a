// SPDX-License-Identifier: GPL-2.0
/*
 * A scenario written back as a vector record (docs/vectors.md), without
 * expectations: what the sweep prints to reproduce a disagreement, and
 * what `kmc fill` can complete.  The host is spelled without a catalog
 * CPU (vendor=, fms=, an exact cpuid= list), so the record does not
 * depend on the catalog's defaults.
 */
#include <errno.h>
#include <stdio.h>
#include "kmv.h"

static void put_list(FILE *out, const struct kmc_names *t, uint64_t v)
{
	char buf[KMV_VALMAX];

	kmc_list_format(t, v, buf, sizeof(buf));
	fputs(buf, out);
}

static void put_host(FILE *out, const struct kmc_host *h)
{
	const char *core = kmc_core_type_name(h->core_type);
	static const char *const off[] = { "mds", "tsx_async_abort", "mmio_stale_data",
					   "reg_file_data_sampling" };

	fprintf(out, "  host vendor=%s fms=%u:0x%x:%u", kmc_name(&kmc_vendor_names, h->vendor),
		h->family, h->model, h->stepping);
	if (h->core_type)
		fprintf(out, " core=%s", core ? core : "none");
	fprintf(out, " ac=0x%llx", (unsigned long long)h->arch_cap);
	if (h->mcu_opt_ctrl)
		fprintf(out, " mcu=0x%llx", (unsigned long long)h->mcu_opt_ctrl);
	if (h->cpuid) {
		const char *sep = " cpuid=";

		for (unsigned int i = 0; i < KMC_F_NR; i++)
			if (h->cpuid & KMC_BIT(i)) {
				fprintf(out, "%s+%s", sep, kmc_name(&kmc_feat_names, i));
				sep = ",";
			}
	}
	if (h->mitigations_off)
		fputs(" mitigations=off", out);
	for (unsigned int i = 0; i < 4; i++)
		if (h->vuln_off & (1u << i))
			fprintf(out, " %s=off", off[i]);
	if (h->tsx)
		fprintf(out, " tsx=%s", kmc_name(&kmc_tsx_names, h->tsx));
	if (h->gds)
		fprintf(out, " gather_data_sampling=%s", kmc_name(&kmc_gds_names, h->gds));
	if (h->l1tf)
		fprintf(out, " l1tf=%s", kmc_name(&kmc_l1tf_names, h->l1tf));
	if (h->nofsgsbase)
		fputs(" nofsgsbase", out);
	if (!h->smt)
		fputs(" smt=0", out);
	if (h->l1d_flush)
		fprintf(out, " vmentry_l1d_flush=%s", kmc_name(&kmc_l1d_names, h->l1d_flush));
	if (!h->ept)
		fputs(" ept=0", out);
	if (h->ignore_msrs)
		fputs(" ignore_msrs=1", out);
	if (h->spec_ctrl_shadow)
		fputs(" spec_ctrl_shadow=1", out);
	fputc('\n', out);
}

static void put_vm(FILE *out, const struct kmc_vm *vm)
{
	if (!vm->disabled_quirks && !vm->user_msr_exits && !vm->filter_arch_cap &&
	    !vm->mmio_mapped && !vm->uemu_arch_cap && !vm->force_spec_ctrl)
		return;
	fputs("  vm", out);
	if (vm->disabled_quirks) {
		const char *sep = " quirks=";

		for (unsigned int i = 0; i < kmc_quirk_names.n; i++)
			if ((vm->disabled_quirks >> i) & 1) {
				fprintf(out, "%s-%s", sep, kmc_name(&kmc_quirk_names, i));
				sep = ",";
			}
	}
	if (vm->user_msr_exits) {
		fputs(" user_msr=", out);
		put_list(out, &kmc_exit_names, vm->user_msr_exits);
	}
	if (vm->filter_arch_cap)
		fputs(" filter=0x10a", out);
	if (vm->uemu_arch_cap)
		fprintf(out, " uemu=0x%llx", (unsigned long long)vm->uemu_arch_cap);
	if (vm->mmio_mapped)
		fputs(" mmio=1", out);
	if (vm->force_spec_ctrl)
		fprintf(out, " force_spec_ctrl=0x%llx:0x%llx", (unsigned long long)vm->force_mask,
			(unsigned long long)vm->force_value);
	fputc('\n', out);
}

static void put_op(FILE *out, const struct kmc_op *op)
{
	unsigned long long v = (unsigned long long)op->value;

	fprintf(out, "  op %s", kmc_name(&kmc_op_names, op->kind));
	switch (op->kind) {
	case KMC_OP_SET_CPUID:
	case KMC_OP_GUEST_CPUID:
		fputc(' ', out);
		put_list(out, &kmc_feat_names, op->value);
		break;
	case KMC_OP_SET_MSR:
	case KMC_OP_WRMSR:
		fprintf(out, " 0x%x 0x%llx", op->index, v);
		break;
	case KMC_OP_GET_MSR:
	case KMC_OP_RDMSR:
		fprintf(out, " 0x%x", op->index);
		break;
	case KMC_OP_SET_CR4:
		fputc(' ', out);
		if (op->value)
			put_list(out, &kmc_cr4_names, op->value);
		else
			fputc('0', out);
		break;
	case KMC_OP_HOST_UCODE:
		fprintf(out, " 0x%llx", v);
		break;
	case KMC_OP_L1D_FLUSH:
		fprintf(out, " %s", kmc_name(&kmc_l1d_names, (unsigned int)op->value) ?: "?");
		break;
	}
	fputc('\n', out);
}

/* ` variant=a,b` on the vector line, nothing for the stock kernel */
void kmv_put_variants(FILE *out, uint32_t variants)
{
	char names[KMV_VALMAX];

	if (!variants)
		return;
	kmc_list_format(&kmc_variant_names, variants, names, sizeof(names));
	fprintf(out, " variant=%s", names);
}

int kmv_write_scenario(FILE *out, const char *id, const struct kmc_profile *p,
		       const struct kmc_scenario *s)
{
	fprintf(out, "vector %s profile=%s", id, p->name);
	kmv_put_variants(out, s->variants);
	fputc('\n', out);
	put_host(out, &s->host);
	put_vm(out, &s->vm);
	for (unsigned int i = 0; i < s->nops && i < KMC_MAX_OPS; i++)
		put_op(out, &s->ops[i]);
	return ferror(out) ? -EIO : 0;
}
