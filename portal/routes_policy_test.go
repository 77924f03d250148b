package portal_test

import (
	"bytes"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"cleancity/portal"
	"cleancity/portal/portaltest"
)

var updateMatrix = flag.Bool("update", false, "rewrite testdata/route-matrix.md from routePolicy")

// access says who may call a route.
type access struct {
	public bool
	roles  []portal.Role
	// note is shown in the route matrix (scope rules and such).
	note string
}

func public(note string) access { return access{public: true, note: note} }

func only(note string, roles ...portal.Role) access { return access{roles: roles, note: note} }

var (
	rRes   = portal.RoleResident
	rVol   = portal.RoleVolunteer
	rDept  = portal.RoleDepartment
	rOff   = portal.RoleOfficial
	rAdmin = portal.RoleAdmin
	// allRoles in matrix column order.
	allRoles = []portal.Role{rRes, rVol, rDept, rOff, rAdmin}
)

// routePolicy is the authorization table of every /api/v1 route, keyed by
// "METHOD /path" exactly as registered. TestRoutePolicy fails for a route
// missing here and for an entry without a route, so a new route cannot
// slip through unguarded: whoever adds a route adds its line here, then
// runs `go test ./portal -run TestRoutePolicy -update` to refresh
// testdata/route-matrix.md.
var routePolicy = map[string]access{
	// Geography (foundation).
	"GET /api/v1/areas":        public(""),
	"GET /api/v1/areas/locate": public(""),
	"GET /api/v1/areas/:id":    public(""),
	"GET /api/v1/departments":  public(""),

	// Web UI (frontend).
	"GET /api/v1/config": public("map tiles, city id and UI settings"),

	// Accounts (issue 3).
	"POST /api/v1/auth/register": public("creates a resident; 5 an hour and 120 auth requests/min per client address"),
	"POST /api/v1/auth/login":    public("backoff after 5 failures per username and address, 30 per address"),
	"POST /api/v1/auth/refresh":  public("rotates the refresh token; reuse revokes the family"),
	"POST /api/v1/auth/logout":   public("revokes the refresh token's and/or the caller's session"),
	"GET /api/v1/me":             only("", allRoles...),
	"PATCH /api/v1/me":           only("password change needs the old one and ends other sessions", allRoles...),
	"GET /api/v1/users":          only("", rAdmin),
	"POST /api/v1/users":         only("any role; scope checked against areas", rAdmin),
	"GET /api/v1/users/:id":      only("", rAdmin),
	"PATCH /api/v1/users/:id":    only("not own role/disabled", rAdmin),

	// Audit log (issue 15): read only, no route changes an entry.
	"GET /api/v1/audit": only("staff and admin writes, newest first, filters and cursor", rAdmin),

	// Complaints (issue 5). Department staff: their department's cases;
	// district officials: their district's; residents and volunteers:
	// their own cases (others are 404).
	"GET /api/v1/categories":                   public("active categories; all=true for admins"),
	"PUT /api/v1/categories/:code":             only("create or replace", rAdmin),
	"POST /api/v1/complaints":                  public("JSON or multipart with photos; anonymous filing gets a follow-up secret"),
	"GET /api/v1/complaints":                   only("filters, cursor; scoped as above", rRes, rVol, rDept, rOff, rAdmin),
	"GET /api/v1/complaints/export.csv":        only("same filters and scope as the list", rDept, rOff, rAdmin),
	"GET /api/v1/complaints/count":             only("same filters and scope as the list", rDept, rOff, rAdmin),
	"GET /api/v1/complaints/public":            public("map list, coarse location"),
	"GET /api/v1/complaints/overdue":           public("published overdue cases"),
	"GET /api/v1/complaints/duplicates":        public("candidates before filing"),
	"GET /api/v1/complaints/:id":               only("staff view with history; scoped as above", rRes, rVol, rDept, rOff, rAdmin),
	"POST /api/v1/complaints/:id/actions":      only("reassign: officials and admins; scoped as above", rDept, rOff, rAdmin),
	"POST /api/v1/complaints/:id/join":         public("me too; once per account, device and address"),
	"GET /api/v1/photos/:id":                   public("re-encoded JPEG, no metadata"),
	"GET /api/v1/track/:code":                  public("public view: no contact, no reporter, no staff names"),
	"POST /api/v1/track/:code/feedback":        public("follow-up secret or the reporter's account"),
	"POST /api/v1/track/:code/contact/confirm": public("the code sent to the contact; follow-up secret or the reporter's account; 5 wrong codes per case"),
	"GET /api/v1/apikeys":                      only("Open311 API keys (issue 6)", rAdmin),
	"POST /api/v1/apikeys":                     only("the key is shown once", rAdmin),
	"DELETE /api/v1/apikeys/:id":               only("revoke", rAdmin),

	// Publication rule and triage (issues 15 and 16).
	"GET /api/v1/moderation":                 only("texts awaiting a decision; district officials their district", rOff, rAdmin),
	"POST /api/v1/complaints/:id/moderation": only("approve, redact or withhold; private cases cannot be published", rOff, rAdmin),
	"GET /api/v1/triage":                     only("reports to place; city-wide officials and admins (district officials 403)", rOff, rAdmin),
	"POST /api/v1/triage/:id/place":          only("files the case at the chosen community or point", rOff, rAdmin),

	// Survey rounds (issue 7). District officials: review, assign and list
	// within their district; "city-wide" routes refuse them.
	"GET /api/v1/questionnaires":                             only("answer keys included", rOff, rAdmin),
	"POST /api/v1/questionnaires":                            only("city-wide; versions immutable", rOff, rAdmin),
	"GET /api/v1/volunteers":                                 only("active volunteers for the assignment picker: username and display name only", rOff, rAdmin),
	"GET /api/v1/rounds":                                     only("", rVol, rOff, rAdmin),
	"POST /api/v1/rounds":                                    only("city-wide", rOff, rAdmin),
	"GET /api/v1/rounds/:id":                                 only("", rVol, rOff, rAdmin),
	"PUT /api/v1/rounds/:id/plan":                            only("city-wide; planned rounds only", rOff, rAdmin),
	"GET /api/v1/rounds/:id/plan/suggestion":                 only("sample-size planner from the previous round", rOff, rAdmin),
	"POST /api/v1/rounds/:id/open":                           only("city-wide", rOff, rAdmin),
	"POST /api/v1/rounds/:id/close":                          only("city-wide", rOff, rAdmin),
	"PUT /api/v1/rounds/:id/census":                          only("city-wide", rOff, rAdmin),
	"GET /api/v1/rounds/:id/questionnaire":                   only("answer keys only for staff", rVol, rOff, rAdmin),
	"GET /api/v1/rounds/:id/assignments/me":                  only("the caller's units", rVol),
	"GET /api/v1/rounds/:id/assignments":                     only("district officials: their district", rOff, rAdmin),
	"POST /api/v1/rounds/:id/assignments":                    only("district officials: their district", rOff, rAdmin),
	"DELETE /api/v1/rounds/:id/assignments/:unit/:volunteer": only("district officials: their district", rOff, rAdmin),
	"POST /api/v1/rounds/:id/responses":                      only("volunteers: assigned units only", rVol, rOff, rAdmin),
	"GET /api/v1/rounds/:id/responses.csv":                   only("city-wide", rOff, rAdmin),
	"GET /api/v1/rounds/:id/responses":                       only("district officials: their district", rOff, rAdmin),
	"GET /api/v1/rounds/:id/responses/:rid":                  only("district officials: their district", rOff, rAdmin),
	"POST /api/v1/rounds/:id/responses/:rid/review":          only("district officials: their district", rOff, rAdmin),
	"POST /api/v1/rounds/:id/reviews":                        only("district officials: their district", rOff, rAdmin),
	"GET /api/v1/rounds/:id/progress":                        only("", rOff, rAdmin),
	"GET /api/v1/rounds/:id/results":                         only("", rOff, rAdmin),
	"GET /api/v1/rounds/:id/calibration/:file":               only("", rOff, rAdmin),

	// Oversight dashboard (issue 8). District officials: their district
	// (another district is 403).
	"GET /api/v1/dashboard/complaints":       only("from, to, district, category, department", rOff, rAdmin),
	"GET /api/v1/dashboard/complaints.csv":   only("table: status, per_day, per_week, by_category, by_district, by_street, by_department, overdue, top_grids; same filters", rOff, rAdmin),
	"GET /api/v1/dashboard/departments":      only("league table; min_cases (default 20) to be ranked", rOff, rAdmin),
	"GET /api/v1/dashboard/departments.csv":  only("same filters", rOff, rAdmin),
	"GET /api/v1/dashboard/satisfaction":     only("rounds x districts, complaints per 10,000 residents", rOff, rAdmin),
	"GET /api/v1/dashboard/satisfaction.csv": only("same filters", rOff, rAdmin),
}

type routeKey struct{ method, path string }

// apiRoutes lists the app's /api/v1 routes (HEAD mirrors GET and is left out).
func apiRoutes(srv *portaltest.Server) []routeKey {
	seen := map[routeKey]bool{}
	var out []routeKey
	for _, r := range srv.App().GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == http.MethodHead {
			continue
		}
		k := routeKey{r.Method, r.Path}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].path != out[j].path {
			return out[i].path < out[j].path
		}
		return out[i].method < out[j].method
	})
	return out
}

var paramPattern = regexp.MustCompile(`:[A-Za-z_][A-Za-z0-9_]*\??|\*`)

// concrete fills route parameters with a well-formed id that names nothing.
func concrete(path string) string {
	return paramPattern.ReplaceAllString(path, "000000000000000000000000")
}

func TestRoutePolicy(t *testing.T) {
	srv := portaltest.NewServer(t, portaltest.WithDemo())
	tokens := map[portal.Role]string{
		rRes:   srv.Token(t, rRes, ""),
		rVol:   srv.Token(t, rVol, ""),
		rDept:  srv.Token(t, rDept, "sanitation"),
		rOff:   srv.Token(t, rOff, ""),
		rAdmin: srv.Token(t, rAdmin, ""),
	}
	routes := apiRoutes(srv)
	if len(routes) < len(routePolicy)/2 {
		t.Fatalf("only %d /api/v1 routes found: is the route walk broken?", len(routes))
	}
	registered := map[string]bool{}
	var missing []string
	for _, r := range routes {
		key := r.method + " " + r.path
		registered[key] = true
		if _, ok := routePolicy[key]; !ok {
			missing = append(missing, fmt.Sprintf("\t%q: only(\"\", ...roles), // or public(\"\")", key))
		}
	}
	if len(missing) > 0 {
		t.Errorf("routes missing from routePolicy in portal/routes_policy_test.go (add who may call them):\n%s", strings.Join(missing, "\n"))
	}
	for key := range routePolicy {
		if !registered[key] {
			t.Errorf("routePolicy has %q but no such route is registered", key)
		}
	}

	for _, r := range routes {
		key := r.method + " " + r.path
		pol, ok := routePolicy[key]
		if !ok {
			continue
		}
		t.Run(key, func(t *testing.T) {
			send := func(token string) portaltest.Response {
				req := portaltest.Request{Method: r.method, Path: concrete(r.path), Token: token}
				if r.method == http.MethodPost || r.method == http.MethodPut || r.method == http.MethodPatch {
					req.Body = "{}"
					req.ContentType = "application/json"
				}
				return srv.Do(req)
			}
			if pol.public {
				if resp := send(""); resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden {
					t.Errorf("public route refused an anonymous caller: %d: %.200s", resp.Status, resp.Body)
				}
				return
			}
			if resp := send(""); resp.Status != http.StatusUnauthorized {
				t.Errorf("anonymous: %d, want 401: %.200s", resp.Status, resp.Body)
			}
			for _, role := range allRoles {
				resp := send(tokens[role])
				allowed := slices.Contains(pol.roles, role)
				switch {
				case !allowed && resp.Status != http.StatusForbidden:
					t.Errorf("%s: %d, want 403: %.200s", role, resp.Status, resp.Body)
				case allowed && (resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden):
					t.Errorf("%s: %d, want the role let through: %.200s", role, resp.Status, resp.Body)
				}
			}
		})
	}

	md := routeMatrix(routes)
	golden := filepath.Join("testdata", "route-matrix.md")
	if *updateMatrix {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, md, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile(golden)
	if err != nil || !bytes.Equal(have, md) {
		t.Errorf("%s is out of date: run go test ./portal -run TestRoutePolicy -update", golden)
	}
}

// routeMatrix renders the policy of the registered routes as Markdown.
func routeMatrix(routes []routeKey) []byte {
	var b bytes.Buffer
	b.WriteString("# Route × role matrix\n\n")
	b.WriteString("Generated by `go test ./portal -run TestRoutePolicy -update` from `routePolicy` in\n")
	b.WriteString("portal/routes_policy_test.go, which the same test checks against every registered\n")
	b.WriteString("/api/v1 route: 401 without a token, 403 for the roles marked –, and neither for ✓.\n")
	b.WriteString("Scope rules (district officials, department staff) are enforced inside the services.\n\n")
	b.WriteString("| Method | Path | anonymous |")
	for _, r := range allRoles {
		b.WriteString(" " + string(r) + " |")
	}
	b.WriteString(" Note |\n|---|---|---|")
	for range allRoles {
		b.WriteString("---|")
	}
	b.WriteString("---|\n")
	for _, r := range routes {
		pol, ok := routePolicy[r.method+" "+r.path]
		if !ok {
			continue
		}
		mark := func(yes bool) string {
			if yes {
				return "✓"
			}
			return "–"
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s |", r.method, r.path, mark(pol.public))
		for _, role := range allRoles {
			b.WriteString(" " + mark(pol.public || slices.Contains(pol.roles, role)) + " |")
		}
		b.WriteString(" " + pol.note + " |\n")
	}
	return b.Bytes()
}
