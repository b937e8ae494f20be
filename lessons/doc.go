// Package lessons is wirelab's course: web protocols taught one step at a
// time, from TCP/IP layers to a WebSocket server the learner writes, each
// lesson explained in plain words (English and Chinese) and followed by a
// demo that runs the real thing on loopback and prints the bytes.
//
// # Content
//
// Lessons are Markdown files embedded from content/en and content/zh, one
// per lesson, named NN-id.md and opened by front matter (see ParsePage for
// the format):
//
//	---
//	id: dns
//	title: DNS through a tiny resolver
//	concepts:
//	  - domain name
//	demos:
//	  - dns-resolve
//	quiz:
//	  - q: What does an A record hold?
//	    choices:
//	      - an IPv4 address
//	      - a port number
//	    answer: 1
//	    explain: A for address: four bytes of IPv4.
//	    hint: The client needs something to connect to.
//	---
//
// Every question has its own hint (h in the quiz) and an explanation shown
// after any answer. A question with "live: GENERATOR" instead of choices is
// typed: a quizgen generator runs a demo when it is asked (a real WebSocket
// handshake with a fresh key, a short poll on loopback) and the learner
// types the value it computed; see package quizgen.
//
// Each "## " section is one step of wirelab learn. Both languages must have
// the same lessons, with the same numbers, demos and quiz answers; New fails
// otherwise, and so do the content tests.
//
// A lesson that prepares stages of the exercise tracks names them in an
// "exercises" list of TRACK:STAGE items (such as "ws:accept-key"), the same
// in both languages; wirelab learn ends the lesson with them and the
// commands that start them (ExerciseOffer).
//
// # Layout
//
// The course's parts have their own folders below this one:
//
//	lessons/            the course and the tutor (this package)
//	lessons/content/    the lesson pages, en/ and zh/
//	lessons/demo/       the demos a lesson runs ("r" in wirelab learn)
//	lessons/exercise/   the build-your-own tracks: starters, reference
//	                    solutions and broken variants, as embedded files
//	lessons/check/      the checker behind wirelab check http|ws
//	lessons/check/watch the loop behind wirelab check --watch: start the
//	                    server, wait for its port, check, restart on save
//	lessons/diagram/    sequence and bit diagrams of recorded events
//	lessons/quizgen/    the generators of typed quiz questions
//
// # Using a course
//
//	c, err := lessons.New()
//	l, err := c.Find("dns")                     // or "3"
//	fmt.Print(l.Page("zh").Body)
//	err = c.RunDemos(ctx, l, &demo.Env{Out: os.Stdout, Lang: "en"})
//
// Tutor runs the course interactively over any reader and writer, which is
// what "wirelab learn" does; Progress keeps the learner's place in a plain
// file, with the exercise stages wirelab check has seen the learner's server
// pass.
package lessons
