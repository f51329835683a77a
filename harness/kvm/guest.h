/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest program's ABI, shared by guest.S and the host side
 * (kvm_vcpu.c).  Only #defines: this header is also read by the assembler.
 *
 * The guest runs in 32-bit protected mode, flat segments, no paging, with
 * an IDT whose 32 gates all lead to one handler.  It is a small command
 * interpreter: the host writes a command into the vCPU's mailbox and
 * KVM_RUNs; the guest carries it out and reports through port I/O
 * (OUT to KMC_G_PORT_DONE), then loops for the next command when the host
 * runs it again.  %esi holds the mailbox address throughout.
 *
 * A command that may fault arms a fixup first: the exception handler
 * records the vector, error code and EIP in the mailbox and resumes at the
 * fixup.  An exception with no fixup armed is reported on
 * KMC_G_PORT_UNEXPECTED, after which the guest halts.
 */
#ifndef KMC_KVM_GUEST_H
#define KMC_KVM_GUEST_H

/* I/O ports (not 0x7e: KVM_X86_QUIRK_OUT_7E_INC_RIP) */
#define KMC_G_PORT_DONE		0x4e0	/* command finished, results in the mailbox */
#define KMC_G_PORT_UNEXPECTED	0x4e1	/* exception without a fixup */
#define KMC_G_PORT_STRAY	0x4e7	/* used only by KMC_GC_STRAY_IO */

/* Guest-physical layout (identity mapped: no paging) */
#define KMC_G_GDT		0x1000	/* null, code 0x08, data 0x10 */
#define KMC_G_IDT		0x1100	/* 32 interrupt gates */
#define KMC_G_NIDT		32
#define KMC_G_CODE		0x2000	/* the program, at most KMC_G_CODE_MAX bytes */
#define KMC_G_CODE_MAX		0x2000
#define KMC_G_SLOTS		0x4000	/* one page per vCPU: mailbox at the bottom, stack at the top */
#define KMC_G_SLOT_SIZE		0x1000
#define KMC_G_MAX_VCPUS		8
#define KMC_G_MEM_SIZE		0x10000
#define KMC_G_UNMAPPED		0x00200000	/* no memslot there: KMC_GC_MMIO reads it */
#define KMC_G_SEL_CODE		0x08
#define KMC_G_SEL_DATA		0x10

/* Mailbox offsets (struct kmc_mbox in kvm_vcpu.h mirrors them) */
#define MB_CMD		0x00	/* u32 in: KMC_GC_* */
#define MB_INDEX	0x04	/* u32 in: MSR index, CPUID leaf */
#define MB_SUB		0x08	/* u32 in: CPUID subleaf */
#define MB_VEC		0x0c	/* u32 out: exception vector, KMC_G_NO_VECTOR if none */
#define MB_VALUE	0x10	/* u64 in: WRMSR value, CR4 bits to set */
#define MB_OUT		0x18	/* u64 out: RDMSR value, CR4 after the command */
#define MB_EAX		0x20	/* u32 out x4: CPUID registers */
#define MB_EBX		0x24
#define MB_ECX		0x28
#define MB_EDX		0x2c
#define MB_ERRCODE	0x30	/* u32 out: exception error code (0 if none) */
#define MB_EIP		0x34	/* u32 out: EIP of the exception */
#define MB_FIXUP	0x38	/* u32 guest-internal: where to resume after a fault, 0 = none */
#define MB_SEQ		0x3c	/* u32 out: commands finished so far */
#define MB_DONE		0x40	/* u32 out: the command that just finished */
#define MB_NULL_IDT	0x48	/* 6 bytes: a zero-limit IDT descriptor (KMC_GC_TRIPLE) */
#define MB_SIZE		0x50

#define KMC_G_NO_VECTOR		0xffffffff
#define KMC_G_BAD_COMMAND	0xfffffffe	/* MB_VEC after an unknown command */

/* Commands */
#define KMC_GC_NOP		1	/* enter the guest and report at once */
#define KMC_GC_RDMSR		2
#define KMC_GC_WRMSR		3
#define KMC_GC_CPUID		4
#define KMC_GC_SET_CR4		5	/* CR4 |= value */
#define KMC_GC_GET_CR4		6
#define KMC_GC_VERW		7	/* VERW on the data selector */
/* for the tests of the guest program itself */
#define KMC_GC_UD2		8	/* #UD (6) with a fixup */
#define KMC_GC_INT3		9	/* #BP (3) with a fixup */
#define KMC_GC_DIV0		10	/* #DE (0) with a fixup */
#define KMC_GC_TRIPLE		11	/* zero-limit IDT, then #UD: triple fault */
#define KMC_GC_HANG		12	/* cli; jmp . */
#define KMC_GC_STRAY_IO		13	/* OUT to KMC_G_PORT_STRAY */
#define KMC_GC_MMIO		14	/* read KMC_G_UNMAPPED */
#define KMC_GC_HLT		15	/* cli; hlt */
#define KMC_GC_RAW_UD2		16	/* #UD with no fixup armed */

#endif
