package identity

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fastParams keep tests quick; the bounds allow them.
var fastParams = Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func newTestHasher(t testing.TB, p Argon2Params) *Hasher {
	t.Helper()
	h, err := NewHasher(p)
	require.NoError(t, err)
	return h
}

func TestI2_HashRoundTrip(t *testing.T) {
	ctx := context.Background()
	h := newTestHasher(t, fastParams)
	enc, err := h.Hash(ctx, "Abcdefgh1!")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$"), enc)
	assert.NotContains(t, enc, "Abcdefgh1!")

	ok, rehash, err := h.Verify(ctx, enc, "Abcdefgh1!")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.False(t, rehash)

	ok, rehash, err = h.Verify(ctx, enc, "Abcdefgh1?")
	require.NoError(t, err)
	assert.False(t, ok)
	assert.False(t, rehash)

	enc2, err := h.Hash(ctx, "Abcdefgh1!")
	require.NoError(t, err)
	assert.NotEqual(t, enc, enc2, "each hash has its own salt")
}

func TestI2_HashDefaultParams(t *testing.T) {
	p := DefaultArgon2Params()
	assert.Equal(t, Argon2Params{Memory: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}, p)
	h := newTestHasher(t, p)
	assert.Equal(t, p, h.Params())
	enc, err := h.Hash(context.Background(), "Abcdefgh1!")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$"), enc)
	ok, rehash, err := h.Verify(context.Background(), enc, "Abcdefgh1!")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.False(t, rehash)
}

func TestI2_HashRehashOnParamChange(t *testing.T) {
	ctx := context.Background()
	old := newTestHasher(t, fastParams)
	enc, err := old.Hash(ctx, "Abcdefgh1!")
	require.NoError(t, err)

	changes := []struct {
		name   string
		modify func(*Argon2Params)
	}{
		{"memory", func(p *Argon2Params) { p.Memory = 128 }},
		{"time", func(p *Argon2Params) { p.Time = 2 }},
		{"threads", func(p *Argon2Params) { p.Threads = 2 }},
		{"salt length", func(p *Argon2Params) { p.SaltLen = 32 }},
		{"key length", func(p *Argon2Params) { p.KeyLen = 64 }},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			p := fastParams
			c.modify(&p)
			h := newTestHasher(t, p)
			ok, rehash, err := h.Verify(ctx, enc, "Abcdefgh1!")
			require.NoError(t, err)
			assert.True(t, ok, "the stored parameters verify, whatever h's")
			assert.True(t, rehash)

			ok, rehash, err = h.Verify(ctx, enc, "wrong")
			require.NoError(t, err)
			assert.False(t, ok)
			assert.False(t, rehash, "no rehash without a match")
		})
	}
}

func TestI2_HashMalformed(t *testing.T) {
	const salt = "c29tZXNhbHRzb21lc2FsdA"                     // 16 bytes
	const key = "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U" // 32 bytes
	good := "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key
	h := newTestHasher(t, fastParams)
	_, _, err := h.Verify(context.Background(), good, "x")
	require.NoError(t, err, "the template is well-formed")

	tests := []struct{ name, enc string }{
		{"empty", ""},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key},
		{"argon2d", "$argon2d$v=19$m=64,t=1,p=1$" + salt + "$" + key},
		{"bcrypt", "$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234"},
		{"version 16", "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key},
		{"no version", "$argon2id$m=64,t=1,p=1$" + salt + "$" + key},
		{"missing key", "$argon2id$v=19$m=64,t=1,p=1$" + salt},
		{"extra part", good + "$x"},
		{"no leading dollar", good[1:]},
		{"missing param", "$argon2id$v=19$m=64,t=1$" + salt + "$" + key},
		{"params out of order", "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key},
		{"signed param", "$argon2id$v=19$m=+64,t=1,p=1$" + salt + "$" + key},
		{"leading zero", "$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + key},
		{"negative param", "$argon2id$v=19$m=64,t=-1,p=1$" + salt + "$" + key},
		{"salt bad base64", "$argon2id$v=19$m=64,t=1,p=1$" + salt[:15] + "*" + "$" + key},
		{"salt padded", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key},
		{"salt with newline", "$argon2id$v=19$m=64,t=1,p=1$" + salt[:8] + "\n" + salt[8:] + "$" + key},
		{"key with CR", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key[:8] + "\r" + key[8:]},
		{"key bad base64", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key[:42] + "!"},
		{"salt too short", "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$" + key},
		{"key too short", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$a2V5"},
		{"huge m", "$argon2id$v=19$m=100000000,t=1,p=1$" + salt + "$" + key},
		{"m overflows uint32", "$argon2id$v=19$m=4294967296,t=1,p=1$" + salt + "$" + key},
		{"m below 8 per thread", "$argon2id$v=19$m=15,t=1,p=2$" + salt + "$" + key},
		{"t zero", "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key},
		{"huge t", "$argon2id$v=19$m=64,t=100000,p=1$" + salt + "$" + key},
		{"p zero", "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key},
		{"p 256", "$argon2id$v=19$m=4096,t=1,p=256$" + salt + "$" + key},
		{"too long", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + strings.Repeat("A", 5000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := h.Verify(context.Background(), tt.enc, "Abcdefgh1!")
			require.ErrorIs(t, err, ErrInvalid)
			var ve *resellerkit.ValidationError
			require.True(t, errors.As(err, &ve))
			assert.True(t, strings.HasPrefix(ve.Field, "password_hash"), ve.Field)
			assert.NotContains(t, err.Error(), salt)
			assert.NotContains(t, err.Error(), key)
			assert.False(t, ok)
			assert.False(t, rehash)
		})
	}
}

func TestI2_NewHasherBounds(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Argon2Params)
		fields []string
	}{
		{"memory below 8 per thread", func(p *Argon2Params) { p.Memory, p.Threads = 31, 4 }, []string{"argon2.memory"}},
		{"memory zero", func(p *Argon2Params) { p.Memory = 0 }, []string{"argon2.memory"}},
		{"memory above 4 GiB", func(p *Argon2Params) { p.Memory = 4<<20 + 1 }, []string{"argon2.memory"}},
		{"time zero", func(p *Argon2Params) { p.Time = 0 }, []string{"argon2.time"}},
		{"time above 64", func(p *Argon2Params) { p.Time = 65 }, []string{"argon2.time"}},
		{"threads zero", func(p *Argon2Params) { p.Threads = 0 }, []string{"argon2.threads"}},
		{"salt below 8", func(p *Argon2Params) { p.SaltLen = 7 }, []string{"argon2.salt_len"}},
		{"salt above 1024", func(p *Argon2Params) { p.SaltLen = 1025 }, []string{"argon2.salt_len"}},
		{"key below 16", func(p *Argon2Params) { p.KeyLen = 15 }, []string{"argon2.key_len"}},
		{"key above 1024", func(p *Argon2Params) { p.KeyLen = 1 << 31 }, []string{"argon2.key_len"}},
		{"all zero", func(p *Argon2Params) { *p = Argon2Params{} },
			[]string{"argon2.threads", "argon2.memory", "argon2.time", "argon2.salt_len", "argon2.key_len"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := fastParams
			tt.modify(&p)
			h, err := NewHasher(p)
			require.ErrorIs(t, err, ErrInvalid)
			assert.Nil(t, h)
			var fields []string
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var ve *resellerkit.ValidationError
				require.True(t, errors.As(e, &ve))
				assert.Equal(t, "I-2", ve.Rule)
				fields = append(fields, ve.Field)
			}
			assert.Equal(t, tt.fields, fields)
		})
	}

	for _, p := range []Argon2Params{
		{Memory: 8, Time: 1, Threads: 1, SaltLen: 8, KeyLen: 16},
		{Memory: 4 << 20, Time: 64, Threads: 255, SaltLen: 1024, KeyLen: 1024},
	} {
		_, err := NewHasher(p)
		assert.NoError(t, err, "%+v is within bounds", p)
	}
}

func TestI4_HashWaitsForSlotAndHonoursContext(t *testing.T) {
	h := newTestHasher(t, fastParams)
	n := int64(runtime.GOMAXPROCS(0))
	require.NoError(t, h.sem.Acquire(context.Background(), n), "take every slot")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := h.Hash(ctx, "Abcdefgh1!")
	require.ErrorIs(t, err, context.DeadlineExceeded)

	enc := "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"
	ok, _, err := h.Verify(ctx, enc, "x")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.False(t, ok)

	h.sem.Release(n)
	_, err = h.Hash(context.Background(), "Abcdefgh1!")
	require.NoError(t, err)
}

func TestI4_HashDummy(t *testing.T) {
	h := newTestHasher(t, fastParams)
	h.Dummy(context.Background(), "Abcdefgh1!")
	first := h.dummy
	p, _, _, err := decodeHash(first)
	require.NoError(t, err, "the dummy hash is well-formed")
	assert.Equal(t, fastParams, p, "and has h's parameters")
	h.Dummy(context.Background(), "other")
	assert.Equal(t, first, h.dummy, "made once")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h.Dummy(ctx, "x") // returns at once, no panic
}

func FuzzVerifyEncoded(f *testing.F) {
	f.Add("$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U", "x")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHQ$a2V5a2V5a2V5a2V5a2V5aw", "Abcdefgh1!")
	f.Add("$argon2id$v=19$m=4294967295,t=4294967295,p=255$c29tZXNhbHQ$a2V5a2V5a2V5a2V5a2V5aw", "")
	f.Add("$argon2i$v=19$m=64,t=1,p=1$$", "")
	f.Add("$$$$$", "")
	h := newTestHasher(f, fastParams)
	f.Fuzz(func(t *testing.T, enc, pw string) {
		p, salt, key, err := decodeHash(enc)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalid)
			_, _, verr := h.Verify(context.Background(), enc, pw)
			require.ErrorIs(t, verr, ErrInvalid, "Verify refuses before hashing")
			return
		}
		require.Empty(t, p.problems(""), "decoded parameters are within bounds")
		require.Len(t, salt, int(p.SaltLen))
		require.Len(t, key, int(p.KeyLen))
		require.Equal(t, enc, encodeHash(p, salt, key), "the encoding is canonical")
		if p.Memory > 64 || p.Time > 1 {
			return // within bounds but too slow to run in a fuzz loop
		}
		ok, rehash, err := h.Verify(context.Background(), enc, pw)
		require.NoError(t, err)
		if !ok {
			require.False(t, rehash)
		}
	})
}

func BenchmarkArgon2idDefault(b *testing.B) {
	p := DefaultArgon2Params()
	h := newTestHasher(b, p)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Hash(ctx, "Abcdefgh1!"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed())/float64(time.Millisecond)/float64(b.N), "ms/hash")
	b.ReportMetric(float64(p.Memory), "m_KiB")
	b.ReportMetric(float64(p.Time), "t")
	b.ReportMetric(float64(p.Threads), "p")
}
