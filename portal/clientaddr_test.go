package portal

import (
	"net/netip"
	"testing"
)

func TestClientAddrRule(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8, 192.0.2.7 2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	peerProxy := netip.MustParseAddr("10.1.2.3")
	outsider := netip.MustParseAddr("203.0.113.5")
	for _, c := range []struct {
		name    string
		peer    netip.Addr
		headers []string
		want    string
	}{
		{"no header", peerProxy, nil, "10.1.2.3"},
		{"untrusted peer's header is ignored", outsider, []string{"198.51.100.1"}, "203.0.113.5"},
		{"one hop", peerProxy, []string{"198.51.100.1"}, "198.51.100.1"},
		{"right-most untrusted hop", peerProxy, []string{"1.1.1.1, 198.51.100.1, 192.0.2.7"}, "198.51.100.1"},
		{"several headers are one list", peerProxy, []string{"1.1.1.1", "198.51.100.1, 10.9.9.9"}, "198.51.100.1"},
		{"client-written left part is ignored", peerProxy, []string{"127.0.0.1, 198.51.100.1"}, "198.51.100.1"},
		{"junk hop: header ignored", peerProxy, []string{"spoof-1"}, "10.1.2.3"},
		{"junk among hops: header ignored", peerProxy, []string{"198.51.100.1, spoof, 10.0.0.1"}, "10.1.2.3"},
		{"empty hop: header ignored", peerProxy, []string{"198.51.100.1,,"}, "10.1.2.3"},
		{"port is not an address", peerProxy, []string{"198.51.100.1:4000"}, "10.1.2.3"},
		{"zone is not an address", peerProxy, []string{"fe80::1%eth0"}, "10.1.2.3"},
		{"IPv6 hop", peerProxy, []string{"2001:db9::7"}, "2001:db9::7"},
		{"IPv4-mapped hop unmapped", peerProxy, []string{"::ffff:198.51.100.9"}, "198.51.100.9"},
		{"all hops trusted: left-most", peerProxy, []string{"10.0.0.5, 192.0.2.7"}, "10.0.0.5"},
	} {
		var fwd [][]byte
		for _, h := range c.headers {
			fwd = append(fwd, []byte(h))
		}
		if got := clientAddr(c.peer, fwd, proxies).String(); got != c.want {
			t.Errorf("%s: clientAddr = %s, want %s", c.name, got, c.want)
		}
	}
	// With no trusted proxies (the default) the peer is always the client.
	if got := clientAddr(peerProxy, [][]byte{[]byte("198.51.100.1")}, nil); got != peerProxy {
		t.Errorf("no trusted proxies: %s", got)
	}
}

func TestParseTrustedProxies(t *testing.T) {
	got, err := ParseTrustedProxies(" 10.1.2.3/8,::1 ")
	if err != nil || len(got) != 2 || got[0].String() != "10.0.0.0/8" || got[1].String() != "::1/128" {
		t.Fatalf("ParseTrustedProxies = %v, %v", got, err)
	}
	for _, bad := range []string{"spoof", "10.0.0.0/33", "10.0.0.1:80", "fe80::1%eth0"} {
		if _, err := ParseTrustedProxies(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if got, err := ParseTrustedProxies(""); err != nil || got != nil {
		t.Errorf("empty: %v, %v", got, err)
	}
}
