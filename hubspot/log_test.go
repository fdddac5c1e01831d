package hubspot

import (
	"io"
	"log/slog"
)

// slogTo logs everything, at debug level, to w.
func slogTo(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
