// Package testkit holds the test helpers every vendor package shares: a
// trap for requests redirected to another host, a scan for secrets in
// every spelling, a printer that tries every fmt verb and slog, and an
// HTTP client that counts the connections it opens. It is imported only by
// _test.go files.
package testkit
