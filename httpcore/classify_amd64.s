//go:build !purego

#include "textflag.h"

// Nibble tables for tchar (RFC 9110 §5.6.2), repeated for both 128-bit
// lanes because VPSHUFB looks up within a lane. A byte x is a tchar when
// lotab[x&15] & hitab[x>>4] != 0: hitab gives each high nibble 2..7 its own
// bit, and lotab sets, for each low nibble, the bits of the high nibbles
// with which it forms a tchar. Bytes >= 0x80 have hitab 0. classify_test.go
// checks all 256 byte values against the tchar table.
DATA lotab<>+0(SB)/8, $0x3F3F3F3F3F3E3F3A
DATA lotab<>+8(SB)/8, $0x1C3D1534153D3E3E
DATA lotab<>+16(SB)/8, $0x3F3F3F3F3F3E3F3A
DATA lotab<>+24(SB)/8, $0x1C3D1534153D3E3E
GLOBL lotab<>(SB), RODATA|NOPTR, $32

DATA hitab<>+0(SB)/8, $0x2010080402010000
DATA hitab<>+8(SB)/8, $0x0000000000000000
DATA hitab<>+16(SB)/8, $0x2010080402010000
DATA hitab<>+24(SB)/8, $0x0000000000000000
GLOBL hitab<>(SB), RODATA|NOPTR, $32

// func classifyAVX2(p *byte, n int, ctl, nt *uint64)
TEXT ·classifyAVX2(SB), NOSPLIT, $0-32
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ ctl+16(FP), DI
	MOVQ nt+24(FP), DX

	// Every instruction that touches an X or Y register here is VEX-encoded
	// (V...). The Go assembler encodes MOVQ AX, X12 as legacy SSE, and a
	// legacy SSE instruction after the VMOVDQUs below (which dirty the upper
	// halves of the Y registers) costs an SSE/AVX transition on Intel cores:
	// with four of them this function ran at 2.1 µs per 512 bytes on a Xeon
	// (Sapphire Rapids class), 3× slower than classifyGeneric, and 0.12 µs
	// with VMOVQ. TestClassifyAsmIsVEX keeps it so.
	VMOVDQU lotab<>(SB), Y10
	VMOVDQU hitab<>(SB), Y11
	MOVQ    $0x0F0F0F0F0F0F0F0F, AX
	VMOVQ   AX, X12
	VPBROADCASTQ X12, Y12 // 0x0F: nibble mask
	MOVQ    $0x1F1F1F1F1F1F1F1F, AX
	VMOVQ   AX, X13
	VPBROADCASTQ X13, Y13 // 0x1F: the last control byte below SP
	MOVQ    $0x0909090909090909, AX
	VMOVQ   AX, X14
	VPBROADCASTQ X14, Y14 // HTAB
	MOVQ    $0x7F7F7F7F7F7F7F7F, AX
	VMOVQ   AX, X9
	VPBROADCASTQ X9, Y9   // DEL
	VPXOR   Y15, Y15, Y15 // zero

loop:
	CMPQ CX, $64
	JB   done
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1

	// ctl = (x <= 0x1F && x != HTAB) || x == DEL
	VPMINUB  Y13, Y0, Y2
	VPCMPEQB Y0, Y2, Y2
	VPCMPEQB Y14, Y0, Y3
	VPANDN   Y2, Y3, Y2
	VPCMPEQB Y9, Y0, Y3
	VPOR     Y3, Y2, Y2
	VPMOVMSKB Y2, AX

	VPMINUB  Y13, Y1, Y4
	VPCMPEQB Y1, Y4, Y4
	VPCMPEQB Y14, Y1, Y5
	VPANDN   Y4, Y5, Y4
	VPCMPEQB Y9, Y1, Y5
	VPOR     Y5, Y4, Y4
	VPMOVMSKB Y4, BX
	SHLQ $32, BX
	ORQ  BX, AX
	MOVQ AX, (DI)

	// nt = lotab[x&15] & hitab[x>>4] == 0
	VPAND    Y12, Y0, Y2
	VPSRLW   $4, Y0, Y3
	VPAND    Y12, Y3, Y3
	VPSHUFB  Y2, Y10, Y2
	VPSHUFB  Y3, Y11, Y3
	VPAND    Y2, Y3, Y2
	VPCMPEQB Y15, Y2, Y2
	VPMOVMSKB Y2, AX

	VPAND    Y12, Y1, Y4
	VPSRLW   $4, Y1, Y5
	VPAND    Y12, Y5, Y5
	VPSHUFB  Y4, Y10, Y4
	VPSHUFB  Y5, Y11, Y5
	VPAND    Y4, Y5, Y4
	VPCMPEQB Y15, Y4, Y4
	VPMOVMSKB Y4, BX
	SHLQ $32, BX
	ORQ  BX, AX
	MOVQ AX, (DX)

	ADDQ $64, SI
	ADDQ $8, DI
	ADDQ $8, DX
	SUBQ $64, CX
	JMP  loop

done:
	VZEROUPPER
	RET

