// A WebSocket echo server on a bare TCP socket: a reference solution of the
// wirelab ws track (RFC 6455). It passes every stage of "wirelab check ws".
//
// Run it with "go run ."; it listens on 127.0.0.1 and the port in $PORT
// (9001 by default; 0 picks a free port) and prints the address. Only the
// standard library's net, bufio and encoding packages and crypto/sha1: no
// net/http, no WebSocket package.
//
// A bufio.Reader over the connection makes it a byte stream: io.ReadFull
// reads exactly the bytes of each field of a frame, however TCP cut them, and
// bytes that arrive early wait in the buffer. That is what the one-read-is-
// one-frame servers of quick tutorials miss.
package main

import (
	"bufio"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strings"
)

// guid is appended to every Sec-WebSocket-Key (RFC 6455 §1.3).
const guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// Opcodes (RFC 6455 §5.2).
const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xA
)

// maxHeader bounds the opening request's header section.
const maxHeader = 16 << 10

// maxMessage bounds a message, so that a length field cannot make the
// server allocate without limit.
const maxMessage = 16 << 20

// errProtocol is a broken rule: the server answers close 1002 and hangs up.
var errProtocol = errors.New("protocol error")

// acceptKey is Sec-WebSocket-Accept for a key (RFC 6455 §4.2.2): base64 of
// the 20 raw bytes of SHA-1(key + GUID).
func acceptKey(key string) string {
	sum := sha1.Sum([]byte(key + guid))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// handshake reads the opening request up to its empty line and answers 101
// (RFC 6455 §4.2.1, §4.2.2). It reports false after answering an error.
func handshake(c net.Conn, br *bufio.Reader) (bool, error) {
	line, err := br.ReadString('\n')
	if err != nil {
		return false, err
	}
	parts := strings.Split(strings.TrimRight(line, "\r\n"), " ")
	fields := map[string]string{}
	for size := len(line); ; {
		l, err := br.ReadString('\n')
		if err != nil {
			return false, err
		}
		if size += len(l); size > maxHeader {
			_, err := io.WriteString(c, "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
			return false, err
		}
		l = strings.TrimRight(l, "\r\n")
		if l == "" {
			break
		}
		if name, value, ok := strings.Cut(l, ":"); ok {
			fields[strings.ToLower(strings.TrimSpace(name))] = strings.TrimSpace(value) // names ignore case
		}
	}
	key := fields["sec-websocket-key"]
	if len(parts) != 3 || parts[0] != "GET" || !strings.Contains(strings.ToLower(fields["upgrade"]), "websocket") || key == "" {
		_, err := io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		return false, err
	}
	if fields["sec-websocket-version"] != "13" {
		_, err := io.WriteString(c, "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n")
		return false, err
	}
	_, err = io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\n"+
		"Upgrade: websocket\r\n"+
		"Connection: Upgrade\r\n"+
		"Sec-WebSocket-Accept: "+acceptKey(key)+"\r\n"+
		"\r\n")
	return err == nil, err
}

// A frame is one frame read from the client, its payload unmasked.
type frame struct {
	fin     bool
	opcode  byte
	payload []byte
}

// readFrame reads one frame (RFC 6455 §5.2).
func readFrame(br *bufio.Reader) (frame, error) {
	var h [2]byte
	if _, err := io.ReadFull(br, h[:]); err != nil {
		return frame{}, err
	}
	f := frame{fin: h[0]&0x80 != 0, opcode: h[0] & 0x0F}
	masked := h[1]&0x80 != 0
	length := uint64(h[1] & 0x7F)
	if h[0]&0x70 != 0 {
		return f, fmt.Errorf("%w: RSV bits set without an extension", errProtocol)
	}
	switch length {
	case 126: // a 16-bit length follows
		var b [2]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return f, err
		}
		length = uint64(binary.BigEndian.Uint16(b[:]))
	case 127: // a 64-bit length follows
		var b [8]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return f, err
		}
		length = binary.BigEndian.Uint64(b[:])
	}
	if !masked {
		return f, fmt.Errorf("%w: a client frame must be masked (RFC 6455 §5.1)", errProtocol)
	}
	if f.opcode >= 0x8 && (!f.fin || length > 125) {
		return f, fmt.Errorf("%w: a control frame is whole and at most 125 bytes (RFC 6455 §5.5)", errProtocol)
	}
	if length > maxMessage {
		return f, fmt.Errorf("%w: a %d-byte frame is more than this server takes", errProtocol, length)
	}
	var key [4]byte
	if _, err := io.ReadFull(br, key[:]); err != nil {
		return f, err
	}
	f.payload = make([]byte, length)
	if _, err := io.ReadFull(br, f.payload); err != nil {
		return f, err
	}
	for i := range f.payload {
		f.payload[i] ^= key[i%4] // RFC 6455 §5.3
	}
	return f, nil
}

// writeFrame writes one frame, FIN set, its length in the shortest form
// (RFC 6455 §5.2), unmasked: a server never masks (§5.1).
func writeFrame(c net.Conn, opcode byte, payload []byte) error {
	head := []byte{0x80 | opcode}
	switch n := len(payload); {
	case n <= 125:
		head = append(head, byte(n))
	case n <= 0xFFFF:
		head = append(head, 126)
		head = binary.BigEndian.AppendUint16(head, uint16(n))
	default:
		head = append(head, 127)
		head = binary.BigEndian.AppendUint64(head, uint64(n))
	}
	_, err := c.Write(append(head, payload...))
	return err
}

// protocolError closes with status code 1002, protocol error (RFC 6455 §7.4.1).
func protocolError(c net.Conn) {
	writeFrame(c, opClose, binary.BigEndian.AppendUint16(nil, 1002))
}

func serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	if ok, err := handshake(c, br); !ok || err != nil {
		return
	}
	var (
		kind    byte // the opcode of the message being reassembled; 0 for none
		message []byte
	)
	for {
		f, err := readFrame(br)
		if errors.Is(err, errProtocol) {
			protocolError(c)
			return
		}
		if err != nil {
			return
		}
		switch f.opcode {
		case opClose:
			// RFC 6455 §5.5.1: answer with a close (echoing the status
			// code), then close TCP: the server closes first (§7.1.1).
			writeFrame(c, opClose, f.payload[:min(2, len(f.payload))])
			return
		case opPing:
			writeFrame(c, opPong, f.payload) // §5.5.3: the same payload
			continue
		case opPong:
			continue
		case opText, opBinary:
			if kind != 0 { // a new message before the last one ended
				protocolError(c)
				return
			}
			kind, message = f.opcode, f.payload
		case opContinuation:
			// RFC 6455 §5.4: continuation frames follow a text or binary
			// frame whose FIN was 0.
			if kind == 0 || len(message)+len(f.payload) > maxMessage {
				protocolError(c)
				return
			}
			message = append(message, f.payload...)
		default:
			protocolError(c)
			return
		}
		if f.fin {
			if err := writeFrame(c, kind, message); err != nil {
				return
			}
			kind, message = 0, nil
		}
	}
}

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "9001"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on ws://%s/\n", ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go serve(c) // one goroutine per client: a slow client blocks nobody
	}
}
