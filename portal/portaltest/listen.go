package portaltest

import (
	"net"
)

// Listen serves the portal on a loopback TCP port until the test ends and
// sends every later request of Do (and its helpers) over the network, so
// the server sees a real peer address (127.0.0.1), as tests of the client
// address and of proxies need. It returns the base URL.
func (s *Server) Listen() string {
	s.tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.tb.Fatalf("listen: %v", err)
	}
	go func() {
		if err := s.Serve(ln); err != nil {
			s.tb.Logf("serve: %v", err)
		}
	}()
	s.base = "http://" + ln.Addr().String()
	return s.base
}
