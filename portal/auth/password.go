package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters. Every hash records its own (PHC
// string format), so raising DefaultParams rehashes each user's password
// at their next successful sign-in.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultParams is the cost for new hashes: 64 MiB, one pass, one lane.
// On the 2-core reference server one hash takes about 55 ms; that is above
// OWASP's argon2id minimum (46 MiB, t=1, p=1) with memory as the main cost,
// which is what hurts GPU attackers. One lane keeps a sign-in on one core so
// a burst of sign-ins cannot starve the other core; the service also caps
// concurrent hashes at GOMAXPROCS, so peak hashing memory is 64 MiB per core.
var DefaultParams = Params{Memory: 64 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// Sanity bounds for parameters read from a stored hash.
const (
	maxMemory  = 1 << 20 // 1 GiB
	maxTime    = 16
	maxThreads = 16
)

var b64 = base64.RawStdEncoding

// HashPassword hashes pw with p into a PHC string:
// $argon2id$v=19$m=65536,t=1,p=1$<salt>$<key>.
func HashPassword(pw string, p Params) (string, error) {
	if p.SaltLen < 8 || p.KeyLen < 16 || p.Memory < 8*uint32(p.Threads) || p.Time < 1 || p.Threads < 1 {
		return "", fmt.Errorf("argon2id parameters too weak: %+v", p)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// errMalformedHash is returned for a stored hash that is not a valid
// argon2id PHC string.
var errMalformedHash = errors.New("malformed argon2id hash")

// ParseHash returns the parameters, salt and key of a PHC string.
func ParseHash(encoded string) (Params, []byte, []byte, error) {
	parts := strings.Split(encoded, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return Params{}, nil, nil, errMalformedHash
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return Params{}, nil, nil, fmt.Errorf("%w: unsupported version %q", errMalformedHash, parts[2])
	}
	var p Params
	seen := 0
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return Params{}, nil, nil, errMalformedHash
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return Params{}, nil, nil, errMalformedHash
		}
		switch k {
		case "m":
			p.Memory = uint32(n)
		case "t":
			p.Time = uint32(n)
		case "p":
			if n > 255 {
				return Params{}, nil, nil, errMalformedHash
			}
			p.Threads = uint8(n)
		default:
			return Params{}, nil, nil, errMalformedHash
		}
		seen++
	}
	if seen != 3 || p.Time < 1 || p.Time > maxTime || p.Threads < 1 || p.Threads > maxThreads ||
		p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory {
		return Params{}, nil, nil, fmt.Errorf("%w: parameters out of range", errMalformedHash)
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return Params{}, nil, nil, errMalformedHash
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 128 {
		return Params{}, nil, nil, errMalformedHash
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// CheckPassword reports whether pw matches the PHC string, in constant time
// for a given hash.
func CheckPassword(pw, encoded string) (bool, error) {
	p, salt, key, err := ParseHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether a stored hash was made with parameters other
// than want (so it is replaced at the next successful sign-in).
func NeedsRehash(encoded string, want Params) bool {
	p, _, _, err := ParseHash(encoded)
	if err != nil {
		return true
	}
	return p.Memory != want.Memory || p.Time != want.Time || p.Threads != want.Threads ||
		p.KeyLen != want.KeyLen || p.SaltLen != want.SaltLen
}
