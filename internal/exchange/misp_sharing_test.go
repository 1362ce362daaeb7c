package exchange

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/intel"
)

// mispEvent writes a small MISP event with two indicator attributes; the
// second has its own distribution (attrDist, "" for inherit) and sharing
// group id.
func mispEvent(uuid, dist, sg, tag, attrDist, attrSG string) string {
	head := fmt.Sprintf(`"uuid": %q, "info": "Distribution test", "date": "2025-01-01", "threat_level_id": "2", "analysis": "0",
		"Orgc": {"name": "CIRCL", "uuid": "55f6ea5e-2c60-40e5-964f-47a8950d210f"}`, uuid)
	if dist != "" {
		head += fmt.Sprintf(`, "distribution": %q`, dist)
	}
	if sg != "" {
		head += fmt.Sprintf(`, "sharing_group_id": "7", "SharingGroup": {"id": "7", "name": %q, "uuid": "5cc6d2a3-8dd0-4b55-9a1b-3a1e0a0d210f"}`, sg)
	}
	if tag != "" {
		head += fmt.Sprintf(`, "Tag": [{"name": %q}]`, tag)
	}
	second := `"distribution": "5"`
	if attrDist != "" {
		second = fmt.Sprintf(`"distribution": %q, "sharing_group_id": %q`, attrDist, attrSG)
	}
	return fmt.Sprintf(`{"Event": {%s, "Attribute": [
		{"uuid": "%s-0000-4000-8000-000000000001", "type": "ip-dst", "category": "Network activity", "value": "198.51.100.1", "to_ids": true, "distribution": "5"},
		{"uuid": "%s-0000-4000-8000-000000000002", "type": "ip-dst", "category": "Network activity", "value": "198.51.100.2", "to_ids": true, %s}]}}`,
		head, uuid[:8], uuid[:8], second)
}

// TestMISPDistributionMapsToSharing imports events of each MISP
// distribution and checks who the stored objects go to.
func TestMISPDistributionMapsToSharing(t *testing.T) {
	own := func(tlp access.TLP) intel.Sharing { return intel.Sharing{TLP: tlp} }
	members := func(tlp access.TLP) intel.Sharing { return intel.Sharing{TLP: tlp, Members: true} }
	const group = "@group" // stands for the id of the sharing group "Banking sector"
	tests := []struct {
		name               string
		dist, sg, tag      string
		attrDist, attrSG   string
		wantEvent, wantSec intel.Sharing // the report and first attribute; the second attribute
		wantNote           string
	}{
		{"0: own organisation", "0", "", "tlp:green", "", "", own(access.TLPGreen), own(access.TLPGreen), ""},
		{"1: all members", "1", "", "tlp:green", "", "", members(access.TLPGreen), members(access.TLPGreen), ""},
		{"3: all members", "3", "", "tlp:amber", "", "", members(access.TLPAmber), members(access.TLPAmber), ""},
		{"3, an attribute for the own organisation", "3", "", "tlp:green", "0", "", members(access.TLPGreen), own(access.TLPGreen), ""},
		{"3, an attribute for a sharing group we cannot name", "3", "", "tlp:green", "4", "9", members(access.TLPGreen), own(access.TLPGreen), ""},
		{"4: the group of that name", "4", "Banking sector", "tlp:amber", "", "", intel.Sharing{TLP: access.TLPAmber, Groups: []string{group}}, intel.Sharing{TLP: access.TLPAmber, Groups: []string{group}}, ""},
		{"4, an attribute in the event's group", "4", "banking SECTOR", "tlp:amber", "4", "7", intel.Sharing{TLP: access.TLPAmber, Groups: []string{group}}, intel.Sharing{TLP: access.TLPAmber, Groups: []string{group}}, ""},
		{"4, an attribute for all", "4", "Banking sector", "tlp:amber", "3", "", intel.Sharing{TLP: access.TLPAmber, Groups: []string{group}}, intel.Sharing{TLP: access.TLPAmber, Groups: []string{group}}, ""},
		{"4: a group we do not have", "4", "Energy ISAC", "tlp:amber", "", "", own(access.TLPAmber), own(access.TLPAmber), NoteGroupMissing},
		{"3 but RED", "3", "", "tlp:red", "", "", own(access.TLPRed), own(access.TLPRed), NoteRedNotMembers},
		{"no distribution: the importer's choice", "", "", "tlp:green", "", "", intel.Sharing{TLP: access.TLPGreen, Orgs: []string{"org-b"}}, intel.Sharing{TLP: access.TLPGreen, Orgs: []string{"org-b"}}, ""},
		{"no TLP tag: the default", "3", "", "", "", "", members(access.TLPGreen), members(access.TLPGreen), ""},
		{"looser tag than the default", "3", "", "tlp:white", "", "", members(access.TLPGreen), members(access.TLPGreen), ""},
	}
	eachStore(t, func(t *testing.T, st *intel.Store) {
		ctx := context.Background()
		a := member("org-a")
		g, err := st.CreateGroup(ctx, a, intel.Group{Name: "Banking sector", Orgs: []string{"org-b"}})
		if err != nil {
			t.Fatal(err)
		}
		for i, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				uuid := fmt.Sprintf("%08x-1111-4111-8111-111111111111", i+1)
				doc := mispEvent(uuid, tc.dist, tc.sg, tc.tag, tc.attrDist, tc.attrSG)
				rep := importBytes(t, st, a, []byte(doc), ImportOptions{Format: MISP,
					Sharing: intel.Sharing{TLP: access.TLPGreen, Orgs: []string{"org-b"}}})
				if len(rep.Refused) > 0 {
					t.Fatalf("refused: %+v", rep.Refused)
				}
				var notes []string
				for _, n := range rep.Notes {
					notes = append(notes, n.Code)
				}
				if (tc.wantNote == "") != (len(notes) == 0) || (tc.wantNote != "" && !slices.Contains(notes, tc.wantNote)) {
					t.Errorf("notes %q, want %q", notes, tc.wantNote)
				}
				fix := func(sh intel.Sharing) intel.Sharing {
					if slices.Equal(sh.Groups, []string{group}) {
						sh.Groups = []string{g.ID}
					}
					return sh
				}
				checkSharing(t, st, a, "report--"+uuid, fix(tc.wantEvent))
				checkSharing(t, st, a, "indicator--"+uuid[:8]+"-0000-4000-8000-000000000001", fix(tc.wantEvent))
				checkSharing(t, st, a, "indicator--"+uuid[:8]+"-0000-4000-8000-000000000002", fix(tc.wantSec))
			})
		}
	})
}

// checkSharing fails unless the stored object id is shared as want.
func checkSharing(t *testing.T, st *intel.Store, a access.Actor, id string, want intel.Sharing) {
	t.Helper()
	o, err := st.Get(context.Background(), a, id)
	if err != nil {
		t.Errorf("%s: %v", id, err)
		return
	}
	got := o.Sharing
	if got.TLP != want.TLP || got.Members != want.Members || !slices.Equal(got.Groups, want.Groups) || !slices.Equal(got.Orgs, want.Orgs) {
		t.Errorf("%s shared as %+v, want %+v", strings.SplitN(id, "--", 2)[0], got, want)
	}
}
