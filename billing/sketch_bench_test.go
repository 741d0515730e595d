package billing

import (
	"encoding/binary"
	"testing"
)

// BenchmarkHashRowIdentity: the hash of a CUR row's identity, its line item id (52
// bytes) and usage start as an instant (12 bytes), as costfile adds it (B-14).
func BenchmarkHashRowIdentity(b *testing.B) {
	id := []byte("qmooz4hg3jabcdabcdabcdabcdabcdabcdabcdabcjqpgg7ep3a0")
	var start [12]byte
	var sink uint64
	for i := 0; b.Loop(); i++ {
		binary.LittleEndian.PutUint64(start[:], uint64(i))
		sink += Hash(id, start[:])
	}
	_ = sink
}

// BenchmarkHashRowContent: the hash of a CUR row's content (account, start, line
// item type, product, usage type, operation), as costfile adds it (B-14).
func BenchmarkHashRowContent(b *testing.B) {
	acct, typ, prod := []byte("123456789012"), []byte("Usage"), []byte("AmazonEC2")
	usage, op := []byte("APN1-BoxUsage:t3.micro"), []byte("RunInstances")
	var start [12]byte
	var sink uint64
	for i := 0; b.Loop(); i++ {
		binary.LittleEndian.PutUint64(start[:], uint64(i))
		sink += Hash(acct, start[:], typ, prod, usage, op)
	}
	_ = sink
}

// BenchmarkSketchAdd: adding distinct row hashes to a Sketch (sampling and the
// sample's compactions), per row.
func BenchmarkSketchAdd(b *testing.B) {
	var s Sketch
	h := uint64(0x9e3779b97f4a7c15)
	for b.Loop() {
		h ^= h << 13
		h ^= h >> 7
		h ^= h << 17
		s.AddHash(h)
	}
}
