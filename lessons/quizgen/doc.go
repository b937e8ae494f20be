// Package quizgen makes the course's typed quiz questions: questions whose
// values come from a live demo run at the moment the question is asked, and
// whose answer the learner computes and types.
//
// The question itself stays in the lesson's Markdown, in every language; its
// front matter names a generator instead of listing choices:
//
//	quiz:
//	  - q: The server answered this handshake. What Sec-WebSocket-Accept did it send?
//	    live: ws-accept
//	    explain: Base64(SHA-1(key + GUID)) = {answer}. To check it in a shell:
//	    hint: Append the GUID to the key as text, hash, then Base64 the 20 raw bytes.
//
// A Generator runs its demo (a real WebSocket handshake, the project's frame
// writer, a chunked answer of the httpcore server, a real short poll on
// loopback) and returns an Instance: the values
// that fill the {name} placeholders of the question, hint and explanation,
// the bytes to show under the question, the working to show after the
// explanation (a command, a line-by-line sum), and the exact answer. The
// generator's Normalize turns what the learner typed into the answer's
// canonical spelling, so "0x01 0x2C" and "01 2c" are the same answer while
// "300" is not; the answer is then compared exactly.
//
// The generators, their placeholders and what each accepts:
//
//	ws-accept   {key} {answer} {addr}
//	            the Base64 accept value, exactly (a pasted
//	            "Sec-WebSocket-Accept: " prefix is allowed)
//	frame-len   {size} {header} {hi} {lo} {answer}
//	            two bytes in hex, case-insensitive: "01 2c", "1 2c",
//	            "0x01 0x2c", "01,2c", "01:2c", "012c", "0x012c"
//	chunk-size  {size} {answer} {addr}
//	            a hex number, case-insensitive, 0x and leading zeros
//	            allowed: "c33", "C33", "0xc33", "0c33"
//	poll-bytes  {addr} {request} {response} {body} {answer}
//	            a decimal number of bytes, optionally followed by
//	            "bytes", "B" or "字节"
package quizgen
