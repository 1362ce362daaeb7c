package api_test

import (
	"bytes"
	"encoding/json"
	"mime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"atalaya/internal/api"
)

// specURL is where the schema compiler files the OpenAPI document; refs
// inside it ("#/components/schemas/…") resolve against it.
const specURL = "https://atalaya.example/api/v1/openapi.json"

// spec is the parsed OpenAPI document and its compiled schemas, shared by
// every test of the package.
type spec struct {
	doc map[string]any

	mu       sync.Mutex
	compiler *jsonschema.Compiler
	schemas  map[string]*jsonschema.Schema // by JSON pointer
}

var (
	specOnce sync.Once
	theSpec  *spec
	specErr  error
)

func loadSpec(t *testing.T) *spec {
	t.Helper()
	specOnce.Do(func() {
		s := &spec{compiler: jsonschema.NewCompiler(), schemas: map[string]*jsonschema.Schema{}}
		if specErr = json.Unmarshal(api.OpenAPI(), &s.doc); specErr != nil {
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(api.OpenAPI()))
		if err != nil {
			specErr = err
			return
		}
		s.compiler.DefaultDraft(jsonschema.Draft2020)
		specErr = s.compiler.AddResource(specURL, doc)
		theSpec = s
	})
	if specErr != nil {
		t.Fatalf("loading openapi.json: %v", specErr)
	}
	return theSpec
}

// at returns the object at a JSON pointer into the document.
func (s *spec) at(pointer string) (map[string]any, bool) {
	var cur any = s.doc
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "#/"), "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[tok]; !ok {
			return nil, false
		}
	}
	m, ok := cur.(map[string]any)
	return m, ok
}

// resolve follows a $ref object to what it names, returning the object and
// its pointer.
func (s *spec) resolve(obj map[string]any, pointer string) (map[string]any, string, bool) {
	for i := 0; i < 10; i++ {
		ref, isRef := obj["$ref"].(string)
		if !isRef {
			return obj, pointer, true
		}
		next, ok := s.at(ref)
		if !ok {
			return nil, ref, false
		}
		obj, pointer = next, ref
	}
	return nil, pointer, false
}

// schema compiles (once) the schema at pointer.
func (s *spec) schema(t *testing.T, pointer string) *jsonschema.Schema {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if sch, ok := s.schemas[pointer]; ok {
		return sch
	}
	sch, err := s.compiler.Compile(specURL + pointer)
	if err != nil {
		t.Fatalf("compiling schema %s: %v", pointer, err)
	}
	s.schemas[pointer] = sch
	return sch
}

// escape makes a path a JSON pointer token.
func escape(s string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(s) }

// operation finds the documented path template that matches path and the
// pointer of its operation for method. Where several match, the one with
// the fewest wildcards wins, as in net/http: /intel/objects before
// /intel/{id}.
func (s *spec) operation(method, path string) (template, pointer string, ok bool) {
	path, _, _ = strings.Cut(path, "?")
	paths, _ := s.doc["paths"].(map[string]any)
	best := -1
	for tpl := range paths {
		if n := strings.Count(tpl, "{"); matchTemplate(tpl, path) && (best < 0 || n < best) {
			template, best = tpl, n
		}
	}
	if best < 0 {
		return "", "", false
	}
	pointer = "#/paths/" + escape(template) + "/" + strings.ToLower(method)
	_, ok = s.at(pointer)
	return template, pointer, ok
}

// matchTemplate reports whether path fits an OpenAPI path template, each
// {name} standing for one non-empty segment.
func matchTemplate(tpl, path string) bool {
	ts, ps := strings.Split(tpl, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i := range ts {
		if strings.HasPrefix(ts[i], "{") && strings.HasSuffix(ts[i], "}") {
			if ps[i] == "" {
				return false
			}
		} else if ts[i] != ps[i] {
			return false
		}
	}
	return true
}

// checkDocumented fails the test unless the document describes the answer:
// its operation, its status, its content type and its body.
func checkDocumented(t *testing.T, method, path string, a answer) {
	t.Helper()
	s := loadSpec(t)
	tpl, op, ok := s.operation(method, path)
	if !ok {
		t.Fatalf("%s %s: no documented operation", method, path)
	}
	code := strconv.Itoa(a.status)
	respPtr := op + "/responses/" + code
	resp, ok := s.at(respPtr)
	if !ok {
		t.Fatalf("%s %s: status %d is not documented (body %s)", method, tpl, a.status, a.body)
	}
	resp, respPtr, ok = s.resolve(resp, respPtr)
	if !ok {
		t.Fatalf("%s %s %d: unresolvable response $ref %s", method, tpl, a.status, respPtr)
	}
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		if len(a.body) != 0 {
			t.Fatalf("%s %s %d: documented without a body, got %s", method, tpl, a.status, a.body)
		}
		return
	}
	mt, _, _ := mime.ParseMediaType(a.header.Get("Content-Type"))
	if _, ok := content[mt]; !ok {
		t.Fatalf("%s %s %d: Content-Type %q is not documented", method, tpl, a.status, mt)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(a.body))
	if err != nil {
		t.Fatalf("%s %s %d: body is not JSON: %v: %s", method, tpl, a.status, err, a.body)
	}
	sch := s.schema(t, respPtr+"/content/"+escape(mt)+"/schema")
	if err := sch.Validate(v); err != nil {
		t.Fatalf("%s %s %d: body does not match the documented schema: %v\nbody: %s", method, tpl, a.status, err, a.body)
	}
}

// checkRequestDocumented fails the test when a body the API accepted does
// not match the request schema the document declares, or when the API
// took a body the document does not mention.
func checkRequestDocumented(t *testing.T, method, path string, body []byte) {
	t.Helper()
	s := loadSpec(t)
	tpl, op, ok := s.operation(method, path)
	if !ok {
		t.Fatalf("%s %s: no documented operation", method, path)
	}
	rb, ok := s.at(op + "/requestBody")
	if !ok {
		if len(body) != 0 {
			t.Fatalf("%s %s: accepted a body, but the document declares none", method, tpl)
		}
		return
	}
	if len(body) == 0 {
		if rb["required"] == true {
			t.Fatalf("%s %s: accepted no body, but the document requires one", method, tpl)
		}
		return
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s %s: accepted a body that is not JSON: %s", method, tpl, body)
	}
	sch := s.schema(t, op+"/requestBody/content/application~1json/schema")
	if err := sch.Validate(v); err != nil {
		t.Fatalf("%s %s: accepted a body that the request schema refuses: %v\nbody: %s", method, tpl, err, body)
	}
}
