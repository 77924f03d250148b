// Package portal is the HTTP application: Fiber setup, configuration,
// authentication and roles, middleware, the one error mapping, the store
// connection, the city's areas, and the routes of every domain. It is the
// only package that imports Fiber; domain rules live in complaints, survey
// and stats.
package portal

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Config is the portal's whole configuration, read once in cmd/portal from
// flags and PORTAL_* environment variables.
type Config struct {
	// Addr is the HTTP listen address ("127.0.0.1:0" picks a free port).
	Addr string
	// DataDir holds the embedded store, the generated JWT secret and photos.
	DataDir string
	// MongoURI selects an external MongoDB; empty means the embedded store.
	MongoURI string
	// PostgreSQLURL selects PostgreSQL mode (FerretDB's PostgreSQL
	// handler in this process; several portals share the database).
	PostgreSQLURL string
	// Database overrides the database name (tests use one per test).
	Database string
	// Demo seeds the demo city and its demo accounts and data.
	Demo bool
	// DemoCityOnly limits Demo to the city, departments, demo accounts and
	// the demo Open311 key, without the generated 90-day complaint history
	// and survey rounds (tests that need a city but not its history).
	DemoCityOnly bool
	// JWTSecret signs access tokens; empty means generated and kept in DataDir.
	JWTSecret string
	// LogFormat is "text" or "json"; LogLevel "info" or "debug".
	LogFormat string
	LogLevel  string
	// BodyLimit caps request bodies in bytes (routes that take photos allow more).
	BodyLimit int
	// CityID is the Open311 jurisdiction id of this city.
	CityID string
	// ShutdownTimeout bounds the drain of in-flight requests on shutdown.
	ShutdownTimeout time.Duration
	// WebhookURL receives complaint notifications (accepted, resolved,
	// notice issued, merged, joined) as JSON signed with WebhookSecret
	// (HMAC-SHA256); empty sends them to the log only.
	WebhookURL    string
	WebhookSecret string
	// TileURL is an optional map tile URL template for the web UI.
	TileURL string
	// FilingLimit is how many complaints (and "me too" joins) one
	// anonymous client address, or one resident account, may send an hour,
	// all at once if it likes; 0 means no limit. Staff are never limited
	// (hotline operators file for callers). Counted per process.
	FilingLimit int
	// ContactRetention is how long after a case is closed (or rejected)
	// the reporter's contact details are kept; 0 keeps them.
	ContactRetention time.Duration
	// TrustedProxies are the reverse proxies and load balancers in front of
	// the portal. Only when the connection comes from one of them is the
	// client address taken from X-Forwarded-For (the right-most hop that is
	// not one of them); empty, the default, means the connection's peer is
	// always the client.
	TrustedProxies []netip.Prefix
	// Now is the clock; nil means time.Now. Tests inject their own.
	Now func() time.Time
}

// DefaultFilingLimit is the default FilingLimit: far above what a
// resident files, and high enough for the many residents mobile carriers
// put behind one address, but it stops a script flooding the queue.
const DefaultFilingLimit = 60

// DefaultContactRetention is the default ContactRetention: long enough
// for a reporter's follow-up questions and complaints about the handling.
const DefaultContactRetention = 180 * 24 * time.Hour

// DefaultBodyLimit is the request body cap for ordinary requests.
const DefaultBodyLimit = 10 << 20

// Defaults returns the configuration with every default filled in.
func Defaults() Config {
	return Config{
		Addr:             "127.0.0.1:8080",
		DataDir:          "./data",
		LogFormat:        "text",
		LogLevel:         "info",
		BodyLimit:        DefaultBodyLimit,
		CityID:           "cleancity.demo",
		ShutdownTimeout:  10 * time.Second,
		FilingLimit:      DefaultFilingLimit,
		ContactRetention: DefaultContactRetention,
	}
}

// ParseTrustedProxies reads a list of IP addresses and CIDR prefixes
// separated by commas or spaces ("10.0.0.0/8, 192.0.2.7"); an address is
// a prefix of its full length.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not an IP address or CIDR prefix", f)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("%q is not an IP address or CIDR prefix", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

func prefixStrings(list []netip.Prefix) []string {
	out := make([]string, len(list))
	for i, p := range list {
		out[i] = p.String()
	}
	return out
}
