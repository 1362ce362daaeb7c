package misp

import (
	"testing"
)

func TestTLPFromTags(t *testing.T) {
	tests := []struct {
		name  string
		tags  []string
		want  string
		found bool
	}{
		{"none", []string{"osint:source-type=\"blog-post\""}, "", false},
		{"empty", nil, "", false},
		{"white is clear", []string{"tlp:white"}, "clear", true},
		{"clear", []string{"tlp:clear"}, "clear", true},
		{"green", []string{"tlp:green"}, "green", true},
		{"amber+strict", []string{"tlp:amber+strict"}, "amber+strict", true},
		{"case and spaces", []string{" TLP:Red "}, "red", true},
		{"strictest wins", []string{"tlp:white", "tlp:red", "tlp:amber"}, "red", true},
		{"amber+strict over amber", []string{"tlp:amber", "tlp:amber+strict"}, "amber+strict", true},
		{"not TLP: other namespace", []string{"tlp-like:red", "tlp:ex:chr"}, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tags := make([]Tag, len(tc.tags))
			for i, n := range tc.tags {
				tags[i] = Tag{Name: n}
			}
			got, found := TLPFromTags(tags)
			if got != tc.want || found != tc.found {
				t.Errorf("TLPFromTags(%q) = %q, %v; want %q, %v", tc.tags, got, found, tc.want, tc.found)
			}
		})
	}
	if TLPTag("amber+strict") != "tlp:amber+strict" || TLPTag("white") != "" {
		t.Error("TLPTag does not write TLP 2.0 levels as MISP tags")
	}
}

func TestDistributionWords(t *testing.T) {
	tests := []struct {
		d         Distribution
		text, key string
		effective Distribution
		valid     bool
	}{
		{DistributionOrganisation, "Your organisation only", "misp.distribution.organisation", DistributionOrganisation, true},
		{DistributionCommunity, "This community only", "misp.distribution.community", DistributionCommunity, true},
		{DistributionConnected, "Connected communities", "misp.distribution.connected", DistributionConnected, true},
		{DistributionAll, "All communities", "misp.distribution.all", DistributionAll, true},
		{DistributionSharingGroup, "Sharing group", "misp.distribution.sharing_group", DistributionSharingGroup, true},
		{DistributionInherit, "Inherit event", "misp.distribution.inherit", DistributionCommunity, true},
		{Unset, "Not set", "misp.distribution.unset", Unset, false},
		{9, "Unknown", "misp.distribution.unknown", 9, false},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			if tc.d.String() != tc.text || tc.d.Key() != tc.key || tc.d.Effective(DistributionCommunity) != tc.effective || tc.d.Valid() != tc.valid {
				t.Errorf("%d: %q %q %d %v", tc.d, tc.d.String(), tc.d.Key(), tc.d.Effective(DistributionCommunity), tc.d.Valid())
			}
		})
	}
}
