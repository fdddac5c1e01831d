package agiliron

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"sync"

	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// Query parameters the client adds to the callback URL.
const (
	refParam    = "ref"
	secretParam = "secret"
)

// Webhook defaults.
const (
	// defaultWebhookMaxBody caps a callback body (8 MiB).
	defaultWebhookMaxBody = 8 << 20
	// defaultRemembered is how many delivered batches a handler remembers
	// to recognise a repeated delivery.
	defaultRemembered = 100_000
)

var secretPattern = regexp.MustCompile(`^[A-Za-z0-9._~-]{16,256}$`)

// GenerateSecret returns a new random webhook secret (32 hex digits).
func GenerateSecret() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// newRef returns a random batch reference for a callback URL.
func newRef() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// WebhookHandler receives Agiliron's batch callbacks. It is an
// http.Handler: serve it at the URL given to WithWebhook. It accepts PUT
// (as Agiliron sends it) and POST, a JSON or XML body in every variant
// the package reads, and answers
//
//	200 the result was taken (or was a repeated delivery, ignored)
//	400 malformed body or no batch reference
//	401 missing or wrong secret
//	405 another method
//	413 body over the size cap
//
// The secret travels in the callback URL the client gives Agiliron and is
// compared in constant time. A batch delivered twice counts once. The
// handler is safe for concurrent use and shared by every client given it.
type WebhookHandler struct {
	secretSum [32]byte
	secret    string
	maxBody   int64
	logger    *slog.Logger
	onResult  func(ref string, r *BatchResult)
	remember  int

	mu      sync.Mutex
	pending map[string]chan *BatchResult
	done    map[string]struct{}
	order   []string // done refs, oldest first, from head
	head    int
}

// WebhookOption configures a WebhookHandler.
type WebhookOption func(*WebhookHandler) error

// WithWebhookMaxBody caps a callback body; default 8 MiB.
func WithWebhookMaxBody(n int64) WebhookOption {
	return func(h *WebhookHandler) error {
		if n < 1 {
			return errors.New("agiliron: WithWebhookMaxBody: must be positive")
		}
		h.maxBody = n
		return nil
	}
}

// WithWebhookLogger logs refused and repeated deliveries (debug/warn).
func WithWebhookLogger(l *slog.Logger) WebhookOption {
	return func(h *WebhookHandler) error { h.logger = l; return nil }
}

// WithResultHook calls f once per delivered batch (repeats excluded) with
// the callback's reference and result, whether or not a client in this
// process is waiting for it. f must be quick and safe for concurrent use.
func WithResultHook(f func(ref string, r *BatchResult)) WebhookOption {
	return func(h *WebhookHandler) error { h.onResult = f; return nil }
}

// NewWebhookHandler returns a handler that accepts callbacks carrying
// secret (16 to 256 characters of A-Z a-z 0-9 . _ ~ -; see GenerateSecret).
func NewWebhookHandler(secret string, opts ...WebhookOption) (*WebhookHandler, error) {
	if !secretPattern.MatchString(secret) {
		return nil, errors.New("agiliron: NewWebhookHandler: the secret must be 16 to 256 characters of A-Z a-z 0-9 . _ ~ -")
	}
	h := &WebhookHandler{
		secretSum: sha256.Sum256([]byte(secret)), secret: secret,
		maxBody: defaultWebhookMaxBody, remember: defaultRemembered,
		pending: make(map[string]chan *BatchResult), done: make(map[string]struct{}),
	}
	if err := vendorkit.Apply(vendor, h, opts); err != nil {
		return nil, err
	}
	if h.logger == nil {
		h.logger = slog.New(slog.DiscardHandler)
	}
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.pending == nil {
		http.Error(w, "webhook handler not built with NewWebhookHandler", http.StatusInternalServerError)
		return
	}
	if r.Method != http.MethodPut && r.Method != http.MethodPost {
		w.Header().Set("Allow", "PUT, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	given := sha256.Sum256([]byte(q.Get(secretParam)))
	if subtle.ConstantTimeCompare(given[:], h.secretSum[:]) != 1 {
		h.logger.Warn("agiliron webhook: refused a callback with a bad secret", "remote", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	ref := q.Get(refParam)
	if ref == "" || len(ref) > 128 {
		http.Error(w, "missing or bad "+refParam, http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	res, err := decodeResult(r.Header.Get("Content-Type"), body)
	if err != nil {
		h.logger.Warn("agiliron webhook: malformed callback", "ref", ref, "err", err)
		http.Error(w, "malformed result", http.StatusBadRequest)
		return
	}
	if dup := h.deliver(ref, res); dup {
		h.logger.Debug("agiliron webhook: repeated delivery ignored", "ref", ref)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "OK")
}

// deliver hands res to the waiter of ref, once; it reports whether ref had
// been delivered before.
func (h *WebhookHandler) deliver(ref string, res *BatchResult) (dup bool) {
	h.mu.Lock()
	if _, seen := h.done[ref]; seen {
		h.mu.Unlock()
		return true
	}
	h.markDone(ref)
	if ch, ok := h.pending[ref]; ok {
		delete(h.pending, ref)
		ch <- res // buffered, never blocks: one send per ref
	}
	h.mu.Unlock()
	if h.onResult != nil {
		h.onResult(ref, res)
	}
	return false
}

// markDone remembers ref as delivered, forgetting the oldest beyond the
// handler's memory; h.mu is held.
func (h *WebhookHandler) markDone(ref string) {
	h.done[ref] = struct{}{}
	h.order = append(h.order, ref)
	for len(h.done) > h.remember && h.head < len(h.order) {
		delete(h.done, h.order[h.head])
		h.order[h.head] = ""
		h.head++
	}
	if h.head > 1024 && h.head*2 > len(h.order) {
		h.order = append([]string(nil), h.order[h.head:]...)
		h.head = 0
	}
}

// register returns the channel that receives ref's result.
func (h *WebhookHandler) register(ref string) <-chan *BatchResult {
	ch := make(chan *BatchResult, 1)
	h.mu.Lock()
	h.pending[ref] = ch
	h.mu.Unlock()
	return ch
}

// forget stops waiting for ref; a later callback for it is a repeat.
func (h *WebhookHandler) forget(ref string) {
	h.mu.Lock()
	if _, ok := h.pending[ref]; ok {
		delete(h.pending, ref)
		h.markDone(ref)
	}
	h.mu.Unlock()
}

// Pending returns how many batches are waiting for their callback.
func (h *WebhookHandler) Pending() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.pending)
}

// Format prints the handler as agiliron.WebhookHandler{pending: n} for
// every verb (%v, %+v, %#v, %s …; slog's text handler uses it too): the
// secret never shows.
func (h *WebhookHandler) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "agiliron.WebhookHandler{pending: %d}", h.Pending())
}
