// Package readme holds the test that keeps README.md honest: every Go
// snippet in it must appear, line for line, in a Go file of the module
// that compiles (an example program or an Example test), so no snippet in
// the README can drift from an API that builds. It has no other code.
package readme
