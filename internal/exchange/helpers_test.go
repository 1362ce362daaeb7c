package exchange

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/audit"
	"atalaya/internal/directory"
	"atalaya/internal/intel"
	"atalaya/internal/store"
	"atalaya/internal/store/storetest"
)

// migrations are the schemas an intel store needs: intel audits every
// change, and its tables may refer to the directory's organisations.
func migrations() []store.Migrations {
	return []store.Migrations{audit.Migrations(), directory.Migrations(), intel.Migrations()}
}

// eachStore runs fn on a fresh intel store over each engine.
func eachStore(t *testing.T, fn func(t *testing.T, st *intel.Store)) {
	t.Helper()
	storetest.Each(t, migrations(), func(t *testing.T, db *store.DB) {
		fn(t, intel.New(db, intel.Options{}))
	})
}

// freshStore returns a new intel store on the same engine as the test
// names ("sqlite" or "postgres" in its path), for a test that needs several.
func freshStore(t *testing.T, postgres bool) *intel.Store {
	t.Helper()
	if postgres {
		return intel.New(storetest.Postgres(t, migrations()), intel.Options{})
	}
	return intel.New(storetest.SQLite(t, migrations()), intel.Options{})
}

// eachEngine runs fn once per engine with a constructor of fresh stores on
// that engine, for tests that need a store per sample.
func eachEngine(t *testing.T, fn func(t *testing.T, fresh func(t *testing.T) *intel.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, func(t *testing.T) *intel.Store { return freshStore(t, false) }) })
	t.Run("postgres", func(t *testing.T) { fn(t, func(t *testing.T) *intel.Store { return freshStore(t, true) }) })
}

// member is an analyst-and-admin of organisation org: may share, create
// sharing groups and see what reaches the organisation.
func member(org string) access.Actor {
	return access.Actor{UserID: "user-" + org, Name: "analyst@" + org + ".example", OrgID: org,
		Roles: []access.Role{access.TeamAdmin, access.Analyst}}
}

// readFile reads a test file or fails.
func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// importBytes imports a document and fails the test on a document error.
func importBytes(t *testing.T, st *intel.Store, a access.Actor, data []byte, opt ImportOptions) Report {
	t.Helper()
	rep, err := ImportWithNotes(context.Background(), st, a, bytes.NewReader(data), opt)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return rep
}

// exportBytes exports with f as a and returns the document.
func exportBytes(t *testing.T, st *intel.Store, a access.Actor, format Format, f intel.Filter) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := Export(context.Background(), st, a, &buf, ExportOptions{Format: format, Filter: f}); err != nil {
		t.Fatalf("export %s: %v", format, err)
	}
	return buf.Bytes()
}

// bundleObjects reads the objects of an exported bundle.
func bundleObjects(t *testing.T, data []byte) []json.RawMessage {
	t.Helper()
	var b struct {
		Type    string            `json:"type"`
		ID      string            `json:"id"`
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatalf("export is not JSON: %v\n%.500s", err, data)
	}
	if b.Type != "bundle" || b.ID == "" {
		t.Fatalf("export is not a bundle: type %q id %q", b.Type, b.ID)
	}
	return b.Objects
}

// objectKey is id and version of a STIX object: what identifies one
// version of it.
type objectKey struct{ ID, Version string }

// keyOf reads the id and version (modified, else created) of an object.
func keyOf(t *testing.T, raw json.RawMessage) objectKey {
	t.Helper()
	var o struct {
		ID       string `json:"id"`
		Created  string `json:"created"`
		Modified string `json:"modified"`
	}
	if err := json.Unmarshal(raw, &o); err != nil {
		t.Fatalf("object is not JSON: %v", err)
	}
	v := o.Modified
	if v == "" {
		v = o.Created
	}
	return objectKey{o.ID, v}
}

// byKey indexes objects by id and version.
func byKey(t *testing.T, objs []json.RawMessage) map[objectKey]json.RawMessage {
	t.Helper()
	m := make(map[objectKey]json.RawMessage, len(objs))
	for _, o := range objs {
		m[keyOf(t, o)] = o
	}
	return m
}

// jsonEqual compares two JSON documents by meaning: key order and
// spacing do not count, values do.
func jsonEqual(t *testing.T, a, b json.RawMessage) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	return reflect.DeepEqual(x, y)
}

// ids of a report's refs, sorted, for messages and filters.
func refIDs(refs ...[]intel.Ref) []string {
	seen := map[string]bool{}
	var out []string
	for _, rs := range refs {
		for _, r := range rs {
			if !seen[r.ID] {
				seen[r.ID] = true
				out = append(out, r.ID)
			}
		}
	}
	sort.Strings(out)
	return out
}
