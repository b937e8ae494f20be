//go:build !purego

#include "textflag.h"

// acceptSumAMD64 is SHA-1 over key (24 bytes) and acceptGUID (sha1.go):
// block 1 with its message schedule computed round by round in the frame,
// block 2 with W[t]+K[t], which is constant (acceptBlock2 plus K), as
// immediate operands. It is FIPS 180-4 §6.1.2 for amd64 with BMI2 (RORX
// rotates without touching the flags), and the five state words stay in
// registers for all 160 rounds; the Go version of the same rounds keeps
// spilling them to the stack.
//
// Registers: the state words rotate through AX, BX, CX, DX and R8, one
// place per round, so after 80 rounds they are back where they started.
// SI points at block 1's schedule w[0:80] in the frame. R9, R10, R11 and
// R13 are scratch; R10 holds the round's W[t].
//
// Each round adds into e in this order: W[t]+K, then f(b, c, d), then
// rotl5(a). The first does not wait for the previous rounds; f waits for
// b, which the round before last made; rotl5(a) waits for a, which the
// last round made. So one round follows the other after a rotate and an
// add, two cycles.

// W1(t) loads W[t], t < 16.
#define W1(t) MOVL ((t)*4)(SI), R10

// SCHED(t) computes W[t] = rotl1(W[t-16] ^ W[t-14] ^ W[t-8] ^ W[t-3]),
// 16 <= t < 80 (§6.1.2 step 1), keeps it in R10 and stores it for the
// rounds that read it later. W[t-3], the newest, is read last.
#define SCHED(t) \
	MOVL (((t)-16)*4)(SI), R10; \
	XORL (((t)-14)*4)(SI), R10; \
	XORL (((t)-8)*4)(SI), R10; \
	XORL (((t)-3)*4)(SI), R10; \
	ROLL $1, R10; \
	MOVL R10, ((t)*4)(SI)

// WK1 adds W[t]+K to e in block 1. LEAL's displacement is a signed 32-bit
// number, so K2 and K3 are written as 0x8f1bbcdc-2^32 and 0xca62c1d6-2^32.
#define WK1(e, k) LEAL k(e)(R10*1), e

// WK2 adds block 2's W[t]+K[t], a constant (acceptBlock2 plus K), to e.
#define WK2(e, wk) ADDL wk, e

// The round functions of §4.1.1 into R9, each two operations after b:
// Ch = d ^ (b & (c ^ d)), Parity = b ^ c ^ d,
// Maj = (b & (c | d)) | (c & d).
#define CH(b, c, d) \
	MOVL d, R9; \
	XORL c, R9; \
	ANDL b, R9; \
	XORL d, R9

#define PARITY(b, c, d) \
	MOVL c, R9; \
	XORL d, R9; \
	XORL b, R9

#define MAJ(b, c, d) \
	MOVL c, R9; \
	ORL d, R9; \
	ANDL b, R9; \
	MOVL c, R13; \
	ANDL d, R13; \
	ORL R13, R9

// MIX ends a round: e += f + rotl5(a); b = rotl30(b).
#define MIX(a, b, e) \
	ADDL R9, e; \
	RORXL $27, a, R11; \
	ADDL R11, e; \
	RORXL $2, b, b

#define K0 0x5a827999
#define K1 0x6ed9eba1
#define K2 -0x70e44324
#define K3 -0x359d3e2a

// func acceptSumAMD64(key *byte, sum *[20]byte)
TEXT ·acceptSumAMD64(SB), NOSPLIT, $320-16
	MOVQ key+0(FP), R12
	LEAQ 0(SP), SI

	// W[0:6]: the key as big-endian words.
	MOVL 0(R12), R10; BSWAPL R10; MOVL R10, 0(SI)
	MOVL 4(R12), R10; BSWAPL R10; MOVL R10, 4(SI)
	MOVL 8(R12), R10; BSWAPL R10; MOVL R10, 8(SI)
	MOVL 12(R12), R10; BSWAPL R10; MOVL R10, 12(SI)
	MOVL 16(R12), R10; BSWAPL R10; MOVL R10, 16(SI)
	MOVL 20(R12), R10; BSWAPL R10; MOVL R10, 20(SI)

	// W[6:16]: acceptGUID and the first padding byte (acceptBlock1Tail).
	MOVL $0x32353845, 24(SI)
	MOVL $0x41464135, 28(SI)
	MOVL $0x2d453931, 32(SI)
	MOVL $0x342d3437, 36(SI)
	MOVL $0x44412d39, 40(SI)
	MOVL $0x3543412d, 44(SI)
	MOVL $0x43354142, 48(SI)
	MOVL $0x30444338, 52(SI)
	MOVL $0x35423131, 56(SI)
	MOVL $0x80000000, 60(SI)

	// The initial hash value (FIPS 180-4 §5.3.1).
	MOVL $0x67452301, AX
	MOVL $0xefcdab89, BX
	MOVL $0x98badcfe, CX
	MOVL $0x10325476, DX
	MOVL $0xc3d2e1f0, R8

	// Block 1.
	W1(0); WK1(R8, K0); CH(BX, CX, DX); MIX(AX, BX, R8)
	W1(1); WK1(DX, K0); CH(AX, BX, CX); MIX(R8, AX, DX)
	W1(2); WK1(CX, K0); CH(R8, AX, BX); MIX(DX, R8, CX)
	W1(3); WK1(BX, K0); CH(DX, R8, AX); MIX(CX, DX, BX)
	W1(4); WK1(AX, K0); CH(CX, DX, R8); MIX(BX, CX, AX)
	W1(5); WK1(R8, K0); CH(BX, CX, DX); MIX(AX, BX, R8)
	W1(6); WK1(DX, K0); CH(AX, BX, CX); MIX(R8, AX, DX)
	W1(7); WK1(CX, K0); CH(R8, AX, BX); MIX(DX, R8, CX)
	W1(8); WK1(BX, K0); CH(DX, R8, AX); MIX(CX, DX, BX)
	W1(9); WK1(AX, K0); CH(CX, DX, R8); MIX(BX, CX, AX)
	W1(10); WK1(R8, K0); CH(BX, CX, DX); MIX(AX, BX, R8)
	W1(11); WK1(DX, K0); CH(AX, BX, CX); MIX(R8, AX, DX)
	W1(12); WK1(CX, K0); CH(R8, AX, BX); MIX(DX, R8, CX)
	W1(13); WK1(BX, K0); CH(DX, R8, AX); MIX(CX, DX, BX)
	W1(14); WK1(AX, K0); CH(CX, DX, R8); MIX(BX, CX, AX)
	W1(15); WK1(R8, K0); CH(BX, CX, DX); MIX(AX, BX, R8)
	SCHED(16); WK1(DX, K0); CH(AX, BX, CX); MIX(R8, AX, DX)
	SCHED(17); WK1(CX, K0); CH(R8, AX, BX); MIX(DX, R8, CX)
	SCHED(18); WK1(BX, K0); CH(DX, R8, AX); MIX(CX, DX, BX)
	SCHED(19); WK1(AX, K0); CH(CX, DX, R8); MIX(BX, CX, AX)

	SCHED(20); WK1(R8, K1); PARITY(BX, CX, DX); MIX(AX, BX, R8)
	SCHED(21); WK1(DX, K1); PARITY(AX, BX, CX); MIX(R8, AX, DX)
	SCHED(22); WK1(CX, K1); PARITY(R8, AX, BX); MIX(DX, R8, CX)
	SCHED(23); WK1(BX, K1); PARITY(DX, R8, AX); MIX(CX, DX, BX)
	SCHED(24); WK1(AX, K1); PARITY(CX, DX, R8); MIX(BX, CX, AX)
	SCHED(25); WK1(R8, K1); PARITY(BX, CX, DX); MIX(AX, BX, R8)
	SCHED(26); WK1(DX, K1); PARITY(AX, BX, CX); MIX(R8, AX, DX)
	SCHED(27); WK1(CX, K1); PARITY(R8, AX, BX); MIX(DX, R8, CX)
	SCHED(28); WK1(BX, K1); PARITY(DX, R8, AX); MIX(CX, DX, BX)
	SCHED(29); WK1(AX, K1); PARITY(CX, DX, R8); MIX(BX, CX, AX)
	SCHED(30); WK1(R8, K1); PARITY(BX, CX, DX); MIX(AX, BX, R8)
	SCHED(31); WK1(DX, K1); PARITY(AX, BX, CX); MIX(R8, AX, DX)
	SCHED(32); WK1(CX, K1); PARITY(R8, AX, BX); MIX(DX, R8, CX)
	SCHED(33); WK1(BX, K1); PARITY(DX, R8, AX); MIX(CX, DX, BX)
	SCHED(34); WK1(AX, K1); PARITY(CX, DX, R8); MIX(BX, CX, AX)
	SCHED(35); WK1(R8, K1); PARITY(BX, CX, DX); MIX(AX, BX, R8)
	SCHED(36); WK1(DX, K1); PARITY(AX, BX, CX); MIX(R8, AX, DX)
	SCHED(37); WK1(CX, K1); PARITY(R8, AX, BX); MIX(DX, R8, CX)
	SCHED(38); WK1(BX, K1); PARITY(DX, R8, AX); MIX(CX, DX, BX)
	SCHED(39); WK1(AX, K1); PARITY(CX, DX, R8); MIX(BX, CX, AX)

	SCHED(40); WK1(R8, K2); MAJ(BX, CX, DX); MIX(AX, BX, R8)
	SCHED(41); WK1(DX, K2); MAJ(AX, BX, CX); MIX(R8, AX, DX)
	SCHED(42); WK1(CX, K2); MAJ(R8, AX, BX); MIX(DX, R8, CX)
	SCHED(43); WK1(BX, K2); MAJ(DX, R8, AX); MIX(CX, DX, BX)
	SCHED(44); WK1(AX, K2); MAJ(CX, DX, R8); MIX(BX, CX, AX)
	SCHED(45); WK1(R8, K2); MAJ(BX, CX, DX); MIX(AX, BX, R8)
	SCHED(46); WK1(DX, K2); MAJ(AX, BX, CX); MIX(R8, AX, DX)
	SCHED(47); WK1(CX, K2); MAJ(R8, AX, BX); MIX(DX, R8, CX)
	SCHED(48); WK1(BX, K2); MAJ(DX, R8, AX); MIX(CX, DX, BX)
	SCHED(49); WK1(AX, K2); MAJ(CX, DX, R8); MIX(BX, CX, AX)
	SCHED(50); WK1(R8, K2); MAJ(BX, CX, DX); MIX(AX, BX, R8)
	SCHED(51); WK1(DX, K2); MAJ(AX, BX, CX); MIX(R8, AX, DX)
	SCHED(52); WK1(CX, K2); MAJ(R8, AX, BX); MIX(DX, R8, CX)
	SCHED(53); WK1(BX, K2); MAJ(DX, R8, AX); MIX(CX, DX, BX)
	SCHED(54); WK1(AX, K2); MAJ(CX, DX, R8); MIX(BX, CX, AX)
	SCHED(55); WK1(R8, K2); MAJ(BX, CX, DX); MIX(AX, BX, R8)
	SCHED(56); WK1(DX, K2); MAJ(AX, BX, CX); MIX(R8, AX, DX)
	SCHED(57); WK1(CX, K2); MAJ(R8, AX, BX); MIX(DX, R8, CX)
	SCHED(58); WK1(BX, K2); MAJ(DX, R8, AX); MIX(CX, DX, BX)
	SCHED(59); WK1(AX, K2); MAJ(CX, DX, R8); MIX(BX, CX, AX)

	SCHED(60); WK1(R8, K3); PARITY(BX, CX, DX); MIX(AX, BX, R8)
	SCHED(61); WK1(DX, K3); PARITY(AX, BX, CX); MIX(R8, AX, DX)
	SCHED(62); WK1(CX, K3); PARITY(R8, AX, BX); MIX(DX, R8, CX)
	SCHED(63); WK1(BX, K3); PARITY(DX, R8, AX); MIX(CX, DX, BX)
	SCHED(64); WK1(AX, K3); PARITY(CX, DX, R8); MIX(BX, CX, AX)
	SCHED(65); WK1(R8, K3); PARITY(BX, CX, DX); MIX(AX, BX, R8)
	SCHED(66); WK1(DX, K3); PARITY(AX, BX, CX); MIX(R8, AX, DX)
	SCHED(67); WK1(CX, K3); PARITY(R8, AX, BX); MIX(DX, R8, CX)
	SCHED(68); WK1(BX, K3); PARITY(DX, R8, AX); MIX(CX, DX, BX)
	SCHED(69); WK1(AX, K3); PARITY(CX, DX, R8); MIX(BX, CX, AX)
	SCHED(70); WK1(R8, K3); PARITY(BX, CX, DX); MIX(AX, BX, R8)
	SCHED(71); WK1(DX, K3); PARITY(AX, BX, CX); MIX(R8, AX, DX)
	SCHED(72); WK1(CX, K3); PARITY(R8, AX, BX); MIX(DX, R8, CX)
	SCHED(73); WK1(BX, K3); PARITY(DX, R8, AX); MIX(CX, DX, BX)
	SCHED(74); WK1(AX, K3); PARITY(CX, DX, R8); MIX(BX, CX, AX)
	SCHED(75); WK1(R8, K3); PARITY(BX, CX, DX); MIX(AX, BX, R8)
	SCHED(76); WK1(DX, K3); PARITY(AX, BX, CX); MIX(R8, AX, DX)
	SCHED(77); WK1(CX, K3); PARITY(R8, AX, BX); MIX(DX, R8, CX)
	SCHED(78); WK1(BX, K3); PARITY(DX, R8, AX); MIX(CX, DX, BX)
	SCHED(79); WK1(AX, K3); PARITY(CX, DX, R8); MIX(BX, CX, AX)

	// Add the initial value; keep the sum in the registers for block 2 and
	// in w[0:5], which block 1 no longer reads, for the final addition.
	ADDL $1732584193, AX
	ADDL $-271733879, BX
	ADDL $-1732584194, CX
	ADDL $271733878, DX
	ADDL $-1009589776, R8
	MOVL AX, 0(SI)
	MOVL BX, 4(SI)
	MOVL CX, 8(SI)
	MOVL DX, 12(SI)
	MOVL R8, 16(SI)

	// Block 2.
	WK2(R8, $0x5a827999); CH(BX, CX, DX); MIX(AX, BX, R8)
	WK2(DX, $0x5a827999); CH(AX, BX, CX); MIX(R8, AX, DX)
	WK2(CX, $0x5a827999); CH(R8, AX, BX); MIX(DX, R8, CX)
	WK2(BX, $0x5a827999); CH(DX, R8, AX); MIX(CX, DX, BX)
	WK2(AX, $0x5a827999); CH(CX, DX, R8); MIX(BX, CX, AX)
	WK2(R8, $0x5a827999); CH(BX, CX, DX); MIX(AX, BX, R8)
	WK2(DX, $0x5a827999); CH(AX, BX, CX); MIX(R8, AX, DX)
	WK2(CX, $0x5a827999); CH(R8, AX, BX); MIX(DX, R8, CX)
	WK2(BX, $0x5a827999); CH(DX, R8, AX); MIX(CX, DX, BX)
	WK2(AX, $0x5a827999); CH(CX, DX, R8); MIX(BX, CX, AX)
	WK2(R8, $0x5a827999); CH(BX, CX, DX); MIX(AX, BX, R8)
	WK2(DX, $0x5a827999); CH(AX, BX, CX); MIX(R8, AX, DX)
	WK2(CX, $0x5a827999); CH(R8, AX, BX); MIX(DX, R8, CX)
	WK2(BX, $0x5a827999); CH(DX, R8, AX); MIX(CX, DX, BX)
	WK2(AX, $0x5a827999); CH(CX, DX, R8); MIX(BX, CX, AX)
	WK2(R8, $0x5a827b79); CH(BX, CX, DX); MIX(AX, BX, R8)
	WK2(DX, $0x5a827999); CH(AX, BX, CX); MIX(R8, AX, DX)
	WK2(CX, $0x5a827999); CH(R8, AX, BX); MIX(DX, R8, CX)
	WK2(BX, $0x5a827d59); CH(DX, R8, AX); MIX(CX, DX, BX)
	WK2(AX, $0x5a827999); CH(CX, DX, R8); MIX(BX, CX, AX)

	WK2(R8, $0x6ed9eba1); PARITY(BX, CX, DX); MIX(AX, BX, R8)
	WK2(DX, $0x6ed9f321); PARITY(AX, BX, CX); MIX(R8, AX, DX)
	WK2(CX, $0x6ed9eba1); PARITY(R8, AX, BX); MIX(DX, R8, CX)
	WK2(BX, $0x6ed9ef61); PARITY(DX, R8, AX); MIX(CX, DX, BX)
	WK2(AX, $0x6ed9faa1); PARITY(CX, DX, R8); MIX(BX, CX, AX)
	WK2(R8, $0x6ed9eba1); PARITY(BX, CX, DX); MIX(AX, BX, R8)
	WK2(DX, $0x6ed9eba1); PARITY(AX, BX, CX); MIX(R8, AX, DX)
	WK2(CX, $0x6eda09a1); PARITY(R8, AX, BX); MIX(DX, R8, CX)
	WK2(BX, $0x6ed9eba1); PARITY(DX, R8, AX); MIX(CX, DX, BX)
	WK2(AX, $0x6ed9f861); PARITY(CX, DX, R8); MIX(BX, CX, AX)
	WK2(R8, $0x6eda27a1); PARITY(BX, CX, DX); MIX(AX, BX, R8)
	WK2(DX, $0x6ed9efe1); PARITY(AX, BX, CX); MIX(R8, AX, DX)
	WK2(CX, $0x6ed9eba1); PARITY(R8, AX, BX); MIX(DX, R8, CX)
	WK2(BX, $0x6eda63a1); PARITY(DX, R8, AX); MIX(CX, DX, BX)
	WK2(AX, $0x6ed9faa1); PARITY(CX, DX, R8); MIX(BX, CX, AX)
	WK2(R8, $0x6eda1ea1); PARITY(BX, CX, DX); MIX(AX, BX, R8)
	WK2(DX, $0x6edadba1); PARITY(AX, BX, CX); MIX(R8, AX, DX)
	WK2(CX, $0x6ed9faa1); PARITY(R8, AX, BX); MIX(DX, R8, CX)
	WK2(BX, $0x6ed9eba1); PARITY(DX, R8, AX); MIX(CX, DX, BX)
	WK2(AX, $0x6edbdaa1); PARITY(CX, DX, R8); MIX(BX, CX, AX)

	WK2(R8, $0x8f1bbcdc); MAJ(BX, CX, DX); MIX(AX, BX, R8)
	WK2(DX, $0x8f1c88dc); MAJ(AX, BX, CX); MIX(R8, AX, DX)
	WK2(CX, $0x8f1f7cdc); MAJ(R8, AX, BX); MIX(DX, R8, CX)
	WK2(BX, $0x8f1c005c); MAJ(DX, R8, AX); MIX(CX, DX, BX)
	WK2(AX, $0x8f1bbcdc); MAJ(CX, DX, R8); MIX(BX, CX, AX)
	WK2(R8, $0x8f234bdc); MAJ(BX, CX, DX); MIX(AX, BX, R8)
	WK2(DX, $0x8f1cbbdc); MAJ(AX, BX, CX); MIX(R8, AX, DX)
	WK2(CX, $0x8f1ee35c); MAJ(R8, AX, BX); MIX(DX, R8, CX)
	WK2(BX, $0x8f2abcdc); MAJ(DX, R8, AX); MIX(CX, DX, BX)
	WK2(AX, $0x8f1cacdc); MAJ(CX, DX, R8); MIX(BX, CX, AX)
	WK2(R8, $0x8f1befdc); MAJ(BX, CX, DX); MIX(AX, BX, R8)
	WK2(DX, $0x8f3abbdc); MAJ(AX, BX, CX); MIX(R8, AX, DX)
	WK2(CX, $0x8f1bbcdc); MAJ(R8, AX, BX); MIX(DX, R8, CX)
	WK2(BX, $0x8f2874dc); MAJ(DX, R8, AX); MIX(CX, DX, BX)
	WK2(AX, $0x8f57bcdc); MAJ(CX, DX, R8); MIX(BX, CX, AX)
	WK2(R8, $0x8f1fc7dc); MAJ(BX, CX, DX); MIX(AX, BX, R8)
	WK2(DX, $0x8f1cacdc); MAJ(AX, BX, CX); MIX(R8, AX, DX)
	WK2(CX, $0x8f94bbdc); MAJ(R8, AX, BX); MIX(DX, R8, CX)
	WK2(BX, $0x8f2bacdc); MAJ(DX, R8, AX); MIX(CX, DX, BX)
	WK2(AX, $0x8f4f43dc); MAJ(CX, DX, R8); MIX(BX, CX, AX)

	WK2(R8, $0xcb52c1d6); PARITY(BX, CX, DX); MIX(AX, BX, R8)
	WK2(DX, $0xca7284d6); PARITY(AX, BX, CX); MIX(R8, AX, DX)
	WK2(CX, $0xca63b1d6); PARITY(R8, AX, BX); MIX(DX, R8, CX)
	WK2(BX, $0xcc527cd6); PARITY(DX, R8, AX); MIX(CX, DX, BX)
	WK2(AX, $0xca62c1d6); PARITY(CX, DX, R8); MIX(BX, CX, AX)
	WK2(R8, $0xcb2ec1d6); PARITY(BX, CX, DX); MIX(AX, BX, R8)
	WK2(DX, $0xce23b1d6); PARITY(AX, BX, CX); MIX(R8, AX, DX)
	WK2(CX, $0xcaa641d6); PARITY(R8, AX, BX); MIX(DX, R8, CX)
	WK2(BX, $0xca62c1d6); PARITY(DX, R8, AX); MIX(CX, DX, BX)
	WK2(AX, $0xd1f1c1d6); PARITY(CX, DX, R8); MIX(BX, CX, AX)
	WK2(R8, $0xcb61c1d6); PARITY(BX, CX, DX); MIX(AX, BX, R8)
	WK2(DX, $0xcd895fd6); PARITY(AX, BX, CX); MIX(R8, AX, DX)
	WK2(CX, $0xd962c1d6); PARITY(R8, AX, BX); MIX(DX, R8, CX)
	WK2(BX, $0xcb53b1d6); PARITY(DX, R8, AX); MIX(CX, DX, BX)
	WK2(AX, $0xca95fdd6); PARITY(CX, DX, R8); MIX(BX, CX, AX)
	WK2(R8, $0xe96249d6); PARITY(BX, CX, DX); MIX(AX, BX, R8)
	WK2(DX, $0xca62c1d6); PARITY(AX, BX, CX); MIX(R8, AX, DX)
	WK2(CX, $0xd71b49d6); PARITY(R8, AX, BX); MIX(DX, R8, CX)
	WK2(BX, $0x0663b1d6); PARITY(DX, R8, AX); MIX(CX, DX, BX)
	WK2(AX, $0xce6d0bd6); PARITY(CX, DX, R8); MIX(BX, CX, AX)

	// Add, and store the digest big-endian.
	MOVQ sum+8(FP), R12
	ADDL 0(SI), AX; BSWAPL AX; MOVL AX, 0(R12)
	ADDL 4(SI), BX; BSWAPL BX; MOVL BX, 4(R12)
	ADDL 8(SI), CX; BSWAPL CX; MOVL CX, 8(R12)
	ADDL 12(SI), DX; BSWAPL DX; MOVL DX, 12(R12)
	ADDL 16(SI), R8; BSWAPL R8; MOVL R8, 16(R12)
	RET

// func cpuid7EBX() uint32
TEXT ·cpuid7EBX(SB), NOSPLIT, $0-4
	MOVL $7, AX
	XORL CX, CX
	CPUID
	MOVL BX, ret+0(FP)
	RET
