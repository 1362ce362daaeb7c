package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"atalaya/internal/valid"
)

type contact struct {
	Email string `json:"email"`
}

type teamInput struct {
	Name    string     `json:"name"`
	Size    int        `json:"size"`
	Active  bool       `json:"active"`
	Contact contact    `json:"contact"`
	Tags    []string   `json:"tags"`
	Since   *time.Time `json:"since"`
}

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		max         int64
		wantStatus  int    // a *StatusError's status, or 0
		wantField   string // a *valid.Error's field, or ""
		wantCode    string
		wantArgs    map[string]any
		want        teamInput
	}{
		{name: "good", contentType: "application/json", body: `{"name":"CSIRT-X","size":3,"contact":{"email":"a@b.c"}}`,
			want: teamInput{Name: "CSIRT-X", Size: 3, Contact: contact{Email: "a@b.c"}}},
		{name: "charset and trailing space", contentType: "application/json; charset=utf-8", body: "{\"name\":\"x\"}\n  ", want: teamInput{Name: "x"}},
		{name: "+json type", contentType: "application/merge-patch+json", body: `{"active":true}`, want: teamInput{Active: true}},
		{name: "form content type", contentType: "application/x-www-form-urlencoded", body: `{}`, wantStatus: 415},
		{name: "no content type", contentType: "", body: `{}`, wantStatus: 415},
		{name: "text/json is not json", contentType: "text/plain", body: `{}`, wantStatus: 415},
		{name: "too large", contentType: "application/json", body: `{"name":"` + strings.Repeat("a", 100) + `"}`, max: 50, wantStatus: 413},
		{name: "too large after a value", contentType: "application/json", body: `{}` + strings.Repeat(" ", 100) + `{}`, max: 50, wantStatus: 413},
		{name: "empty", contentType: "application/json", body: ``, wantField: "body", wantCode: "json.empty"},
		{name: "syntax error", contentType: "application/json", body: `{"name": x}`, wantField: "body", wantCode: "json.syntax", wantArgs: map[string]any{"Offset": int64(10)}},
		{name: "truncated", contentType: "application/json", body: `{"name": "x"`, wantField: "body", wantCode: "json.syntax", wantArgs: map[string]any{"Offset": int64(12)}},
		{name: "unknown field", contentType: "application/json", body: `{"name":"x","colour":"red"}`, wantField: "colour", wantCode: "json.unknown_field"},
		{name: "wrong type", contentType: "application/json", body: `{"size":"three"}`, wantField: "size", wantCode: "json.type", wantArgs: map[string]any{"Expected": "number", "Got": "string"}},
		{name: "wrong type nested", contentType: "application/json", body: `{"contact":{"email":5}}`, wantField: "contact.email", wantCode: "json.type", wantArgs: map[string]any{"Expected": "string", "Got": "number"}},
		{name: "array instead of object", contentType: "application/json", body: `[1,2]`, wantField: "body", wantCode: "json.type", wantArgs: map[string]any{"Expected": "object", "Got": "array"}},
		{name: "bad time", contentType: "application/json", body: `{"since":"yesterday"}`, wantField: "body", wantCode: "json.value"},
		{name: "two values", contentType: "application/json", body: `{"name":"a"} {"name":"b"}`, wantField: "body", wantCode: "json.trailing"},
		{name: "trailing garbage", contentType: "application/json", body: `{"name":"a"}]`, wantField: "body", wantCode: "json.trailing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got teamInput
			var err error
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				err = DecodeJSON(w, r, &got, tc.max)
			}))
			defer srv.Close()
			req, _ := http.NewRequest("POST", srv.URL, strings.NewReader(tc.body))
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			res, rerr := http.DefaultClient.Do(req)
			if rerr != nil {
				t.Fatal(rerr)
			}
			res.Body.Close()
			checkDecodeError(t, err, tc.wantStatus, tc.wantField, tc.wantCode, tc.wantArgs)
			if err == nil && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("decoded %+v, want %+v", got, tc.want)
			}
		})
	}
}

func checkDecodeError(t *testing.T, err error, wantStatus int, wantField, wantCode string, wantArgs map[string]any) {
	t.Helper()
	var se *StatusError
	var ve *valid.Error
	switch {
	case wantStatus != 0:
		if !errors.As(err, &se) || se.Status != wantStatus {
			t.Fatalf("err = %v, want status %d", err, wantStatus)
		}
		if p := ProblemFromError(err); p.Status != wantStatus {
			t.Errorf("problem status = %d, want %d", p.Status, wantStatus)
		}
	case wantCode != "":
		if !errors.As(err, &ve) || ve.Field != wantField || ve.Code != wantCode {
			t.Fatalf("err = %#v, want field %q code %q", err, wantField, wantCode)
		}
		if wantArgs != nil && !reflect.DeepEqual(ve.Args, wantArgs) {
			t.Errorf("args = %#v, want %#v", ve.Args, wantArgs)
		}
		if ve.Message == "" {
			t.Error("no English message")
		}
		if p := ProblemFromError(err); p.Status != 422 || p.Errors[0].Field != wantField {
			t.Errorf("problem = %+v, want 422 on %s", p, wantField)
		}
	case err != nil:
		t.Fatalf("err = %v, want none", err)
	}
}

func TestDecodeJSONNotAPointer(t *testing.T) {
	req := httptest.NewRequest("POST", "/", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	err := DecodeJSON(httptest.NewRecorder(), req, teamInput{}, 0)
	if err == nil || valid.List(err) != nil || ProblemFromError(err).Status != 500 {
		t.Fatalf("err = %v, want a programming error (500)", err)
	}
}

func TestWriteJSON(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		v          any
		wantStatus int
		wantBody   string
		wantErr    bool
	}{
		{"object", 201, map[string]any{"id": "x1", "n": 2}, 201, `{"id":"x1","n":2}`, false},
		{"html escaped", 200, []string{"<script>"}, 200, `["\u003cscript\u003e"]`, false},
		{"unencodable", 200, map[string]any{"f": func() {}}, 500, `{"type":"about:blank","title":"Internal Server Error","status":500}`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				err = WriteJSON(w, tc.status, tc.v)
			}))
			defer srv.Close()
			status, body := get(t, srv.URL)
			if status != tc.wantStatus || body != tc.wantBody {
				t.Errorf("got %d %s, want %d %s", status, body, tc.wantStatus, tc.wantBody)
			}
			if (err != nil) != tc.wantErr {
				t.Errorf("err = %v, want error: %v", err, tc.wantErr)
			}
		})
	}
}
