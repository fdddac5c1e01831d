package httpx

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
)

// slogAdapter gives go-retryablehttp a leveled logger that writes to slog
// with every message and value redacted.
type slogAdapter struct {
	log     *slog.Logger
	secrets []string
}

func (a *slogAdapter) Error(msg string, kv ...any) { a.write(slog.LevelError, msg, kv) }
func (a *slogAdapter) Warn(msg string, kv ...any)  { a.write(slog.LevelWarn, msg, kv) }
func (a *slogAdapter) Info(msg string, kv ...any)  { a.write(slog.LevelInfo, msg, kv) }
func (a *slogAdapter) Debug(msg string, kv ...any) { a.write(slog.LevelDebug, msg, kv) }

func (a *slogAdapter) write(level slog.Level, msg string, kv []any) {
	if !a.log.Enabled(context.Background(), level) {
		return // nothing to redact for a line nobody reads
	}
	clean := make([]any, len(kv))
	for i, v := range kv {
		switch x := v.(type) {
		case *url.URL:
			clean[i] = RedactString(RedactURL(x), a.secrets...)
		case string:
			clean[i] = RedactString(x, a.secrets...)
		case error:
			clean[i] = RedactString(x.Error(), a.secrets...)
		case fmt.Stringer:
			clean[i] = RedactString(x.String(), a.secrets...)
		default:
			clean[i] = v
		}
	}
	a.log.Log(context.Background(), level, "httpx: "+RedactString(msg, a.secrets...), clean...)
}
