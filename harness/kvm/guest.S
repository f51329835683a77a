/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmc's guest program (ABI in guest.h).  32-bit protected mode, flat
 * segments, no paging.  The bytes between kmc_guest_start and
 * kmc_guest_end are copied to guest-physical KMC_G_CODE; the code is
 * position independent (relative jumps and calls only; the mailbox is
 * addressed through %esi), so it runs at any address.
 *
 * Written for kmc; no kernel or QEMU code is copied.
 */
#include "guest.h"

	.section .rodata.kmc_guest, "a"
	.code32
	.balign 16
	.globl kmc_guest_start, kmc_guest_end, kmc_guest_entry, kmc_guest_stubs

/*
 * SAFE insn: run one instruction that may fault.  The address right after
 * it goes to MB_FIXUP (call/pop gives our own address without a
 * relocation); the exception handler resumes there.
 */
.macro SAFE insn:vararg
	call	91f
91:	addl	$(92f - 91b), (%esp)
	popl	MB_FIXUP(%esi)
	\insn
92:	movl	$0, MB_FIXUP(%esi)
.endm

kmc_guest_start:
kmc_guest_entry:
	cld
next:
	movl	$KMC_G_NO_VECTOR, MB_VEC(%esi)
	movl	$0, MB_ERRCODE(%esi)
	movl	$0, MB_EIP(%esi)
	movl	MB_CMD(%esi), %eax
	cmpl	$KMC_GC_NOP, %eax
	je	done
	cmpl	$KMC_GC_RDMSR, %eax
	je	do_rdmsr
	cmpl	$KMC_GC_WRMSR, %eax
	je	do_wrmsr
	cmpl	$KMC_GC_CPUID, %eax
	je	do_cpuid
	cmpl	$KMC_GC_SET_CR4, %eax
	je	do_set_cr4
	cmpl	$KMC_GC_GET_CR4, %eax
	je	do_get_cr4
	cmpl	$KMC_GC_VERW, %eax
	je	do_verw
	cmpl	$KMC_GC_UD2, %eax
	je	do_ud2
	cmpl	$KMC_GC_INT3, %eax
	je	do_int3
	cmpl	$KMC_GC_DIV0, %eax
	je	do_div0
	cmpl	$KMC_GC_TRIPLE, %eax
	je	do_triple
	cmpl	$KMC_GC_HANG, %eax
	je	do_hang
	cmpl	$KMC_GC_STRAY_IO, %eax
	je	do_stray_io
	cmpl	$KMC_GC_MMIO, %eax
	je	do_mmio
	cmpl	$KMC_GC_HLT, %eax
	je	do_hlt
	cmpl	$KMC_GC_RAW_UD2, %eax
	je	do_raw_ud2
	movl	$KMC_G_BAD_COMMAND, MB_VEC(%esi)

done:
	movl	MB_CMD(%esi), %eax
	movl	%eax, MB_DONE(%esi)
	incl	MB_SEQ(%esi)
	movw	$KMC_G_PORT_DONE, %dx
	outb	%al, %dx
	jmp	next

do_rdmsr:
	movl	MB_INDEX(%esi), %ecx
	xorl	%eax, %eax
	xorl	%edx, %edx
	SAFE	rdmsr
	movl	%eax, MB_OUT(%esi)
	movl	%edx, MB_OUT+4(%esi)
	jmp	done

do_wrmsr:
	movl	MB_INDEX(%esi), %ecx
	movl	MB_VALUE(%esi), %eax
	movl	MB_VALUE+4(%esi), %edx
	SAFE	wrmsr
	jmp	done

do_cpuid:
	movl	MB_INDEX(%esi), %eax
	movl	MB_SUB(%esi), %ecx
	xorl	%ebx, %ebx
	xorl	%edx, %edx
	SAFE	cpuid
	movl	%eax, MB_EAX(%esi)
	movl	%ebx, MB_EBX(%esi)
	movl	%ecx, MB_ECX(%esi)
	movl	%edx, MB_EDX(%esi)
	jmp	done

do_set_cr4:
	movl	%cr4, %eax
	orl	MB_VALUE(%esi), %eax
	SAFE	movl %eax, %cr4
	/* fall through: report CR4 as it is now */
do_get_cr4:
	movl	%cr4, %eax
	movl	%eax, MB_OUT(%esi)
	movl	$0, MB_OUT+4(%esi)
	jmp	done

do_verw:
	movw	$KMC_G_SEL_DATA, %ax
	SAFE	verw %ax
	jmp	done

do_ud2:
	SAFE	ud2
	jmp	done

do_int3:
	SAFE	int3
	jmp	done

do_div0:
	movl	$1, %eax
	xorl	%edx, %edx
	xorl	%ecx, %ecx
	SAFE	divl %ecx
	jmp	done

do_triple:
	/* with a zero-limit IDT, #UD -> #GP -> #DF -> shutdown */
	lidt	MB_NULL_IDT(%esi)
	ud2
	jmp	done

do_hang:
	cli
1:	jmp	1b

do_stray_io:
	movw	$KMC_G_PORT_STRAY, %dx
	outb	%al, %dx
	jmp	done

do_mmio:
	movl	KMC_G_UNMAPPED, %eax
	jmp	done

do_hlt:
	cli
	hlt
	jmp	done

do_raw_ud2:
	ud2
	jmp	done

/*
 * The exception path.  32 stubs of 16 bytes each, stub N at
 * kmc_guest_stubs + 16 * N.  Each leaves vector, error code (0 where
 * the CPU pushes none), EIP, CS, EFLAGS on the stack.
 */
.macro STUB n
	.balign 16
	.if (\n == 8) || (\n == 10) || (\n == 11) || (\n == 12) || (\n == 13) || (\n == 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	.else
	pushl	$0
	.endif
	pushl	$\n
	jmp	exception
.endm

	.balign 16
kmc_guest_stubs:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	STUB	\n
	.endr

exception:
	pushl	%eax
	movl	4(%esp), %eax		/* vector */
	movl	%eax, MB_VEC(%esi)
	movl	8(%esp), %eax		/* error code */
	movl	%eax, MB_ERRCODE(%esi)
	movl	12(%esp), %eax		/* EIP */
	movl	%eax, MB_EIP(%esi)
	movl	MB_FIXUP(%esi), %eax
	testl	%eax, %eax
	jz	unexpected
	movl	%eax, 12(%esp)		/* resume at the fixup */
	movl	$0, MB_FIXUP(%esi)
	popl	%eax
	addl	$8, %esp
	iret

unexpected:
	movw	$KMC_G_PORT_UNEXPECTED, %dx
	outb	%al, %dx
2:	cli
	hlt
	jmp	2b

kmc_guest_end:

	.section .note.GNU-stack, "", @progbits
