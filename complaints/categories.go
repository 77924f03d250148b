package complaints

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Routing rule kinds.
const (
	// RouteGridLead sends a case to the lead department of its grid.
	RouteGridLead = "grid_lead"
	// RouteDepartmentType sends a case to the city department of a type.
	RouteDepartmentType = "department_type"
)

// Attribute datatypes (the Open311 ones).
const (
	AttrString      = "string"
	AttrNumber      = "number"
	AttrDatetime    = "datetime"
	AttrText        = "text"
	AttrSingleValue = "singlevaluelist"
	AttrMultiValue  = "multivaluelist"
)

// DefaultDuplicateRadius is the duplicate radius of a category that sets none.
const DefaultDuplicateRadius = 50

// MaxDuplicateRadius bounds a category's radius: the duplicate index uses
// cells large enough that a circle this size touches at most four of them.
const MaxDuplicateRadius = 150

// Category is a kind of complaint (an Open311 service).
type Category struct {
	Code          string
	Name          string // Simplified Chinese
	NameEN        string
	Description   string
	DescriptionEN string
	Group         string
	Keywords      []string
	// ServiceHours is the service level: the case is due this many hours
	// after filing.
	ServiceHours int
	// Route is RouteGridLead or RouteDepartmentType (with DepartmentType).
	Route          string
	DepartmentType string
	// DuplicateRadius in metres (0 means DefaultDuplicateRadius).
	DuplicateRadius int
	Attributes      []Attribute
	Active          bool
	UpdatedAt       time.Time
}

// Attribute is an extra question a category asks.
type Attribute struct {
	Code     string
	Name     string
	NameEN   string
	Datatype string
	Required bool
	Order    int
	Values   []AttributeValue
}

// AttributeValue is one choice of a list attribute.
type AttributeValue struct {
	Key    string
	Name   string
	NameEN string
}

// Radius is the effective duplicate radius in metres.
func (c Category) Radius() float64 {
	if c.DuplicateRadius <= 0 {
		return DefaultDuplicateRadius
	}
	return float64(c.DuplicateRadius)
}

// ServiceLevel is the category's service level as a duration.
func (c Category) ServiceLevel() time.Duration {
	return time.Duration(c.ServiceHours) * time.Hour
}

var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// Validate checks a category definition and returns per-field problems.
func (c Category) Validate(deptTypeKnown func(string) bool) map[string]string {
	p := map[string]string{}
	if !codePattern.MatchString(c.Code) {
		p["code"] = "use 2-40 lower-case letters, digits or '_', starting with a letter"
	}
	if strings.TrimSpace(c.Name) == "" || len([]rune(c.Name)) > 60 {
		p["name"] = "1-60 characters required"
	}
	if strings.TrimSpace(c.NameEN) == "" || len(c.NameEN) > 100 {
		p["name_en"] = "1-100 characters required"
	}
	if c.ServiceHours < 1 || c.ServiceHours > 24*90 {
		p["service_hours"] = "between 1 and 2160"
	}
	switch c.Route {
	case RouteGridLead:
	case RouteDepartmentType:
		if deptTypeKnown != nil && !deptTypeKnown(c.DepartmentType) {
			p["department_type"] = "unknown department type"
		}
	default:
		p["route"] = "grid_lead or department_type"
	}
	if c.DuplicateRadius < 0 || c.DuplicateRadius > MaxDuplicateRadius {
		p["duplicate_radius"] = fmt.Sprintf("between 0 and %d metres", MaxDuplicateRadius)
	}
	seen := map[string]bool{}
	for i, a := range c.Attributes {
		f := fmt.Sprintf("attributes.%d", i)
		if !codePattern.MatchString(a.Code) || seen[a.Code] {
			p[f+".code"] = "a unique code of 2-40 lower-case letters, digits or '_'"
		}
		seen[a.Code] = true
		switch a.Datatype {
		case AttrString, AttrNumber, AttrDatetime, AttrText:
		case AttrSingleValue, AttrMultiValue:
			if len(a.Values) == 0 {
				p[f+".values"] = "a list attribute needs values"
			}
		default:
			p[f+".datatype"] = "string, number, datetime, text, singlevaluelist or multivaluelist"
		}
	}
	return p
}

// DefaultCategories are the seeded categories of a sanitary-city campaign.
func DefaultCategories() []Category {
	dt := func(code, zh, en, group string, hours int, deptType string, kw ...string) Category {
		c := Category{Code: code, Name: zh, NameEN: en, Group: group, ServiceHours: hours,
			Route: RouteDepartmentType, DepartmentType: deptType, DuplicateRadius: DefaultDuplicateRadius,
			Keywords: kw, Active: true}
		if deptType == "" {
			c.Route = RouteGridLead
		}
		return c
	}
	cats := []Category{
		dt("garbage", "垃圾未清运/乱堆放", "Garbage not collected or piled up", "环境卫生", 24, "sanitation", "垃圾", "garbage"),
		dt("street_cleaning", "街道及背街小巷保洁", "Street and back-alley cleaning", "环境卫生", 24, "sanitation", "背街小巷", "cleaning"),
		dt("public_toilet", "公共厕所", "Public toilets", "环境卫生", 24, "sanitation", "公厕", "toilet"),
		dt("flyers", "乱张贴（牛皮癣）", "Illegal flyers and graffiti", "市容秩序", 48, "city_management", "牛皮癣", "flyers"),
		dt("street_occupation", "占道经营及流动摊贩", "Street occupation and stalls", "市容秩序", 24, "city_management", "占道", "stalls"),
		dt("construction_dust", "工地扬尘及渣土", "Construction dust and muck", "市容秩序", 48, "housing", "扬尘", "muck"),
		dt("small_shops", "六小行业卫生", "Food and small-shop hygiene", "食品卫生", 72, "market", "六小行业", "shops"),
		dt("farmers_market", "农贸市场卫生", "Farmers' market hygiene", "食品卫生", 48, "market", "农贸市场", "market"),
		dt("pests", "病媒生物（四害）", "Pests (rats, flies, mosquitoes, cockroaches)", "病媒防制", 72, "patriotic_health", "四害", "pests"),
		dt("sewage", "污水外溢及下水道堵塞", "Sewage and blocked drains", "市政设施", 48, "water", "下水道", "drains"),
		dt("smoking", "公共场所吸烟", "Smoking in public places", "健康环境", 72, "health", "控烟", "smoking"),
		dt("other", "其他", "Other", "其他", 72, "", "其他", "other"),
	}
	for i := range cats {
		switch cats[i].Code {
		case "garbage":
			cats[i].DuplicateRadius = 80
		case "pests":
			cats[i].Attributes = []Attribute{{
				Code: "pest_type", Name: "病媒种类", NameEN: "Pest type", Datatype: AttrSingleValue, Required: true, Order: 1,
				Values: []AttributeValue{
					{Key: "rats", Name: "鼠", NameEN: "Rats"},
					{Key: "flies", Name: "蝇", NameEN: "Flies"},
					{Key: "mosquitoes", Name: "蚊", NameEN: "Mosquitoes"},
					{Key: "cockroaches", Name: "蟑螂", NameEN: "Cockroaches"},
				},
			}}
		}
	}
	return cats
}

// checkAttributes validates answers against a category's attributes and
// returns the cleaned answers and per-field problems (keys "attributes.<code>").
func checkAttributes(cat Category, in map[string]string) (map[string]string, map[string]string) {
	problems := map[string]string{}
	out := map[string]string{}
	known := map[string]Attribute{}
	for _, a := range cat.Attributes {
		known[a.Code] = a
	}
	for k := range in {
		if _, ok := known[k]; !ok {
			problems["attributes."+k] = "unknown attribute"
		}
	}
	for _, a := range cat.Attributes {
		v := strings.TrimSpace(in[a.Code])
		if v == "" {
			if a.Required {
				problems["attributes."+a.Code] = "required"
			}
			continue
		}
		if len(v) > 500 || !PlainText(v) {
			problems["attributes."+a.Code] = "at most 500 characters of plain text"
			continue
		}
		switch a.Datatype {
		case AttrSingleValue, AttrMultiValue:
			parts := []string{v}
			if a.Datatype == AttrMultiValue {
				parts = strings.Split(v, ",")
			}
			for _, part := range parts {
				ok := false
				for _, val := range a.Values {
					if val.Key == strings.TrimSpace(part) {
						ok = true
					}
				}
				if !ok {
					problems["attributes."+a.Code] = "not one of the listed values"
				}
			}
		case AttrNumber:
			var f float64
			if _, err := fmt.Sscanf(v, "%g", &f); err != nil {
				problems["attributes."+a.Code] = "must be a number"
			}
		}
		out[a.Code] = v
	}
	if len(out) == 0 {
		out = nil
	}
	return out, problems
}

// PlainText reports whether s has no HTML tags and no control characters
// other than tab, newline and carriage return.
func PlainText(s string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f {
			return false
		}
	}
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '<' {
			n := s[i+1]
			if n == '/' || n == '!' || n == '?' || n >= 'a' && n <= 'z' || n >= 'A' && n <= 'Z' {
				return false
			}
		}
	}
	return true
}
