package intel

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/sharedtest"
	"atalaya/internal/stix"
)

// readBundle reads a STIX bundle from the shared test data; a file holding
// one bare object (one OASIS example does) gives that object.
func readBundle(t testing.TB, rel ...string) []json.RawMessage {
	t.Helper()
	data, err := os.ReadFile(sharedtest.Path(t, rel...))
	if err != nil {
		t.Fatal(err)
	}
	if env, err := stix.ParseEnvelope(data); err == nil && env.Type != "bundle" {
		return []json.RawMessage{data}
	}
	b, err := stix.ParseBundle(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", filepath.Join(rel...), err)
	}
	return b.Objects
}

// checkStoredAsGiven reads back every object of objs that was stored and
// compares it byte for byte with what was given.
func checkStoredAsGiven(t *testing.T, s *Store, a access.Actor, objs []json.RawMessage) {
	t.Helper()
	p, err := s.List(ctx, a, Filter{Limit: MaxLimit, Versions: []string{"all"}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]json.RawMessage{}
	for _, o := range p.Objects {
		got[o.ID+" "+o.Version] = o.Raw
	}
	for _, raw := range objs {
		env, err := stix.ParseEnvelope(raw)
		if err != nil || stix.IsTLPMarking(env.ID) {
			continue
		}
		if back, ok := got[env.ID+" "+env.Version()]; !ok {
			t.Errorf("%s %s not stored", env.ID, env.Version())
		} else if !jsonEqual(back, raw) {
			t.Errorf("%s changed on the way:\n got %s\nwant %s", env.ID, back, raw)
		}
	}
}

// jsonEqual compares two JSON texts ignoring insignificant white space: an
// object met again in another file (the OASIS examples share identities)
// is Existing, kept as first received.
func jsonEqual(a, b []byte) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return false
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}

func TestPutAttackMobile(t *testing.T) {
	objs := readBundle(t, "stix", "attack", "mobile-attack-17.1.json")
	each(t, func(t *testing.T, s *Store) {
		a := analyst("org-mitre-mirror")
		rep := mustPut(t, s, a, Sharing{TLP: access.TLPClear, Members: true}, objs...)
		if len(rep.Accepted) != len(objs) || len(objs) != 2148 {
			t.Fatalf("accepted %d of %d, existing %d", len(rep.Accepted), len(objs), len(rep.Existing))
		}
		checkStoredAsGiven(t, s, a, objs)
		again := mustPut(t, s, a, Sharing{TLP: access.TLPClear, Members: true}, objs...)
		if len(again.Accepted) != 0 || len(again.Existing) != len(objs) {
			t.Errorf("second import: %d accepted, %d existing", len(again.Accepted), len(again.Existing))
		}
		// Another team importing the same release finds it all there,
		// still the first importer's.
		other, err := s.Put(ctx, analyst("org-b"), objs, PutOptions{Sharing: Sharing{TLP: access.TLPGreen, Members: true}})
		if err != nil {
			t.Fatal(err)
		}
		if len(other.Existing) != len(objs) || len(other.Accepted) != 0 || len(other.Refused) != 0 {
			t.Errorf("another organisation importing the same objects: %d existing, %d accepted, %d refused",
				len(other.Existing), len(other.Accepted), len(other.Refused))
		}
		if p, err := s.List(ctx, a, Filter{OrgID: "org-mitre-mirror", TLPs: []access.TLP{access.TLPClear}, Limit: MaxLimit}); err != nil ||
			len(p.Objects) != len(objs) {
			t.Errorf("after b's import, a owns %d objects at TLP:CLEAR (%v), want %d", len(p.Objects), err, len(objs))
		}
		d := analyst("org-d")
		p, err := s.List(ctx, d, Filter{Types: []string{"attack-pattern"}, Limit: 1000})
		if err != nil || len(p.Objects) != 188 {
			t.Errorf("a member lists %d attack patterns (%v), want 188", len(p.Objects), err)
		}
	})
}

func TestPutOASISExamples(t *testing.T) {
	dir := sharedtest.Path(t, "stix", "examples")
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if len(files) < 15 {
		t.Fatalf("found %d example bundles, want 15", len(files))
	}
	each(t, func(t *testing.T, s *Store) {
		a := analyst("org-a")
		// Named recipients, not all members: two examples are marked
		// TLP:RED, which never goes to all members.
		sh := Sharing{TLP: access.TLPGreen, Orgs: []string{"org-c"}}
		for _, f := range files {
			rel, _ := filepath.Rel(filepath.Dir(dir), f)
			t.Run(filepath.Base(f), func(t *testing.T) {
				objs := readBundle(t, "stix", rel)
				rep, err := s.Put(ctx, a, objs, PutOptions{Sharing: sh, Source: "test"})
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rep.Refused {
					t.Errorf("refused objects[%d] %s: %s %s: %s", r.Index, r.ID, r.Field, r.Code, r.Message)
				}
				if n := len(rep.Accepted) + len(rep.Existing) + len(rep.Refused); n != len(objs) {
					t.Errorf("report covers %d of %d objects", n, len(objs))
				}
				checkStoredAsGiven(t, s, a, objs)
			})
		}
	})
}
