package exchange

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"sort"
	"strings"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/intel"
	"atalaya/internal/sharedtest"
	"atalaya/internal/stix"
)

// TestExportHoldsOnlyWhatTheReaderMaySee shares objects of every TLP and
// distribution from one organisation, then exports as people of others in
// every format: each exported object must be one access.CanSeeIntel lets
// the reader see, and everything it lets them see must be there.
func TestExportHoldsOnlyWhatTheReaderMaySee(t *testing.T) {
	bundle := readFile(t, sharedtest.Path(t, "stix", "examples", "oasis-cti-documentation", "malware-indicator-for-file-hash.json"))
	eachStore(t, func(t *testing.T, st *intel.Store) {
		ctx := context.Background()
		creator := member("org-a")
		g, err := st.CreateGroup(ctx, creator, intel.Group{Name: "Banking sector", Orgs: []string{"org-b"}})
		if err != nil {
			t.Fatalf("creating the sharing group: %v", err)
		}
		shares := []struct {
			value string
			sh    intel.Sharing
		}{
			{"198.51.100.1", intel.Sharing{TLP: access.TLPRed, Orgs: []string{"org-b"}}},
			{"198.51.100.2", intel.Sharing{TLP: access.TLPAmber, Groups: []string{g.ID}}},
			{"198.51.100.3", intel.Sharing{TLP: access.TLPGreen, Members: true}},
			{"198.51.100.4", intel.Sharing{TLP: access.TLPAmberStrict}},
			{"198.51.100.5", intel.Sharing{TLP: access.TLPClear, Orgs: []string{"org-c"}}},
			{"198.51.100.6", intel.Sharing{TLP: access.TLPAmber, Members: true}},
		}
		for _, s := range shares {
			rep := importBytes(t, st, creator, []byte("value\n"+s.value+"\n"), ImportOptions{Format: CSV, Sharing: s.sh})
			if len(rep.Accepted) != 1 {
				t.Fatalf("sharing %s: %+v", s.value, rep)
			}
		}
		rep := importBytes(t, st, creator, bundle, ImportOptions{Format: STIX, Sharing: intel.Sharing{TLP: access.TLPRed, Orgs: []string{"org-b"}}})
		if len(rep.Refused) > 0 || len(rep.Accepted) == 0 {
			t.Fatalf("sharing the bundle: %+v", rep)
		}
		expert := access.Actor{UserID: "expert-d", Name: "expert@org-d.example", OrgID: "org-d", Roles: []access.Role{access.Expert}}
		readers := []struct {
			name   string
			a      access.Actor
			values []string // the CSV indicators they must find, sorted
		}{
			{"creator", creator, []string{"198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4", "198.51.100.5", "198.51.100.6"}},
			{"named and in the group", member("org-b"), []string{"198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.6"}},
			{"named for CLEAR", member("org-c"), []string{"198.51.100.3", "198.51.100.5", "198.51.100.6"}},
			{"any member", member("org-d"), []string{"198.51.100.3", "198.51.100.6"}},
			{"expert of a member", expert, []string{"198.51.100.3"}},
		}
		stored := storedSharing(t, st, creator)
		for _, r := range readers {
			t.Run(r.name, func(t *testing.T) {
				groups, err := st.GroupsOf(ctx, r.a.OrgID)
				if err != nil {
					t.Fatal(err)
				}
				var may []string
				for id, o := range stored {
					if access.CanSeeIntel(r.a, groups, access.Intel{OrgID: o.OrgID, TLP: o.Sharing.TLP, Members: o.Sharing.Members, Groups: o.Sharing.Groups, Orgs: o.Sharing.Orgs}) {
						may = append(may, id)
					}
				}
				sort.Strings(may)
				checkSTIXExport(t, st, r.a, may)
				checkCSVExport(t, st, r.a, may, r.values)
				checkMISPExport(t, st, r.a, stored, may)
			})
		}
	})
}

// storedSharing is every stored object as its creator sees it, by id.
func storedSharing(t *testing.T, st *intel.Store, creator access.Actor) map[string]intel.Object {
	t.Helper()
	out := map[string]intel.Object{}
	err := eachPage(context.Background(), st, creator, intel.Filter{Versions: []string{"all"}}, func(objs []intel.Object) error {
		for _, o := range objs {
			out[o.ID] = o
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func checkSTIXExport(t *testing.T, st *intel.Store, a access.Actor, may []string) {
	t.Helper()
	var got []string
	for _, raw := range bundleObjects(t, exportBytes(t, st, a, STIX, intel.Filter{Versions: []string{"all"}})) {
		if id := keyOf(t, raw).ID; !stix.IsTLPMarking(id) && !slices.Contains(got, id) {
			got = append(got, id)
		}
	}
	sort.Strings(got)
	if !slices.Equal(got, may) {
		t.Errorf("STIX export:\n got %q\nwant %q", got, may)
	}
}

func checkCSVExport(t *testing.T, st *intel.Store, a access.Actor, may, values []string) {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(exportBytes(t, st, a, CSV, intel.Filter{}))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs[1:] {
		if !slices.Contains(may, r[3]) {
			t.Errorf("CSV export holds %s (%s), which the reader may not see", r[3], r[1])
		}
		if strings.HasPrefix(r[1], "198.51.100.") {
			got = append(got, r[1])
		}
	}
	sort.Strings(got)
	if !slices.Equal(got, values) {
		t.Errorf("CSV export values:\n got %q\nwant %q", got, values)
	}
}

// checkMISPExport looks for the UUID of every object the reader may not
// see anywhere in the MISP export: as an attribute, an event or a reference.
func checkMISPExport(t *testing.T, st *intel.Store, a access.Actor, stored map[string]intel.Object, may []string) {
	t.Helper()
	out := string(exportBytes(t, st, a, MISP, intel.Filter{}))
	for id := range stored {
		_, uuid, _ := strings.Cut(id, "--")
		if !slices.Contains(may, id) && strings.Contains(out, uuid) {
			t.Errorf("MISP export names %s, which the reader may not see", id)
		}
	}
	if len(may) > 0 && out == "" {
		t.Error("MISP export is empty")
	}
}
