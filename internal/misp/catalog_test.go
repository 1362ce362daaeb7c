package misp

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"

	"atalaya/internal/i18n"
	"atalaya/internal/valid"
)

// TestCatalogMessages provokes every code this package returns and renders
// it in every language with the Args it came with: a code without a message,
// or a message naming an Arg the code does not give, fails.
func TestCatalogMessages(t *testing.T) {
	parse := func(doc string) error { _, err := ParseEvent(strings.NewReader(doc)); return err }
	feed := func(files map[string]string) error {
		fsys := fstest.MapFS{}
		for k, v := range files {
			fsys[k] = &fstest.MapFile{Data: []byte(v)}
		}
		_, _, err := ReadFeed(fsys)
		return err
	}
	const id = "11111111-2222-4333-8444-555555555555"
	provoked := map[string]error{
		CodeJSON:        parse(`{`),
		CodeJSONType:    parse(`{"info":[]}`),
		CodeNumber:      parse(`{"info":"x","timestamp":"x"}`),
		CodeBool:        parse(`{"info":"x","published":"x"}`),
		CodeRequired:    parse(`{"info":"x","Attribute":[{"type":"x"}]}`),
		CodeRange:       parse(`{"info":"x","analysis":9}`),
		CodeNotEvent:    parse(`{"name":"x"}`),
		CodeOneEvent:    parse(`[]`),
		CodeFeedMissing: feed(map[string]string{"manifest.json": `{"` + id + `":{}}`}),
		CodeFeedUUID:    feed(map[string]string{"manifest.json": `{"` + id + `":{}}`, id + ".json": `{"info":"x","uuid":"1111"}`}),
		CodeFeedKey:     feed(map[string]string{"manifest.json": `{"x":{}}`}),
		CodeFeedEventID: WriteFeed(t.TempDir(), []*Event{{}}),
		CodeWarningList: func() error {
			_, err := LoadWarningLists(fstest.MapFS{"lists/x/list.json": {Data: []byte(`{"type":"cidr","list":["x"]}`)}})
			return err
		}(),
		CodeSTIX: func() error { _, err := FromSTIX([]json.RawMessage{json.RawMessage(`{}`)}); return err }(),
	}
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	for code, err := range provoked {
		var found *valid.Error
		for _, e := range valid.List(err) {
			if e.Code == code {
				found = e
			}
		}
		if found == nil {
			t.Errorf("%s: not provoked (err = %v)", code, err)
			continue
		}
		for _, lang := range i18n.Languages() {
			msg := bundle.For(lang).Invalid(found)
			if msg == found.Message || strings.Contains(msg, "<no value>") || msg == "invalid."+code {
				t.Errorf("%s in %s: %q", code, lang, msg)
			}
		}
	}
	for d := Distribution(Unset); d <= 6; d++ {
		for _, lang := range i18n.Languages() {
			if msg := bundle.For(lang).T(d.Key()); msg == d.Key() {
				t.Errorf("%s has no message in %s", d.Key(), lang)
			}
		}
	}
}
