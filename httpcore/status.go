package httpcore

import "strconv"

// Class is the first digit of a status code (RFC 9110 §15).
type Class int

// The five status-code classes defined by RFC 9110 §15.
const (
	ClassInformational Class = 1 // 1xx
	ClassSuccessful    Class = 2 // 2xx
	ClassRedirection   Class = 3 // 3xx
	ClassClientError   Class = 4 // 4xx
	ClassServerError   Class = 5 // 5xx
)

// String returns the class as "1xx Informational", "2xx Successful", and so
// on; a value outside 1..5 is rendered as "Class(N)".
func (c Class) String() string {
	switch c {
	case ClassInformational:
		return "1xx Informational"
	case ClassSuccessful:
		return "2xx Successful"
	case ClassRedirection:
		return "3xx Redirection"
	case ClassClientError:
		return "4xx Client Error"
	case ClassServerError:
		return "5xx Server Error"
	}
	return "Class(" + strconv.Itoa(int(c)) + ")"
}

// Status describes one IANA-registered status code.
type Status struct {
	Code   int
	Reason string // registered reason phrase, e.g. "Not Found"
	Spec   string // defining document and section, e.g. "RFC 9110 §15.5.5"
}

// Class reports the class of s, the first digit of its code.
func (s Status) Class() Class { return Class(s.Code / 100) }

// Status codes registered in the IANA "HTTP Status Code Registry". Names
// follow net/http where the meaning is unchanged and the RFC 9110 reason
// phrase where RFC 9110 renamed the code (413, 414, 416, 422).
const (
	// StatusContinue is 100 Continue (RFC 9110 §15.2.1).
	StatusContinue = 100
	// StatusSwitchingProtocols is 101 Switching Protocols (RFC 9110 §15.2.2).
	StatusSwitchingProtocols = 101
	// StatusProcessing is 102 Processing (RFC 2518 §10.1).
	StatusProcessing = 102
	// StatusEarlyHints is 103 Early Hints (RFC 8297 §2).
	StatusEarlyHints = 103
	// StatusUploadResumptionSupported is 104 Upload Resumption Supported, a
	// temporary IANA registration for draft-ietf-httpbis-resumable-upload.
	StatusUploadResumptionSupported = 104

	// StatusOK is 200 OK (RFC 9110 §15.3.1).
	StatusOK = 200
	// StatusCreated is 201 Created (RFC 9110 §15.3.2).
	StatusCreated = 201
	// StatusAccepted is 202 Accepted (RFC 9110 §15.3.3).
	StatusAccepted = 202
	// StatusNonAuthoritativeInfo is 203 Non-Authoritative Information
	// (RFC 9110 §15.3.4).
	StatusNonAuthoritativeInfo = 203
	// StatusNoContent is 204 No Content (RFC 9110 §15.3.5).
	StatusNoContent = 204
	// StatusResetContent is 205 Reset Content (RFC 9110 §15.3.6).
	StatusResetContent = 205
	// StatusPartialContent is 206 Partial Content (RFC 9110 §15.3.7).
	StatusPartialContent = 206
	// StatusMultiStatus is 207 Multi-Status (RFC 4918 §11.1).
	StatusMultiStatus = 207
	// StatusAlreadyReported is 208 Already Reported (RFC 5842 §7.1).
	StatusAlreadyReported = 208
	// StatusIMUsed is 226 IM Used (RFC 3229 §10.4.1).
	StatusIMUsed = 226

	// StatusMultipleChoices is 300 Multiple Choices (RFC 9110 §15.4.1).
	StatusMultipleChoices = 300
	// StatusMovedPermanently is 301 Moved Permanently (RFC 9110 §15.4.2).
	StatusMovedPermanently = 301
	// StatusFound is 302 Found (RFC 9110 §15.4.3).
	StatusFound = 302
	// StatusSeeOther is 303 See Other (RFC 9110 §15.4.4).
	StatusSeeOther = 303
	// StatusNotModified is 304 Not Modified (RFC 9110 §15.4.5).
	StatusNotModified = 304
	// StatusUseProxy is 305 Use Proxy, deprecated (RFC 9110 §15.4.6).
	StatusUseProxy = 305
	// StatusSwitchProxy is 306, registered as "(Unused)" (RFC 9110 §15.4.7);
	// the name recalls the draft that once proposed it. Never send it.
	StatusSwitchProxy = 306
	// StatusTemporaryRedirect is 307 Temporary Redirect (RFC 9110 §15.4.8).
	StatusTemporaryRedirect = 307
	// StatusPermanentRedirect is 308 Permanent Redirect (RFC 9110 §15.4.9).
	StatusPermanentRedirect = 308

	// StatusBadRequest is 400 Bad Request (RFC 9110 §15.5.1).
	StatusBadRequest = 400
	// StatusUnauthorized is 401 Unauthorized (RFC 9110 §15.5.2).
	StatusUnauthorized = 401
	// StatusPaymentRequired is 402 Payment Required (RFC 9110 §15.5.3).
	StatusPaymentRequired = 402
	// StatusForbidden is 403 Forbidden (RFC 9110 §15.5.4).
	StatusForbidden = 403
	// StatusNotFound is 404 Not Found (RFC 9110 §15.5.5).
	StatusNotFound = 404
	// StatusMethodNotAllowed is 405 Method Not Allowed (RFC 9110 §15.5.6).
	StatusMethodNotAllowed = 405
	// StatusNotAcceptable is 406 Not Acceptable (RFC 9110 §15.5.7).
	StatusNotAcceptable = 406
	// StatusProxyAuthRequired is 407 Proxy Authentication Required
	// (RFC 9110 §15.5.8).
	StatusProxyAuthRequired = 407
	// StatusRequestTimeout is 408 Request Timeout (RFC 9110 §15.5.9).
	StatusRequestTimeout = 408
	// StatusConflict is 409 Conflict (RFC 9110 §15.5.10).
	StatusConflict = 409
	// StatusGone is 410 Gone (RFC 9110 §15.5.11).
	StatusGone = 410
	// StatusLengthRequired is 411 Length Required (RFC 9110 §15.5.12).
	StatusLengthRequired = 411
	// StatusPreconditionFailed is 412 Precondition Failed (RFC 9110 §15.5.13).
	StatusPreconditionFailed = 412
	// StatusContentTooLarge is 413 Content Too Large (RFC 9110 §15.5.14),
	// formerly "Request Entity Too Large".
	StatusContentTooLarge = 413
	// StatusURITooLong is 414 URI Too Long (RFC 9110 §15.5.15), formerly
	// "Request-URI Too Long".
	StatusURITooLong = 414
	// StatusUnsupportedMediaType is 415 Unsupported Media Type
	// (RFC 9110 §15.5.16).
	StatusUnsupportedMediaType = 415
	// StatusRangeNotSatisfiable is 416 Range Not Satisfiable
	// (RFC 9110 §15.5.17), formerly "Requested Range Not Satisfiable".
	StatusRangeNotSatisfiable = 416
	// StatusExpectationFailed is 417 Expectation Failed (RFC 9110 §15.5.18).
	StatusExpectationFailed = 417
	// StatusTeapot is 418, registered as "(Unused)" (RFC 9110 §15.5.19)
	// because of the "I'm a teapot" joke in RFC 2324.
	StatusTeapot = 418

	// StatusMisdirectedRequest is 421 Misdirected Request (RFC 9110 §15.5.20).
	StatusMisdirectedRequest = 421
	// StatusUnprocessableContent is 422 Unprocessable Content
	// (RFC 9110 §15.5.21), formerly WebDAV's "Unprocessable Entity".
	StatusUnprocessableContent = 422
	// StatusLocked is 423 Locked (RFC 4918 §11.3).
	StatusLocked = 423
	// StatusFailedDependency is 424 Failed Dependency (RFC 4918 §11.4).
	StatusFailedDependency = 424
	// StatusTooEarly is 425 Too Early (RFC 8470 §5.2).
	StatusTooEarly = 425
	// StatusUpgradeRequired is 426 Upgrade Required (RFC 9110 §15.5.22).
	StatusUpgradeRequired = 426
	// StatusPreconditionRequired is 428 Precondition Required (RFC 6585 §3).
	StatusPreconditionRequired = 428
	// StatusTooManyRequests is 429 Too Many Requests (RFC 6585 §4).
	StatusTooManyRequests = 429
	// StatusRequestHeaderFieldsTooLarge is 431 Request Header Fields Too
	// Large (RFC 6585 §5).
	StatusRequestHeaderFieldsTooLarge = 431
	// StatusUnavailableForLegalReasons is 451 Unavailable For Legal Reasons
	// (RFC 7725 §3).
	StatusUnavailableForLegalReasons = 451

	// StatusInternalServerError is 500 Internal Server Error
	// (RFC 9110 §15.6.1).
	StatusInternalServerError = 500
	// StatusNotImplemented is 501 Not Implemented (RFC 9110 §15.6.2).
	StatusNotImplemented = 501
	// StatusBadGateway is 502 Bad Gateway (RFC 9110 §15.6.3).
	StatusBadGateway = 502
	// StatusServiceUnavailable is 503 Service Unavailable (RFC 9110 §15.6.4).
	StatusServiceUnavailable = 503
	// StatusGatewayTimeout is 504 Gateway Timeout (RFC 9110 §15.6.5).
	StatusGatewayTimeout = 504
	// StatusHTTPVersionNotSupported is 505 HTTP Version Not Supported
	// (RFC 9110 §15.6.6).
	StatusHTTPVersionNotSupported = 505
	// StatusVariantAlsoNegotiates is 506 Variant Also Negotiates
	// (RFC 2295 §8.1).
	StatusVariantAlsoNegotiates = 506
	// StatusInsufficientStorage is 507 Insufficient Storage (RFC 4918 §11.5).
	StatusInsufficientStorage = 507
	// StatusLoopDetected is 508 Loop Detected (RFC 5842 §7.2).
	StatusLoopDetected = 508
	// StatusNotExtended is 510 Not Extended (RFC 2774 §7), marked obsoleted
	// in the IANA registry since RFC 2774 was moved to Historic.
	StatusNotExtended = 510
	// StatusNetworkAuthenticationRequired is 511 Network Authentication
	// Required (RFC 6585 §6).
	StatusNetworkAuthenticationRequired = 511
)

// statuses is the registry, sorted by code.
var statuses = []Status{
	{StatusContinue, "Continue", "RFC 9110 §15.2.1"},
	{StatusSwitchingProtocols, "Switching Protocols", "RFC 9110 §15.2.2"},
	{StatusProcessing, "Processing", "RFC 2518 §10.1"},
	{StatusEarlyHints, "Early Hints", "RFC 8297 §2"},
	{StatusUploadResumptionSupported, "Upload Resumption Supported", "draft-ietf-httpbis-resumable-upload (temporary)"},
	{StatusOK, "OK", "RFC 9110 §15.3.1"},
	{StatusCreated, "Created", "RFC 9110 §15.3.2"},
	{StatusAccepted, "Accepted", "RFC 9110 §15.3.3"},
	{StatusNonAuthoritativeInfo, "Non-Authoritative Information", "RFC 9110 §15.3.4"},
	{StatusNoContent, "No Content", "RFC 9110 §15.3.5"},
	{StatusResetContent, "Reset Content", "RFC 9110 §15.3.6"},
	{StatusPartialContent, "Partial Content", "RFC 9110 §15.3.7"},
	{StatusMultiStatus, "Multi-Status", "RFC 4918 §11.1"},
	{StatusAlreadyReported, "Already Reported", "RFC 5842 §7.1"},
	{StatusIMUsed, "IM Used", "RFC 3229 §10.4.1"},
	{StatusMultipleChoices, "Multiple Choices", "RFC 9110 §15.4.1"},
	{StatusMovedPermanently, "Moved Permanently", "RFC 9110 §15.4.2"},
	{StatusFound, "Found", "RFC 9110 §15.4.3"},
	{StatusSeeOther, "See Other", "RFC 9110 §15.4.4"},
	{StatusNotModified, "Not Modified", "RFC 9110 §15.4.5"},
	{StatusUseProxy, "Use Proxy", "RFC 9110 §15.4.6"},
	{StatusSwitchProxy, "(Unused)", "RFC 9110 §15.4.7"},
	{StatusTemporaryRedirect, "Temporary Redirect", "RFC 9110 §15.4.8"},
	{StatusPermanentRedirect, "Permanent Redirect", "RFC 9110 §15.4.9"},
	{StatusBadRequest, "Bad Request", "RFC 9110 §15.5.1"},
	{StatusUnauthorized, "Unauthorized", "RFC 9110 §15.5.2"},
	{StatusPaymentRequired, "Payment Required", "RFC 9110 §15.5.3"},
	{StatusForbidden, "Forbidden", "RFC 9110 §15.5.4"},
	{StatusNotFound, "Not Found", "RFC 9110 §15.5.5"},
	{StatusMethodNotAllowed, "Method Not Allowed", "RFC 9110 §15.5.6"},
	{StatusNotAcceptable, "Not Acceptable", "RFC 9110 §15.5.7"},
	{StatusProxyAuthRequired, "Proxy Authentication Required", "RFC 9110 §15.5.8"},
	{StatusRequestTimeout, "Request Timeout", "RFC 9110 §15.5.9"},
	{StatusConflict, "Conflict", "RFC 9110 §15.5.10"},
	{StatusGone, "Gone", "RFC 9110 §15.5.11"},
	{StatusLengthRequired, "Length Required", "RFC 9110 §15.5.12"},
	{StatusPreconditionFailed, "Precondition Failed", "RFC 9110 §15.5.13"},
	{StatusContentTooLarge, "Content Too Large", "RFC 9110 §15.5.14"},
	{StatusURITooLong, "URI Too Long", "RFC 9110 §15.5.15"},
	{StatusUnsupportedMediaType, "Unsupported Media Type", "RFC 9110 §15.5.16"},
	{StatusRangeNotSatisfiable, "Range Not Satisfiable", "RFC 9110 §15.5.17"},
	{StatusExpectationFailed, "Expectation Failed", "RFC 9110 §15.5.18"},
	{StatusTeapot, "(Unused)", "RFC 9110 §15.5.19"},
	{StatusMisdirectedRequest, "Misdirected Request", "RFC 9110 §15.5.20"},
	{StatusUnprocessableContent, "Unprocessable Content", "RFC 9110 §15.5.21"},
	{StatusLocked, "Locked", "RFC 4918 §11.3"},
	{StatusFailedDependency, "Failed Dependency", "RFC 4918 §11.4"},
	{StatusTooEarly, "Too Early", "RFC 8470 §5.2"},
	{StatusUpgradeRequired, "Upgrade Required", "RFC 9110 §15.5.22"},
	{StatusPreconditionRequired, "Precondition Required", "RFC 6585 §3"},
	{StatusTooManyRequests, "Too Many Requests", "RFC 6585 §4"},
	{StatusRequestHeaderFieldsTooLarge, "Request Header Fields Too Large", "RFC 6585 §5"},
	{StatusUnavailableForLegalReasons, "Unavailable For Legal Reasons", "RFC 7725 §3"},
	{StatusInternalServerError, "Internal Server Error", "RFC 9110 §15.6.1"},
	{StatusNotImplemented, "Not Implemented", "RFC 9110 §15.6.2"},
	{StatusBadGateway, "Bad Gateway", "RFC 9110 §15.6.3"},
	{StatusServiceUnavailable, "Service Unavailable", "RFC 9110 §15.6.4"},
	{StatusGatewayTimeout, "Gateway Timeout", "RFC 9110 §15.6.5"},
	{StatusHTTPVersionNotSupported, "HTTP Version Not Supported", "RFC 9110 §15.6.6"},
	{StatusVariantAlsoNegotiates, "Variant Also Negotiates", "RFC 2295 §8.1"},
	{StatusInsufficientStorage, "Insufficient Storage", "RFC 4918 §11.5"},
	{StatusLoopDetected, "Loop Detected", "RFC 5842 §7.2"},
	{StatusNotExtended, "Not Extended", "RFC 2774 §7 (obsoleted)"},
	{StatusNetworkAuthenticationRequired, "Network Authentication Required", "RFC 6585 §6"},
}

// statusIndex maps a code in [0, 600) to its position in statuses plus one;
// zero means the code is not registered.
var statusIndex = func() (idx [600]int16) {
	for i, s := range statuses {
		idx[s.Code] = int16(i + 1)
	}
	return idx
}()

// LookupStatus returns the registry entry for code and whether it exists.
func LookupStatus(code int) (Status, bool) {
	if code < 0 || code >= len(statusIndex) {
		return Status{}, false
	}
	i := statusIndex[code]
	if i == 0 {
		return Status{}, false
	}
	return statuses[i-1], true
}

// StatusText returns the registered reason phrase for code, or "" if code is
// not registered. It does not allocate.
func StatusText(code int) string {
	if code < 0 || code >= len(statusIndex) {
		return ""
	}
	i := statusIndex[code]
	if i == 0 {
		return ""
	}
	return statuses[i-1].Reason
}

// Statuses returns every registered status in ascending order of code. The
// slice is a fresh copy that the caller may modify.
func Statuses() []Status {
	out := make([]Status, len(statuses))
	copy(out, statuses)
	return out
}
