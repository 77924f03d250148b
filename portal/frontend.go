package portal

import (
	"github.com/gofiber/fiber/v2"

	"cleancity/portal/apperr"
)

// registerFrontend serves the web UI. Until the UI is built, every non-API
// path is a JSON 404.
func (s *Server) registerFrontend(app *fiber.App) {
	app.Use(func(c *fiber.Ctx) error {
		return apperr.New(apperr.NotFound, msg(languageOf(c), "未找到", "not found"))
	})
}
