package websocket_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/wirelab/wirelab/websocket"
)

// A Dialer tunnels through an HTTP proxy with CONNECT. Without Proxy it
// follows HTTP_PROXY, HTTPS_PROXY and NO_PROXY; loopback targets are never
// proxied from the environment, so a local test names its proxy.
func ExampleProxyURL() {
	proxy, _ := url.Parse("http://alice:s3cret@proxy.example:3128")
	d := websocket.Dialer{
		Proxy: websocket.ProxyURL(proxy),
		OnProxyConnect: func(request []byte, statusLine string) {
			fmt.Printf("%s< %s\n", request, statusLine)
		},
	}
	c, _, err := d.Dial(context.Background(), "wss://echo.example/chat")
	var refused *websocket.ProxyError
	switch {
	case errors.As(err, &refused):
		fmt.Println("the proxy said", refused.StatusLine)
	case err != nil:
		fmt.Println(err)
	default:
		defer c.CloseNow()
	}
}
