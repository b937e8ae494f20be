package textwrap_test

import (
	"fmt"

	"github.com/wirelab/wirelab/internal/textwrap"
)

func ExampleWrap() {
	fmt.Println(textwrap.Wrap("客户端把密钥和 GUID 258EAFA5-E914-47DA-95CA-C5AB0DC85B11 拼起来，算出 SHA-1，再做 Base64 编码。", 30))
	fmt.Println(textwrap.Wrap("- Connection: keep-alive keeps the connection open for the next request", 30))
	// Output:
	// 客户端把密钥和 GUID
	// 258EAFA5-E914-47DA-95CA-C5AB0DC85B11
	// 拼起来，算出 SHA-1，再做
	// Base64 编码。
	// - Connection: keep-alive keeps
	//   the connection open for the
	//   next request
}
