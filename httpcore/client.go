package httpcore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// ErrConnClosed is returned (wrapped, with the reason) by ClientConn.Do when
// the connection cannot carry another request: it was closed, an earlier
// exchange failed, or one side announced "Connection: close".
var ErrConnClosed = errors.New("httpcore: client connection cannot carry another request")

// defaultContinueTimeout is how long Do waits for "100 Continue" before it
// sends a request body anyway (the value net/http uses).
const defaultContinueTimeout = time.Second

// A ClientConn is the client side of one persistent HTTP/1.1 connection. It
// sends one request at a time and reads its response; it does not pipeline.
//
// RFC 9112 §9.3: HTTP/1.1 connections persist by default. A connection
// carries request after request until either side sends "Connection: close",
// an HTTP/1.0 peer does not send "Connection: keep-alive", or a response's
// end can only be found by the server closing the connection. Because
// responses are matched to requests by order alone (§9.3.1), each response
// must be read to its very last byte before the next one can be found:
//
//	resp, err := cc.Do(req)          // GET / HTTP/1.1 ... → HTTP/1.1 200 OK ...
//	io.Copy(io.Discard, resp.Body)  // read the body to io.EOF
//	resp, err = cc.Do(req2)         // same TCP connection
//
// A ClientConn works over any net.Conn (TCP, TLS, net.Pipe) and holds no
// global state. It is not safe for concurrent use.
type ClientConn struct {
	// ContinueTimeout bounds the wait for "100 Continue" after a request
	// with "Expect: 100-continue" (RFC 9110 §10.1.1): when it passes with
	// no response the body is sent anyway. Zero means one second; negative
	// means wait for the server's answer however long it takes.
	ContinueTimeout time.Duration
	// Interim, if set, is called with each informational (1xx) response
	// other than 101 that precedes a final one, such as 100 Continue or
	// 103 Early Hints (RFC 9110 §15.2).
	Interim func(*Response)

	conn     net.Conn
	br       *bufio.Reader
	bw       *bufio.Writer
	host     string    // default Host, from Dial's address
	prev     *Response // the last response, whose body must end before the next
	done     error     // why no further request may be sent, or nil
	requests int
}

// NewClientConn returns a ClientConn that speaks HTTP/1.1 over c. Requests
// sent without a Host get none: set Request.Host (Dial sets a default).
func NewClientConn(c net.Conn) *ClientConn {
	return &ClientConn{
		conn: c,
		br:   bufio.NewReaderSize(c, bufSize),
		bw:   bufio.NewWriterSize(c, bufSize),
	}
}

// Dial opens a TCP connection to addr ("127.0.0.1:8080") and returns a
// ClientConn over it. ctx bounds the dial only. Requests that set no Host
// are sent with addr as their Host (RFC 9112 §3.2: an HTTP/1.1 request
// must have one).
func Dial(ctx context.Context, addr string) (*ClientConn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("httpcore: dial %s: %w", addr, err)
	}
	cc := NewClientConn(c)
	cc.host = addr
	return cc, nil
}

// Conn returns the underlying connection.
func (cc *ClientConn) Conn() net.Conn { return cc.conn }

// Requests reports how many requests have been sent on the connection.
func (cc *ClientConn) Requests() int { return cc.requests }

// Reusable reports whether the connection may carry another request: it is
// open, no exchange failed on it, and neither side asked to close it after
// the last exchange (RFC 9112 §9.3).
func (cc *ClientConn) Reusable() bool { return cc.done == nil }

// Err returns why the connection cannot carry another request, such as
// `the server sent "Connection: close"`, or nil while it is Reusable.
func (cc *ClientConn) Err() error { return cc.done }

// Close closes the connection. Further calls to Do fail with ErrConnClosed.
func (cc *ClientConn) Close() error {
	cc.finish(errors.New("closed by the client"))
	c := cc.conn
	cc.conn = nil
	if c == nil {
		return nil
	}
	return c.Close()
}

func (cc *ClientConn) finish(reason error) {
	if cc.done == nil {
		cc.done = reason
	}
}

// Do sends req and returns the final response to it. Informational
// responses (1xx) before it are skipped, or passed to Interim; 101
// Switching Protocols is final, after which the connection speaks another
// protocol and Do refuses further requests.
//
// The caller must read resp.Body to io.EOF before calling Do again: the
// next response starts right after this one's last byte. If it has not,
// Do reads and discards what is left first.
//
// When req.Header has "Expect: 100-continue" and a body, Do sends the header
// section, waits up to ContinueTimeout for "100 Continue", and only then
// sends the body; a final status that arrives first means the body is never
// sent and the connection is not reused (RFC 9110 §10.1.1).
//
// Any error leaves the connection unusable; so does a response or request
// with "Connection: close" once the response has been returned. A request
// without Host, Proto or Method is sent with the Dial address (if any),
// "HTTP/1.1" and "GET"; req itself is not modified.
func (cc *ClientConn) Do(req *Request) (*Response, error) {
	return cc.DoContext(context.Background(), req)
}

// DoContext is Do with a context: if ctx ends before the response header
// section has been read, the exchange is abandoned, the connection becomes
// unusable and ctx's error is returned. Reading resp.Body is not bounded by
// ctx.
func (cc *ClientConn) DoContext(ctx context.Context, req *Request) (resp *Response, err error) {
	if cc.done != nil {
		return nil, fmt.Errorf("%w: %v", ErrConnClosed, cc.done)
	}
	if err := cc.discardPrevious(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The callback may still run after DoContext returns (stop reports
	// false then), when Close may already have cleared cc.conn: it holds
	// its own copy.
	nc := cc.conn
	stop := context.AfterFunc(ctx, func() {
		nc.SetDeadline(aLongTimeAgo) // wake any blocked read or write
	})
	defer func() {
		if !stop() {
			// The deadline was set (or is being set): the connection is
			// in an unknown state.
			cc.finish(fmt.Errorf("exchange abandoned: %w", ctx.Err()))
			if err == nil {
				resp, err = nil, ctx.Err()
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				err = ctx.Err()
			}
			cc.finish(fmt.Errorf("an earlier exchange failed: %w", err))
		}
	}()

	r := *req // shallow copy: Host and Proto defaults must not leak into req
	if r.Host == "" && !r.Header.Has("Host") {
		r.Host = cc.host
	}
	if r.Method == "" {
		r.Method = "GET"
	}
	cc.requests++
	expect := r.Body != nil && r.Body != NoBody && r.ContentLength != 0 &&
		r.Header.HasToken("Expect", "100-continue") && (r.Proto == "" || r.Proto == "HTTP/1.1")
	if !expect {
		if err := r.Write(cc.bw); err != nil {
			return nil, err
		}
		resp, err = cc.readFinal(&r)
	} else {
		resp, err = cc.doContinue(ctx, &r)
	}
	if err != nil {
		return nil, err
	}
	cc.prev = resp
	switch {
	case resp.StatusCode == 101:
		cc.finish(errors.New("the server switched protocols (101)"))
	case r.Method == "CONNECT" && resp.StatusCode/100 == 2:
		cc.finish(errors.New("the connection is a CONNECT tunnel"))
	case resp.Close:
		cc.finish(closeReason(resp))
	case r.Header.HasToken("Connection", "close"):
		cc.finish(errors.New("the last request said \"Connection: close\""))
	case r.Proto == "HTTP/1.0" && !r.Header.HasToken("Connection", "keep-alive"):
		cc.finish(errors.New("an HTTP/1.0 request without \"Connection: keep-alive\" is the last on its connection"))
	}
	return resp, nil
}

// discardPrevious reads what the caller left of the previous response's
// body, so the next response is read from its first byte.
func (cc *ClientConn) discardPrevious() error {
	if cc.prev == nil {
		return nil
	}
	body := cc.prev.Body
	cc.prev = nil
	if _, err := io.Copy(io.Discard, body); err != nil {
		err = fmt.Errorf("httpcore: discarding the rest of the previous response body: %w", err)
		cc.finish(err)
		return err
	}
	return nil
}

// readFinal reads responses until a final one (RFC 9110 §15.2: a client
// must be able to parse 1xx responses it did not expect).
func (cc *ClientConn) readFinal(req *Request) (*Response, error) {
	for {
		resp, err := ReadResponse(cc.br, req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode/100 != 1 || resp.StatusCode == 101 {
			return resp, nil
		}
		if cc.Interim != nil {
			cc.Interim(resp)
		}
	}
}

// doContinue runs the "Expect: 100-continue" exchange of RFC 9110 §10.1.1:
//
//	> POST /upload HTTP/1.1            header section only
//	> Expect: 100-continue
//	> Content-Length: 5
//	< HTTP/1.1 100 Continue            the server wants the body
//	> hello
//	< HTTP/1.1 200 OK                  the final response
func (cc *ClientConn) doContinue(ctx context.Context, req *Request) (*Response, error) {
	head := *req
	head.Header = req.Header.Clone()
	chunked := req.ContentLength < 0
	if chunked {
		head.Header.Del("Content-Length")
		head.Header.Set("Transfer-Encoding", "chunked")
	} else {
		head.Header.Set("Content-Length", strconv.FormatInt(req.ContentLength, 10))
	}
	head.Body = nil
	if err := head.Write(cc.bw); err != nil {
		return nil, err
	}
	timeout := cc.ContinueTimeout
	if timeout == 0 {
		timeout = defaultContinueTimeout
	}
	for {
		if timeout > 0 {
			cc.conn.SetReadDeadline(time.Now().Add(timeout))
		}
		_, err := cc.br.Peek(1)
		if timeout > 0 {
			cc.conn.SetReadDeadline(time.Time{})
		}
		if err := ctx.Err(); err != nil {
			return nil, err // clearing the deadline may have undone the cancellation's
		}
		if err != nil {
			if isTimeout(err) && cc.br.Buffered() == 0 && timeout > 0 {
				break // no answer in time: send the body anyway
			}
			return nil, err
		}
		resp, err := ReadResponse(cc.br, req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == 100 {
			if cc.Interim != nil {
				cc.Interim(resp)
			}
			break
		}
		if resp.StatusCode/100 == 1 && resp.StatusCode != 101 {
			if cc.Interim != nil {
				cc.Interim(resp)
			}
			continue
		}
		// A final response before the body was asked for: the body is
		// never sent, so the server and we may disagree about where the
		// next request would begin. Do not reuse the connection.
		cc.finish(fmt.Errorf("the server answered %d before asking for the body", resp.StatusCode))
		return resp, nil
	}
	if err := writeBody(cc.bw, req.Body, req.ContentLength, chunked, &req.Trailer); err != nil {
		return nil, err
	}
	if err := cc.bw.Flush(); err != nil {
		return nil, err
	}
	return cc.readFinal(req)
}

// closeReason says why resp ends its connection (RFC 9112 §9.3).
func closeReason(resp *Response) error {
	switch {
	case resp.Header.HasToken("Connection", "close"):
		return errors.New("the server sent \"Connection: close\"")
	case resp.ContentLength < 0 && !resp.Chunked:
		return errors.New("the response body ends when the server closes the connection (RFC 9112 §6.3)")
	default:
		return fmt.Errorf("an %s response without \"Connection: keep-alive\" is the last on its connection", resp.Proto)
	}
}
