// Package autobahn holds the programs scripts/autobahn runs against kosoku,
// the Autobahn TestSuite runner (PyPI kosoku):
//
//   - client: the wirelab Dialer as an Autobahn fuzzing client — it asks the
//     fuzzingserver for the case count, echoes every message of each case,
//     then asks it to write the reports.
//   - echoserver: a minimal echo server (httpcore.Server + Upgrader), used
//     when the wirelab CLI has no "ws serve" command.
//
// See docs/autobahn.md for how to run them and the last results.
package autobahn
