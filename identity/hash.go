package identity

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
	"golang.org/x/sync/semaphore"
)

// Argon2Params are the cost parameters of argon2id (RFC 9106) as the Hasher uses and
// encodes them.
type Argon2Params struct {
	Memory  uint32 // memory in KiB (the "m" of the encoded form)
	Time    uint32 // passes over the memory (the "t")
	Threads uint8  // lanes computed in parallel (the "p")
	SaltLen uint32 // random salt length in bytes
	KeyLen  uint32 // derived key length in bytes
}

// DefaultArgon2Params returns OWASP's recommended argon2id configuration (Password
// Storage Cheat Sheet): m=19456 KiB (19 MiB), t=2, p=1, with a 16-byte salt and a
// 32-byte key. It is the lowest-memory setting OWASP rates as strong enough, which
// keeps a portal's burst of sign-ins affordable (each hash in flight holds 19 MiB)
// while costing an attacker tens of milliseconds of memory-hard work per guess. A
// 16-byte random salt makes every stored hash unique; 32 bytes of output is the
// strength of SHA-256.
func DefaultArgon2Params() Argon2Params {
	return Argon2Params{Memory: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
}

// Bounds on argon2id parameters, enforced by NewHasher and on every encoded hash
// Verify reads, so a hostile stored hash can neither allocate without limit nor spin
// for hours.
const (
	maxArgon2Memory  = 4 << 20 // KiB: 4 GiB
	maxArgon2Time    = 64
	minArgon2SaltLen = 8
	maxArgon2SaltLen = 1024
	minArgon2KeyLen  = 16
	maxArgon2KeyLen  = 1024
	// maxEncodedLen bounds an encoded hash: the parameters plus the largest salt and
	// key in base64.
	maxEncodedLen = 128 + 2*(maxArgon2SaltLen*4/3+4)
)

// problems returns the *resellerkit.ValidationError of every parameter out of
// bounds, field names prefixed with prefix ("argon2." or "password_hash.").
func (p Argon2Params) problems(prefix string) []error {
	var errs []error
	add := func(field string, v uint64, reason string) {
		errs = append(errs, invalid(prefix+field, strconv.FormatUint(v, 10), "I-2", reason))
	}
	if p.Threads == 0 {
		add("threads", 0, "must be at least 1")
	}
	switch {
	case uint64(p.Memory) < 8*uint64(max(p.Threads, 1)):
		add("memory", uint64(p.Memory), "must be at least 8 KiB per thread")
	case p.Memory > maxArgon2Memory:
		add("memory", uint64(p.Memory), "must be at most 4194304 KiB (4 GiB)")
	}
	switch {
	case p.Time == 0:
		add("time", uint64(p.Time), "must be at least 1")
	case p.Time > maxArgon2Time:
		add("time", uint64(p.Time), "must be at most 64")
	}
	switch {
	case p.SaltLen < minArgon2SaltLen:
		add("salt_len", uint64(p.SaltLen), "must be at least 8 bytes")
	case p.SaltLen > maxArgon2SaltLen:
		add("salt_len", uint64(p.SaltLen), "must be at most 1024 bytes")
	}
	switch {
	case p.KeyLen < minArgon2KeyLen:
		add("key_len", uint64(p.KeyLen), "must be at least 16 bytes")
	case p.KeyLen > maxArgon2KeyLen:
		add("key_len", uint64(p.KeyLen), "must be at most 1024 bytes")
	}
	return errs
}

// Hasher hashes and verifies passwords with argon2id in the PHC string form
//
//	$argon2id$v=19$m=<KiB>,t=<iterations>,p=<threads>$<salt>$<key>
//
// (salt and key in unpadded standard base64). It bounds how many hashes run at once
// to runtime.GOMAXPROCS(0) at creation, so a burst of sign-ins queues instead of
// taking unbounded memory; waiting honours the context. Make one with NewHasher; a
// Hasher is safe for concurrent use.
type Hasher struct {
	p   Argon2Params
	sem *semaphore.Weighted

	dummyOnce sync.Once
	dummy     string // an encoded hash with p of no known password, for Dummy

	// onDerive, when set, is called before each argon2id derivation. It is a test
	// hook only (internal_test.go counts the derivations a sign-in costs, I-4); it
	// is per Hasher, so no test changes another's, and nil in every Hasher
	// NewHasher returns.
	onDerive func()
}

// NewHasher returns a Hasher using p, or the errors.Join of one
// *resellerkit.ValidationError (wrapping ErrInvalid, Field "argon2.memory",
// "argon2.time", "argon2.threads", "argon2.salt_len" or "argon2.key_len") per
// parameter out of bounds: Threads ≥ 1; 8 KiB per thread ≤ Memory ≤ 4194304 KiB
// (4 GiB); 1 ≤ Time ≤ 64; 8 ≤ SaltLen ≤ 1024; 16 ≤ KeyLen ≤ 1024.
func NewHasher(p Argon2Params) (*Hasher, error) {
	if errs := p.problems("argon2."); errs != nil {
		return nil, errors.Join(errs...)
	}
	return &Hasher{p: p, sem: semaphore.NewWeighted(int64(runtime.GOMAXPROCS(0)))}, nil
}

// Params returns the parameters h hashes with.
func (h *Hasher) Params() Argon2Params { return h.p }

// Hash returns the encoded argon2id hash of password with h's parameters and a fresh
// random salt. It waits for a free slot first and returns ctx's error if ctx ends
// before one frees up.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, h.p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("identity: password salt: %w", err)
	}
	key, err := h.derive(ctx, password, salt, h.p)
	if err != nil {
		return "", err
	}
	return encodeHash(h.p, salt, key), nil
}

// Verify reports whether password matches encoded, comparing in constant time. When
// it matches, rehash reports that encoded was made with other parameters (memory,
// time, threads, salt or key length) than h's, so the caller should store a fresh
// Hash of the password. A wrong password is (false, false, nil). An encoded hash
// that is malformed, not argon2id version 19, or has parameters outside NewHasher's
// bounds is an error wrapping ErrInvalid, returned before any hashing (a hostile
// stored hash cannot make Verify allocate without limit). ctx bounds the wait for a
// free slot.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) (ok, rehash bool, err error) {
	p, salt, want, err := decodeHash(encoded)
	if err != nil {
		return false, false, err
	}
	got, err := h.derive(ctx, password, salt, p)
	if err != nil {
		return false, false, err
	}
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return false, false, nil
	}
	return true, p != h.p, nil
}

// Dummy does the work of a Verify of a hash made with h's parameters and discards the
// result. A sign-in for an unknown email calls it so that the answer takes as long
// as for a known one (I-4: no account enumeration by timing). The hash it verifies
// against is made once, on first use, from random bytes (no password has it).
func (h *Hasher) Dummy(ctx context.Context, password string) {
	h.dummyOnce.Do(func() {
		buf := make([]byte, h.p.SaltLen+h.p.KeyLen)
		// crypto/rand.Read never returns an error (Go 1.24+), and whatever the bytes,
		// verifying against them costs the same.
		rand.Read(buf)
		h.dummy = encodeHash(h.p, buf[:h.p.SaltLen], buf[h.p.SaltLen:])
	})
	// The outcome is meaningless by design: only the time spent matters.
	_, _, _ = h.Verify(ctx, h.dummy, password)
}

// derive runs argon2id once a slot is free.
func (h *Hasher) derive(ctx context.Context, password string, salt []byte, p Argon2Params) ([]byte, error) {
	if err := h.sem.Acquire(ctx, 1); err != nil {
		return nil, fmt.Errorf("identity: waiting to hash a password: %w", err)
	}
	defer h.sem.Release(1)
	if h.onDerive != nil {
		h.onDerive()
	}
	return argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen), nil
}

var b64 = base64.RawStdEncoding.Strict()

func encodeHash(p Argon2Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// badHash returns the error for a malformed encoded hash; the hash itself is never
// echoed.
func badHash(reason string) error {
	return invalid("password_hash", "", "I-2", reason)
}

// decodeHash parses and bounds-checks an encoded argon2id hash. All checks come
// before any allocation proportional to the parameters.
func decodeHash(encoded string) (Argon2Params, []byte, []byte, error) {
	var p Argon2Params
	if len(encoded) > maxEncodedLen {
		return p, nil, nil, badHash("is too long")
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return p, nil, nil, badHash("must have the form $argon2id$v=19$m=…,t=…,p=…$salt$key")
	}
	if parts[1] != "argon2id" {
		return p, nil, nil, badHash("is not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, badHash("is not argon2 version 19")
	}
	var m, t, th uint64
	params := strings.Split(parts[3], ",")
	if len(params) != 3 {
		return p, nil, nil, badHash("must have parameters m=…,t=…,p=…")
	}
	for i, dst := range []*uint64{&m, &t, &th} {
		name := [...]string{"m=", "t=", "p="}[i]
		v, found := strings.CutPrefix(params[i], name)
		if !found {
			return p, nil, nil, badHash("must have parameters m=…,t=…,p=…")
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || len(v) > 1 && v[0] == '0' {
			return p, nil, nil, badHash("parameter " + name[:1] + " is not a number within bounds")
		}
		*dst = n
	}
	if th > 255 {
		return p, nil, nil, badHash("parameter p is not a number within bounds")
	}
	saltB64, keyB64 := parts[4], parts[5]
	p = Argon2Params{
		Memory:  uint32(m),
		Time:    uint32(t),
		Threads: uint8(th),
		SaltLen: uint32(b64.DecodedLen(len(saltB64))),
		KeyLen:  uint32(b64.DecodedLen(len(keyB64))),
	}
	if errs := p.problems("password_hash."); errs != nil {
		return Argon2Params{}, nil, nil, errors.Join(errs...)
	}
	// The decoder skips CR and LF: re-encoding proves the text was canonical, so the
	// lengths checked above are the decoded ones.
	salt, err := b64.DecodeString(saltB64)
	if err != nil || b64.EncodeToString(salt) != saltB64 {
		return Argon2Params{}, nil, nil, badHash("salt is not unpadded base64")
	}
	key, err := b64.DecodeString(keyB64)
	if err != nil || b64.EncodeToString(key) != keyB64 {
		return Argon2Params{}, nil, nil, badHash("key is not unpadded base64")
	}
	return p, salt, key, nil
}
