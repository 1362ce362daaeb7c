package stix

import (
	"testing"
)

func TestValidID(t *testing.T) {
	cases := []struct {
		id string
		ok bool
	}{
		{"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", true},
		{"x-mitre-tactic--2558fd61-8c75-4730-94c4-11926db2a263", true},
		{"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd", true}, // UUIDv5
		{"INDICATOR--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", false},
		{"indicator-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", false},
		{"indicator--8e2e2d2b17d44cbf938f98ee46b3cd3f", false},
		{"indicator--8e2e2d2b-17d4-0cbf-938f-98ee46b3cd3f", false}, // version 0
		{"indicator--8e2e2d2b-17d4-4cbf-738f-98ee46b3cd3f", false}, // variant
		{"ab--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", false},        // type too short
		{"in--dicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", false},
		{"", false},
	}
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) {
			if got := ValidID(tc.id); got != tc.ok {
				t.Errorf("ValidID = %v, want %v", got, tc.ok)
			}
		})
	}
}

func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := NewID("report")
		if !ValidID(id) || IDType(id) != "report" || id[len("report--")+14] != '4' {
			t.Fatalf("NewID = %q", id)
		}
		if seen[id] {
			t.Fatalf("NewID repeated %q", id)
		}
		seen[id] = true
	}
}

// TestSCOID checks deterministic ids against UUIDv5 values computed with
// Python's uuid.uuid5 over the same canonical JSON.
func TestSCOID(t *testing.T) {
	cases := []struct {
		name string
		got  string
		want string
	}{
		{"ipv4-addr", NewIPv4Addr("198.51.100.3").ID, "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"},
		{"file MD5 and name", NewFile(map[string]string{"SHA-256": "bb", "MD5": "aa"}, "é.exe").ID, "file--35c07ec4-4e00-52d3-9051-f17410f901a8"},
		{"autonomous-system", NewAutonomousSystem(15139, "x").ID, "autonomous-system--3aa27478-50b5-5ab8-9da9-cdc12b657fff"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %s, want %s", tc.got, tc.want)
			}
		})
	}
	if NewDomainName("a.example").ID != NewDomainName("a.example").ID {
		t.Error("the same value gives two ids")
	}
	if id := SCOID("file", nil); !ValidID(id) || id[len("file--")+14] != '4' {
		t.Errorf("no contributing properties: want a random id, got %s", id)
	}
}
