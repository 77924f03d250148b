package portal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"

	"github.com/go-playground/locales/en"
	"github.com/go-playground/locales/zh"
	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"
	en_translations "github.com/go-playground/validator/v10/translations/en"
	zh_translations "github.com/go-playground/validator/v10/translations/zh"
	"github.com/gofiber/fiber/v2"

	"cleancity/portal/apperr"
)

// Validator checks input DTOs with go-playground/validator and renders
// per-field messages in Simplified Chinese or English.
type Validator struct {
	v     *validator.Validate
	trans map[string]ut.Translator
}

// NewValidator returns a validator whose field names are the JSON names and
// whose messages come from validator's own zh and en translations.
func NewValidator() (*Validator, error) {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		for _, tag := range []string{"json", "form", "query"} {
			name := strings.Split(f.Tag.Get(tag), ",")[0]
			if name == "-" {
				return ""
			}
			if name != "" {
				return name
			}
		}
		return f.Name
	})
	enLoc, zhLoc := en.New(), zh.New()
	uni := ut.New(zhLoc, zhLoc, enLoc)
	tzh, _ := uni.GetTranslator("zh")
	ten, _ := uni.GetTranslator("en")
	if err := zh_translations.RegisterDefaultTranslations(v, tzh); err != nil {
		return nil, fmt.Errorf("zh translations: %w", err)
	}
	if err := en_translations.RegisterDefaultTranslations(v, ten); err != nil {
		return nil, fmt.Errorf("en translations: %w", err)
	}
	val := &Validator{v: v, trans: map[string]ut.Translator{"zh": tzh, "en": ten}}
	if err := val.registerCustom(); err != nil {
		return nil, err
	}
	return val, nil
}

// registerCustom adds the portal's own tags with messages in both languages.
func (val *Validator) registerCustom() error {
	custom := []struct {
		tag    string
		fn     validator.Func
		zh, en string
	}{
		{"plaintext", isPlainText, "{0}不能包含HTML标签或控制字符", "{0} must be plain text without HTML or control characters"},
	}
	for _, c := range custom {
		if err := val.v.RegisterValidation(c.tag, c.fn); err != nil {
			return err
		}
		for lang, text := range map[string]string{"zh": c.zh, "en": c.en} {
			text := text
			tr := val.trans[lang]
			err := val.v.RegisterTranslation(c.tag, tr,
				func(ut ut.Translator) error { return ut.Add(c.tag, text, true) },
				func(ut ut.Translator, fe validator.FieldError) string {
					t, _ := ut.T(fe.Tag(), fe.Field())
					return t
				})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// isPlainText rejects markup and control characters (newlines and tabs are fine).
func isPlainText(fl validator.FieldLevel) bool {
	return PlainText(fl.Field().String())
}

// PlainText reports whether s has no HTML tags and no control characters
// other than tab, newline and carriage return.
func PlainText(s string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f {
			return false
		}
	}
	// A '<' followed by a letter, '/', '!' or '?' starts a tag or comment.
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

// Struct validates dst and returns an Invalid error with per-field messages
// in lang, or nil.
func (val *Validator) Struct(lang string, dst any) error {
	err := val.v.Struct(dst)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return apperr.Wrap(apperr.Internal, err, "validation")
	}
	tr := val.trans[lang]
	if tr == nil {
		tr = val.trans["zh"]
	}
	fields := make(map[string]string, len(verrs))
	for _, fe := range verrs {
		fields[fieldPath(fe.Namespace())] = fe.Translate(tr)
	}
	return apperr.Fields(invalidMessage(lang), fields)
}

// fieldPath drops the struct type name from a validator namespace
// ("createReq.contact.phone" -> "contact.phone").
func fieldPath(ns string) string {
	if i := strings.IndexByte(ns, '.'); i >= 0 {
		return ns[i+1:]
	}
	return ns
}

func invalidMessage(lang string) string {
	if lang == "en" {
		return "some fields are invalid"
	}
	return "部分字段无效"
}

// decodeStrict decodes one JSON value into dst: unknown fields, trailing
// data, and values of the wrong JSON type (such as an operator object
// {"$gt": ""} where a string belongs) are Invalid errors naming the field.
func decodeStrict(lang string, body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.Fields(invalidMessage(lang), map[string]string{"body": msg(lang, "请求体不能为空", "request body is empty")})
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(lang, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return apperr.Fields(invalidMessage(lang), map[string]string{"body": msg(lang, "JSON之后有多余的数据", "unexpected data after the JSON value")})
	}
	return nil
}

// jsonError turns an encoding/json error into a per-field Invalid error.
func jsonError(lang string, err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return apperr.Fields(invalidMessage(lang), map[string]string{
			field: msg(lang, "类型错误：应为"+jsonKind(typeErr.Type)+"，收到"+typeErr.Value,
				"wrong type: expected "+jsonKind(typeErr.Type)+", got "+typeErr.Value),
		})
	case errors.As(err, &syntaxErr):
		return apperr.Fields(invalidMessage(lang), map[string]string{
			"body": msg(lang, fmt.Sprintf("JSON格式错误（第%d字节）", syntaxErr.Offset),
				fmt.Sprintf("malformed JSON at byte %d", syntaxErr.Offset)),
		})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apperr.Fields(invalidMessage(lang), map[string]string{name: msg(lang, "未知字段", "unknown field")})
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return apperr.Fields(invalidMessage(lang), map[string]string{"body": msg(lang, "JSON不完整", "truncated JSON")})
	}
	return apperr.Fields(invalidMessage(lang), map[string]string{"body": msg(lang, "无法解析JSON", "cannot parse JSON")})
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return t.String()
}

func msg(lang, zhText, enText string) string {
	if lang == "en" {
		return enText
	}
	return zhText
}

// BindJSON decodes the request body strictly into dst and validates it.
// The content type must be JSON.
func (s *Server) BindJSON(c *fiber.Ctx, dst any) error {
	lang := languageOf(c)
	ct := strings.ToLower(strings.TrimSpace(strings.Split(c.Get(fiber.HeaderContentType), ";")[0]))
	if ct != fiber.MIMEApplicationJSON {
		return apperr.New(apperr.Unsupported, msg(lang, "请使用 application/json", "use Content-Type: application/json"))
	}
	if err := decodeStrict(lang, c.Body(), dst); err != nil {
		return err
	}
	return s.validator.Struct(lang, dst)
}

var queryFieldPattern = regexp.MustCompile(`for "([A-Za-z0-9_.\[\]]+)"`)

// BindQuery parses query parameters into dst (fields tagged `query`) and
// validates it. Repeated or unknown parameters are rejected.
func (s *Server) BindQuery(c *fiber.Ctx, dst any) error {
	lang := languageOf(c)
	if err := c.QueryParser(dst); err != nil {
		// The parser names the offending parameters as `for "name"`.
		fields := map[string]string{}
		for _, m := range queryFieldPattern.FindAllStringSubmatch(err.Error(), -1) {
			fields[m[1]] = msg(lang, "格式错误", "malformed value")
		}
		if len(fields) == 0 {
			fields["query"] = msg(lang, "查询参数格式错误", "malformed query parameters")
		}
		return apperr.Fields(invalidMessage(lang), fields)
	}
	return s.validator.Struct(lang, dst)
}
