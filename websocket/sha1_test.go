package websocket

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"maps"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// refAcceptKey is RFC 6455 §4.2.2 step 5.4 with the standard library.
func refAcceptKey(key string) string {
	sum := sha1.Sum([]byte(key + acceptGUID))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func TestAcceptKeyRFCExample(t *testing.T) {
	// RFC 6455 §1.3 and §4.2.2.
	const key, want = "dGhlIHNhbXBsZSBub25jZQ==", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
	if got := AcceptKey(key); got != want {
		t.Errorf("AcceptKey(%q): got %q, want %q", key, got, want)
	}
	if got := acceptSum(key); got != sha1.Sum([]byte(key+acceptGUID)) {
		t.Errorf("acceptSum(%q): got %x, want crypto/sha1's %x", key, got, sha1.Sum([]byte(key+acceptGUID)))
	}
}

// TestAcceptKeyRandom compares the specialised SHA-1 with crypto/sha1 for
// 10,000 keys as clients make them: base64 of 16 random bytes.
func TestAcceptKeyRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var nonce [16]byte
	for range 10000 {
		binary.LittleEndian.PutUint64(nonce[:8], r.Uint64())
		binary.LittleEndian.PutUint64(nonce[8:], r.Uint64())
		key := base64.StdEncoding.EncodeToString(nonce[:])
		if got, want := AcceptKey(key), refAcceptKey(key); got != want {
			t.Fatalf("AcceptKey(%q): got %q, want %q", key, got, want)
		}
	}
}

// TestAcceptKeyOtherLengths covers the general path (AcceptKey is exported
// and takes any string) and the lengths around the specialised one.
func TestAcceptKeyOtherLengths(t *testing.T) {
	for _, n := range []int{0, 1, 23, 24, 25, 27, 28, 64, 65, 200} {
		key := strings.Repeat("k", n)
		if got, want := AcceptKey(key), refAcceptKey(key); got != want {
			t.Errorf("AcceptKey(%d bytes): got %q, want %q", n, got, want)
		}
	}
}

// TestAcceptTables recomputes the constant words of sha1.go from their
// definition: the padded 60-byte message of RFC 6455 §4.2.2 and the SHA-1
// message schedule (FIPS 180-4 §5.1.1, §6.1.2).
func TestAcceptTables(t *testing.T) {
	var msg [128]byte
	copy(msg[24:], acceptGUID)
	msg[60] = 0x80
	binary.BigEndian.PutUint64(msg[120:], 60*8)
	for i := range acceptBlock1Tail {
		if got, want := acceptBlock1Tail[i], binary.BigEndian.Uint32(msg[24+4*i:]); got != want {
			t.Errorf("acceptBlock1Tail[%d]: got %#08x, want %#08x", i, got, want)
		}
	}
	var w [80]uint32
	for i := range 16 {
		w[i] = binary.BigEndian.Uint32(msg[64+4*i:])
	}
	for i := 16; i < 80; i++ {
		w[i] = bits.RotateLeft32(w[i-3]^w[i-8]^w[i-14]^w[i-16], 1)
	}
	if w != acceptBlock2 {
		for i := range w {
			if w[i] != acceptBlock2[i] {
				t.Errorf("acceptBlock2[%d]: got %#08x, want %#08x", i, acceptBlock2[i], w[i])
			}
		}
	}
}

// TestAcceptSumImpls compares every implementation of acceptSum this CPU
// can run (the Go rounds; the assembly where there is BMI2; crypto/sha1),
// each in a subtest named after it, with crypto/sha1 over key+acceptGUID
// built the plain way, for random 24-byte keys of any bytes, not only
// base64 text. The one acceptSum runs is checked as well, by its name.
func TestAcceptSumImpls(t *testing.T) {
	impls := acceptImpls()
	if _, ok := impls[acceptImpl]; !ok {
		t.Fatalf("acceptSum runs %s, which acceptImpls does not list", acceptImpl)
	}
	t.Logf("acceptSum runs %s on this CPU", acceptImpl)
	ids := slices.Sorted(maps.Keys(impls))
	for _, id := range ids {
		t.Run(id.String(), func(t *testing.T) {
			sum := impls[id]
			r := rand.New(rand.NewPCG(5, 6))
			var key [24]byte
			for range 10000 {
				for i := range key {
					key[i] = byte(r.Uint32())
				}
				want := sha1.Sum(append(key[:], acceptGUID...))
				if got := sum(string(key[:])); got != want {
					t.Fatalf("key %x: %s gave %x, crypto/sha1 %x", key, id, got, want)
				}
			}
		})
	}
}

// FuzzAcceptKey checks AcceptKey against crypto/sha1 for any key; the
// 24-byte ones take the specialised path whatever bytes they hold.
func FuzzAcceptKey(f *testing.F) {
	f.Add("dGhlIHNhbXBsZSBub25jZQ==")
	f.Add("")
	f.Fuzz(func(t *testing.T, key string) {
		if got, want := AcceptKey(key), refAcceptKey(key); got != want {
			t.Errorf("AcceptKey(%q): got %q, want %q", key, got, want)
		}
	})
}

// BenchmarkAcceptKey is the accept value alone: the specialised SHA-1 and
// base64, against crypto/sha1 on the same 60 bytes.
func BenchmarkAcceptKey(b *testing.B) {
	const key = "dGhlIHNhbXBsZSBub25jZQ=="
	buf := make([]byte, 0, 64)
	b.Run("accept", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf = appendAccept(buf[:0], key)
		}
	})
	// acceptSum=NAME is the one acceptSum runs on this CPU; impl=NAME
	// times each implementation the CPU can run.
	b.Run("acceptSum="+acceptImpl.String(), func(b *testing.B) {
		for b.Loop() {
			acceptSum(key)
		}
	})
	impls := acceptImpls()
	for _, id := range slices.Sorted(maps.Keys(impls)) {
		sum := impls[id]
		b.Run("impl="+id.String(), func(b *testing.B) {
			for b.Loop() {
				sum(key)
			}
		})
	}
}

// TestAppendBase64Sum checks the written-out encoder against
// encoding/base64 on random digests and on all-zero and all-one bytes.
func TestAppendBase64Sum(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	sums := [][20]byte{{}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}
	for range 1000 {
		var s [20]byte
		for i := range s {
			s[i] = byte(r.Uint32())
		}
		sums = append(sums, s)
	}
	for _, s := range sums {
		if got, want := string(appendBase64Sum([]byte("x"), &s)), "x"+base64.StdEncoding.EncodeToString(s[:]); got != want {
			t.Fatalf("appendBase64Sum(%x) = %q, want %q", s, got, want)
		}
	}
}
