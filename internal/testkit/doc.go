// Package testkit holds the test helpers every vendor package shares, so
// that the five vendors' tests of one promise assert it with the same
// code. It is imported only by _test.go files.
//
//   - reports: CheckCounts, CheckStopped, LandedOnce, CheckRefusedRun,
//     CheckRequests (what the server saw, as the report counts it),
//     CheckLocal and CheckTooLarge (refusals before any request);
//   - secrets: Spellings, NoSecrets, PrintEveryWay, CheckPrinted,
//     LogBuffer, CheckLog, ErrorText and OutcomeErrors;
//   - servers: Trap (another host that must receive nothing) with its
//     redirecting Front, Echo and Quote (error bodies that repeat the
//     request), Serve, Call, PeekBody, CountingClient and
//     CheckOneConnection;
//   - fixtures: Golden (with -update), Testdata, JSONFields, FastRetry,
//     HeapPeak;
//   - decoders: AgreesWith (a fast decoder against its reference);
//   - benchmarks: FakeProcess, VersusPlain, and for their sides
//     CountsError, PlainDo and PlainChunks.
package testkit
