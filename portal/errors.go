package portal

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"cleancity/portal/apperr"
)

// statusOf maps an application error code to its HTTP status.
var statusOf = map[apperr.Code]int{
	apperr.Invalid:      fiber.StatusBadRequest,
	apperr.NotFound:     fiber.StatusNotFound,
	apperr.Conflict:     fiber.StatusConflict,
	apperr.Unauthorized: fiber.StatusUnauthorized,
	apperr.Forbidden:    fiber.StatusForbidden,
	apperr.RateLimited:  fiber.StatusTooManyRequests,
	apperr.TooLarge:     fiber.StatusRequestEntityTooLarge,
	apperr.Unsupported:  fiber.StatusUnsupportedMediaType,
	apperr.Internal:     fiber.StatusInternalServerError,
}

// codeOfStatus maps Fiber's own errors (routing, body limit) back to codes.
func codeOfStatus(status int) apperr.Code {
	switch status {
	case fiber.StatusBadRequest:
		return apperr.Invalid
	case fiber.StatusNotFound:
		return apperr.NotFound
	case fiber.StatusMethodNotAllowed:
		return "method_not_allowed"
	case fiber.StatusConflict:
		return apperr.Conflict
	case fiber.StatusUnauthorized:
		return apperr.Unauthorized
	case fiber.StatusForbidden:
		return apperr.Forbidden
	case fiber.StatusTooManyRequests:
		return apperr.RateLimited
	case fiber.StatusRequestEntityTooLarge:
		return apperr.TooLarge
	case fiber.StatusUnsupportedMediaType:
		return apperr.Unsupported
	case fiber.StatusRequestHeaderFieldsTooLarge:
		return apperr.TooLarge
	}
	if status >= 400 && status < 500 {
		return apperr.Invalid
	}
	return apperr.Internal
}

// errorBody is the one JSON error shape of the API.
type errorBody struct {
	Error errorPayload `json:"error"`
}

type errorPayload struct {
	Code      apperr.Code       `json:"code"`
	Message   string            `json:"message"`
	Fields    map[string]string `json:"fields,omitempty"`
	Details   map[string]any    `json:"details,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

// errorHandler is the single place where errors become HTTP responses.
// Handlers just return err. Internal errors are logged with their cause and
// the client gets a generic message.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	lang := languageOf(c)
	status := fiber.StatusInternalServerError
	payload := errorPayload{RequestID: requestIDOf(c)}

	var fe *fiber.Error
	if ae, ok := apperr.As(err); ok && ae.Code != apperr.Internal {
		status = statusOf[ae.Code]
		if status == 0 {
			status = fiber.StatusInternalServerError
		}
		payload.Code = ae.Code
		payload.Message = ae.Message
		if payload.Message == "" {
			payload.Message = genericMessage(lang, ae.Code)
		}
		payload.Fields = ae.Fields
		payload.Details = ae.Details
		if ae.RetryAfter > 0 {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(ae.RetryAfter))
		}
	} else if errors.As(err, &fe) {
		status = fe.Code
		payload.Code = codeOfStatus(fe.Code)
		payload.Message = genericMessage(lang, payload.Code)
	} else {
		payload.Code = apperr.Internal
		payload.Message = genericMessage(lang, apperr.Internal)
	}
	if status >= 500 {
		s.log.Error("request failed", "request_id", payload.RequestID,
			"method", c.Method(), "path", c.Path(), "err", err)
	}
	if s.errorWriters != nil {
		// Some protocols (Open311) have their own error shape.
		for prefix, w := range s.errorWriters {
			if hasPathPrefix(c.Path(), prefix) {
				return w(c, status, payload)
			}
		}
	}
	return c.Status(status).JSON(errorBody{Error: payload})
}

func hasPathPrefix(path, prefix string) bool {
	return len(path) >= len(prefix) && path[:len(prefix)] == prefix
}

// genericMessage is the client-facing text for a code, in the client's language.
func genericMessage(lang string, code apperr.Code) string {
	m, ok := genericMessages[code]
	if !ok {
		m = genericMessages[apperr.Internal]
	}
	if lang == "en" {
		return m[1]
	}
	return m[0]
}

var genericMessages = map[apperr.Code][2]string{
	apperr.Invalid:       {"请求无效", "invalid request"},
	apperr.NotFound:      {"未找到", "not found"},
	apperr.Conflict:      {"冲突：数据已被修改或状态不允许", "conflict"},
	apperr.Unauthorized:  {"请先登录", "Sign in first"},
	apperr.Forbidden:     {"没有权限", "forbidden"},
	apperr.RateLimited:   {"请求过于频繁，请稍后再试", "too many requests, try again later"},
	apperr.TooLarge:      {"请求体过大", "request body too large"},
	apperr.Unsupported:   {"不支持的内容类型", "unsupported content type"},
	apperr.Internal:      {"服务器内部错误", "internal server error"},
	"method_not_allowed": {"不允许的请求方法", "method not allowed"},
}
