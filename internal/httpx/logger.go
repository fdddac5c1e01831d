package httpx

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
)

// slogAdapter gives go-retryablehttp a leveled logger that writes to slog
// with every message and value redacted. Everything goes out at debug
// level: a failed request comes back to the caller as an error, and a
// library does not log the caller's errors at ERROR a second time.
type slogAdapter struct {
	log     *slog.Logger
	secrets *Secrets
}

func (a *slogAdapter) Error(msg string, kv ...any) { a.write(msg, kv) }
func (a *slogAdapter) Warn(msg string, kv ...any)  { a.write(msg, kv) }
func (a *slogAdapter) Info(msg string, kv ...any)  { a.write(msg, kv) }
func (a *slogAdapter) Debug(msg string, kv ...any) { a.write(msg, kv) }

func (a *slogAdapter) write(msg string, kv []any) {
	if !a.log.Enabled(context.Background(), slog.LevelDebug) {
		return // nothing to redact for a line nobody reads
	}
	clean := make([]any, len(kv))
	for i, v := range kv {
		switch x := v.(type) {
		case *url.URL:
			clean[i] = a.secrets.RedactURL(x)
		case string:
			clean[i] = a.secrets.Redact(x)
		case error:
			clean[i] = a.secrets.Redact(x.Error())
		case fmt.Stringer:
			clean[i] = a.secrets.Redact(x.String())
		case int, int64, bool:
			clean[i] = v
		default:
			clean[i] = a.secrets.Redact(fmt.Sprint(v))
		}
	}
	a.log.Log(context.Background(), slog.LevelDebug, "httpx: "+a.secrets.Redact(msg), clean...)
}
