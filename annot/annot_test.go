package annot_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/wirelab/wirelab/annot"
)

func TestSegmentJSON(t *testing.T) {
	tests := []struct {
		name string
		seg  annot.Segment
		want string
	}{
		{"text keeps CR LF readable", annot.Segment{Offset: 0, Kind: "request-line", Raw: []byte("GET / HTTP/1.1\r\n"), Note: "n"},
			`{"offset":0,"length":16,"kind":"request-line","raw":"GET / HTTP/1.1\r\n","note":"n"}`},
		{"bytes that are not UTF-8 also in base64", annot.Segment{Offset: 3, Kind: "body", Raw: []byte{0xff, 'a'}, Note: "n"},
			`{"offset":3,"length":2,"kind":"body","raw":"\ufffda","raw_base64":"/2E=","note":"n"}`},
		{"empty", annot.Segment{Offset: 27, Kind: "body", Note: "none"},
			`{"offset":27,"length":0,"kind":"body","raw":"","note":"none"}`},
	}
	for _, tt := range tests {
		got, err := json.Marshal(tt.seg)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if string(got) != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
		}
	}
}

// ExampleSegment shows a segment of an HTTP request as JSON.
func ExampleSegment() {
	s := annot.Segment{Offset: 16, Kind: "field", Raw: []byte("Host: a\r\n"), Note: `Host = "a"`}
	b, _ := json.Marshal(s)
	fmt.Println(string(b))
	// Output:
	// {"offset":16,"length":9,"kind":"field","raw":"Host: a\r\n","note":"Host = \"a\""}
}
