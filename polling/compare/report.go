package compare

import (
	"bytes"
	"fmt"
	"html/template"
	"io"

	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// transportColors gives each transport the same colour in every chart.
var transportColors = map[string]drawing.Color{
	"short": drawing.ColorFromHex("d9534f"),
	"long":  drawing.ColorFromHex("f0ad4e"),
	"sse":   drawing.ColorFromHex("5bc0de"),
	"ws":    drawing.ColorFromHex("5cb85c"),
}

var (
	payloadColor  = drawing.ColorFromHex("4a90d9")
	overheadColor = drawing.ColorFromHex("b0b0b0")
)

// WriteHTMLReport writes res as one self-contained HTML page: the table and
// SVG charts drawn by go-chart, with no script and nothing to fetch, so it
// opens offline.
func WriteHTMLReport(w io.Writer, res *CompareResult) error {
	type chartSVG struct {
		Title, Note string
		SVG         template.HTML
	}
	var charts []chartSVG
	add := func(title, note string, c interface {
		Render(chart.RendererProvider, io.Writer) error
	}) error {
		var buf bytes.Buffer
		if err := c.Render(chart.SVG, &buf); err != nil {
			return fmt.Errorf("polling: drawing %q: %w", title, err)
		}
		charts = append(charts, chartSVG{title, note, template.HTML(buf.String())})
		return nil
	}

	bars := func(title string, unit string, value func(TransportResult) float64) chart.BarChart {
		bc := chart.BarChart{
			Title:      title,
			Width:      720,
			Height:     320,
			BarWidth:   90,
			Background: chart.Style{Padding: chart.Box{Top: 40}},
			XAxis:      chart.Style{FontSize: 10},
			YAxis:      chart.YAxis{Style: chart.Style{FontSize: 10}},
		}
		top := 0.0
		for _, r := range res.Transports {
			top = max(top, value(r))
		}
		if top <= 0 {
			top = 1
		}
		// From zero, so bar heights compare honestly.
		bc.YAxis.Range = &chart.ContinuousRange{Min: 0, Max: top * 1.1}
		for _, r := range res.Transports {
			c := transportColors[r.Name]
			v := value(r)
			bc.Bars = append(bc.Bars, chart.Value{
				Label: fmt.Sprintf("%s %.4g%s", r.Name, v, unit),
				Value: max(v, 1e-6), // go-chart needs a range above zero
				Style: chart.Style{FillColor: c, StrokeColor: c},
			})
		}
		return bc
	}
	if err := add("Bytes per message", "both directions, counted at the socket, per message delivered", bars("Bytes on the wire per message delivered", "", func(r TransportResult) float64 { return r.BytesPerMessage })); err != nil {
		return err
	}
	stacked := chart.StackedBarChart{
		Title:      "Share of the wire: payload and overhead",
		Width:      720,
		Height:     360,
		Background: chart.Style{Padding: chart.Box{Top: 40}},
		XAxis:      chart.Style{FontSize: 10},
		YAxis:      chart.Style{FontSize: 10},
	}
	for _, r := range res.Transports {
		payload := r.BytesPerMessage - r.OverheadBytesPerMessage
		stacked.Bars = append(stacked.Bars, chart.StackedBar{
			Name: r.Name,
			Values: []chart.Value{
				{Label: fmt.Sprintf("payload %.0f", payload), Value: max(payload, 0.001), Style: chart.Style{FillColor: payloadColor, StrokeColor: payloadColor}},
				{Label: fmt.Sprintf("overhead %.0f", r.OverheadBytesPerMessage), Value: max(r.OverheadBytesPerMessage, 0.001), Style: chart.Style{FillColor: overheadColor, StrokeColor: overheadColor}},
			},
		})
	}
	if err := add("Payload and overhead", "blue: payload; grey: headers, framing, handshakes and the JSON envelope, as a share of each message's bytes", stacked); err != nil {
		return err
	}

	if err := add("Latency p50", "from publish to delivery", bars("Delivery latency p50 (ms)", "ms", func(r TransportResult) float64 { return r.Latency.P50 })); err != nil {
		return err
	}
	if err := add("Latency p99", "", bars("Delivery latency p99 (ms)", "ms", func(r TransportResult) float64 { return r.Latency.P99 })); err != nil {
		return err
	}
	if err := add("HTTP requests per message", "", bars("HTTP requests per message delivered", "", func(r TransportResult) float64 { return r.RequestsPerMessage })); err != nil {
		return err
	}
	if err := add("Server CPU", "", bars("Server CPU time (s)", "s", func(r TransportResult) float64 { return r.ServerCPUSeconds })); err != nil {
		return err
	}
	return reportPage.Execute(w, struct {
		Res    *CompareResult
		Charts []chartSVG
	}{res, charts})
}

var reportPage = template.Must(template.New("report").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>wirelab compare: polling, SSE and WebSocket</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
figure { display: inline-block; margin: 1em; vertical-align: top; }
figure svg { width: 720px; height: auto; }
figcaption { font-size: 12px; color: #666; max-width: 720px; }
</style></head><body>
<h1>Short polling, long polling, SSE and WebSocket, measured</h1>
<p>{{.Res.Config.Clients}} clients per transport, {{.Res.Config.Rate}} message(s)/s for {{.Res.Config.DurationSeconds}}s,
payload {{.Res.Config.Payload}} bytes, short-poll interval {{.Res.Config.IntervalSeconds}}s{{if .Res.Config.BrowserHeaders}}, browser-sized request headers{{end}}.
Bytes are counted at the client sockets, both directions; overhead is everything but the payload.</p>
<table>
<tr><th>transport</th><th>delivered</th><th>lost</th><th>dup</th><th>bytes/msg</th><th>overhead/msg</th><th>down</th><th>up</th><th>requests</th><th>req/msg</th><th>conns</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>server CPU s</th></tr>
{{range .Res.Transports}}<tr><td>{{.Name}}</td><td>{{.Delivered}}</td><td>{{.Lost}}</td><td>{{.Duplicated}}</td><td>{{.BytesPerMessage}}</td><td>{{.OverheadBytesPerMessage}}</td><td>{{.BytesDown}}</td><td>{{.BytesUp}}</td><td>{{.Requests}}</td><td>{{.RequestsPerMessage}}</td><td>{{.Connections}}</td><td>{{.Latency.P50}}</td><td>{{.Latency.P95}}</td><td>{{.Latency.P99}}</td><td>{{.ServerCPUSeconds}} ({{.CPUScope}})</td></tr>
{{end}}</table>
{{range .Charts}}<figure>{{.SVG}}<figcaption>{{.Title}}{{if .Note}}: {{.Note}}{{end}}</figcaption></figure>
{{end}}
</body></html>
`))
