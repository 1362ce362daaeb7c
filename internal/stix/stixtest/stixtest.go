// Package stixtest checks in tests that STIX content validates against the
// OASIS STIX 2.1 JSON schemas (../shared/testdata/stix/cti-stix2-json-schemas),
// read from disk with no network: what the intel store, MISP export and the
// TAXII server emit must pass.
package stixtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"atalaya/internal/sharedtest"
)

// schemaBase is the $id prefix of the OASIS schemas; loaderBases are the
// prefixes their references may use.
const schemaBase = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"

var loaderBases = []string{schemaBase, "https://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"}

// SchemaValidator validates STIX objects and bundles against the OASIS
// schemas. It is safe for concurrent use once built.
type SchemaValidator struct {
	dir     string
	schemas map[string]*jsonschema.Schema // by path under schemas/, "sdos/indicator.json"
}

// Validator compiles the OASIS STIX 2.1 schemas, skipping the test when the
// shared test data is absent.
func Validator(t testing.TB) *SchemaValidator {
	t.Helper()
	v, err := NewSchemaValidator(sharedtest.Path(t, "stix", "cti-stix2-json-schemas", "schemas"))
	if err != nil {
		t.Fatalf("compiling the OASIS STIX schemas: %v", err)
	}
	return v
}

// NewSchemaValidator compiles every schema under dir (the "schemas" folder
// of cti-stix2-json-schemas).
func NewSchemaValidator(dir string) (*SchemaValidator, error) {
	c := jsonschema.NewCompiler()
	c.UseLoader(localLoader{dir: dir})
	v := &SchemaValidator{dir: dir, schemas: map[string]*jsonschema.Schema{}}
	for _, sub := range []string{"common", "sdos", "sros", "observables"} {
		files, err := filepath.Glob(filepath.Join(dir, sub, "*.json"))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			rel := sub + "/" + filepath.Base(f)
			sch, err := c.Compile(schemaBase + rel)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", rel, err)
			}
			v.schemas[rel] = sch
		}
	}
	if len(v.schemas) == 0 {
		return nil, fmt.Errorf("no schemas under %s", dir)
	}
	return v, nil
}

// localLoader maps the schemas' raw.githubusercontent.com URLs to the files
// on disk, so compiling needs no network.
type localLoader struct{ dir string }

// Load reads the local copy of a schema URL.
func (l localLoader) Load(url string) (any, error) {
	for _, base := range loaderBases {
		if rel, ok := strings.CutPrefix(url, base); ok {
			f, err := os.Open(filepath.Join(l.dir, filepath.FromSlash(rel)))
			if err != nil {
				return nil, err
			}
			defer f.Close()
			return jsonschema.UnmarshalJSON(f)
		}
	}
	return nil, fmt.Errorf("no local copy of %s (the validator does not fetch schemas)", url)
}

// scoTypes are the STIX 2.1 SCO types, which have a schema under
// observables/.
var scoTypes = map[string]bool{
	"artifact": true, "autonomous-system": true, "directory": true, "domain-name": true,
	"email-addr": true, "email-message": true, "file": true, "ipv4-addr": true,
	"ipv6-addr": true, "mac-addr": true, "mutex": true, "network-traffic": true,
	"process": true, "software": true, "url": true, "user-account": true,
	"windows-registry-key": true, "x509-certificate": true,
}

// SchemaFor returns the schema (path under schemas/) an object of typ is
// checked against. Types without a schema of their own (custom objects such
// as x-mitre-tactic) are checked against common/core.json only, and
// Custom is true.
func (v *SchemaValidator) SchemaFor(typ string) (path string, custom bool) {
	switch typ {
	case "relationship", "sighting":
		return "sros/" + typ + ".json", false
	case "marking-definition", "extension-definition", "language-content", "bundle":
		return "common/" + typ + ".json", false
	}
	if scoTypes[typ] {
		return "observables/" + typ + ".json", false
	}
	if _, ok := v.schemas["sdos/"+typ+".json"]; ok {
		return "sdos/" + typ + ".json", false
	}
	return "common/core.json", true
}

// Object validates one STIX object against the schema of its type.
func (v *SchemaValidator) Object(raw []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return fmt.Errorf("not a JSON object")
	}
	typ, _ := m["type"].(string)
	if typ == "" {
		return fmt.Errorf("the object has no type")
	}
	path, _ := v.SchemaFor(typ)
	sch := v.schemas[path]
	if sch == nil {
		return fmt.Errorf("no schema %s", path)
	}
	if err := sch.Validate(doc); err != nil {
		return fmt.Errorf("%s %v against %s: %w", typ, m["id"], path, err)
	}
	return nil
}

// Bundle validates a bundle: its envelope against common/bundle.json's own
// properties, then every object against the schema of its type (the bundle
// schema's anyOf over all types gives unreadable errors, and rejects custom
// objects the specification allows).
func (v *SchemaValidator) Bundle(raw []byte) error {
	var b struct {
		Type    string            `json:"type"`
		ID      string            `json:"id"`
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		return fmt.Errorf("not a bundle: %w", err)
	}
	env, _ := json.Marshal(map[string]any{"type": b.Type, "id": b.ID})
	doc, _ := jsonschema.UnmarshalJSON(bytes.NewReader(env))
	if err := v.schemas["common/bundle.json"].Validate(doc); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	var errs []string
	for i, o := range b.Objects {
		if err := v.Object(o); err != nil {
			errs = append(errs, fmt.Sprintf("objects[%d]: %v", i, err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%d of %d objects do not validate:\n%s", len(errs), len(b.Objects), strings.Join(errs, "\n"))
	}
	return nil
}
