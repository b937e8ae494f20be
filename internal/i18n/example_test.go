package i18n_test

import (
	"fmt"
	"os"

	"github.com/wirelab/wirelab/internal/i18n"
)

func ExamplePrinter() {
	for _, lang := range []string{"en", "zh"} {
		p := i18n.New(lang)
		p.Fprintln(os.Stdout, i18n.CheckSomeFailed, 4, 6, "keep-alive")
	}
	// Output:
	// 4 of 6 stages passed; keep-alive failed.
	// 6 个阶段中通过 4 个；keep-alive 未通过。
}

func ExampleTranslator_Translate() {
	// The websocket engine's note for a masked close code, said in Chinese.
	tr := i18n.New("zh").Translator(i18n.WSNoteMaskedOnWire, i18n.WSCloseStatus, i18n.WSCloseName, i18n.WSClose1000)
	s, ok := tr.Translate("status code 1000 (normal closure), network byte order (RFC 6455 §7.4); masked on the wire")
	fmt.Println(s, ok)
	// Output:
	// 状态码 1000（正常关闭），网络字节序（RFC 6455 §7.4）；在线路上是加了掩码的 true
}
