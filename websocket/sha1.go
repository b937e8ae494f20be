package websocket

import (
	"crypto/sha1"
	"math/bits"
)

// The accept value of RFC 6455 §4.2.2 step 5.4 is SHA-1 over 60 bytes: the
// 24-character Sec-WebSocket-Key and the 36-character acceptGUID. SHA-1
// here is not a security function: §1.3 uses it only so that the server
// proves it read the handshake, which a plain HTTP server would not do.
//
// Go's crypto/sha1 is the right tool for hashing in general, and on a CPU
// with the SHA extensions (SHA-NI) it is the fastest here too: acceptSum
// then calls it (about 165 ns against 290-330 ns for the assembly below, on
// an AMD EPYC). Without them, crypto/sha1 on amd64 hashes inputs shorter
// than 256 bytes with its portable, rolled loop
// (crypto/sha1/sha1block_amd64.go), and acceptSum is SHA-1 (FIPS 180-4
// §6.1) specialised to the 60-byte input:
//
//	block 1: key[0:24] | acceptGUID | 0x80 0x00 0x00 0x00
//	         words 0-5   words 6-14   word 15
//	block 2: 56 zero bytes | 0x00000000 0x000001e0 (the length, 480 bits)
//
// Only words 0-5 vary. Block 2 is the same for every key, so its whole
// 80-word message schedule is the table acceptBlock2. On amd64 with BMI2
// the two blocks are hashed by assembly (sha1_amd64.s) that keeps the state
// in registers and computes block 1's schedule between the rounds; the Go
// version (acceptBlocksGeneric, sha1Compress) writes the 80 rounds out with
// each round's constant as an immediate. On a 2.5 GHz Xeon without the SHA
// extensions (BenchmarkAcceptKey, same run): crypto/sha1 about 520-800 ns,
// the Go version 400-540 ns, the assembly 235-390 ns. The choice is made
// once at start-up (acceptImpl); BenchmarkAcceptKey names the one it ran
// and times every one the CPU can run.

// SHA-1's initial hash value and round constants (FIPS 180-4 §5.3.1, §4.2.1).
const (
	sha1H0 = 0x67452301
	sha1H1 = 0xefcdab89
	sha1H2 = 0x98badcfe
	sha1H3 = 0x10325476
	sha1H4 = 0xc3d2e1f0

	sha1K0 = 0x5a827999 // rounds 0-19
	sha1K1 = 0x6ed9eba1 // rounds 20-39
	sha1K2 = 0x8f1bbcdc // rounds 40-59
	sha1K3 = 0xca62c1d6 // rounds 60-79
)

// acceptBlock1Tail is words 6-15 of the first block: acceptGUID as
// big-endian words ("258E", "AFA5", …, "5B11"), then the 0x80 that starts
// the padding. TestAcceptTables recomputes it.
var acceptBlock1Tail = [10]uint32{
	0x32353845, 0x41464135, 0x2d453931, 0x342d3437, 0x44412d39,
	0x3543412d, 0x43354142, 0x30444338, 0x35423131, 0x80000000,
}

// acceptBlock2 is W[t], t = 0..79, for the second block, which holds only
// padding and the message length (480 bits): its message schedule (FIPS
// 180-4 §6.1.2 step 1). Read-only; TestAcceptTables recomputes it.
var acceptBlock2 = [80]uint32{
	0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
	0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x000001e0,
	0x00000000, 0x00000000, 0x000003c0, 0x00000000, 0x00000000, 0x00000780, 0x00000000, 0x000003c0,
	0x00000f00, 0x00000000, 0x00000000, 0x00001e00, 0x00000000, 0x00000cc0, 0x00003c00, 0x00000440,
	0x00000000, 0x00007800, 0x00000f00, 0x00003300, 0x0000f000, 0x00000f00, 0x00000000, 0x0001ef00,
	0x00000000, 0x0000cc00, 0x0003c000, 0x00004380, 0x00000000, 0x00078f00, 0x0000ff00, 0x00032680,
	0x000f0000, 0x0000f000, 0x00003300, 0x001eff00, 0x00000000, 0x000cb800, 0x003c0000, 0x00040b00,
	0x0000f000, 0x0078ff00, 0x000ff000, 0x00338700, 0x00f00000, 0x000fc300, 0x0000f000, 0x01efbb00,
	0x00000000, 0x00cc0000, 0x03c0f000, 0x00438000, 0x00000000, 0x078f0000, 0x00ff0000, 0x03269e00,
	0x0f000000, 0x00f0f000, 0x00333c00, 0x1eff8800, 0x00000000, 0x0cb88800, 0x3c00f000, 0x040a4a00,
}

// acceptSumGeneric returns SHA-1(key + acceptGUID) for a key of exactly 24
// bytes. On amd64 with BMI2, acceptSum is the same in assembly
// (sha1_amd64.s); elsewhere, and with the purego build tag, it is this
// function.
func acceptSumGeneric(key string) [20]byte {
	_ = key[23]
	var w [80]uint32
	for i := range 6 {
		w[i] = uint32(key[4*i])<<24 | uint32(key[4*i+1])<<16 | uint32(key[4*i+2])<<8 | uint32(key[4*i+3])
	}
	copy(w[6:16], acceptBlock1Tail[:])
	h := [5]uint32{sha1H0, sha1H1, sha1H2, sha1H3, sha1H4}
	acceptBlocksGeneric(&h, &w)
	var sum [20]byte
	for i, v := range h {
		sum[4*i] = byte(v >> 24)
		sum[4*i+1] = byte(v >> 16)
		sum[4*i+2] = byte(v >> 8)
		sum[4*i+3] = byte(v)
	}
	return sum
}

// acceptBlocksGeneric hashes the two blocks into h, given block 1's words
// 0-15 in w: it computes the rest of block 1's message schedule (FIPS 180-4
// §6.1.2 step 1) and runs both compressions.
func acceptBlocksGeneric(h *[5]uint32, w *[80]uint32) {
	for t := 16; t < 80; t++ {
		w[t] = bits.RotateLeft32(w[t-3]^w[t-8]^w[t-14]^w[t-16], 1)
	}
	*h = sha1Compress(*h, w)
	*h = sha1Compress(*h, &acceptBlock2)
}

// The round functions of FIPS 180-4 §4.1.1, each a full round: it returns
// the new value of e and the rotated b. The callers rename the five state
// words instead of shifting them, so a round moves no data.
func chRound(a, b, c, d, e, wk uint32) (uint32, uint32) {
	return e + wk + (d ^ b&(c^d)) + bits.RotateLeft32(a, 5), bits.RotateLeft32(b, 30)
}

func parityRound(a, b, c, d, e, wk uint32) (uint32, uint32) {
	return e + wk + (b ^ c ^ d) + bits.RotateLeft32(a, 5), bits.RotateLeft32(b, 30)
}

func majRound(a, b, c, d, e, wk uint32) (uint32, uint32) {
	return e + wk + (b&c | d&(b|c)) + bits.RotateLeft32(a, 5), bits.RotateLeft32(b, 30)
}

// sha1Compress runs the 80 rounds of FIPS 180-4 §6.1.2 steps 2-4 on the
// state h with the message schedule w, and returns the next state (step 4).
// Each round's constant K is an immediate operand of its additions.
func sha1Compress(h [5]uint32, w *[80]uint32) [5]uint32 {
	a, b, c, d, e := h[0], h[1], h[2], h[3], h[4]
	// Rounds 0-19.
	e, b = chRound(a, b, c, d, e, w[0]+sha1K0)
	d, a = chRound(e, a, b, c, d, w[1]+sha1K0)
	c, e = chRound(d, e, a, b, c, w[2]+sha1K0)
	b, d = chRound(c, d, e, a, b, w[3]+sha1K0)
	a, c = chRound(b, c, d, e, a, w[4]+sha1K0)
	e, b = chRound(a, b, c, d, e, w[5]+sha1K0)
	d, a = chRound(e, a, b, c, d, w[6]+sha1K0)
	c, e = chRound(d, e, a, b, c, w[7]+sha1K0)
	b, d = chRound(c, d, e, a, b, w[8]+sha1K0)
	a, c = chRound(b, c, d, e, a, w[9]+sha1K0)
	e, b = chRound(a, b, c, d, e, w[10]+sha1K0)
	d, a = chRound(e, a, b, c, d, w[11]+sha1K0)
	c, e = chRound(d, e, a, b, c, w[12]+sha1K0)
	b, d = chRound(c, d, e, a, b, w[13]+sha1K0)
	a, c = chRound(b, c, d, e, a, w[14]+sha1K0)
	e, b = chRound(a, b, c, d, e, w[15]+sha1K0)
	d, a = chRound(e, a, b, c, d, w[16]+sha1K0)
	c, e = chRound(d, e, a, b, c, w[17]+sha1K0)
	b, d = chRound(c, d, e, a, b, w[18]+sha1K0)
	a, c = chRound(b, c, d, e, a, w[19]+sha1K0)

	// Rounds 20-39.
	e, b = parityRound(a, b, c, d, e, w[20]+sha1K1)
	d, a = parityRound(e, a, b, c, d, w[21]+sha1K1)
	c, e = parityRound(d, e, a, b, c, w[22]+sha1K1)
	b, d = parityRound(c, d, e, a, b, w[23]+sha1K1)
	a, c = parityRound(b, c, d, e, a, w[24]+sha1K1)
	e, b = parityRound(a, b, c, d, e, w[25]+sha1K1)
	d, a = parityRound(e, a, b, c, d, w[26]+sha1K1)
	c, e = parityRound(d, e, a, b, c, w[27]+sha1K1)
	b, d = parityRound(c, d, e, a, b, w[28]+sha1K1)
	a, c = parityRound(b, c, d, e, a, w[29]+sha1K1)
	e, b = parityRound(a, b, c, d, e, w[30]+sha1K1)
	d, a = parityRound(e, a, b, c, d, w[31]+sha1K1)
	c, e = parityRound(d, e, a, b, c, w[32]+sha1K1)
	b, d = parityRound(c, d, e, a, b, w[33]+sha1K1)
	a, c = parityRound(b, c, d, e, a, w[34]+sha1K1)
	e, b = parityRound(a, b, c, d, e, w[35]+sha1K1)
	d, a = parityRound(e, a, b, c, d, w[36]+sha1K1)
	c, e = parityRound(d, e, a, b, c, w[37]+sha1K1)
	b, d = parityRound(c, d, e, a, b, w[38]+sha1K1)
	a, c = parityRound(b, c, d, e, a, w[39]+sha1K1)

	// Rounds 40-59.
	e, b = majRound(a, b, c, d, e, w[40]+sha1K2)
	d, a = majRound(e, a, b, c, d, w[41]+sha1K2)
	c, e = majRound(d, e, a, b, c, w[42]+sha1K2)
	b, d = majRound(c, d, e, a, b, w[43]+sha1K2)
	a, c = majRound(b, c, d, e, a, w[44]+sha1K2)
	e, b = majRound(a, b, c, d, e, w[45]+sha1K2)
	d, a = majRound(e, a, b, c, d, w[46]+sha1K2)
	c, e = majRound(d, e, a, b, c, w[47]+sha1K2)
	b, d = majRound(c, d, e, a, b, w[48]+sha1K2)
	a, c = majRound(b, c, d, e, a, w[49]+sha1K2)
	e, b = majRound(a, b, c, d, e, w[50]+sha1K2)
	d, a = majRound(e, a, b, c, d, w[51]+sha1K2)
	c, e = majRound(d, e, a, b, c, w[52]+sha1K2)
	b, d = majRound(c, d, e, a, b, w[53]+sha1K2)
	a, c = majRound(b, c, d, e, a, w[54]+sha1K2)
	e, b = majRound(a, b, c, d, e, w[55]+sha1K2)
	d, a = majRound(e, a, b, c, d, w[56]+sha1K2)
	c, e = majRound(d, e, a, b, c, w[57]+sha1K2)
	b, d = majRound(c, d, e, a, b, w[58]+sha1K2)
	a, c = majRound(b, c, d, e, a, w[59]+sha1K2)

	// Rounds 60-79.
	e, b = parityRound(a, b, c, d, e, w[60]+sha1K3)
	d, a = parityRound(e, a, b, c, d, w[61]+sha1K3)
	c, e = parityRound(d, e, a, b, c, w[62]+sha1K3)
	b, d = parityRound(c, d, e, a, b, w[63]+sha1K3)
	a, c = parityRound(b, c, d, e, a, w[64]+sha1K3)
	e, b = parityRound(a, b, c, d, e, w[65]+sha1K3)
	d, a = parityRound(e, a, b, c, d, w[66]+sha1K3)
	c, e = parityRound(d, e, a, b, c, w[67]+sha1K3)
	b, d = parityRound(c, d, e, a, b, w[68]+sha1K3)
	a, c = parityRound(b, c, d, e, a, w[69]+sha1K3)
	e, b = parityRound(a, b, c, d, e, w[70]+sha1K3)
	d, a = parityRound(e, a, b, c, d, w[71]+sha1K3)
	c, e = parityRound(d, e, a, b, c, w[72]+sha1K3)
	b, d = parityRound(c, d, e, a, b, w[73]+sha1K3)
	a, c = parityRound(b, c, d, e, a, w[74]+sha1K3)
	e, b = parityRound(a, b, c, d, e, w[75]+sha1K3)
	d, a = parityRound(e, a, b, c, d, w[76]+sha1K3)
	c, e = parityRound(d, e, a, b, c, w[77]+sha1K3)
	b, d = parityRound(c, d, e, a, b, w[78]+sha1K3)
	a, c = parityRound(b, c, d, e, a, w[79]+sha1K3)

	return [5]uint32{h[0] + a, h[1] + b, h[2] + c, h[3] + d, h[4] + e}
}

// An acceptImplID names an implementation of acceptSum; benchmarks and
// test failures report it.
type acceptImplID uint8

const (
	implGo   acceptImplID = iota // acceptSumGeneric, the rounds written out in Go
	implBMI2                     // sha1_amd64.s, amd64 with BMI2
	implStd                      // crypto/sha1, which uses SHA-NI where the CPU has it
)

func (id acceptImplID) String() string {
	switch id {
	case implBMI2:
		return "asm-bmi2"
	case implStd:
		return "crypto-sha1"
	}
	return "go"
}

// acceptSumStd is acceptSum by crypto/sha1, on a copy of the 60 bytes on
// the stack.
func acceptSumStd(key string) [20]byte {
	var in [24 + len(acceptGUID)]byte
	copy(in[copy(in[:], key[:24]):], acceptGUID)
	return sha1.Sum(in[:])
}
