package stix

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseTimestamp(t *testing.T) {
	cases := []struct {
		name, in string
		want     time.Time
		err      string
	}{
		{"milliseconds", "2016-04-06T20:03:48.000Z", time.Date(2016, 4, 6, 20, 3, 48, 0, time.UTC), ""},
		{"no fraction", "2016-04-06T20:03:48Z", time.Date(2016, 4, 6, 20, 3, 48, 0, time.UTC), ""},
		{"microseconds", "2014-10-31T15:52:13.127931Z", time.Date(2014, 10, 31, 15, 52, 13, 127931000, time.UTC), ""},
		{"offset instead of Z", "2016-04-06T20:03:48+01:00", time.Time{}, "must end in Z"},
		{"lower-case z", "2016-04-06T20:03:48z", time.Time{}, "must end in Z"},
		{"date only", "2016-04-06", time.Time{}, "too short"},
		{"space instead of T", "2016-04-06 20:03:48Z", time.Time{}, `expected 'T'`},
		{"empty fraction", "2016-04-06T20:03:48.Z", time.Time{}, "fraction"},
		{"month 13", "2016-13-06T20:03:48Z", time.Time{}, "not a real date"},
		{"letter in year", "20x6-04-06T20:03:48Z", time.Time{}, "digit at position 3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts, err := ParseTimestamp(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want it to say %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !ts.Time.Equal(tc.want) || ts.String() != tc.in {
				t.Errorf("got %v %q", ts.Time, ts.String())
			}
		})
	}
}

func TestTimestampText(t *testing.T) {
	// The same instant written two ways is two versions: the text is kept.
	a, _ := ParseTimestamp("2016-04-06T20:03:48Z")
	b, _ := ParseTimestamp("2016-04-06T20:03:48.000Z")
	if a.Equal(b) || !a.Time.Equal(b.Time) {
		t.Error("texts differ but instants are equal: Equal compares the text")
	}
	n := NewTimestamp(time.Date(2024, 2, 29, 23, 59, 59, 123456789, time.FixedZone("x", -5*3600)))
	if n.String() != "2024-03-01T04:59:59.123Z" {
		t.Errorf("NewTimestamp = %q", n.String())
	}
	var z Timestamp
	if !z.IsZero() || z.String() != "" {
		t.Error("zero Timestamp")
	}
}

func TestTimestampJSON(t *testing.T) {
	var v struct {
		T Timestamp `json:"t,omitzero"`
	}
	in := `{"t":"2016-04-06T20:03:48.1Z"}`
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(v)
	if string(out) != in {
		t.Errorf("round trip %s -> %s", in, out)
	}
	v.T = Timestamp{}
	if out, _ := json.Marshal(v); string(out) != "{}" {
		t.Errorf("zero written as %s", out)
	}
	for _, bad := range []string{`{"t":5}`, `{"t":"yesterday"}`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
