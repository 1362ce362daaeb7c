package valid

import (
	"strings"
	"testing"
)

func TestIsEmail(t *testing.T) {
	cases := []struct {
		name string
		v    string
		want bool
	}{
		{"plain", "cert@example.org", true},
		{"national domain", "incidentes@cert.example.gob.mx", true},
		{"dots and plus in the local part", "first.last+tag@example.org", true},
		{"empty", "", false},
		{"no at sign", "cert.example.org", false},
		{"no dot in the domain", "cert@localhost", false},
		{"display name", "CERT <cert@example.org>", false},
		{"angle brackets", "<cert@example.org>", false},
		{"leading space", " cert@example.org", false},
		{"two addresses", "cert@example.org, soc@example.org", false},
		{"two at signs", "cert@@example.org", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsEmail(tc.v); got != tc.want {
				t.Errorf("IsEmail(%q) = %v, want %v", tc.v, got, tc.want)
			}
		})
	}
}

func TestIsPhone(t *testing.T) {
	cases := []struct {
		name string
		v    string
		want bool
	}{
		{"international", "+52 55 5555 0100", true},
		{"brackets and dashes", "(555) 010-0100", true},
		{"dots", "555.0100", true},
		{"five digits", "12345", true},
		{"twenty digits", strings.Repeat("1", 20), true},
		{"forty bytes", "12345" + strings.Repeat(" ", 35), true},
		{"empty", "", false},
		{"four digits", "1234", false},
		{"twenty-one digits", strings.Repeat("1", 21), false},
		{"forty-one bytes", "12345" + strings.Repeat(" ", 36), false},
		{"plus not first", "52+55 5555 0100", false},
		{"only a plus", "+", false},
		{"letters", "call 5555 0100", false},
		{"extension", "5555 0100 ext 12", false},
		{"other digits", "٥٥٥٥٥٥", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsPhone(tc.v); got != tc.want {
				t.Errorf("IsPhone(%q) = %v, want %v", tc.v, got, tc.want)
			}
		})
	}
}
