package httpx

import (
	"context"
	"testing"

	"gopkg.in/h2non/gock.v1"
)

// TestGockInterceptsTheClient shows the wiring vendor tests rely on: gock
// sees requests once it intercepts the client's *http.Client.
func TestGockInterceptsTheClient(t *testing.T) {
	defer gock.Off()
	c := fastClient(t, Config{})
	gock.InterceptClient(c.HTTPClient())
	defer gock.RestoreClient(c.HTTPClient())
	gock.New("https://api.example.test").Post("/v1/things").MatchHeader("User-Agent", "^crmbatch/").
		BodyString(`{"a":1}`).Reply(201).BodyString(`{"id":"7"}`)
	resp, err := c.Do(context.Background(), &Request{Method: "POST", URL: "https://api.example.test/v1/things", Body: []byte(`{"a":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 201 || string(resp.Body) != `{"id":"7"}` {
		t.Errorf("got %d %s", resp.StatusCode, resp.Body)
	}
	if !gock.IsDone() {
		t.Error("the mock was not called")
	}
}
