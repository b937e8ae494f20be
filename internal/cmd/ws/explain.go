package ws

import (
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/wstext"
)

// cliKeys are decode's own errors, which parseHex and parseSender return
// in English.
var cliKeys = []i18n.Key{
	i18n.WSHexNoDigits, i18n.WSHexOdd, i18n.WSHexBad, i18n.WSNoFrames, i18n.WSInputTooLarge,
	i18n.WSFromBad, i18n.WSStdinWithArgs,
}

// decodeError says an error of ws decode in p's language: the engine's
// *websocket.FrameError, or decode's own usage errors.
func decodeError(err error, p i18n.Printer) error {
	return p.TranslateError(err, append(wstext.ErrorKeys(), cliKeys...)...)
}
