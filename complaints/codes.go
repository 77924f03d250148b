package complaints

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"math"
	"strconv"
	"strings"
)

// codeAlphabet is Crockford's base32: no I, L, O or U, so codes read aloud
// or copied by hand survive.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// CodeLength is the length of a tracking code: 10 symbols, 50 random bits.
const CodeLength = 10

// NewTrackingCode returns a random tracking code such as "K7M2Q9XR4T".
func NewTrackingCode() string { return randomSymbols(CodeLength) }

// NewSecret returns a random follow-up secret (26 symbols, 130 bits).
func NewSecret() string { return randomSymbols(26) }

func randomSymbols(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	for i := range b {
		b[i] = codeAlphabet[b[i]&31]
	}
	return string(b)
}

// NormalizeCode canonicalises a typed tracking code: upper case, without
// spaces or hyphens, with the look-alikes O->0 and I/L->1. It returns ""
// when the result cannot be a code.
func NormalizeCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case ' ', '-':
			continue
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		if r > 127 || !strings.ContainsRune(codeAlphabet, r) {
			return ""
		}
		b.WriteRune(r)
	}
	if b.Len() != CodeLength {
		return ""
	}
	return b.String()
}

// HashSecret returns the stored form of a follow-up secret.
func HashSecret(secret string) string {
	h := sha256.Sum256([]byte(strings.ToUpper(strings.TrimSpace(secret))))
	return hex.EncodeToString(h[:])
}

// secretMatches compares a presented secret with the stored hash in constant time.
func secretMatches(hash, secret string) bool {
	if hash == "" || secret == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(hash), []byte(HashSecret(secret))) == 1
}

// DistanceMeters is the great-circle distance between two points.
func DistanceMeters(a, b Point) float64 {
	const r = 6371008.8
	la1, la2 := a.Lat*math.Pi/180, b.Lat*math.Pi/180
	dLat := la2 - la1
	dLon := (b.Lon - a.Lon) * math.Pi / 180
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(la1)*math.Cos(la2)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

// Duplicate-index cells: 0.003 degrees of latitude (about 333 m) by 0.005
// degrees of longitude (at least 300 m up to 53 degrees north). Candidates
// are matched on their public position (publicDistance), so a case can be
// up to MaxDuplicateRadius plus twice the public rounding (about 310 m)
// from the search point: a search reads the point's cell and its eight
// neighbours.
const (
	cellLat = 0.003
	cellLon = 0.005
)

// cellKeys returns the duplicate-index keys a search around p must read:
// the point's cell and its eight neighbours.
func cellKeys(category string, p Point) []string {
	y, x := math.Floor(p.Lat/cellLat), math.Floor(p.Lon/cellLon)
	keys := make([]string, 0, 9)
	for dy := -1.0; dy <= 1; dy++ {
		for dx := -1.0; dx <= 1; dx++ {
			keys = append(keys, cellKey(category, y+dy, x+dx))
		}
	}
	return keys
}

// homeCell is the one cell a filed point is indexed under.
func homeCell(category string, p Point) string {
	return cellKey(category, math.Floor(p.Lat/cellLat), math.Floor(p.Lon/cellLon))
}

func cellKey(category string, y, x float64) string {
	return category + "|" + strconv.FormatInt(int64(y), 10) + "|" + strconv.FormatInt(int64(x), 10)
}

// communityCell indexes cases filed by community (no point).
func communityCell(category, communityID string) string {
	return category + "|c|" + communityID
}
