package testkit

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestNoSecretsFindsEverySpelling(t *testing.T) {
	ft := &testing.T{}
	for _, f := range Spellings("a b/c+d") {
		NoSecrets(ft, "x", "before "+f+" after", "a b/c+d")
	}
	if !ft.Failed() {
		t.Error("NoSecrets found nothing")
	}
}

func TestTrapAndCountingClient(t *testing.T) {
	tr := NewTrap(t)
	front := httptest.NewServer(tr.RedirectTo())
	defer front.Close()
	hc, dials := CountingClient()
	resp, err := hc.Post(front.URL+"/x?k=v", "text/plain", strings.NewReader("body"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := tr.Requests()
	if len(got) != 1 || !strings.Contains(got[0], "/x?k=v") || !strings.Contains(got[0], "body") {
		t.Errorf("trap saw %q", got)
	}
	if dials.Load() != 2 {
		t.Errorf("%d dials, want 2 (front and trap)", dials.Load())
	}
	req, _ := http.NewRequestWithContext(context.Background(), "GET", front.URL, nil)
	if !strings.Contains(PrintEveryWay(req.URL), front.URL[7:]) {
		t.Error("PrintEveryWay lost the value")
	}
}
