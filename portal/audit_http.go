package portal

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"cleancity/portal/apperr"
	"cleancity/portal/audit"
)

// localsAuditActor names the actor of a request that signs a staff member
// in: the request is anonymous, the account is known only afterwards.
const localsAuditActor = "audit_actor"

// auditedRoles are the roles whose actions are recorded.
var auditedRoles = []Role{RoleDepartment, RoleOfficial, RoleAdmin}

// withheldFields are recorded only as "set": secrets, and personal data
// or free text that may hold it (a caller's contact given to a hotline
// operator, a description, a note), which stay in the case's own history
// where the retention sweep can reach them.
var withheldFields = []string{
	"password", "new_password", "old_password", "refresh_token", "secret", "token", "api_key", "key",
	"phone", "email", "contact_name", "contact_phone", "contact_email", "first_name", "last_name",
	"description", "address", "note", "reason", "comment",
}

func (s *Server) initAudit(ctx context.Context) error {
	s.audit = audit.NewLog(s.store.DB, s.now)
	return s.audit.Init(ctx)
}

// auditedReads are the reads of personal data that are recorded too:
// a case with its reporter's contact, exports, accounts, and survey
// responses (ASVS 4.0 8.3.5). Lists without personal data are not.
var auditedReads = []string{
	"/api/v1/complaints/:id", "/api/v1/complaints/export.csv",
	"/api/v1/users", "/api/v1/users/:id",
	"/api/v1/rounds/:id/responses", "/api/v1/rounds/:id/responses/:rid", "/api/v1/rounds/:id/responses.csv",
}

// recordStaffWrites is the one place the audit log is written: every
// POST, PUT, PATCH and DELETE by department staff, officials and
// administrators (and every staff sign-in), and their reads of personal
// data (auditedReads), after the response is final, with the route, its
// parameters, the request's non-secret fields, the status and the client
// address.
func (s *Server) recordStaffWrites(c *fiber.Ctx) error {
	read := false
	switch c.Method() {
	case fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch, fiber.MethodDelete:
	case fiber.MethodGet:
		read = true
	default:
		return c.Next()
	}
	err := c.Next()
	if read && !slices.Contains(auditedReads, c.Route().Path) {
		return err
	}
	p := principalOf(c)
	if a, ok := c.Locals(localsAuditActor).(*Principal); ok {
		p = a
	}
	if p == nil || !p.Is(auditedRoles...) {
		return err
	}
	code := ""
	if err != nil {
		// Let the error handler write the answer now so the status is final.
		code = string(apperr.CodeOf(err))
		if fe, ok := err.(*fiber.Error); ok {
			code = string(codeOfStatus(fe.Code))
		}
		if herr := s.app.ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	e := audit.Entry{
		Actor:  audit.Actor{UserID: p.UserID, Username: p.Username, Role: string(p.Role), Scope: p.Scope},
		Action: c.Method() + " " + c.Route().Path, Target: routeParams(c), Details: requestDetails(c),
		Status: status, Outcome: audit.OutcomeOf(status), ErrorCode: code,
		ClientIP: clientIP(c), RequestID: requestIDOf(c),
	}
	// The action is done: its record must not be lost to a cancelled request.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.UserContext()), 5*time.Second)
	defer cancel()
	if _, rerr := s.audit.Record(ctx, e); rerr != nil {
		s.log.Error("audit entry not recorded", "err", rerr, "actor", p.Username, "action", e.Action,
			"status", status, "request_id", e.RequestID)
	}
	return nil
}

func routeParams(c *fiber.Ctx) map[string]string {
	names := c.Route().Params
	if len(names) == 0 {
		return nil
	}
	out := make(map[string]string, len(names))
	for _, n := range names {
		out[n] = audit.Truncate(c.Params(n), 100)
	}
	return out
}

// requestDetails keeps the top-level scalar fields of a JSON or multipart
// body (withheld ones as "set", lists as their length, objects as "{…}"),
// each cut to 200 bytes.
func requestDetails(c *fiber.Ctx) map[string]string {
	out := map[string]string{}
	put := func(k, v string) {
		if len(out) >= 30 {
			return
		}
		if slices.Contains(withheldFields, k) {
			if v == "" || v == "null" {
				return // nothing given
			}
			v = "set"
		}
		out[audit.Truncate(k, 40)] = audit.Truncate(v, 200)
	}
	if isMultipart(c) {
		form, err := c.MultipartForm()
		if err != nil {
			return nil
		}
		for k, v := range form.Value {
			if len(v) > 0 {
				put(k, v[0])
			}
		}
		for k, f := range form.File {
			put(k, "["+itoa(len(f))+" files]")
		}
	} else if body := c.Body(); len(body) > 0 && body[0] == '{' {
		var m map[string]json.RawMessage
		if json.Unmarshal(body, &m) != nil {
			return nil
		}
		for k, raw := range m {
			put(k, scalarText(raw))
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// scalarText is a JSON value as recorded: strings unquoted, other scalars
// as written, arrays by length, objects as "{…}".
func scalarText(raw json.RawMessage) string {
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return str
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		return "[" + itoa(len(list)) + " items]"
	}
	t := strings.TrimSpace(string(raw))
	if strings.HasPrefix(t, "{") {
		return "{…}"
	}
	return t
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func (s *Server) registerAuditRoutes(api fiber.Router) {
	// Read only: the log has no route that changes or removes an entry.
	api.Get("/audit", requireRoles(RoleAdmin), s.listAudit)
}

type auditQuery struct {
	Username string `query:"username" validate:"omitempty,max=64"`
	Action   string `query:"action" validate:"omitempty,max=200"`
	Outcome  string `query:"outcome" validate:"omitempty,oneof=ok refused rejected failed"`
	Target   string `query:"target" validate:"omitempty,max=100"`
	From     string `query:"from" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
	To       string `query:"to" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
	Before   string `query:"before" validate:"omitempty,max=24"`
	Limit    int    `query:"limit" validate:"omitempty,min=1,max=200"`
}

type auditEntryResponse struct {
	ID        string            `json:"id"`
	At        time.Time         `json:"at"`
	UserID    string            `json:"user_id"`
	Username  string            `json:"username"`
	Role      string            `json:"role"`
	Scope     string            `json:"scope,omitempty"`
	Action    string            `json:"action"`
	Target    map[string]string `json:"target,omitempty"`
	Details   map[string]string `json:"details,omitempty"`
	Status    int               `json:"status"`
	Outcome   string            `json:"outcome"`
	ErrorCode string            `json:"error_code,omitempty"`
	ClientIP  string            `json:"client_ip"`
	RequestID string            `json:"request_id,omitempty"`
}

type auditListResponse struct {
	Items []auditEntryResponse `json:"items"`
	// Next is the cursor of the next (older) page; empty on the last.
	Next string `json:"next,omitempty"`
}

func (s *Server) listAudit(c *fiber.Ctx) error {
	var q auditQuery
	if err := s.BindQuery(c, &q); err != nil {
		return err
	}
	lang := languageOf(c)
	f := audit.Filter{Username: strings.ToLower(q.Username), Action: q.Action, Outcome: q.Outcome, Target: q.Target,
		Before: q.Before, Limit: q.Limit}
	if q.Before != "" && !audit.ParseCursor(q.Before) {
		return apperr.Field("before", msg(lang, "分页游标无效", "invalid page cursor"))
	}
	f.From, _ = time.Parse(time.RFC3339, q.From)
	f.To, _ = time.Parse(time.RFC3339, q.To)
	list, next, err := s.audit.List(c.UserContext(), f)
	if err != nil {
		return err
	}
	out := auditListResponse{Items: make([]auditEntryResponse, 0, len(list)), Next: next}
	for _, e := range list {
		out.Items = append(out.Items, auditEntryResponse{ID: e.ID, At: e.At, UserID: e.Actor.UserID, Username: e.Actor.Username,
			Role: e.Actor.Role, Scope: e.Actor.Scope, Action: e.Action, Target: e.Target, Details: e.Details,
			Status: e.Status, Outcome: e.Outcome, ErrorCode: e.ErrorCode, ClientIP: e.ClientIP, RequestID: e.RequestID})
	}
	noStore(c)
	return c.JSON(out)
}
