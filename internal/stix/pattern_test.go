package stix

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// TestParsePatternValid parses patterns from the specification's examples
// (section 9) and checks the canonical form, which must parse back to
// itself.
func TestParsePatternValid(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"equality", "[ipv4-addr:value = '198.51.100.1']", ""},
		{"spaces inside brackets", "[ ipv4-addr:value = '10.0.0.0' ]", "[ipv4-addr:value = '10.0.0.0']"},
		{"double equals and <>", "[a-b:c == 1 AND a-b:d <> 2]", "[a-b:c = 1 AND a-b:d != 2]"},
		{"quoted hash key", "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']", ""},
		{"comparison OR", "[file:hashes.MD5 = 'a' OR file:hashes.'SHA-1' = 'b']", ""},
		{"AND binds tighter than OR", "[a:b = 1 OR a:c = 2 AND a:d = 3]", "[a:b = 1 OR (a:c = 2 AND a:d = 3)]"},
		{"parenthesised comparison", "[(a:b = 1 OR a:c = 2) AND a:d = 3]", "[(a:b = 1 OR a:c = 2) AND a:d = 3]"},
		{"IN set", "[ipv4-addr:value IN ('198.51.100.1', '198.51.100.2')]", ""},
		{"empty IN set", "[x-a:b IN ()]", ""},
		{"NOT", "[file:name NOT = 'a.exe']", ""},
		{"LIKE", "[directory:path LIKE 'C:\\\\Windows\\\\%\\\\foo']", ""},
		{"MATCHES with escaped backslash", "[file:name MATCHES '^Final Report.+\\\\.exe$']", ""},
		{"ISSUBSET", "[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']", ""},
		{"ISSUPERSET", "[ipv4-addr:value ISSUPERSET '198.51.100.0/24']", ""},
		{"EXISTS", "[EXISTS windows-registry-key:values]", ""},
		{"list index and star", "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]", ""},
		{"negative index", "[x-a:b[-1] = 1]", ""},
		{"boolean", "[email-message:is_multipart = true]", ""},
		{"timestamp literal", "[file:created = t'2016-01-01T00:00:00Z']", ""},
		{"hex and binary", "[file:magic_number_hex = h'ffd8' AND artifact:payload_bin = b'dGhpcyBpcyBhIHRlc3Q=']", ""},
		{"floats and signs", "[x-a:b > -1.5 AND x-a:c < +2 AND x-a:d >= .5 AND x-a:e <= 0]", ""},
		{"escaped quote", "[file:name = 'O\\'Brien.doc']", ""},
		{"observation AND", "[a:b = 1] AND [c:d = 2]", ""},
		{"FOLLOWEDBY lowest", "[a:b = 1] OR [c:d = 2] FOLLOWEDBY [e:f = 3]", "([a:b = 1] OR [c:d = 2]) FOLLOWEDBY [e:f = 3]"},
		{"WITHIN", "([file:hashes.MD5 = 'a'] AND [win-registry-key:key = 'b']) WITHIN 120 SECONDS", ""},
		{"REPEATS", "[file:name = 'x'] REPEATS 5 TIMES", ""},
		{"START STOP", "[ipv4-addr:value = '203.0.113.1'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'", ""},
		{"qualifiers chain", "[a:b = 1] REPEATS 2 TIMES WITHIN 1.5 SECONDS", ""},
		{"comments and newlines", "[a:b = 1] /* first */\n AND // second\n [c:d = 2]", "[a:b = 1] AND [c:d = 2]"},
		{"quoted first component", "[x-a:'b c' = 1]", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePattern(tc.in)
			if err != nil {
				t.Fatalf("ParsePattern(%q): %v", tc.in, err)
			}
			want := tc.want
			if want == "" {
				want = tc.in
			}
			got := p.String()
			if got != want {
				t.Errorf("String() = %q, want %q", got, want)
			}
			again, err := ParsePattern(got)
			if err != nil || again.String() != got {
				t.Errorf("canonical form does not parse to itself: %v, %q", err, again)
			}
		})
	}
}

// TestParsePatternErrors checks that a bad pattern is refused with the
// column where it goes wrong and what was expected there.
func TestParsePatternErrors(t *testing.T) {
	cases := []struct {
		name, in string
		column   int
		message  string // a regular expression the message must match
	}{
		{"empty", "  ", 3, "empty"},
		{"no brackets", "ipv4-addr:value = '1.2.3.4'", 1, `expected "\[" to start an observation`},
		{"unclosed observation", "[a:b = 1", 9, `"\]" to close the observation opened at column 1`},
		{"missing operator", "[a:b 1]", 6, "expected a comparison operator .* after a:b"},
		{"missing value", "[a:b = ]", 8, "expected a value"},
		{"unterminated string", "[a:b = 'abc]", 8, "no closing quote"},
		{"bad escape", `[a:b = 'x\n']`, 10, `only \\' and \\\\ are escapes`},
		{"unquoted hyphen key", "[file:hashes.SHA-256 = 'x']", 17, "must be quoted"},
		{"no colon", "[file.name = 'x']", 6, `expected ":" after the object type`},
		{"LIKE with number", "[a:b LIKE 1]", 11, "LIKE compares with a string"},
		{"greater than boolean", "[a:b > true]", 8, "cannot compare with a boolean"},
		{"leading zero", "[a:b = 01]", 8, "leading zero"},
		{"timestamp without Z", "[a:b = t'2016-01-01T00:00:00+01:00']", 8, "must end in Z"},
		{"bad hex", "[a:b = h'abc']", 8, "pairs of hexadecimal digits"},
		{"bad base64", "[a:b = b'abc']", 8, "base64"},
		{"WITHIN zero", "[a:b = 1] WITHIN 0 SECONDS", 18, "positive number of seconds"},
		{"WITHIN without SECONDS", "[a:b = 1] WITHIN 5", 19, "expected SECONDS"},
		{"REPEATS float", "[a:b = 1] REPEATS 1.5 TIMES", 19, "positive whole number"},
		{"START string", "[a:b = 1] START '2016-01-01T00:00:00Z' STOP '2017-01-01T00:00:00Z'", 17, "expected a timestamp"},
		{"STOP before START", "[a:b = 1] START t'2017-01-01T00:00:00Z' STOP t'2016-01-01T00:00:00Z'", 46, "later than START"},
		{"trailing junk", "[a:b = 1] junk", 11, "expected AND, OR, FOLLOWEDBY"},
		{"lower-case keyword", "[a:b = 1] and [c:d = 2]", 11, "expected AND"},
		{"IN without set", "[a:b IN 'x']", 9, `expected "\(" to start the set`},
		{"set without comma", "[a:b IN ('x' 'y')]", 14, `expected "," or "\)"`},
		{"unclosed group", "([a:b = 1]", 11, `expected .* "\)"`},
		{"index not a number", "[a:b[x] = 1]", 6, "list index"},
		{"column counts characters", "[a:b = 'é'] x", 13, "expected AND"},
		{"deep nesting", strings.Repeat("(", 200) + "[a:b = 1]" + strings.Repeat(")", 200), 101, "nested more than"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePattern(tc.in)
			var pe *PatternError
			if !errors.As(err, &pe) {
				t.Fatalf("ParsePattern(%q) = %v, want a *PatternError", tc.in, err)
			}
			if pe.Column != tc.column {
				t.Errorf("column %d, want %d (%v)", pe.Column, tc.column, pe)
			}
			if !regexp.MustCompile(tc.message).MatchString(pe.Message) {
				t.Errorf("message %q does not match %q", pe.Message, tc.message)
			}
		})
	}
}

// TestParsePatternSamples parses every indicator pattern of the real
// samples.
func TestParsePatternSamples(t *testing.T) {
	n := 0
	for _, s := range allSamples(t) {
		for i, raw := range s.bundle.Objects {
			o, err := Decode(raw)
			if err != nil {
				t.Fatal(err)
			}
			ind, ok := o.(*Indicator)
			if !ok || ind.PatternType != "stix" {
				continue
			}
			n++
			if _, err := ParsePattern(ind.Pattern); err != nil {
				t.Errorf("%s objects[%d]: %q: %v", s.name, i, ind.Pattern, err)
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d indicators found in the samples", n)
	}
}
