package websocket

import "math/bits"

// The accept value of RFC 6455 §4.2.2 step 5.4 is SHA-1 over 60 bytes: the
// 24-character Sec-WebSocket-Key and the 36-character acceptGUID. SHA-1
// here is not a security function: §1.3 uses it only so that the server
// proves it read the handshake, which a plain HTTP server would not do.
//
// Go's crypto/sha1 is the right tool for hashing in general, but on amd64
// CPUs without the SHA extensions it hashes inputs shorter than 256 bytes
// with its portable, rolled loop (crypto/sha1/sha1block_amd64.go), and that
// loop costs about 550 ns on a 2.5 GHz Xeon without them. acceptSum is
// SHA-1 (FIPS 180-4 §6.1) specialised to the 60-byte input, in about 350 ns
// on the same machine (BenchmarkAcceptKey):
//
//	block 1: key[0:24] | acceptGUID | 0x80 0x00 0x00 0x00
//	         words 0-5   words 6-14   word 15
//	block 2: 56 zero bytes | 0x00000000 0x000001e0 (the length, 480 bits)
//
// Only words 0-5 vary. Block 2 is the same for every key, so its whole
// 80-word message schedule, with each round's constant already added, is
// the table acceptBlock2; block 1's schedule is computed once into an
// array. The 80 rounds are written out (sha1Compress): the five state words
// stay in registers and each round adds rotl(a, 5) last, so one round
// waits on the previous one for a rotate and an add only.

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

// acceptBlock2 is W[t]+K[t], t = 0..79, for the second block, which holds
// only padding and the message length (480 bits): the message schedule
// (FIPS 180-4 §6.1.2 step 1) plus each round's constant. Read-only;
// TestAcceptTables recomputes it.
var acceptBlock2 = [80]uint32{
	0x5a827999, 0x5a827999, 0x5a827999, 0x5a827999, 0x5a827999, 0x5a827999, 0x5a827999, 0x5a827999,
	0x5a827999, 0x5a827999, 0x5a827999, 0x5a827999, 0x5a827999, 0x5a827999, 0x5a827999, 0x5a827b79,
	0x5a827999, 0x5a827999, 0x5a827d59, 0x5a827999, 0x6ed9eba1, 0x6ed9f321, 0x6ed9eba1, 0x6ed9ef61,
	0x6ed9faa1, 0x6ed9eba1, 0x6ed9eba1, 0x6eda09a1, 0x6ed9eba1, 0x6ed9f861, 0x6eda27a1, 0x6ed9efe1,
	0x6ed9eba1, 0x6eda63a1, 0x6ed9faa1, 0x6eda1ea1, 0x6edadba1, 0x6ed9faa1, 0x6ed9eba1, 0x6edbdaa1,
	0x8f1bbcdc, 0x8f1c88dc, 0x8f1f7cdc, 0x8f1c005c, 0x8f1bbcdc, 0x8f234bdc, 0x8f1cbbdc, 0x8f1ee35c,
	0x8f2abcdc, 0x8f1cacdc, 0x8f1befdc, 0x8f3abbdc, 0x8f1bbcdc, 0x8f2874dc, 0x8f57bcdc, 0x8f1fc7dc,
	0x8f1cacdc, 0x8f94bbdc, 0x8f2bacdc, 0x8f4f43dc, 0xcb52c1d6, 0xca7284d6, 0xca63b1d6, 0xcc527cd6,
	0xca62c1d6, 0xcb2ec1d6, 0xce23b1d6, 0xcaa641d6, 0xca62c1d6, 0xd1f1c1d6, 0xcb61c1d6, 0xcd895fd6,
	0xd962c1d6, 0xcb53b1d6, 0xca95fdd6, 0xe96249d6, 0xca62c1d6, 0xd71b49d6, 0x0663b1d6, 0xce6d0bd6,
}

// acceptSum returns SHA-1(key + acceptGUID) for a key of exactly 24 bytes.
func acceptSum(key string) [20]byte {
	_ = key[23]
	var w [80]uint32
	for i := range 6 {
		w[i] = uint32(key[4*i])<<24 | uint32(key[4*i+1])<<16 | uint32(key[4*i+2])<<8 | uint32(key[4*i+3])
	}
	copy(w[6:16], acceptBlock1Tail[:])
	// FIPS 180-4 §6.1.2 step 1: the message schedule, then W[t]+K[t].
	for t := 16; t < 80; t++ {
		w[t] = bits.RotateLeft32(w[t-3]^w[t-8]^w[t-14]^w[t-16], 1)
	}
	for t := range 20 {
		w[t] += sha1K0
		w[20+t] += sha1K1
		w[40+t] += sha1K2
		w[60+t] += sha1K3
	}
	h := sha1Compress([5]uint32{sha1H0, sha1H1, sha1H2, sha1H3, sha1H4}, &w)
	h = sha1Compress(h, &acceptBlock2)
	var sum [20]byte
	for i, v := range h {
		sum[4*i] = byte(v >> 24)
		sum[4*i+1] = byte(v >> 16)
		sum[4*i+2] = byte(v >> 8)
		sum[4*i+3] = byte(v)
	}
	return sum
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
// state h, with wk[t] = W[t]+K[t], and returns the next state (step 4).
func sha1Compress(h [5]uint32, wk *[80]uint32) [5]uint32 {
	a, b, c, d, e := h[0], h[1], h[2], h[3], h[4]
	// Rounds 0-19.
	e, b = chRound(a, b, c, d, e, wk[0])
	d, a = chRound(e, a, b, c, d, wk[1])
	c, e = chRound(d, e, a, b, c, wk[2])
	b, d = chRound(c, d, e, a, b, wk[3])
	a, c = chRound(b, c, d, e, a, wk[4])
	e, b = chRound(a, b, c, d, e, wk[5])
	d, a = chRound(e, a, b, c, d, wk[6])
	c, e = chRound(d, e, a, b, c, wk[7])
	b, d = chRound(c, d, e, a, b, wk[8])
	a, c = chRound(b, c, d, e, a, wk[9])
	e, b = chRound(a, b, c, d, e, wk[10])
	d, a = chRound(e, a, b, c, d, wk[11])
	c, e = chRound(d, e, a, b, c, wk[12])
	b, d = chRound(c, d, e, a, b, wk[13])
	a, c = chRound(b, c, d, e, a, wk[14])
	e, b = chRound(a, b, c, d, e, wk[15])
	d, a = chRound(e, a, b, c, d, wk[16])
	c, e = chRound(d, e, a, b, c, wk[17])
	b, d = chRound(c, d, e, a, b, wk[18])
	a, c = chRound(b, c, d, e, a, wk[19])

	// Rounds 20-39.
	e, b = parityRound(a, b, c, d, e, wk[20])
	d, a = parityRound(e, a, b, c, d, wk[21])
	c, e = parityRound(d, e, a, b, c, wk[22])
	b, d = parityRound(c, d, e, a, b, wk[23])
	a, c = parityRound(b, c, d, e, a, wk[24])
	e, b = parityRound(a, b, c, d, e, wk[25])
	d, a = parityRound(e, a, b, c, d, wk[26])
	c, e = parityRound(d, e, a, b, c, wk[27])
	b, d = parityRound(c, d, e, a, b, wk[28])
	a, c = parityRound(b, c, d, e, a, wk[29])
	e, b = parityRound(a, b, c, d, e, wk[30])
	d, a = parityRound(e, a, b, c, d, wk[31])
	c, e = parityRound(d, e, a, b, c, wk[32])
	b, d = parityRound(c, d, e, a, b, wk[33])
	a, c = parityRound(b, c, d, e, a, wk[34])
	e, b = parityRound(a, b, c, d, e, wk[35])
	d, a = parityRound(e, a, b, c, d, wk[36])
	c, e = parityRound(d, e, a, b, c, wk[37])
	b, d = parityRound(c, d, e, a, b, wk[38])
	a, c = parityRound(b, c, d, e, a, wk[39])

	// Rounds 40-59.
	e, b = majRound(a, b, c, d, e, wk[40])
	d, a = majRound(e, a, b, c, d, wk[41])
	c, e = majRound(d, e, a, b, c, wk[42])
	b, d = majRound(c, d, e, a, b, wk[43])
	a, c = majRound(b, c, d, e, a, wk[44])
	e, b = majRound(a, b, c, d, e, wk[45])
	d, a = majRound(e, a, b, c, d, wk[46])
	c, e = majRound(d, e, a, b, c, wk[47])
	b, d = majRound(c, d, e, a, b, wk[48])
	a, c = majRound(b, c, d, e, a, wk[49])
	e, b = majRound(a, b, c, d, e, wk[50])
	d, a = majRound(e, a, b, c, d, wk[51])
	c, e = majRound(d, e, a, b, c, wk[52])
	b, d = majRound(c, d, e, a, b, wk[53])
	a, c = majRound(b, c, d, e, a, wk[54])
	e, b = majRound(a, b, c, d, e, wk[55])
	d, a = majRound(e, a, b, c, d, wk[56])
	c, e = majRound(d, e, a, b, c, wk[57])
	b, d = majRound(c, d, e, a, b, wk[58])
	a, c = majRound(b, c, d, e, a, wk[59])

	// Rounds 60-79.
	e, b = parityRound(a, b, c, d, e, wk[60])
	d, a = parityRound(e, a, b, c, d, wk[61])
	c, e = parityRound(d, e, a, b, c, wk[62])
	b, d = parityRound(c, d, e, a, b, wk[63])
	a, c = parityRound(b, c, d, e, a, wk[64])
	e, b = parityRound(a, b, c, d, e, wk[65])
	d, a = parityRound(e, a, b, c, d, wk[66])
	c, e = parityRound(d, e, a, b, c, wk[67])
	b, d = parityRound(c, d, e, a, b, wk[68])
	a, c = parityRound(b, c, d, e, a, wk[69])
	e, b = parityRound(a, b, c, d, e, wk[70])
	d, a = parityRound(e, a, b, c, d, wk[71])
	c, e = parityRound(d, e, a, b, c, wk[72])
	b, d = parityRound(c, d, e, a, b, wk[73])
	a, c = parityRound(b, c, d, e, a, wk[74])
	e, b = parityRound(a, b, c, d, e, wk[75])
	d, a = parityRound(e, a, b, c, d, wk[76])
	c, e = parityRound(d, e, a, b, c, wk[77])
	b, d = parityRound(c, d, e, a, b, wk[78])
	a, c = parityRound(b, c, d, e, a, wk[79])

	return [5]uint32{h[0] + a, h[1] + b, h[2] + c, h[3] + d, h[4] + e}
}
