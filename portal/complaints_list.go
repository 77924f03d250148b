package portal

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"cleancity/complaints"
	"cleancity/portal/apperr"
)

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// listQuery is the staff list's (and the CSV export's) filter.
type listQuery struct {
	Status      string `query:"status" validate:"max=200"`
	Category    string `query:"category" validate:"max=40"`
	District    string `query:"district" validate:"max=64"`
	Street      string `query:"street" validate:"max=64"`
	Department  string `query:"department" validate:"max=64"`
	Overdue     string `query:"overdue" validate:"omitempty,oneof=true false"`
	NoticeLevel string `query:"notice_level" validate:"omitempty,oneof=0 1 2"`
	Published   string `query:"published" validate:"omitempty,oneof=true false"`
	From        string `query:"from" validate:"max=40"`
	To          string `query:"to" validate:"max=40"`
	Q           string `query:"q" validate:"max=100,plaintext"`
	Sort        string `query:"sort" validate:"omitempty,oneof=filed_at -filed_at due_at -due_at updated_at -updated_at"`
	Cursor      string `query:"cursor" validate:"max=200"`
	Limit       int    `query:"limit" validate:"min=0,max=200"`
}

// parseDate accepts RFC 3339 or a calendar date (midnight, China time).
func parseDate(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, true
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, true
	}
	if t, err := time.ParseInLocation("2006-01-02", v, chinaTime); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// chinaTime is UTC+8, the portal's civil time for calendar dates.
var chinaTime = time.FixedZone("CST", 8*3600)

func (s *Server) filterOf(c *fiber.Ctx) (complaints.Filter, error) {
	lang := languageOf(c)
	var q listQuery
	if err := s.BindQuery(c, &q); err != nil {
		return complaints.Filter{}, err
	}
	f := complaints.Filter{Category: q.Category, DistrictID: q.District, StreetID: q.Street, Department: q.Department,
		Text: q.Q, Sort: q.Sort, Limit: q.Limit, Now: s.now()}
	if f.Sort == "" {
		f.Sort = "-filed_at"
	}
	fields := map[string]string{}
	if q.Status != "" {
		for _, st := range strings.Split(q.Status, ",") {
			st := complaints.Status(strings.TrimSpace(st))
			if !st.Valid() {
				fields["status"] = msg(lang, "未知状态："+string(st), "unknown status: "+string(st))
				break
			}
			f.Statuses = append(f.Statuses, st)
		}
	}
	if q.Overdue != "" {
		b := q.Overdue == "true"
		f.Overdue = &b
	}
	if q.Published != "" {
		b := q.Published == "true"
		f.Published = &b
	}
	if q.NoticeLevel != "" {
		n, _ := strconv.Atoi(q.NoticeLevel)
		f.NoticeLevel = &n
	}
	var ok bool
	if f.From, ok = parseDate(q.From); !ok {
		fields["from"] = msg(lang, "日期格式应为YYYY-MM-DD或RFC 3339", "use YYYY-MM-DD or RFC 3339")
	}
	if f.To, ok = parseDate(q.To); !ok {
		fields["to"] = msg(lang, "日期格式应为YYYY-MM-DD或RFC 3339", "use YYYY-MM-DD or RFC 3339")
	}
	if q.Cursor != "" {
		cur, err := decodeCursor(q.Cursor)
		if err != nil {
			fields["cursor"] = msg(lang, "无效的游标", "invalid cursor")
		}
		f.After = cur
	}
	if len(fields) > 0 {
		return f, apperr.Fields(invalidMessage(lang), fields)
	}
	return f, nil
}

func encodeCursor(c *complaints.Cursor) string {
	if c == nil {
		return ""
	}
	raw := strconv.FormatInt(c.Value.UnixMilli(), 10) + "|" + c.ID
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decodeCursor(s string) (*complaints.Cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, errBadCursor
	}
	ms, id, ok := strings.Cut(string(raw), "|")
	if !ok || complaints.NormalizeCode(id) != id {
		return nil, errBadCursor
	}
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return nil, errBadCursor
	}
	return &complaints.Cursor{Value: time.UnixMilli(n).UTC(), ID: id}, nil
}

type listItem struct {
	ID          string      `json:"id"`
	Category    categoryRef `json:"category"`
	Status      string      `json:"status"`
	DistrictID  string      `json:"district_id,omitempty"`
	StreetID    string      `json:"street_id,omitempty"`
	CommunityID string      `json:"community_id,omitempty"`
	Department  string      `json:"department"`
	Description string      `json:"description"`
	Address     string      `json:"address,omitempty"`
	FiledAt     time.Time   `json:"filed_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
	DueAt       time.Time   `json:"due_at"`
	Overdue     bool        `json:"overdue"`
	NoticeLevel int         `json:"notice_level"`
	Published   bool        `json:"published"`
	Supporters  int         `json:"supporters"`
	Rating      int         `json:"rating,omitempty"`
	Version     int         `json:"version"`
}

// listComplaints is the staff list (a resident's own cases for residents),
// filtered, sorted and paged with an opaque cursor.
func (s *Server) listComplaints(c *fiber.Ctx) error {
	f, err := s.filterOf(c)
	if err != nil {
		return err
	}
	f.Summary = true
	page, err := s.Complaints.List(c.UserContext(), actorOf(principalOf(c)), f)
	if err != nil {
		return cerr(c, err)
	}
	items := make([]listItem, 0, len(page.Items))
	for _, cs := range page.Items {
		items = append(items, listItem{ID: cs.ID, Category: s.categoryRef(cs.Category), Status: string(cs.Status),
			DistrictID: cs.Place.DistrictID, StreetID: cs.Place.StreetID, CommunityID: cs.Place.CommunityID,
			Department: cs.Department, Description: cs.Description, Address: cs.Address, FiledAt: cs.FiledAt,
			UpdatedAt: cs.UpdatedAt, DueAt: cs.DueAt, Overdue: cs.Overdue(f.Now), NoticeLevel: cs.NoticeLevel,
			Published: cs.Published, Supporters: cs.Supporters, Rating: cs.Rating(), Version: cs.Version})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	resp := fiber.Map{"items": items}
	if page.Next != nil {
		resp["next_cursor"] = encodeCursor(page.Next)
	}
	return c.JSON(resp)
}

var csvHeader = []string{"id", "category", "status", "district", "street", "community", "department",
	"filed_at", "due_at", "accepted_at", "resolved_at", "closed_at", "overdue", "notice_level", "published",
	"supporters", "rating", "reopens", "merged_into", "address", "description"}

// csvSafe defuses spreadsheet formulas in user text.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(chinaTime).Format(time.RFC3339)
}

// exportComplaints writes the filtered cases as CSV (UTF-8 with BOM, so
// spreadsheet programs read the Chinese text).
func (s *Server) exportComplaints(c *fiber.Ctx) error {
	f, err := s.filterOf(c)
	if err != nil {
		return err
	}
	f.After = nil
	f.Summary = true
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	_ = w.Write(csvHeader)
	err = s.Complaints.Export(c.UserContext(), actorOf(principalOf(c)), f, func(cs *complaints.Complaint) error {
		return w.Write([]string{cs.ID, cs.Category, string(cs.Status), cs.Place.DistrictID, cs.Place.StreetID,
			cs.Place.CommunityID, cs.Department, csvTime(cs.FiledAt), csvTime(cs.DueAt), csvTime(cs.AcceptedAt),
			csvTime(cs.ResolvedAt), csvTime(cs.ClosedAt), strconv.FormatBool(cs.Overdue(f.Now)),
			strconv.Itoa(cs.NoticeLevel), strconv.FormatBool(cs.Published), strconv.Itoa(cs.Supporters),
			strconv.Itoa(cs.Rating()), strconv.Itoa(cs.Reopens), cs.MergedInto, csvSafe(cs.Address), csvSafe(cs.Description)})
	})
	if err != nil {
		return cerr(c, err)
	}
	w.Flush()
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="complaints.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}
