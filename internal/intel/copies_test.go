package intel

import (
	"encoding/json"
	"strings"
	"testing"

	"atalaya/internal/access"
)

// TestPutOthersCopies: a second organisation importing public objects the
// first stored finds them Existing, and nothing changes; anything but an
// unchanged copy of what it already sees is refused, alike whatever the
// reason.
func TestPutOthersCopies(t *testing.T) {
	objs := readBundle(t, "stix", "examples", "oasis-cti-documentation", "indicator-for-malicious-url.json")
	each(t, func(t *testing.T, s *Store) {
		a, b := analyst("org-a"), analyst("org-b")
		clear := Sharing{TLP: access.TLPClear, Members: true}
		first := mustPut(t, s, a, clear, objs...)
		if len(first.Accepted) != len(objs) {
			t.Fatalf("a's import: %+v", first)
		}
		before := snapshot(t, s, a)
		// B asks for another sharing: were the copies stored again, the
		// TLP would turn AMBER and org-d would be named.
		again, err := s.Put(ctx, b, objs, PutOptions{Sharing: Sharing{TLP: access.TLPAmber, Orgs: []string{"org-d"}}, Source: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Existing) != len(objs) || len(again.Accepted) != 0 || len(again.Refused) != 0 {
			t.Fatalf("b's import of the same file: %+v", again)
		}
		for i, r := range again.Existing {
			if r != first.Accepted[i] {
				t.Errorf("existing %+v, stored %+v", r, first.Accepted[i])
			}
		}
		if after := snapshot(t, s, a); after != before {
			t.Errorf("b's import changed what is stored:\nbefore %s\nafter  %s", before, after)
		}

		ind := objs[0]
		var props map[string]any
		if err := json.Unmarshal(ind, &props); err != nil {
			t.Fatal(err)
		}
		reordered := reorder(t, props)
		props["description"] = "Changed, same version."
		changed, _ := json.Marshal(props)
		props["modified"], props["description"] = "2024-01-01T00:00:00.000Z", "A new version."
		newer, _ := json.Marshal(props)
		red := indicator("RED to org-c", "[ipv4-addr:value = '198.51.100.66']")
		mustPut(t, s, a, Sharing{TLP: access.TLPRed, Orgs: []string{"org-c"}}, red)
		g, err := s.CreateGroup(ctx, admin("org-a"), Group{Name: "A and B", Orgs: []string{"org-b"}})
		if err != nil {
			t.Fatal(err)
		}
		grouped := indicator("AMBER to the group", "[ipv4-addr:value = '198.51.100.67']")
		mustPut(t, s, a, Sharing{TLP: access.TLPAmber, Groups: []string{g.ID}}, grouped)

		cases := []struct {
			name     string
			actor    access.Actor
			obj      json.RawMessage
			existing bool
		}{
			{"same object, other white space and order", b, reordered, true},
			{"shared with b's group", b, grouped, true},
			{"modified version", b, newer, false},
			{"same version, other content", b, changed, false},
			{"TLP:RED to org-c only", b, red, false},
			{"shared with a group org-d is not in", analyst("org-d"), grouped, false},
		}
		var refusals []string
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				rep, err := s.Put(ctx, tc.actor, []json.RawMessage{tc.obj}, PutOptions{Sharing: clear, Source: "test"})
				if err != nil {
					t.Fatal(err)
				}
				if tc.existing {
					if len(rep.Existing) != 1 || len(rep.Refused) != 0 || len(rep.Accepted) != 0 {
						t.Errorf("report %+v, want existing", rep)
					}
					return
				}
				if len(rep.Refused) != 1 || len(rep.Existing) != 0 || len(rep.Accepted) != 0 {
					t.Fatalf("report %+v, want refused", rep)
				}
				r := rep.Refused[0]
				if r.Code != CodeNotOwner || r.ID != idOf(t, tc.obj) {
					t.Errorf("refusal %+v", r)
				}
				// Whatever the reason, the refusal reads the same.
				refusals = append(refusals, r.Field+" "+r.Code+" "+r.Message)
			})
		}
		for _, r := range refusals[1:] {
			if r != refusals[0] {
				t.Errorf("refusals differ: %q and %q", r, refusals[0])
			}
		}
		if _, err := s.Get(ctx, b, idOf(t, red)); err != ErrNotFound {
			t.Errorf("b sees the RED object after posting it: %v", err)
		}
		if o, err := s.Get(ctx, a, idOf(t, ind)); err != nil || o.Version != "2014-06-29T13:49:37.079Z" || o.OrgID != "org-a" {
			t.Errorf("a's indicator after b's attempts: %+v %v", o, err)
		}
	})
}

// snapshot writes every stored version with its owner and sharing, as the
// creator sees them.
func snapshot(t *testing.T, s *Store, a access.Actor) string {
	t.Helper()
	p, err := s.List(ctx, a, Filter{Versions: []string{"all"}, Limit: MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, o := range p.Objects {
		sh, _ := json.Marshal(o.Sharing)
		b.WriteString(o.ID + " " + o.Version + " " + o.OrgID + " " + o.CreatedBy + " " + o.Added.String() + " " + string(sh) + "\n")
	}
	return b.String()
}

// reorder writes an object's properties in reverse order, indented.
func reorder(t *testing.T, props map[string]any) json.RawMessage {
	t.Helper()
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	var b strings.Builder
	b.WriteString("{\n")
	for i := len(keys) - 1; i >= 0; i-- {
		k, _ := json.Marshal(keys[i])
		v, _ := json.MarshalIndent(props[keys[i]], "  ", "    ")
		b.WriteString("  " + string(k) + " :  " + string(v))
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("}")
	return json.RawMessage(b.String())
}

func TestSameJSON(t *testing.T) {
	cases := []struct {
		name string
		a, b string
		want bool
	}{
		{"identical", `{"a":1}`, `{"a":1}`, true},
		{"white space and order", `{"a":1,"b":[true,null]}`, "{ \"b\" : [ true , null ] ,\n \"a\" : 1 }", true},
		{"number spelling", `[1, 1.0, 10e-1, 0.1e1, -0, 120, 1.5E+2]`, `[1, 1, 1, 1, 0, 1.2e2, 150]`, true},
		{"escaped string", `{"a":"\u00e9"}`, `{"a":"é"}`, true},
		{"other number", `{"a":1}`, `{"a":1.0000000000000000001}`, false},
		{"large integers differ", `[12345678901234567890]`, `[12345678901234567891]`, false},
		{"huge exponent", `[1e999999999999]`, `[1e999999999999]`, true},
		{"number and string", `{"a":1}`, `{"a":"1"}`, false},
		{"array order counts", `[1,2]`, `[2,1]`, false},
		{"extra property", `{"a":1}`, `{"a":1,"b":null}`, false},
		{"missing property", `{"a":1,"b":2}`, `{"a":1,"c":2}`, false},
		{"not JSON", `{"a":`, `{"a":`, false},
		{"two values", `{} {}`, `{}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := sameJSON([]byte(tc.a), []byte(tc.b)); got != tc.want {
				t.Errorf("sameJSON(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
			if got := sameJSON([]byte(tc.b), []byte(tc.a)); got != tc.want {
				t.Errorf("sameJSON(%s, %s) = %v, want %v", tc.b, tc.a, got, tc.want)
			}
		})
	}
}

// FuzzSameJSON: any JSON text equals itself and its compacted and
// re-encoded forms, and the comparison never panics.
func FuzzSameJSON(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":[1.0,"x",null,true]}`, `[1e5, -0.0, 12345678901234567890]`, `"\u00e9"`, `{`, `1e99999999999999999999`} {
		f.Add([]byte(s), []byte(s))
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		_ = sameJSON(a, b)
		v, ok := decodeJSON(a)
		if !ok {
			return
		}
		if !sameJSON(a, a) {
			t.Fatalf("%q differs from itself", a)
		}
		again, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("re-encoding %q: %v", a, err)
		}
		if !sameJSON(a, again) {
			t.Fatalf("%q differs from its re-encoding %q", a, again)
		}
	})
}
