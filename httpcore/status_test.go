package httpcore

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"strings"
	"testing"
)

// statusConstants lists every exported Status* constant by name.
var statusConstants = map[string]int{
	"StatusContinue":                      StatusContinue,
	"StatusSwitchingProtocols":            StatusSwitchingProtocols,
	"StatusProcessing":                    StatusProcessing,
	"StatusEarlyHints":                    StatusEarlyHints,
	"StatusUploadResumptionSupported":     StatusUploadResumptionSupported,
	"StatusOK":                            StatusOK,
	"StatusCreated":                       StatusCreated,
	"StatusAccepted":                      StatusAccepted,
	"StatusNonAuthoritativeInfo":          StatusNonAuthoritativeInfo,
	"StatusNoContent":                     StatusNoContent,
	"StatusResetContent":                  StatusResetContent,
	"StatusPartialContent":                StatusPartialContent,
	"StatusMultiStatus":                   StatusMultiStatus,
	"StatusAlreadyReported":               StatusAlreadyReported,
	"StatusIMUsed":                        StatusIMUsed,
	"StatusMultipleChoices":               StatusMultipleChoices,
	"StatusMovedPermanently":              StatusMovedPermanently,
	"StatusFound":                         StatusFound,
	"StatusSeeOther":                      StatusSeeOther,
	"StatusNotModified":                   StatusNotModified,
	"StatusUseProxy":                      StatusUseProxy,
	"StatusSwitchProxy":                   StatusSwitchProxy,
	"StatusTemporaryRedirect":             StatusTemporaryRedirect,
	"StatusPermanentRedirect":             StatusPermanentRedirect,
	"StatusBadRequest":                    StatusBadRequest,
	"StatusUnauthorized":                  StatusUnauthorized,
	"StatusPaymentRequired":               StatusPaymentRequired,
	"StatusForbidden":                     StatusForbidden,
	"StatusNotFound":                      StatusNotFound,
	"StatusMethodNotAllowed":              StatusMethodNotAllowed,
	"StatusNotAcceptable":                 StatusNotAcceptable,
	"StatusProxyAuthRequired":             StatusProxyAuthRequired,
	"StatusRequestTimeout":                StatusRequestTimeout,
	"StatusConflict":                      StatusConflict,
	"StatusGone":                          StatusGone,
	"StatusLengthRequired":                StatusLengthRequired,
	"StatusPreconditionFailed":            StatusPreconditionFailed,
	"StatusContentTooLarge":               StatusContentTooLarge,
	"StatusURITooLong":                    StatusURITooLong,
	"StatusUnsupportedMediaType":          StatusUnsupportedMediaType,
	"StatusRangeNotSatisfiable":           StatusRangeNotSatisfiable,
	"StatusExpectationFailed":             StatusExpectationFailed,
	"StatusTeapot":                        StatusTeapot,
	"StatusMisdirectedRequest":            StatusMisdirectedRequest,
	"StatusUnprocessableContent":          StatusUnprocessableContent,
	"StatusLocked":                        StatusLocked,
	"StatusFailedDependency":              StatusFailedDependency,
	"StatusTooEarly":                      StatusTooEarly,
	"StatusUpgradeRequired":               StatusUpgradeRequired,
	"StatusPreconditionRequired":          StatusPreconditionRequired,
	"StatusTooManyRequests":               StatusTooManyRequests,
	"StatusRequestHeaderFieldsTooLarge":   StatusRequestHeaderFieldsTooLarge,
	"StatusUnavailableForLegalReasons":    StatusUnavailableForLegalReasons,
	"StatusInternalServerError":           StatusInternalServerError,
	"StatusNotImplemented":                StatusNotImplemented,
	"StatusBadGateway":                    StatusBadGateway,
	"StatusServiceUnavailable":            StatusServiceUnavailable,
	"StatusGatewayTimeout":                StatusGatewayTimeout,
	"StatusHTTPVersionNotSupported":       StatusHTTPVersionNotSupported,
	"StatusVariantAlsoNegotiates":         StatusVariantAlsoNegotiates,
	"StatusInsufficientStorage":           StatusInsufficientStorage,
	"StatusLoopDetected":                  StatusLoopDetected,
	"StatusNotExtended":                   StatusNotExtended,
	"StatusNetworkAuthenticationRequired": StatusNetworkAuthenticationRequired,
}

// registeredCodes is the IANA HTTP Status Code Registry, written out
// independently of the table in status.go.
var registeredCodes = []int{
	100, 101, 102, 103, 104,
	200, 201, 202, 203, 204, 205, 206, 207, 208, 226,
	300, 301, 302, 303, 304, 305, 306, 307, 308,
	400, 401, 402, 403, 404, 405, 406, 407, 408, 409,
	410, 411, 412, 413, 414, 415, 416, 417, 418,
	421, 422, 423, 424, 425, 426, 428, 429, 431, 451,
	500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
}

func TestStatusRegistryContents(t *testing.T) {
	all := Statuses()
	if len(all) != len(registeredCodes) {
		t.Fatalf("Statuses() has %d entries, want %d", len(all), len(registeredCodes))
	}
	for i, s := range all {
		if s.Code != registeredCodes[i] {
			t.Errorf("Statuses()[%d].Code = %d, want %d", i, s.Code, registeredCodes[i])
		}
	}
}

func TestStatusesSortedAndComplete(t *testing.T) {
	all := Statuses()
	for i, s := range all {
		if i > 0 && all[i-1].Code >= s.Code {
			t.Errorf("Statuses() not strictly ascending at %d: %d then %d", i, all[i-1].Code, s.Code)
		}
		if s.Code < 100 || s.Code > 599 {
			t.Errorf("code %d outside 100..599", s.Code)
		}
		for field, v := range map[string]string{"Reason": s.Reason, "Spec": s.Spec} {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%d: %s is empty", s.Code, field)
			}
			if strings.ContainsAny(v, "\r\n") {
				t.Errorf("%d: %s spans several lines", s.Code, field)
			}
		}
		if !strings.HasPrefix(s.Spec, "RFC ") && !strings.HasPrefix(s.Spec, "draft-") {
			t.Errorf("%d: Spec %q names neither an RFC nor a draft", s.Code, s.Spec)
		}
	}
}

func TestStatusClass(t *testing.T) {
	for _, s := range Statuses() {
		if got, want := s.Class(), Class(s.Code/100); got != want {
			t.Errorf("Status{%d}.Class() = %v, want %v", s.Code, got, want)
		}
	}
	tests := []struct {
		c    Class
		want string
	}{
		{ClassInformational, "1xx Informational"},
		{ClassSuccessful, "2xx Successful"},
		{ClassRedirection, "3xx Redirection"},
		{ClassClientError, "4xx Client Error"},
		{ClassServerError, "5xx Server Error"},
		{0, "Class(0)"},
		{6, "Class(6)"},
		{-3, "Class(-3)"},
	}
	for _, tt := range tests {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("Class(%d).String() = %q, want %q", int(tt.c), got, tt.want)
		}
	}
}

func TestStatusTextKnown(t *testing.T) {
	tests := map[int]string{
		StatusContinue:                      "Continue",
		StatusEarlyHints:                    "Early Hints",
		StatusOK:                            "OK",
		StatusNoContent:                     "No Content",
		StatusIMUsed:                        "IM Used",
		StatusSwitchProxy:                   "(Unused)",
		StatusPermanentRedirect:             "Permanent Redirect",
		StatusNotFound:                      "Not Found",
		StatusContentTooLarge:               "Content Too Large",
		StatusURITooLong:                    "URI Too Long",
		StatusRangeNotSatisfiable:           "Range Not Satisfiable",
		StatusExpectationFailed:             "Expectation Failed",
		StatusTeapot:                        "(Unused)",
		StatusUnprocessableContent:          "Unprocessable Content",
		StatusTooEarly:                      "Too Early",
		StatusUnavailableForLegalReasons:    "Unavailable For Legal Reasons",
		StatusHTTPVersionNotSupported:       "HTTP Version Not Supported",
		StatusNetworkAuthenticationRequired: "Network Authentication Required",
	}
	for code, want := range tests {
		if got := StatusText(code); got != want {
			t.Errorf("StatusText(%d) = %q, want %q", code, got, want)
		}
	}
}

// netHTTPDifferences lists every code whose reason phrase differs from
// net/http's StatusText, with both texts. net/http keeps the RFC 7231-era
// names and does not know the two "(Unused)" codes or 104.
var netHTTPDifferences = map[int][2]string{ // code -> {ours, net/http}
	104: {"Upload Resumption Supported", ""},
	306: {"(Unused)", ""},
	413: {"Content Too Large", "Request Entity Too Large"},
	414: {"URI Too Long", "Request URI Too Long"},
	416: {"Range Not Satisfiable", "Requested Range Not Satisfiable"},
	418: {"(Unused)", "I'm a teapot"},
	422: {"Unprocessable Content", "Unprocessable Entity"},
}

func TestStatusTextMatchesNetHTTP(t *testing.T) {
	for code := -1; code <= 1000; code++ {
		ours, theirs := StatusText(code), http.StatusText(code)
		if d, ok := netHTTPDifferences[code]; ok {
			if ours != d[0] || theirs != d[1] {
				t.Errorf("code %d: got ours=%q net/http=%q, want %q and %q", code, ours, theirs, d[0], d[1])
			}
			continue
		}
		if ours != theirs {
			t.Errorf("code %d: StatusText = %q, net/http says %q", code, ours, theirs)
		}
	}
}

func TestStatusUnregistered(t *testing.T) {
	for _, code := range []int{-1, 0, 1, 99, 105, 199, 209, 299, 309, 419, 420, 427, 430, 450, 509, 512, 599, 600, 1000, -600} {
		if got := StatusText(code); got != "" {
			t.Errorf("StatusText(%d) = %q, want empty", code, got)
		}
		if s, ok := LookupStatus(code); ok || s != (Status{}) {
			t.Errorf("LookupStatus(%d) = %+v, %v; want zero, false", code, s, ok)
		}
	}
}

func TestLookupStatus(t *testing.T) {
	for _, want := range Statuses() {
		got, ok := LookupStatus(want.Code)
		if !ok || got != want {
			t.Errorf("LookupStatus(%d) = %+v, %v; want %+v, true", want.Code, got, ok, want)
		}
		if StatusText(want.Code) != want.Reason {
			t.Errorf("StatusText(%d) = %q, want %q", want.Code, StatusText(want.Code), want.Reason)
		}
	}
	s, ok := LookupStatus(StatusNotFound)
	if !ok || s.Reason != "Not Found" || s.Spec != "RFC 9110 §15.5.5" || s.Class() != ClassClientError {
		t.Errorf("LookupStatus(404) = %+v, %v", s, ok)
	}
}

func TestStatusesReturnsCopy(t *testing.T) {
	a := Statuses()
	a[0].Reason = "changed"
	if StatusText(StatusContinue) != "Continue" || Statuses()[0].Reason != "Continue" {
		t.Fatal("modifying the result of Statuses() changed the registry")
	}
}

func TestStatusConstantsInTable(t *testing.T) {
	seen := make(map[int]string)
	for name, code := range statusConstants {
		if other, dup := seen[code]; dup {
			t.Errorf("%s and %s both equal %d", name, other, code)
		}
		seen[code] = name
		if _, ok := LookupStatus(code); !ok {
			t.Errorf("%s = %d is not in the table", name, code)
		}
	}
	for _, s := range Statuses() {
		if _, ok := seen[s.Code]; !ok {
			t.Errorf("table entry %d has no Status* constant", s.Code)
		}
	}

	// Make sure statusConstants lists every Status* constant declared in
	// status.go, so a new constant cannot slip past the checks above.
	f, err := parser.ParseFile(token.NewFileSet(), "status.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	declared := 0
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			for _, id := range spec.(*ast.ValueSpec).Names {
				if !id.IsExported() || !strings.HasPrefix(id.Name, "Status") {
					continue
				}
				declared++
				if _, ok := statusConstants[id.Name]; !ok {
					t.Errorf("constant %s is missing from statusConstants", id.Name)
				}
			}
		}
	}
	if declared != len(statusConstants) {
		t.Errorf("status.go declares %d Status* constants, test lists %d", declared, len(statusConstants))
	}
}

func TestStatusTextAllocs(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		_ = StatusText(StatusNotFound)
		_ = StatusText(299)
		_, _ = LookupStatus(StatusTeapot)
	})
	if n != 0 {
		t.Errorf("StatusText/LookupStatus allocate %v times per run, want 0", n)
	}
}
