package httptext

import "github.com/wirelab/wirelab/httpcore"

// StatusExplanation returns a one-line explanation of status code, what it
// tells the client, in the learner's language ("en" or "zh"), and false
// when code is not registered. The engine (httpcore.LookupStatus) keeps
// only the reason phrase and the defining section; teaching lives here.
func StatusExplanation(code int, lang string) (string, bool) {
	t, ok := statusTexts[code]
	if !ok {
		return "", false
	}
	if lang == "zh" {
		return t[1], true
	}
	return t[0], true
}

// statusTexts holds, per registered status code, its explanation in
// English and in Chinese.
var statusTexts = map[int][2]string{
	httpcore.StatusContinue: {
		"Interim reply: the request head is acceptable, so a client that sent Expect: 100-continue may now send the body.",
		"临时响应：服务器已接受请求头，发送了 Expect: 100-continue 的客户端现在可以继续上传请求体。"},
	httpcore.StatusSwitchingProtocols: {
		"The server accepts the client's Upgrade request; after this response the connection speaks the new protocol.",
		"服务器同意客户端的 Upgrade 请求，此响应之后连接改用新协议（例如 WebSocket）。"},
	httpcore.StatusProcessing: {
		"WebDAV interim reply saying a long request is still being worked on, so the client should not time out yet.",
		"WebDAV 临时响应，告诉客户端耗时较长的请求仍在处理中，暂时不要判定超时。"},
	httpcore.StatusEarlyHints: {
		"Interim reply carrying Link headers so the client can preload or preconnect while the final response is built.",
		"临时响应，携带 Link 头，让客户端在最终响应生成期间提前预加载资源或预先建立连接。"},
	httpcore.StatusUploadResumptionSupported: {
		"Temporary draft registration: interim reply saying the server can resume this upload if it gets interrupted.",
		"临时注册（草案）：临时响应，表明本次上传若中断，服务器支持从断点继续上传。"},
	httpcore.StatusOK: {
		"The request succeeded; what the body holds depends on the method (the resource for GET, a result for POST).",
		"请求成功；响应体的含义取决于方法（GET 返回资源本身，POST 返回处理结果）。"},
	httpcore.StatusCreated: {
		"A new resource was created; its URI is usually given in the Location header.",
		"已创建新资源，通常在 Location 头中给出新资源的地址。"},
	httpcore.StatusAccepted: {
		"The request was queued but is not finished yet; the client should poll or wait for a callback.",
		"请求已被接收并排队，但尚未处理完成；客户端应稍后轮询或等待回调通知。"},
	httpcore.StatusNonAuthoritativeInfo: {
		"Success, but an intermediary such as a transforming proxy changed the origin server's response.",
		"请求成功，但响应内容已被中间代理等转换过，并非源服务器的原始内容。"},
	httpcore.StatusNoContent: {
		"Success with no body, typical for PUT or DELETE; the client can keep its current view unchanged.",
		"请求成功但没有响应体，常见于 PUT 或 DELETE；客户端无需刷新当前页面。"},
	httpcore.StatusResetContent: {
		"Success; the client should reset the form or document that sent the request, e.g. clear its input fields.",
		"请求成功；客户端应重置发起请求的文档或表单，比如清空输入框。"},
	httpcore.StatusPartialContent: {
		"Only the byte ranges asked for with a Range header are sent; this is how resumable downloads work.",
		"只返回 Range 头所请求的字节范围，常用于断点续传和分段下载。"},
	httpcore.StatusMultiStatus: {
		"WebDAV: the XML body carries a separate status for each of the resources touched by one request.",
		"WebDAV：XML 响应体中分别列出一次请求所涉及的多个资源各自的状态。"},
	httpcore.StatusAlreadyReported: {
		"WebDAV bindings: members of this collection were already listed earlier in the same 207 response.",
		"WebDAV 绑定扩展：该集合的成员已在同一个 207 响应的前文中列出，不再重复。"},
	httpcore.StatusIMUsed: {
		"Delta encoding: the body is the result of instance manipulations (such as a diff) applied to the resource.",
		"增量编码：响应体是对当前资源实例施加某种操作（如差异补丁）后的结果。"},
	httpcore.StatusMultipleChoices: {
		"Several representations exist; the client or user picks one, and Location may name the preferred choice.",
		"资源有多种可选表示；由客户端或用户挑选其一，服务器可用 Location 给出首选项。"},
	httpcore.StatusMovedPermanently: {
		"The resource now lives at the URI in Location for good; update links. Clients may turn POST into GET.",
		"资源已永久迁移到 Location 所指的新地址，应更新链接；重定向时客户端可能把 POST 改为 GET。"},
	httpcore.StatusFound: {
		"The resource is temporarily at the URI in Location; keep using the old URI. Clients may turn POST into GET.",
		"资源暂时位于 Location 所指的地址，以后仍应使用原地址；客户端可能把 POST 改为 GET。"},
	httpcore.StatusSeeOther: {
		"Get the result with a GET to the URI in Location; common after a form POST to avoid double submission.",
		"请用 GET 访问 Location 所指的地址获取结果，常在表单 POST 之后使用以避免重复提交。"},
	httpcore.StatusNotModified: {
		"Answer to a conditional GET: the client's cached copy is still valid, so no body is sent; use the cache.",
		"对条件 GET 的回应：客户端缓存的副本仍然有效，因此不返回响应体，直接使用缓存即可。"},
	httpcore.StatusUseProxy: {
		"Deprecated: told the client to retry via the proxy in Location; clients ignore it for security reasons.",
		"已弃用：要求客户端通过 Location 指定的代理重新请求，出于安全考虑客户端不再遵从。"},
	httpcore.StatusSwitchProxy: {
		"Once proposed in a draft as Switch Proxy but never standardized; now reserved and must not be sent.",
		"曾在草案中被提议为 Switch Proxy，但从未标准化；现仅作保留，不应再发送。"},
	httpcore.StatusTemporaryRedirect: {
		"Like 302, but the client must repeat the same method and body at the temporary URI in Location.",
		"与 302 类似，但客户端必须以相同的方法和请求体访问 Location 所指的临时地址。"},
	httpcore.StatusPermanentRedirect: {
		"Like 301, but the method and body must stay the same when following the new permanent URI in Location.",
		"与 301 类似，但跟随 Location 访问新的永久地址时不得改变请求方法和请求体。"},
	httpcore.StatusBadRequest: {
		"The server won't process the request because of a client error such as malformed syntax; fix it first.",
		"请求存在客户端错误（如语法不正确），服务器无法处理；修正后再重试。"},
	httpcore.StatusUnauthorized: {
		"Valid credentials are missing or wrong; the WWW-Authenticate header says how to authenticate.",
		"缺少有效的身份认证凭据或凭据错误；请按 WWW-Authenticate 头的提示进行认证。"},
	httpcore.StatusPaymentRequired: {
		"Reserved for future use; some APIs send it when a subscription, quota or payment is needed.",
		"保留供将来使用；部分 API 在需要订阅、额度或付费时返回它。"},
	httpcore.StatusForbidden: {
		"The server understood the request but refuses it; unlike 401, other credentials will not help.",
		"服务器理解请求但拒绝执行；与 401 不同，换用其他凭据也无济于事。"},
	httpcore.StatusNotFound: {
		"Nothing is available at this URI right now, or the server prefers not to reveal that something is.",
		"该地址下没有找到资源，或者服务器不愿透露资源是否存在。"},
	httpcore.StatusMethodNotAllowed: {
		"The resource does not support this method; the Allow header lists the methods it does support.",
		"该资源不支持此请求方法；响应中的 Allow 头列出了可用的方法。"},
	httpcore.StatusNotAcceptable: {
		"Content negotiation failed: no representation matches the request's Accept headers; relax or drop them.",
		"内容协商失败：没有符合请求 Accept 系列头要求的表示，可放宽或去掉这些条件。"},
	httpcore.StatusProxyAuthRequired: {
		"Like 401, but the client must authenticate to the proxy; see the Proxy-Authenticate header.",
		"与 401 类似，但需要先向代理服务器认证；请参考 Proxy-Authenticate 头。"},
	httpcore.StatusRequestTimeout: {
		"The server stopped waiting for the complete request and may close the connection; the client may retry.",
		"服务器等待完整请求超时，可能会关闭连接；客户端可以重新发送请求。"},
	httpcore.StatusConflict: {
		"The request clashes with the resource's current state, e.g. an edit conflict; resolve it and resend.",
		"请求与资源的当前状态冲突（如编辑冲突）；解决冲突后再重新提交。"},
	httpcore.StatusGone: {
		"The resource was removed on purpose and will not come back; clients should drop links to it.",
		"资源已被有意删除且不会恢复；客户端应移除指向它的链接。"},
	httpcore.StatusLengthRequired: {
		"The server refuses a request body that has no Content-Length header; add one and retry.",
		"服务器拒绝不带 Content-Length 头的请求体；补上该头后重试。"},
	httpcore.StatusPreconditionFailed: {
		"A condition such as If-Match or If-Unmodified-Since evaluated to false; fetch a fresh copy and retry.",
		"If-Match、If-Unmodified-Since 等条件头的判断结果为假；应重新获取资源后再试。"},
	httpcore.StatusContentTooLarge: {
		"The request body is bigger than the server will take; it may close the connection or send Retry-After.",
		"请求体超过了服务器愿意接受的大小；服务器可能关闭连接，或用 Retry-After 提示稍后再试。"},
	httpcore.StatusURITooLong: {
		"The target URI is longer than the server will handle; often data that belonged in a POST body.",
		"请求的 URI 超过服务器可处理的长度，常见原因是本应放在 POST 请求体中的数据被塞进了查询串。"},
	httpcore.StatusUnsupportedMediaType: {
		"The body's Content-Type or Content-Encoding is not supported; the reply may list accepted ones.",
		"服务器不支持请求体的 Content-Type 或 Content-Encoding；响应中可能列出可接受的类型。"},
	httpcore.StatusRangeNotSatisfiable: {
		"None of the requested ranges overlap the resource; Content-Range reports its current length.",
		"所请求的范围与资源内容没有交集；Content-Range 头会给出资源的当前长度。"},
	httpcore.StatusExpectationFailed: {
		"The server cannot meet the request's Expect header; retry without it (e.g. without 100-continue).",
		"服务器无法满足请求中 Expect 头的要求；可去掉 Expect（如 100-continue）后重试。"},
	httpcore.StatusTeapot: {
		"Began as the April Fools' \"I'm a teapot\" joke (RFC 2324); so widely copied that it is reserved, never reused.",
		"源于愚人节玩笑 RFC 2324 中的“我是茶壶”，因被广泛实现而保留，不会再分配给其他用途。"},
	httpcore.StatusMisdirectedRequest: {
		"This server can't answer for the request's origin (e.g. a wrongly reused connection); retry on a new one.",
		"请求发到了无法为该源站提供响应的服务器（如错误地复用了连接）；客户端可换新连接重试。"},
	httpcore.StatusUnprocessableContent: {
		"Syntax and media type are fine but the content is semantically invalid, e.g. it fails validation.",
		"请求语法和媒体类型都没问题，但内容在语义上无效，例如字段校验失败。"},
	httpcore.StatusLocked: {
		"WebDAV: the source or destination resource is locked; wait for release or send the lock token.",
		"WebDAV：源资源或目标资源已被锁定；等待解锁或在请求中提供锁令牌。"},
	httpcore.StatusFailedDependency: {
		"WebDAV: this action was skipped because another action it depended on failed.",
		"WebDAV：由于所依赖的另一项操作失败，本操作未被执行。"},
	httpcore.StatusTooEarly: {
		"The server won't risk a request sent in TLS early data, which can be replayed; retry after the handshake.",
		"服务器不愿处理以 TLS 早期数据（可被重放）发送的请求；请在握手完成后重试。"},
	httpcore.StatusUpgradeRequired: {
		"The server refuses the current protocol; its Upgrade header names the protocol the client must switch to.",
		"服务器拒绝使用当前协议处理请求；Upgrade 头指明客户端必须切换到的协议。"},
	httpcore.StatusPreconditionRequired: {
		"The server insists on a conditional request (e.g. If-Match) to avoid lost updates; add one and retry.",
		"服务器要求请求必须带条件（如 If-Match），以防止更新丢失；补上条件头后重试。"},
	httpcore.StatusTooManyRequests: {
		"Rate limit exceeded; slow down and retry after the delay in Retry-After, if one is given.",
		"请求频率超出限制；应降低频率，若有 Retry-After 头则等待其指定的时间后再试。"},
	httpcore.StatusRequestHeaderFieldsTooLarge: {
		"One header field, or the header section as a whole, is too big; trim it (often cookies) and retry.",
		"单个请求头或整个请求头部过大（常见原因是 Cookie 过多）；精简后重试。"},
	httpcore.StatusUnavailableForLegalReasons: {
		"Access is refused because of a legal demand, such as a court order or government censorship.",
		"因法律要求（如法院命令或政府审查）而无法提供该资源。"},
	httpcore.StatusInternalServerError: {
		"Something unexpected went wrong on the server; the generic catch-all for server-side failures.",
		"服务器遇到意外情况，无法完成请求；这是最通用的服务器端错误。"},
	httpcore.StatusNotImplemented: {
		"The server lacks the functionality the request needs, such as support for an unknown method.",
		"服务器不支持完成该请求所需的功能，例如无法识别的请求方法。"},
	httpcore.StatusBadGateway: {
		"A gateway or proxy received an invalid response from the upstream server it contacted.",
		"网关或代理从上游服务器收到了无效的响应。"},
	httpcore.StatusServiceUnavailable: {
		"The server is temporarily overloaded or in maintenance; retry later, honoring Retry-After if present.",
		"服务器暂时过载或正在维护；请稍后重试，若有 Retry-After 头请按其等待。"},
	httpcore.StatusGatewayTimeout: {
		"A gateway or proxy did not get a response from the upstream server in time.",
		"网关或代理未能及时从上游服务器获得响应。"},
	httpcore.StatusHTTPVersionNotSupported: {
		"The server refuses the HTTP major version used in the request; retry with a supported version.",
		"服务器不支持请求所用的 HTTP 主版本；请换用受支持的版本重试。"},
	httpcore.StatusVariantAlsoNegotiates: {
		"Server misconfiguration: in transparent negotiation the chosen variant negotiates again, forming a loop.",
		"服务器配置错误：透明内容协商中选中的变体本身又要协商，形成循环。"},
	httpcore.StatusInsufficientStorage: {
		"WebDAV: the server cannot store what it needs to complete the request, e.g. because the disk is full.",
		"WebDAV：服务器没有足够的存储空间来完成请求，例如磁盘已满。"},
	httpcore.StatusLoopDetected: {
		"WebDAV: the server found an infinite loop while handling a Depth: infinity request and gave up.",
		"WebDAV：服务器在处理 Depth: infinity 请求时检测到无限循环，已终止操作。"},
	httpcore.StatusNotExtended: {
		"Obsolete, as RFC 2774 is Historic: the request lacked an HTTP extension declaration the server requires.",
		"已废弃（RFC 2774 已归为历史文档）：请求缺少服务器所要求的 HTTP 扩展声明。"},
	httpcore.StatusNetworkAuthenticationRequired: {
		"Sent by captive portals: the client must sign in to the network (e.g. hotel Wi-Fi) before going further.",
		"由强制门户（如酒店 Wi-Fi）返回：客户端需要先登录网络才能访问外部资源。"},
}
